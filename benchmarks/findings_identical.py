"""Are the findings of a speed change identical to before? Scans each corpus with the rules and
the document languages (``dedupe scan --no-passages``, whole process, one worker) and writes,
per corpus, the findings and the languages ingest gave the documents; ``--compare`` says
whether two such folders are the same and lists any difference.

Corpora (read at run time; nothing of them is stored in the repository): Wikinews, DEMETR
(references, machine translations and perturbed translations of every file), MLQE-PE
(post-edits and machine translations), ECB+ (research use only).

    PYTHONPATH=/tmp/before python benchmarks/findings_identical.py --out /tmp/before_findings
    python benchmarks/findings_identical.py --out /tmp/after_findings
    python benchmarks/findings_identical.py --compare /tmp/before_findings /tmp/after_findings
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from false_alarms import detokenize  # noqa: E402


def _demetr(folder: Path) -> list[str]:
    texts = []
    for path in sorted(folder.glob("*.json")):
        for item in json.loads(path.read_text("utf-8")):
            texts += [item.get(k, "") for k in ("eng_sent", "mt_sent", "pert_sent")]
    return list(dict.fromkeys(t.strip() for t in texts if t and t.strip()))


def _mlqe(folder: Path) -> list[str]:
    texts = []
    for archive in sorted((folder / "post-editing" / "test").glob("*.tar.gz")):
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                if member.name.endswith((".pe", ".mt")):
                    lines = tar.extractfile(member).read().decode("utf-8").splitlines()
                    texts += [detokenize(x) for x in lines if x.strip()]
    return list(dict.fromkeys(texts))


def corpora(data: Path, work: Path) -> dict:
    """Name -> a JSONL file to scan (the sentence sets are written to ``work``)."""
    out = {"wikinews": data / "wikinews" / "wikinews.jsonl", "ecbplus": data / "research" / "ecbplus.jsonl"}
    for name, texts in (("demetr", _demetr(data / "demetr")), ("mlqe-pe", _mlqe(data / "mlqe-pe" / "data"))):
        path = work / f"{name}.jsonl"
        with open(path, "w", encoding="utf-8") as fh:
            for i, t in enumerate(texts):
                fh.write(json.dumps({"id": f"{name}-{i}", "text": t}, ensure_ascii=False) + "\n")
        out[name] = path
    return out


def scan(path: Path, out: Path) -> dict:
    report = out.with_suffix(".report.json")
    t0 = time.process_time()
    cmd = [sys.executable, "-m", "dedupe", "scan", str(path), "--no-passages", "--no-html", "--workers", "1",
           "--no-timestamp", "--json", str(report), "-q"]
    subprocess.run(cmd, check=False, env=dict(os.environ))
    rep = json.loads(report.read_text("utf-8"))
    kept = {"findings": rep["findings"], "languages": {d["id"]: d.get("language") for d in rep["documents"]}}
    out.write_text(json.dumps(kept, ensure_ascii=False, indent=0, sort_keys=True), "utf-8")
    report.unlink()
    return {"findings": len(rep["findings"]), "docs": len(rep["documents"]),
            "cpu_children": round(time.process_time() - t0, 2)}


def compare(a: Path, b: Path) -> int:
    differ = 0
    for fa in sorted(a.glob("*.findings.json")):
        fb = b / fa.name
        x, y = json.loads(fa.read_text("utf-8")), json.loads(fb.read_text("utf-8"))
        key = lambda f: json.dumps(f, sort_keys=True, ensure_ascii=False)  # noqa: E731
        only_a = sorted(set(map(key, x["findings"])) - set(map(key, y["findings"])))
        only_b = sorted(set(map(key, y["findings"])) - set(map(key, x["findings"])))
        langs = [d for d in x["languages"] if x["languages"][d] != y["languages"].get(d)]
        same = not only_a and not only_b and not langs and len(x["findings"]) == len(y["findings"])
        differ += not same
        print(f"{fa.name.split('.')[0]}: {len(x['findings'])} vs {len(y['findings'])} findings, "
              f"{len(x['languages'])} documents: {'identical' if same else 'DIFFERENT'}")
        for f in only_a[:20]:
            print("  only in first: ", f)
        for f in only_b[:20]:
            print("  only in second:", f)
        for d in langs[:20]:
            print(f"  language of {d}: {x['languages'][d]} vs {y['languages'].get(d)}")
    return 1 if differ else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    ap.add_argument("--out", type=Path)
    ap.add_argument("--only", default="", help="comma-separated corpora")
    ap.add_argument("--compare", nargs=2, type=Path, metavar=("FIRST", "SECOND"))
    args = ap.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    args.out.mkdir(parents=True, exist_ok=True)
    only = {x for x in args.only.split(",") if x}
    for name, path in corpora(args.data, args.out).items():
        if not only or name in only:
            print(name, scan(path, args.out / f"{name}.findings.json"), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
