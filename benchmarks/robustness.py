"""Time and memory of hostile inputs, each scan in its own process with an address-space limit.

``identical`` (default): N identical documents, one near-duplicate cluster of N members
(clusters only: no language detection, passages or rules). A cluster lists a spanning set
(N - 1 pairs); before, it listed every pair (N(N-1)/2).

``long``: one document of N MB (generated English news, ``benchmarks/generate.py``'s
articles run together), every stage on; ``--ignore`` leaves rules out (foreign-fragment runs
language identification on every sentence: linear, but the slowest stage by far).

``short``: N short documents (headlines of 4 to 14 words, cut from generated articles, so
many share words and some repeat), every stage on.

Each row: exit code, peak RSS, wall time, the JSON and HTML reports' sizes, clusters and the
number of pairs they list.

    .venv/bin/python benchmarks/robustness.py                 # this checkout
    .venv/bin/python benchmarks/robustness.py --repo ../main --python ../main/.venv/bin/python
    .venv/bin/python benchmarks/robustness.py --case long --sizes 1 2 4
    .venv/bin/python benchmarks/robustness.py --case long --sizes 50 --ignore foreign-fragment
    .venv/bin/python benchmarks/robustness.py --case short --sizes 50000 200000
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TEXT = (
    "The council approved the new budget on Tuesday after a long debate about the cost of "
    "repairs to the old bridge, which engineers said could not wait another winter."
)


def _articles(n_chars: int):
    """Generated English articles (``benchmarks/generate.py``) until ``n_chars`` characters."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from generate import DEFAULT_SOURCE, generate

    total = 0
    for record in generate(max(1000, n_chars // 2500), 7, 0.05, 50_000, DEFAULT_SOURCE):
        yield record["text"]
        total += len(record["text"]) + 2
        if total >= n_chars:
            return


def make_input(case: str, n: int, workdir: Path) -> tuple[Path, list[str]]:
    """The input file of a case and size, and the scan options of the case."""
    if case == "identical":
        data = workdir / f"identical-{n}.jsonl"
        with data.open("w") as f:
            for i in range(n):
                f.write(json.dumps({"id": f"d{i}", "text": TEXT}) + "\n")
        return data, ["--no-html", "--no-language", "--no-rules", "--no-passages", "--workers", "1"]
    if case == "long":
        data = workdir / f"long-{n}mb.txt"
        data.write_text("\n\n".join(_articles(n * 2**20))[: n * 2**20], encoding="utf-8")
        return data, []
    data = workdir / f"short-{n}.jsonl"
    k = 0
    with data.open("w") as f:
        for text in _articles(n * 300):
            for sentence in re.split(r"(?<=[.!?])\s+", text):
                words = sentence.split()[:14]
                if len(words) >= 4 and k < n:
                    f.write(json.dumps({"id": f"h{k}", "text": " ".join(words)}) + "\n")
                    k += 1
    return data, []


def run(repo: Path, python: str, case: str, n: int, limit_gb: float, workdir: Path, extra: list[str]) -> dict:
    data, options = make_input(case, n, workdir)
    out, page = workdir / f"report-{n}.json", workdir / f"report-{n}.html"
    cmd = [python, "-m", "dedupe", "scan", str(data), "--json", str(out), "--html", str(page),
           *options, *extra, "--quiet"]
    limit = int(limit_gb * 2**30)

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    env = {**os.environ, "PYTHONPATH": str(repo)}  # an editable install elsewhere wins: see --python
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=workdir, preexec_fn=cap, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace").strip().splitlines()
    pairs = clusters = None
    if out.exists() and os.waitstatus_to_exitcode(status) in (0, 1):
        report = json.loads(out.read_text())
        clusters = len(report["clusters"])
        pairs = sum(len(c["pairs"]) for c in report["clusters"])
    data.unlink()
    return {
        "n": n,
        "exit": os.waitstatus_to_exitcode(status),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "seconds": round(wall, 1),
        "json_mb": round(out.stat().st_size / 2**20, 2) if out.exists() else None,
        "html_mb": round(page.stat().st_size / 2**20, 2) if page.exists() else None,
        "clusters": clusters,
        "pairs_listed": pairs,
        "last_error": err[-1] if err else "",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", type=Path, default=Path(__file__).resolve().parent.parent)
    ap.add_argument("--python", default=sys.executable, help="the interpreter (of the --repo's venv)")
    ap.add_argument("--case", choices=["identical", "long", "short"], default="identical")
    ap.add_argument("--sizes", type=int, nargs="+", help="documents (identical, short) or MB (long)")
    ap.add_argument("--ignore", help="rule ids to leave out (passed to dedupe scan --ignore)")
    ap.add_argument("--limit-gb", type=float, default=8.0, help="address-space limit per scan")
    args = ap.parse_args()
    sizes = args.sizes or {"identical": [1000, 10000], "long": [1, 2, 4], "short": [50000, 200000]}[args.case]
    extra = ["--ignore", args.ignore] if args.ignore else []
    print(f"repo: {args.repo}; case: {args.case} {' '.join(extra)}")
    print(f"{'size':>7} {'exit':>4} {'peak RSS MB':>11} {'seconds':>8} {'JSON MB':>8} {'HTML MB':>8} "
          f"{'clusters':>8} {'pairs':>8}  error")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            r = run(args.repo, args.python, args.case, n, args.limit_gb, Path(tmp), extra)
            print(f"{r['n']:>7} {r['exit']:>4} {r['peak_rss_mb']:>11} {r['seconds']:>8} {str(r['json_mb']):>8} "
                  f"{str(r['html_mb']):>8} {str(r['clusters']):>8} {str(r['pairs_listed']):>8}  "
                  f"{r['last_error'][:80]}", flush=True)
            for name in (f"report-{n}.json", f"report-{n}.html"):
                (Path(tmp) / name).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
