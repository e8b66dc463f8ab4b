"""False alarms of the rules on human-written English: warning findings per rule per 5,000
words, one column per corpus, in one table.

Corpora (read at run time; nothing of them is stored in the repository):

- Wikinews (CC BY 2.5): 251 native English articles, each story told once;
- DEMETR human references (MIT): professional translations into English, one sentence per
  document, the set scanned as one corpus;
- MLQE-PE post-edits (CC0): human-corrected machine translation (ro-en, ru-en test20), one
  sentence per document, detokenised;
- ECB+ (research use only): 982 articles, 86 stories, many outlets per story; one sentence
  per line (rebuilt from tokens);
- BASIL (research use only): 300 articles, 100 stories each told by three outlets.

Each rule runs alone over the whole corpus (corpus-scope rules see every document), so the
time of each rule is measured too (``--seconds CORPUS``). Findings of severity ``warning`` or
``error`` are counted; ``info`` findings are listed in a second table with ``--info``.

Usage::

    python benchmarks/false_alarms.py [--data /work/shared/data] [--only ecbplus,basil]
        [--show RULE] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.eval_rules import demetr_references, mlqe_post_edits  # noqa: E402
from dedupe.config import Config  # noqa: E402
from dedupe.model import Document  # noqa: E402
from dedupe.rules import RuleContext, all_rules  # noqa: E402

WARNING = ("warning", "error")
TARGET_PER_RULE = 1.0
TARGET_ALL = 2.0


def _jsonl(path: Path) -> list[Document]:
    rows = [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]
    return [Document(id=str(r["id"]), text=r["text"]) for r in rows]


def _sentences(name: str, sents: list[str]) -> list[Document]:
    return [Document(id=f"{name}-{i}", text=t) for i, t in enumerate(sents)]


def corpora(data: Path) -> dict:
    """Name -> loader of the documents (loaded only when asked for)."""
    research = data / "research"
    return {
        "wikinews": lambda: _jsonl(data / "wikinews" / "wikinews.jsonl"),
        "demetr-refs": lambda: _sentences("demetr", demetr_references(data / "demetr")),
        "mlqe-pe": lambda: _sentences("mlqe", mlqe_post_edits(data / "mlqe-pe" / "data")),
        "ecbplus": lambda: _jsonl(research / "ecbplus.jsonl"),
        "basil": lambda: _jsonl(research / "basil.jsonl"),
    }


def measure(docs: list[Document], rules, show: str | None = None, name: str = "") -> dict:
    """Per rule: warning and info findings and seconds, over ``docs`` scanned as one corpus."""
    ctx = RuleContext(config=Config())
    words = sum(len(d.text.split()) for d in docs)
    texts = {d.id: d.text for d in docs} if show else {}
    out = {"words": words, "docs": len(docs), "rules": {}}
    for rule in rules:
        t0 = time.perf_counter()
        found = list(rule.run(docs, ctx))
        seconds = time.perf_counter() - t0
        warn = [f for f in found if f.severity in WARNING]
        out["rules"][rule.id] = {"warnings": len(warn), "info": len(found) - len(warn), "seconds": round(seconds, 2)}
        if show == rule.id:
            for f in found:
                t = texts[f.doc]
                ctx_text = t[max(0, f.start - 70) : f.end + 70].replace("\n", " / ")
                print(f"[{name} {f.severity} {f.confidence:.2f}] {f.doc}: [{f.text}] ...{ctx_text}... | {f.message}",
                      file=sys.stderr)
    return out


def per5k(n: int, words: int) -> float:
    return n / words * 5000 if words else 0.0


def table(results: dict, key: str = "warnings") -> str:
    names = list(results)
    rule_ids = list(next(iter(results.values()))["rules"]) if results else []
    lines = ["| rule | " + " | ".join(f"{n} ({results[n]['words']:,} w)" for n in names) + " |",
             "| --- |" + " ---: |" * len(names)]
    for rid in rule_ids:
        cells = []
        for n in names:
            v = per5k(results[n]["rules"][rid][key], results[n]["words"])
            mark = " **over**" if key == "warnings" and v >= TARGET_PER_RULE else ""
            cells.append(f"{v:.2f}{mark}")
        lines.append(f"| {rid} | " + " | ".join(cells) + " |")
    totals = []
    for n in names:
        v = per5k(sum(r[key] for r in results[n]["rules"].values()), results[n]["words"])
        mark = " **over**" if key == "warnings" and v >= TARGET_ALL else ""
        totals.append(f"{v:.2f}{mark}")
    lines.append("| **all** | " + " | ".join(totals) + " |")
    return "\n".join(lines)


def seconds_table(results: dict) -> str:
    names = list(results)
    rule_ids = list(next(iter(results.values()))["rules"]) if results else []
    lines = ["| rule | " + " | ".join(names) + " |", "| --- |" + " ---: |" * len(names)]
    for rid in rule_ids:
        lines.append(f"| {rid} | " + " | ".join(f"{results[n]['rules'][rid]['seconds']:.1f}" for n in names) + " |")
    return "\n".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="/work/shared/data", type=Path)
    ap.add_argument("--only", default="", help="comma-separated corpus names (default: all)")
    ap.add_argument("--rules", default="", help="comma-separated rule ids (default: all)")
    ap.add_argument("--show", help="print every finding of this rule (to stderr)")
    ap.add_argument("--info", action="store_true", help="also print the table of info findings")
    ap.add_argument("--json", type=Path, help="write the raw figures here")
    args = ap.parse_args(argv)
    chosen = [r for r in all_rules() if not args.rules or r.id in args.rules.split(",")]
    loaders = corpora(args.data)
    names = [n for n in loaders if not args.only or n in args.only.split(",")]
    results = {}
    for name in names:
        try:
            docs = loaders[name]()
        except FileNotFoundError as exc:
            print(f"skipping {name}: {exc}", file=sys.stderr)
            continue
        results[name] = measure(docs, chosen, args.show, name)
    print("### Warning findings per 5,000 words (target: each rule < 1, all < 2)\n")
    print(table(results))
    if args.info:
        print("\n### Info findings per 5,000 words\n")
        print(table(results, "info"))
    print("\n### Seconds per rule (each rule alone, one process)\n")
    print(seconds_table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), "utf-8")


if __name__ == "__main__":
    main()
