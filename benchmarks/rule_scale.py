"""Time and peak memory of one rule as the corpus grows: generated corpora (``generate.py``)
of each size, the rule run alone in a fresh process per size so peak memory is its own.

    python benchmarks/rule_scale.py --rule quote-drift --sizes 500,1000,2000,4000
    python benchmarks/rule_scale.py --rule name-variant --src /tmp/old-checkout   # another version

Prints one row per size: documents, words, findings, seconds, CPU seconds (user + system, of
the process and its workers), peak resident memory (MB) of the process (Python, the corpus
and the rule together). With ``--workers``, a keyed corpus rule collects its items in that
many processes (as ``dedupe scan --workers`` runs it). ``--src``: the source tree to import
``dedupe`` from (default: this checkout), to compare two versions on the same corpora.

    python benchmarks/rule_scale.py --related --sizes 4000,16000 [--src OLD]

times name-variant's "do two documents tell the same story" step alone: in a version that
still has ``name_variant._related`` (TF-IDF radius neighbours over every document), that;
otherwise the keyed version's document frequencies over every document and the vectors and
distances of 100 documents asked about (50 against 50).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def corpus(docs: int, folder: Path, mode: str = "pool") -> Path:
    """The generated corpus (pool mode by default: the one of the published figures)."""
    from generate import corpus_file

    return corpus_file(folder, docs, mode)


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_one(rule_id: str, path: str, src: str, workers: int) -> None:
    """In the child process: run the rule over the corpus, print one JSON line."""
    sys.path.insert(0, src)
    from dedupe.config import Config
    from dedupe.model import Document
    from dedupe.rules import RuleContext, all_rules

    docs = [Document(id=r["id"], text=r["text"]) for r in map(json.loads, open(path, encoding="utf-8"))]
    rule = {r.id: r for r in all_rules()}[rule_id]
    t0, c0 = time.perf_counter(), _cpu()
    if workers > 1 and getattr(rule, "keyed", None) is not None:
        from dedupe.rules import _keyed

        n = len(_keyed.run(rule_id, docs, workers))
    else:
        n = sum(1 for _ in rule.run(docs, RuleContext(config=Config())))
    seconds, cpu = time.perf_counter() - t0, _cpu() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"docs": len(docs), "words": sum(len(d.text.split()) for d in docs), "findings": n,
                      "seconds": round(seconds, 2), "cpu": round(cpu, 2), "peak_mb": round(peak)}))


def related_one(path: str, src: str) -> None:
    """In the child process: name-variant's relatedness step alone, one JSON line."""
    sys.path.insert(0, src)
    from dedupe.model import Document
    from dedupe.rules import name_variant

    docs = [Document(id=r["id"], text=r["text"]) for r in map(json.loads, open(path, encoding="utf-8"))]
    t0, c0 = time.perf_counter(), _cpu()
    if hasattr(name_variant, "_related"):
        version = "all pairs"
        name_variant._related(docs)
    else:
        from dedupe.rules._keyed import Totals

        version = "keyed"
        totals = Totals(documents=len(docs), texts=lambda ix: [docs[i].text for i in ix])
        for d in docs:
            totals.tally.update(name_variant._terms(d))
        name_variant.Related(totals, range(100)).related_to_any(set(range(50)), set(range(50, 100)))
    seconds, cpu = time.perf_counter() - t0, _cpu() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"docs": len(docs), "words": sum(len(d.text.split()) for d in docs), "findings": version,
                      "seconds": round(seconds, 2), "cpu": round(cpu, 2), "peak_mb": round(peak)}))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rule", default="name-variant")
    ap.add_argument("--related", action="store_true", help="name-variant's relatedness step alone")
    ap.add_argument("--sizes", default="500,1000,2000")
    ap.add_argument("--folder", default="/tmp", type=Path)
    ap.add_argument("--src", default=str(ROOT), help="source tree to import dedupe from")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--mode", choices=("pool", "news"), default="pool", help="generate.py mode of the corpora")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        if args.related:
            related_one(args.child, args.src)
        else:
            run_one(args.rule, args.child, args.src, args.workers)
        return
    print(f"| {args.rule} ({args.src}, {args.workers} worker(s)): documents | words | findings | seconds | CPU s | peak MB |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in map(int, args.sizes.split(",")):
        path = corpus(size, args.folder, args.mode)
        out = subprocess.run([sys.executable, __file__, "--rule", args.rule, "--child", str(path), "--src", args.src,
                              "--workers", str(args.workers), *(["--related"] if args.related else [])],
                             capture_output=True, text=True)
        if out.returncode:
            print(f"| {size} | failed: {out.stderr.strip().splitlines()[-1] if out.stderr.strip() else out.returncode} |")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"| {r['docs']:,} | {r['words']:,} | {r['findings']} | {r['seconds']:.1f} | {r.get('cpu', 0):.1f} | {r['peak_mb']:,} |",
              flush=True)


if __name__ == "__main__":
    main()
