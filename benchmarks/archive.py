"""Archive benchmark: bulk add, size on disk, and check latency (in-process, CLI, HTTP).

Builds an archive of generated articles (``benchmarks/generate.py``), then checks three ~3 KB
drafts against it: a near-copy of an archived article, a draft with two paragraphs copied
from two archived articles, and an unrelated draft (a seed article). Prints figures and the
targets; nothing is asserted. A warm in-process check runs after a first check of the same
draft (imports, word tables and the archive's pages loaded), with the rules' analysis cache
emptied before each timed check, so that no text's analysis is left from the check before,
as a new draft's check would find (the HTTP figures are a server's, whose cache is not emptied).

    python benchmarks/generate.py --docs 100000 --out /tmp/news_100000.jsonl
    python benchmarks/archive.py --corpus /tmp/news_100000.jsonl --db /tmp/news_100k.db

The default (news-mode) corpus reuses text as news does; the figures before it used
``generate.py --mode pool``, where every sentence recurs in more articles as the corpus
grows (docs/archive.md, "Benchmark").

Language identification is off (``--no-language``) unless ``--language`` is given: it is a
per-document cost of its own (langdetect) that the bulk-add figure would otherwise hide.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from itertools import islice
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dedupe import Config  # noqa: E402
from dedupe.archive import Archive  # noqa: E402
from dedupe.archive.check import check  # noqa: E402
from dedupe.rules.base import forget_analyses  # noqa: E402


def read_records(path: str, n: int):
    with open(path, encoding="utf-8") as f:
        for line in islice(f, n):
            yield json.loads(line)


def build(args) -> dict:
    if os.path.exists(args.db):
        raise SystemExit(f"{args.db} exists: remove it or use --skip-build")
    config = Config(detect_language=args.language)
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    with Archive.open(args.db, config) as a:
        result = a.add(read_records(args.corpus, args.docs))
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        info = a.info()
    n = info["documents"]
    return {
        "documents": n, "seconds": wall, "cpu_seconds": cpu, "docs_per_s": n / wall, "docs_per_cpu_s": n / cpu,
        "file_bytes": info["file_bytes"], "text_bytes": info["text_bytes_compressed"],
        "disk_bytes": os.path.getsize(args.db), "runs": info["runs"],
        "bytes_per_doc_beyond_text": (info["file_bytes"] - info["text_bytes_compressed"]) / n,
        "index_keys_per_doc": info["index_keys"] / n, "ngrams": info["word_ngrams"], "added": result.added,
    }


def drafts(args) -> dict:
    """Three ~3 KB drafts made from archived articles (and a seed article)."""
    records = list(read_records(args.corpus, min(args.docs, 5000)))
    rng = np.random.default_rng(3)
    a, b, c = (records[int(i)] for i in rng.choice(len(records), 3, replace=False))
    unrelated = (ROOT / "seeds" / "004_aa100d55972959ab.txt").read_text(encoding="utf-8")
    other = (ROOT / "seeds" / "000_73e56ecfb8db3804.txt").read_text(encoding="utf-8")
    words = a["text"][:3200].split(" ")
    del words[40:52]  # a near-copy: a dozen words dropped, a few changed
    for k in (100, 200, 300):
        if k < len(words):
            words[k] = "edited"
    paras_b, paras_c = b["text"].split("\n\n"), c["text"].split("\n\n")
    two = "\n\n".join([other[:900], paras_b[0][:1000], other[900:1500], paras_c[-1][:1000]])
    return {"near-copy": " ".join(words), "two-paragraphs": two, "unrelated": unrelated[:3200]}


def pct(xs, p) -> float:
    return float(np.percentile(np.asarray(xs) * 1000, p))


def in_process(args, texts: dict) -> dict:
    out = {}
    with Archive.open(args.db, readonly=True) as a:
        a = a.with_settings(rules=not args.no_rules)
        for name, text in texts.items():
            check([("draft", text)], a)  # warm-up
            times, cpu, found = [], [], None
            for _ in range(args.repeat):
                forget_analyses()  # a new draft's check finds no analysis of its texts cached
                t, c = time.perf_counter(), time.process_time()
                r = check([("draft", text)], a)
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
                found = r
            out[name] = {"p50_ms": pct(times, 50), "p95_ms": pct(times, 95), "p99_ms": pct(times, 99),
                         "cpu_p50_ms": pct(cpu, 50), "cpu_p99_ms": pct(cpu, 99),
                         "documents_read": len(found.documents) - 1,
                         "passages": len(found.passages), "clusters": len(found.clusters)}
    return out


RESTART = """
import sys, time, json
t0 = time.perf_counter()
from dedupe.archive import Archive
from dedupe.archive.check import check
a = Archive.open(sys.argv[1], readonly=True).with_settings(rules=sys.argv[3] == "rules")
t1 = time.perf_counter()
check([("draft", open(sys.argv[2], encoding="utf-8").read())], a)
print(json.dumps({"import_open_s": t1 - t0, "first_check_s": time.perf_counter() - t1}))
"""


def after_restart(args, files: dict) -> dict:
    out = {}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for name, path in files.items():
        runs = [json.loads(subprocess.run([sys.executable, "-c", RESTART, args.db, path,
                                           "norules" if args.no_rules else "rules"], env=env, check=True,
                                          capture_output=True, text=True).stdout)
                for _ in range(args.restarts)]
        out[name] = {"first_check_p50_ms": pct([r["first_check_s"] for r in runs], 50),
                     "import_open_p50_ms": pct([r["import_open_s"] for r in runs], 50)}
    return out


def cli(args, files: dict) -> dict:
    out = {}
    dedupe = [sys.executable, "-m", "dedupe"]
    for name, path in files.items():
        times, cpu = [], []
        for _ in range(args.restarts):
            cmd = dedupe + ["check", path, "--archive", args.db, "--json", os.devnull, "--no-html", "-q"]
            t, c = time.perf_counter(), _children_cpu()
            subprocess.run(cmd + (["--no-rules"] if args.no_rules else []), check=True, cwd=ROOT,
                           env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True)
            times.append(time.perf_counter() - t)
            cpu.append(_children_cpu() - c)
        out[name] = {"p50_ms": pct(times, 50), "p99_ms": pct(times, 99), "cpu_p50_ms": pct(cpu, 50)}
    return out


def _children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far: on a shared
    machine the wall time of a whole process says more about the load than about it."""
    t = os.times()
    return t.children_user + t.children_system


