"""Benchmark table: dedupe against datasketch and rensa, measured side by side in one run.

    python benchmarks/run.py --sizes 10000,100000,1000000

Prints one Markdown report with:

a. end-to-end throughput on one core, from raw JSONL to the kept/dropped output, for this
   project (``dedupe dedup --workers 1``) and for the usual pipelines with datasketch
   (``MinHash.update`` per shingle; ``MinHash.bulk``) and rensa (``RMinHash.update`` with
   Python shingling), each followed by its LSH and a kept/dropped split; plus the
   signatures alone (decode -> shingles -> signature) for each;
b. recall and precision of each pipeline's near-duplicate pairs against brute-force exact
   Jaccard (every pair sharing a shingle is compared exactly: pairs sharing none have
   Jaccard 0) on the same corpus;
c. ``dedupe scan --no-language`` (no rules, no passages) at each of ``--sizes``: wall time,
   peak resident memory, and time per document;
d. the full scan (``--sections d``): ``dedupe scan --no-html`` as its own process on ECB+ (if
   present, ``--ecb``) and on generated corpora of ``--full-sizes`` articles (``--full-mode``:
   the news mode by default, where reuse per article stays constant as the corpus grows; the
   pool mode's candidate pairs grow with the square of the corpus), every stage on and
   each stage alone, with ``--full-workers``: wall and CPU time, MB/s per core, peak RSS, time
   per document and its growth from the smallest generated corpus, and the speed-up of two
   workers over one. 1M articles (~3 GB) is ``--full-sizes 10000,100000,1000000`` (hours with
   rules on today).
p. (``--sections p``) section a's pipelines each run as its own process, as a user runs them,
   interpreter start-up, imports and output included: ``dedupe dedup FILE --out kept.jsonl
   --dropped dropped.jsonl --workers 1`` against ``python benchmarks/run.py --pipeline NAME FILE
   OUT`` for datasketch's ``update`` loop and rensa, on the same corpus of ``--process-docs``
   articles: wall and CPU seconds (median of ``--process-runs``, the pipelines taking turns;
   the datasketch loop once), documents per second and dedupe's ratio to each; with
   ``--process-baseline ROOT``, another checkout's ``dedupe dedup`` too, in the same turns.
   Before the turns, one ``dedupe dedup`` with an empty cache: the first run on a machine,
   which builds the compiled kernels of the ``fast`` extra (``dedupe/near/compiled.py``).
r. (only when asked: ``--sections r``) ``dedupe dedup`` with the local engine against
   ``--engine ray`` at each of ``--sizes`` (``benchmarks/ray_engine.py``).

Corpora come from ``benchmarks/generate.py`` (written to ``--data``, reused when present):
``bench_N.jsonl`` in its pool mode for sections a-c (the corpus their published figures were
measured on), ``news_N.jsonl`` in its news mode for section d.
Nothing here runs in the tests. rensa is a benchmark-only install (``pip install rensa``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Optional

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import corpus_file  # noqa: E402

THRESHOLD, NGRAM, NUM_PERM, SEED = 0.8, 5, 128, 1
WORD_RE = re.compile(r"\w+")


# ---------------------------------------------------------------- corpora
def corpus(data: Path, docs: int, mode: str = "pool") -> Path:
    """A generated corpus (``benchmarks/generate.py``; sections a-c use the pool mode, the one their
    figures in docs/performance.md were measured on)."""
    return corpus_file(data, docs, mode)


def python_shingles(text: str) -> list[str]:
    """The usual Python shingling, with the same tokens as dedupe (NFKC, lower, \\w+)."""
    words = WORD_RE.findall(unicodedata.normalize("NFKC", text).lower())
    if len(words) < NGRAM:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + NGRAM]) for i in range(len(words) - NGRAM + 1)]


def read_records(path: Path):
    with open(path, "rb") as f:
        for line in f:
            yield json.loads(line)


def split_output(records, dropped_ids: set, out_dir: Path) -> None:
    with open(out_dir / "kept.jsonl", "w", encoding="utf-8") as kept, open(
        out_dir / "dropped.jsonl", "w", encoding="utf-8"
    ) as dropped:
        for rec in records:
            (dropped if rec["id"] in dropped_ids else kept).write(json.dumps(rec, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- competitor pipelines
def datasketch_pipeline(path: Path, out_dir: Path, mode: str):
    """Signatures with datasketch (update per shingle, or bulk), MinHashLSH at the threshold,
    pairs whose estimate reaches the threshold, keep the first of each."""
    from datasketch import MinHash, MinHashLSH

    t0 = time.perf_counter()
    ids, sigs = [], []
    if mode == "update":
        for rec in read_records(path):
            m = MinHash(num_perm=NUM_PERM, seed=SEED)
            for s in python_shingles(rec["text"]):
                m.update(s.encode("utf-8"))
            ids.append(rec["id"])
            sigs.append(m)
    else:
        batch = []
        for rec in read_records(path):
            ids.append(rec["id"])
            batch.append([s.encode("utf-8") for s in python_shingles(rec["text"])])
            if len(batch) == 1000:
                sigs += MinHash.bulk(batch, num_perm=NUM_PERM, seed=SEED)
                batch = []
        if batch:
            sigs += MinHash.bulk(batch, num_perm=NUM_PERM, seed=SEED)
    t_sig = time.perf_counter() - t0
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    for i, m in enumerate(sigs):
        lsh.insert(i, m, check_duplication=False)
    pairs = estimated_pairs(lsh, sigs, ids)
    split_output(read_records(path), {b for _, b in pairs}, out_dir)
    return time.perf_counter() - t0, t_sig, pairs


def estimated_pairs(lsh, sigs, ids) -> set:
    """Pairs the LSH proposes whose estimated Jaccard reaches the threshold (how the competitor
    pipelines decide duplicates)."""
    pairs = set()
    for i, m in enumerate(sigs):
        for j in lsh.query(m):
            if j > i and m.jaccard(sigs[j]) >= THRESHOLD:
                pairs.add((ids[i], ids[j]))
    return pairs


def rensa_pipeline(path: Path, out_dir: Path):
    from rensa import RMinHash, RMinHashLSH

    t0 = time.perf_counter()
    ids, sigs = [], []
    for rec in read_records(path):
        m = RMinHash(num_perm=NUM_PERM, seed=SEED)
        m.update(python_shingles(rec["text"]))
        ids.append(rec["id"])
        sigs.append(m)
    t_sig = time.perf_counter() - t0
    lsh = RMinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, num_bands=16)
    for i, m in enumerate(sigs):
        lsh.insert(i, m)
    pairs = estimated_pairs(lsh, sigs, ids)
    split_output(read_records(path), {b for _, b in pairs}, out_dir)
    return time.perf_counter() - t0, t_sig, pairs


def dedupe_pipeline(path: Path, out_dir: Path):
    """``dedupe dedup --workers 1`` in this process: scan, then stream kept/dropped."""
    from dedupe import Config, api
    from dedupe.io.writers.dedup import write_split_inputs
    from dedupe.io.readers import read_inputs
    from dedupe.near.sketch import SketchSettings, sketch_batch
    from dedupe.parallel import batches

    config = Config(workers=1, detect_language=False, passages=False, rules=False)
    # signatures alone: read + decode + shingle + sign
    t0 = time.perf_counter()
    settings = SketchSettings.of(config)
    for batch in batches((d.text for d in read_inputs([str(path)])), config.batch_size):
        sketch_batch((batch, settings))
    t_sig = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = api.scan(read_inputs([str(path)]), config, timestamp=False)
    write_split_inputs(report, [str(path)], str(out_dir / "kept.jsonl"), str(out_dir / "dropped.jsonl"))
    total = time.perf_counter() - t0
    pairs = {(p.a, p.b) for c in report.clusters for p in c.pairs if p.kind == "near-duplicate"}
    return total, t_sig, pairs


# ---------------------------------------------------------------- exact truth
def exact_pairs(path: Path) -> set:
    """Every pair with exact Jaccard >= THRESHOLD: pairs sharing no shingle have Jaccard 0, so
    comparing every pair that shares one (via an inverted index) is brute force."""
    from dedupe.near.shingles import shingle_hashes

    ids, sets = [], []
    for rec in read_records(path):
        ids.append(rec["id"])
        sets.append(shingle_hashes(rec["text"], NGRAM))
    doc = np.concatenate([np.full(s.size, i) for i, s in enumerate(sets)])
    h = np.concatenate(sets)
    order = np.lexsort((doc, h))
    h, doc = h[order], doc[order]
    starts = np.flatnonzero(np.concatenate(([True], h[1:] != h[:-1])))
    ends = np.concatenate((starts[1:], [h.size]))
    shared = set()
    for s, e in zip(starts.tolist(), ends.tolist()):
        if e - s > 1:
            members = doc[s:e].tolist()
            shared.update((a, b) for k, a in enumerate(members) for b in members[k + 1 :])
    truth = set()
    for a, b in shared:
        inter = np.intersect1d(sets[a], sets[b], assume_unique=True).size
        if inter / (sets[a].size + sets[b].size - inter) >= THRESHOLD:
            truth.add((ids[a], ids[b]))
    return truth


def quality(pairs: set, truth: set) -> tuple[float, float]:
    norm = {tuple(sorted(p)) for p in pairs}
    hit = len(norm & truth)
    return hit / len(truth) if truth else 1.0, hit / len(norm) if norm else 1.0


# ---------------------------------------------------------------- scan at scale
# runs ``python -m dedupe ARGS`` and, at exit, prints the CPU time of the parent process and of
# its worker processes apart
_WRAPPER = """
import atexit, resource, runpy, sys
def report():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    sys.stderr.write(f"\\nCPU-SPLIT {s.ru_utime + s.ru_stime} {c.ru_utime + c.ru_stime}\\n")
atexit.register(report)
sys.argv = ["dedupe", *sys.argv[1:]]
runpy.run_module("dedupe", run_name="__main__")
"""


def timed(args: list[str], split: bool = False):
    """Wall seconds, CPU seconds (user + sys, workers included) and peak RSS (GB, the largest
    process) of ``python -m dedupe ARGS`` as its own process, start-up included; with
    ``split``, also the CPU seconds of the parent process alone."""
    run = [sys.executable, "-c", _WRAPPER] if split else [sys.executable, "-m", "dedupe"]
    proc = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", *run, *args], capture_output=True, text=True, cwd=ROOT)
    lines = proc.stderr.strip().splitlines()
    wall, user, sys_s, rss_kb = lines[-1].split()
    out = (float(wall), float(user) + float(sys_s), int(rss_kb) / 1024**2)
    if split:
        parent = next(float(line.split()[1]) for line in lines if line.startswith("CPU-SPLIT"))
        return (*out, parent)
    return out


def scan_at(path: Path, workers: int, flags=("--no-rules", "--no-passages", "--no-language"), split: bool = False):
    """:func:`timed` of ``dedupe scan PATH --no-html FLAGS --workers W``."""
    with tempfile.TemporaryDirectory() as tmp:
        return timed(["scan", str(path), *flags, "--no-html", "--json", f"{tmp}/r.json", "--no-timestamp", "-q",
                      "--workers", str(workers)], split)


# every stage on, then each stage alone (near-duplicates always run: the others need them)
STAGES = {
    "all": (),
    "near-duplicates": ("--no-passages", "--no-rules"),
    "near + passages": ("--no-rules",),
    "near + rules": ("--no-passages",),
}


def start_up(article: Path, runs: int = 5) -> list[str]:
    """``dedupe --help`` and a scan of one article (median of ``runs`` whole processes)."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.jsonl"
        with open(article, "rb") as f:
            one.write_bytes(f.readline())
        for name, args in (("dedupe --help", ["--help"]),
                           (f"dedupe scan of one article ({one.stat().st_size / 1000:.1f} KB)",
                            ["scan", str(one), "--no-html", "--json", f"{tmp}/r.json", "-q"])):
            wall, cpu, rss = (float(np.median(v)) for v in zip(*(timed(args) for _ in range(runs))))
            rows.append(f"| {name} | {wall:.2f} | {cpu:.2f} | {rss * 1024:.0f} |")
    return ["**Start-up (whole process, median of %d runs).**\n" % runs, "| command | wall s | CPU s | peak RSS MB |",
            "|---|---:|---:|---:|", *rows, ""]


