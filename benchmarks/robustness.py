"""Memory of hostile inputs: N identical documents (one near-duplicate cluster of N members).

For each N, a scan runs in its own process (``python -m dedupe scan``, clusters only: no
language detection, passages or rules) with an address-space limit, and the script prints
its peak RSS, exit code, wall time, the JSON report's size and the number of pairs listed.
A cluster lists a spanning set (N - 1 pairs); before, it listed every pair (N(N-1)/2).

    .venv/bin/python benchmarks/robustness.py                 # this checkout
    .venv/bin/python benchmarks/robustness.py --repo ../main --python ../main/.venv/bin/python
"""

from __future__ import annotations

import argparse
import json
import os
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


def run(repo: Path, python: str, n: int, limit_gb: float, workdir: Path) -> dict:
    data = workdir / f"identical-{n}.jsonl"
    with data.open("w") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"d{i}", "text": TEXT}) + "\n")
    out = workdir / f"report-{n}.json"
    cmd = [python, "-m", "dedupe", "scan", str(data), "--json", str(out), "--no-html",
           "--no-language", "--no-rules", "--no-passages", "--workers", "1", "--quiet"]
    limit = int(limit_gb * 2**30)

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    env = {**os.environ, "PYTHONPATH": str(repo)}  # an editable install elsewhere wins: see --python
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=workdir, preexec_fn=cap, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace").strip().splitlines()
    pairs = None
    if out.exists() and os.waitstatus_to_exitcode(status) in (0, 1):
        report = json.loads(out.read_text())
        pairs = sum(len(c["pairs"]) for c in report["clusters"])
    return {
        "n": n,
        "exit": os.waitstatus_to_exitcode(status),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "seconds": round(wall, 1),
        "json_mb": round(out.stat().st_size / 2**20, 2) if out.exists() else None,
        "pairs_listed": pairs,
        "last_error": err[-1] if err else "",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repo", type=Path, default=Path(__file__).resolve().parent.parent)
    ap.add_argument("--python", default=sys.executable, help="the interpreter (of the --repo's venv)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--limit-gb", type=float, default=8.0, help="address-space limit per scan")
    args = ap.parse_args()
    print(f"repo: {args.repo}")
    print(f"{'docs':>7} {'exit':>4} {'peak RSS MB':>11} {'seconds':>8} {'JSON MB':>8} {'pairs':>8}  error")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            r = run(args.repo, args.python, n, args.limit_gb, Path(tmp))
            print(f"{r['n']:>7} {r['exit']:>4} {r['peak_rss_mb']:>11} {r['seconds']:>8} {str(r['json_mb']):>8} "
                  f"{str(r['pairs_listed']):>8}  {r['last_error'][:80]}")
            (Path(tmp) / f"report-{n}.json").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
