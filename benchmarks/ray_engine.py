"""Local engine against ``--engine ray`` on the same cores: ``dedupe dedup`` on generated
corpora, wall time, peak memory of the driver and of the workers, per-stage costs of the
staged run, and an estimate of a 1B-article run on 8 machines x 32 cores from them.

    python benchmarks/ray_engine.py --sizes 100000,1000000 --workers 2
    python benchmarks/ray_engine.py --scan --sizes 2000 --shard-bytes 1000000  # dedupe scan (passages, rules), JSON reports compared

Memory is sampled from /proc every 0.2 s over the command's whole process tree (the
driver is the command's own process; workers are every other process in the tree: pool
processes, or Ray's raylet, object store and workers). Both outputs are compared byte for
byte. Also run by ``benchmarks/run.py --sections r``.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEDUPE = [sys.executable, "-m", "dedupe"]


def _tree(pid: int) -> list[int]:
    children: dict = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open(f"/proc/{p}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(p))
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError):
        return 0


def _cpu(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def measure(cmd: list[str]) -> dict:
    """Wall time, peak RSS (driver, largest worker, whole tree) and CPU seconds (user + system,
    driver and whole tree, as last sampled per process) of a command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = {"driver": 0, "worker": 0, "tree": 0}
    cpu: dict = {}
    done = threading.Event()

    def sample():
        while not done.is_set():
            pids = _tree(proc.pid)
            for p in pids:
                cpu[p] = max(cpu.get(p, 0.0), _cpu(p))
            sizes = {p: _rss(p) for p in pids}
            peak["driver"] = max(peak["driver"], sizes.get(proc.pid, 0))
            others = [v for p, v in sizes.items() if p != proc.pid]
            peak["worker"] = max([peak["worker"], *others])
            peak["tree"] = max(peak["tree"], sum(sizes.values()))
            done.wait(0.2)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _, err = proc.communicate()
    done.set()
    t.join()
    if proc.returncode not in (0, 2):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode()[-2000:]}")
    return {"seconds": time.perf_counter() - start, **peak, "cpu_driver": cpu.get(proc.pid, 0.0), "cpu_tree": sum(cpu.values())}


def corpus(data: Path, docs: int) -> Path:
    """The pool-mode generated corpus (the one of the published figures)."""
    from generate import corpus_file

    return corpus_file(data, docs, "pool")


def compare(docs: int, data: Path, workers: int, partitions: int, scan: bool = False, shard_bytes: int = 0) -> dict:
    path = corpus(data, docs)
    with tempfile.TemporaryDirectory(prefix="dedupe-bench-") as tmp:
        t = Path(tmp)
        if scan:  # the report (passages, rules); HTML left out
            common = ["scan", str(path), "--workers", str(workers), "-q", "--no-html", "--no-timestamp"]
            outputs = [["--json", str(t / "k1")], ["--json", str(t / "k2")]]
        else:
            common = ["dedup", str(path), "--workers", str(workers), "-q"]
            outputs = [["--out", str(t / "k1"), "--dropped", str(t / "d1")], ["--out", str(t / "k2"), "--dropped", str(t / "d2")]]
        local = measure([*DEDUPE, *common, *outputs[0]])
        sharding = ["--shard-bytes", str(shard_bytes)] if shard_bytes else []
        ray = measure([*DEDUPE, *common, *outputs[1], "--engine", "ray", "--work-dir", str(t / "w"), "--partitions", str(partitions), *sharding])
        same = all(filecmp.cmp(t / f"{n}1", t / f"{n}2", shallow=False) for n in (("k",) if scan else ("k", "d")))
        stats = json.loads((t / "w" / "stats.json").read_text())
        edges = sum(int(x.stat().st_size) for x in (t / "w" / "4-verify").rglob("edges.npz"))
    return {"docs": docs, "bytes": path.stat().st_size, "local": local, "ray": ray, "same": same, "stages": stats, "verified_bytes": edges}


def estimate(result: dict, machines: int = 8, cores: int = 32, target: int = 1_000_000_000) -> list[str]:
    """A 1B-article run from the measured per-stage costs (core-seconds per document, bytes
    written per document), assuming the tasks spread over all cores and the stage's cost
    stays linear in the documents (true of sign, bucket per partition, verify and emit)."""
    n, workers = result["docs"], machines * cores
    lines = ["| stage | measured s (2 cores) | core-s per 1M docs | bytes written per doc | 1B: data written | 1B: wall on 8x32 cores |",
             "|---|---:|---:|---:|---:|---:|"]
    total = 0.0
    for s in result["stages"]:
        on_driver = s["stage"] in DRIVER_STAGES
        core_s = s["seconds"] * (1 if on_driver else 2)
        per_doc = core_s / n
        wall = per_doc * target / (1 if on_driver else workers)
        total += wall
        lines.append(f"| {s['stage']} | {s['seconds']:.1f} | {per_doc * 1e6:.0f} | {s['bytes'] / n:,.0f} | "
                     f"{s['bytes'] / n * target / 1e12:.2f} TB | {wall / 60:.1f} min |")
    lines.append(f"| total | | | | | {total / 60:.0f} min |")
    return lines