def http(args, texts: dict) -> dict:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "dedupe", "serve", "--archive", args.db, "--port", str(port)],
                              cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/health", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        out = {}
        for name, text in texts.items():
            body = json.dumps({"id": "draft", "text": text}).encode()
            times = []
            for k in range(args.repeat + 1):
                req = urllib.request.Request(base + "/check", data=body, method="POST")
                t = time.perf_counter()
                urllib.request.urlopen(req, timeout=120).read()
                if k:  # the first request warms the server
                    times.append(time.perf_counter() - t)
            out[name] = {"p50_ms": pct(times, 50), "p99_ms": pct(times, 99)}
        return out
    finally:
        server.terminate()
        server.wait(timeout=30)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", required=True, help="JSONL from benchmarks/generate.py")
    ap.add_argument("--db", required=True)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--skip-build", action="store_true", help="use the archive at --db as it is")
    ap.add_argument("--repeat", type=int, default=50, help="warm checks per draft (in-process, HTTP)")
    ap.add_argument("--restarts", type=int, default=5, help="fresh processes per draft (restart, CLI)")
    ap.add_argument("--language", action="store_true", help="identify languages while adding")
    ap.add_argument("--no-rules", action="store_true", help="checks without the translation-artifact rules")
    ap.add_argument("--warm-only", action="store_true", help="only the warm in-process checks (no restart, CLI, HTTP)")
    ap.add_argument("--drafts", help="comma-separated: near-copy,two-paragraphs,unrelated (default: all three)")
    args = ap.parse_args(argv)
    load = os.getloadavg()
    print(f"load average before: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores")
    if not args.skip_build:
        b = build(args)
        print(f"bulk add: {b['documents']} docs in {b['seconds']:.1f} s = {b['docs_per_s']:.0f} docs/s wall, "
              f"{b['docs_per_cpu_s']:.0f} docs per CPU-second (one process; target >= 5,000 per core)")
        print(f"on disk: {b['file_bytes'] / 1e6:.1f} MB, compressed text {b['text_bytes'] / 1e6:.1f} MB, "
              f"{b['bytes_per_doc_beyond_text']:.0f} bytes/doc beyond the text (target < 4,096); "
              f"{b['index_keys_per_doc']:.0f} index keys/doc, {b['ngrams']} distinct word 3-grams; "
              f"file on disk {b['disk_bytes'] / 1e6:.1f} MB (with free pages), {b['runs']} index runs")
    texts = drafts(args)
    if args.drafts:
        texts = {name: texts[name] for name in args.drafts.split(",")}
    tmp = Path(tempfile.mkdtemp(prefix="dedupe-archive-bench-"))
    files = {}
    for name, text in texts.items():
        files[name] = str(tmp / f"{name}.txt")
        Path(files[name]).write_text(text, encoding="utf-8")
    rules = "without rules" if args.no_rules else "with rules"
    print(f"\ncheck of one draft ({rules}), ms; targets: in-process warm p50 < 100, p99 < 500; CLI < 1,500")
    warm = in_process(args, texts)
    if args.warm_only:
        nothing = {"first_check_p50_ms": float("nan"), "import_open_p50_ms": float("nan"), "p50_ms": float("nan"),
                   "p99_ms": float("nan"), "cpu_p50_ms": float("nan")}
        cold = whole = web = {name: nothing for name in texts}
    else:
        cold, whole, web = after_restart(args, files), cli(args, files), http(args, texts)
    print(f"{'draft':15} {'chars':>5} {'read':>4} {'pass':>4} {'warm p50':>8} {'warm p95':>8} {'warm p99':>8} "
          f"{'CPU p50':>8} {'CPU p99':>8} {'restart':>8} "
          f"{'CLI p50':>8} {'CLI p99':>8} {'CLI CPU':>8} {'HTTP p50':>8} {'HTTP p99':>8}")
    for name in texts:
        w = warm[name]
        print(f"{name:15} {len(texts[name]):5d} {w['documents_read']:4d} {w['passages']:4d} {w['p50_ms']:8.0f} "
              f"{w['p95_ms']:8.0f} {w['p99_ms']:8.0f} {w['cpu_p50_ms']:8.0f} {w['cpu_p99_ms']:8.0f} "
              f"{cold[name]['first_check_p50_ms']:8.0f} {whole[name]['p50_ms']:8.0f} "
              f"{whole[name]['p99_ms']:8.0f} {whole[name]['cpu_p50_ms']:8.0f} {web[name]['p50_ms']:8.0f} "
              f"{web[name]['p99_ms']:8.0f}")
    print(f"(restart = first check in a fresh process after import and open, p50 of {args.restarts}; "
          f"import + open p50 {np.median([c['import_open_p50_ms'] for c in cold.values()]):.0f} ms)")
    load = os.getloadavg()
    print(f"load average after: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