def full_scan(paths: list[Path], workers: list[int], stages: list[str]) -> list[str]:
    """Section d: the whole ``dedupe scan`` per corpus, stage set and worker count. MB/s per
    core divides by wall time times workers; MB per CPU second by the CPU time of all
    processes (the figure that holds on a loaded machine); "vs smallest" compares the CPU time
    per document with the smallest generated corpus's for the same stages and workers. The
    idle estimate of two workers against one is the CPU time with one worker over the
    parent's CPU time plus half the workers' (Amdahl's bound, for a machine where the
    measured wall times are not the programme's own)."""
    out = [
        "**d. Full scan: `dedupe scan FILE --no-html --workers W [stage flags]`, whole process, start-up included.**\n",
        "| corpus | docs | MB | stages | workers | wall s | CPU s | parent CPU s | MB/s per core | MB per CPU s "
        "| peak RSS GB | CPU ms per doc | vs smallest | 2 workers vs 1: wall | idle estimate |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    smallest: dict = {}
    largest: dict = {}
    for path in paths:
        docs = sum(1 for _ in open(path, "rb"))
        mb = path.stat().st_size / 1e6
        generated = path.name.startswith(("bench_", "news_"))
        for stage in stages:
            walls, cpus = {}, {}
            for w in workers:
                wall, cpu, rss, parent = scan_at(path, w, STAGES[stage], split=True)
                walls[w], cpus[w] = wall, cpu
                speedup = estimate = ""
                if w == 2 and 1 in walls:
                    speedup = f"{walls[1] / wall:.2f}x"
                    # on an idle machine: the parent's own work, then the workers' shared by two
                    estimate = f"{cpus[1] / (parent + (cpu - parent) / 2):.2f}x"
                per = cpu / docs * 1000
                growth = ""
                if generated:
                    first = smallest.setdefault((stage, w), per)
                    growth = f"{per / first:.2f}x"
                    largest[(stage, w)] = (docs, wall, cpu, rss)
                out.append(
                    f"| {path.name} | {docs:,} | {mb:.1f} | {stage} | {w} | {wall:.1f} | {cpu:.1f} | {parent:.1f} | "
                    f"{mb / wall / w:.3f} | {mb / cpu:.3f} | {rss:.2f} | {per:.2f} | {growth} | {speedup} | {estimate} |"
                )
    out.append("")
    for (stage, w), (docs, wall, cpu, rss) in sorted(largest.items()):
        if stage == "all":
            out.append(
                f"At 1M generated articles, time per document as at {docs:,}: all stages, {w} worker(s): "
                f"about {wall / docs * 1e6 / 3600:.1f} h wall, {cpu / docs * 1e6 / 3600:.1f} CPU hours (linear extrapolation)."
            )
    out.append("")
    return out


# ---------------------------------------------------------------- pipelines as processes
PIPELINES = {
    "datasketch-update": lambda path, out: datasketch_pipeline(path, out, "update"),
    "datasketch-bulk": lambda path, out: datasketch_pipeline(path, out, "bulk"),
    "rensa": rensa_pipeline,
}


def process_time(cmd: list[str], cwd: Path = ROOT, env: Optional[dict] = None) -> tuple[float, float]:
    """Wall and CPU seconds (user + sys, children included) of ``cmd`` as its own process."""
    proc = subprocess.run(["/usr/bin/time", "-f", "%e %U %S", *cmd], capture_output=True, text=True, cwd=cwd,
                          env=None if env is None else {**os.environ, **env})
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    wall, user, sys_s = proc.stderr.strip().splitlines()[-1].split()
    return float(wall), float(user) + float(sys_s)


def as_processes(path: Path, runs: int, baseline: Optional[Path] = None) -> list[str]:
    """Section p: each pipeline of section a as its own process on the same corpus, the
    pipelines taking turns run by run (the machine's speed drifts: each pipeline's runs are
    spread over the same minutes). ``baseline``: another checkout whose ``dedupe dedup`` runs
    too (``python -m dedupe`` in its folder imports its ``dedupe``), in a row of its own."""
    docs = sum(1 for _ in open(path, "rb"))
    with tempfile.TemporaryDirectory() as tmp:
        def dedup(root: Path) -> list:
            return [sys.executable, "-m", "dedupe", "dedup", str(path), "--out", f"{tmp}/kept.jsonl",
                    "--dropped", f"{tmp}/dropped.jsonl", "--workers", "1", "-q"]

        commands = [("dedupe dedup --workers 1", dedup(ROOT), ROOT, runs)]
        if baseline is not None:
            commands.append((f"dedupe dedup --workers 1 ({baseline})", dedup(baseline), baseline, runs))
        commands += [
            ("rensa RMinHash + Python shingling", [sys.executable, __file__, "--pipeline", "rensa", str(path), tmp], ROOT, runs),
            ("datasketch MinHash.update per shingle",
             [sys.executable, __file__, "--pipeline", "datasketch-update", str(path), tmp], ROOT, 1),
        ]
        # the first run on a machine: dedupe's cache empty, so the compiled kernels of the fast
        # extra (dedupe/near/compiled.py) are built by this run (the turns below load them)
        first = process_time(commands[0][1], ROOT, {"DEDUPE_CACHE_DIR": f"{tmp}/empty-cache"})
        times: list = [[] for _ in commands]
        for r in range(runs):
            for k, (_, cmd, cwd, n) in enumerate(commands):
                if r < n:
                    times[k].append(process_time(cmd, cwd))
    rows = [(name, *(float(np.median(v)) for v in zip(*t)), n) for (name, _, _, n), t in zip(commands, times)]
    out = [
        f"**p. Each pipeline as its own process (start-up, imports and output included), {docs:,} generated "
        f"articles ({path.stat().st_size / 1e6:.1f} MB), one core.**\n",
        "| pipeline | runs | wall s | CPU s | docs/s (wall) | docs per CPU s | dedupe is x faster (wall) | (CPU) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    wall0, cpu0 = rows[0][1], rows[0][2]
    for name, wall, cpu, n in rows:
        out.append(f"| {name} | {n} | {wall:.2f} | {cpu:.2f} | {docs / wall:,.0f} | {docs / cpu:,.0f} | "
                   f"{wall / wall0:.1f} | {cpu / cpu0:.1f} |")
    out.append(f"| {rows[0][0]}, first run on a machine (empty cache: kernels built) | 1 | {first[0]:.2f} | "
               f"{first[1]:.2f} | {docs / first[0]:,.0f} | {docs / first[1]:,.0f} | {first[0] / wall0:.1f} | {first[1] / cpu0:.1f} |")
    if baseline is not None:  # the competitors against the baseline's dedupe too
        wall1, cpu1 = rows[1][1], rows[1][2]
        out.append("")
        out.append("Against the baseline's dedupe: " + "; ".join(
            f"{name} {wall / wall1:.2f}x (wall), {cpu / cpu1:.2f}x (CPU)" for name, wall, cpu, _ in rows[2:]))
    out.append("")
    return out


# ---------------------------------------------------------------- main
def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--pipeline"]:  # one competitor pipeline, run as its own process by section p
        name, path, out = argv[1:4]
        PIPELINES[name](Path(path), Path(out))
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000", help="comma-separated corpus sizes for section c")
    ap.add_argument("--docs", type=int, default=3000, help="corpus size for sections a and b")
    ap.add_argument("--update-docs", type=int, default=500, help="documents for the slow datasketch update loop")
    ap.add_argument("--workers", type=int, default=2, help="workers for section c")
    ap.add_argument("--data", default="/tmp", help="folder for generated corpora")
    ap.add_argument("--sections", default="abc", help="a, b, c, d (full scan), p (pipelines as processes), r (ray)")
    ap.add_argument("--process-docs", type=int, default=20000, help="corpus size for section p")
    ap.add_argument("--process-runs", type=int, default=3, help="runs of dedupe and rensa in section p (median)")
    ap.add_argument("--process-baseline", help="section p: another checkout (its root folder) whose dedupe dedup runs too, "
                    "taking turns with this one's")
    ap.add_argument("--full-sizes", default="1000,10000", help="generated corpus sizes for section d (1000000 is ~3 GB)")
    ap.add_argument("--full-mode", choices=("news", "pool"), default="news",
                    help="benchmarks/generate.py mode of section d's corpora (news: reuse per article constant)")
    ap.add_argument("--full-workers", default="1,2", help="worker counts for section d")
    ap.add_argument("--full-stages", default=",".join(STAGES), help=f"stage sets for section d: {', '.join(STAGES)}")
    ap.add_argument("--ecb", default="/work/shared/data/research/ecbplus.jsonl", help="ECB+ JSONL for section d (skipped if absent)")
    args = ap.parse_args(argv)
    data = Path(args.data)
    out = []
    if "a" in args.sections or "b" in args.sections:
        path = corpus(data, args.docs)
        small = data / f"bench_{args.docs}_head{args.update_docs}.jsonl"
        with open(path, "rb") as f, open(small, "wb") as g:
            for _, line in zip(range(args.update_docs), f):
                g.write(line)
        truth = exact_pairs(path)
        rows = []
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            runs = [
                ("dedupe (this project, oph, 1 core)", path, lambda p: dedupe_pipeline(p, tmp)),
                ("datasketch MinHash.update per shingle", small, lambda p: datasketch_pipeline(p, tmp, "update")),
                ("datasketch MinHash.bulk", path, lambda p: datasketch_pipeline(p, tmp, "bulk")),
                ("rensa RMinHash + Python shingling", path, lambda p: rensa_pipeline(p, tmp)),
            ]
            for name, p, fn in runs:
                n = sum(1 for _ in open(p, "rb"))
                mb = p.stat().st_size / 1e6
                total, t_sig, pairs = fn(p)
                rec, prec = quality(pairs, truth) if p == path else (float("nan"), float("nan"))
                rows.append((name, n, n / total, mb / total, n / t_sig, rec, prec))
        base = rows[0][2]
        base_sig = rows[0][4]
        out.append(
            f"**a/b. One core, end to end (raw JSONL -> kept/dropped), {args.docs} generated articles "
            f"(~{path.stat().st_size / args.docs / 1000:.1f} KB each); threshold {THRESHOLD}; "
            f"{len(truth)} pairs at or above it by exact Jaccard.**\n"
        )
        out.append("| pipeline | docs | docs/s end to end | MB/s | dedupe is x faster | docs/s signatures only | dedupe is x faster (signatures) | recall | precision |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name, n, dps, mbps, sps, rec, prec in rows:
            q = lambda v: "n/a" if v != v else f"{v:.3f}"  # noqa: E731
            out.append(
                f"| {name} | {n} | {dps:,.0f} | {mbps:.2f} | {base / dps:.1f} | {sps:,.0f} | {base_sig / sps:.1f} | {q(rec)} | {q(prec)} |"
            )
        out.append("")
    if "c" in args.sections:
        out.append(f"**c. `dedupe scan --no-language` (no rules, no passages), {args.workers} workers.**\n")
        out.append("| documents | input | wall time | peak RSS | time per document | vs smallest |")
        out.append("|---:|---:|---:|---:|---:|---:|")
        first = None
        for size in [int(s) for s in args.sizes.split(",") if s]:
            path = corpus(data, size)
            wall, _, rss = scan_at(path, args.workers)
            per = wall / size * 1000
            first = first or per
            out.append(
                f"| {size:,} | {path.stat().st_size / 1e9:.2f} GB | {wall:.1f} s | {rss:.2f} GB | {per:.3f} ms | {per / first:.2f}x |"
            )
        out.append("")
    if "d" in args.sections:
        paths = [Path(args.ecb)] if Path(args.ecb).exists() else []
        paths += [corpus(data, int(n), args.full_mode) for n in args.full_sizes.split(",") if n]
        out += start_up(paths[-1]) if paths else []
        out += full_scan(paths, [int(w) for w in args.full_workers.split(",")], args.full_stages.split(","))
    if "p" in args.sections:
        baseline = Path(args.process_baseline).resolve() if args.process_baseline else None
        out += as_processes(corpus(data, args.process_docs), args.process_runs, baseline)
    if "r" in args.sections:  # local against --engine ray (benchmarks/ray_engine.py)
        import ray_engine

        print("\n".join(out))
        out = []
        ray_engine.main(["--sizes", args.sizes, "--data", str(data), "--workers", str(args.workers)])
    out.append(f"_Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; `python benchmarks/run.py --sizes {args.sizes}`._")
    print("\n".join(out))


if __name__ == "__main__":
    main()