DRIVER_STAGES = {"5-cluster (components)"}  # the connected components: the driver alone


def components_scaling(edge_counts: list[int], nodes_per_edge: float = 1.5) -> list[dict]:
    """Seconds and peak memory of the driver's clustering step (connected components of the
    joining edges, as ``5-cluster`` runs it) on random forests of ``E`` edges over
    ``nodes_per_edge * E`` documents, each size in a fresh process (peak RSS above its start)."""
    code = (
        "import resource, sys, time, numpy as np\n"
        "from dedupe.near.clusters import components\n"
        "e = int(sys.argv[1]); n = int(e * float(sys.argv[2])); rng = np.random.default_rng(0)\n"
        "lo = rng.integers(0, n, e, dtype=np.int64); hi = lo + rng.integers(1, 1000, e, dtype=np.int64)\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "t = time.perf_counter(); g = components(lo, hi); t = time.perf_counter() - t\n"
        "print(t, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024, len(g))\n"
    )
    out = []
    for e in edge_counts:
        res = subprocess.run([sys.executable, "-c", code, str(e), str(nodes_per_edge)], capture_output=True, text=True, check=True)
        seconds, peak, groups = res.stdout.split()
        out.append({"edges": e, "seconds": float(seconds), "peak_bytes": int(peak), "clusters": int(groups)})
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100000")
    ap.add_argument("--data", default=str(ROOT / "benchmarks" / "data"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--partitions", type=int, default=16)
    ap.add_argument("--edges", default="", help="also time the driver's components on this many edges (e.g. 1000000,10000000)")
    ap.add_argument("--scan", action="store_true", help="dedupe scan (passages and rules) instead of dedupe dedup")
    ap.add_argument("--shard-bytes", type=int, default=0,
                    help="--shard-bytes of the Ray run (default: the command's); a small corpus needs small shards for its per-shard tasks to spread")
    args = ap.parse_args(argv)
    if args.edges:
        rows = components_scaling([int(e) for e in args.edges.split(",")])
        print("| joining edges | components s | driver peak above start | bytes per edge |")
        print("|---:|---:|---:|---:|")
        for r in rows:
            print(f"| {r['edges']:,} | {r['seconds']:.1f} | {r['peak_bytes'] / 1e9:.2f} GB | {r['peak_bytes'] / r['edges']:.0f} |")
        if args.sizes == "0":
            return
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {os.getloadavg()}")
    results = []
    for n in args.sizes.split(","):  # each size's figures printed when measured (a long run may be stopped)
        results.append(compare(int(n), data, args.workers, args.partitions, args.scan, args.shard_bytes))
        print(json.dumps(results[-1]), flush=True)
    print(f"load average after: {os.getloadavg()}\n")
    print(f"dedupe {'scan' if args.scan else 'dedup'}, {args.workers} workers, {args.partitions} partitions\n")
    print("| articles | input | engine | wall s | ray/local | CPU s (driver / tree) | driver peak RSS | largest worker RSS | whole tree peak RSS | outputs identical |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        for name in ("local", "ray"):
            m = r[name]
            ratio = f"{r['ray']['seconds'] / r['local']['seconds']:.2f}x" if name == "ray" else ""
            print(f"| {r['docs']:,} | {r['bytes'] / 1e9:.2f} GB | {name} | {m['seconds']:.1f} | {ratio} | "
                  f"{m['cpu_driver']:.0f} / {m['cpu_tree']:.0f} | "
                  f"{m['driver'] / 1e9:.2f} GB | {m['worker'] / 1e9:.2f} GB | {m['tree'] / 1e9:.2f} GB | {r['same']} |")
    for r in results:
        print(f"\nPer stage of the Ray run at {r['docs']:,} articles (verified edges: {r['verified_bytes'] / 1e6:.1f} MB), "
              "and the estimate for 1B articles on 8 machines x 32 cores:\n")
        print("\n".join(estimate(r)))
    print("\n" + json.dumps(results))


if __name__ == "__main__":
    main()
