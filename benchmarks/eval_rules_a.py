"""Accuracy of the translation-artifact rules gender-mismatch, stray-token, name-variant and
quote-drift.

- DEMETR (Karpinska et al. 2022, MIT): firing rate of a rule on the perturbed sentence
  (``pert_sent``) and on the clean machine translation (``mt_sent``), each sentence scanned
  alone (a one-document corpus): critical_id11_gender (items with pert_check true) for
  gender-mismatch, critical_id4_codemix (pert_check true) for stray-token.
- English Wikinews (CC BY 2.5, 251 native English articles, 77k words): findings of each rule
  over the whole set scanned as one corpus, and the rate per 5,000 words.

Usage: python benchmarks/eval_rules_a.py [--data /work/shared/data] [--show N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from dedupe.config import Config  # noqa: E402
from dedupe.model import Document  # noqa: E402
from dedupe.rules import all_rules, run_rules  # noqa: E402

RULES = ("gender-mismatch", "stray-token", "name-variant", "quote-drift")
DEMETR = (("critical_id11_gender", "gender-mismatch"), ("critical_id4_codemix", "stray-token"))


def _fires(rule: str, text: str) -> bool:
    return bool(run_rules([Document(id="s", text=text)], Config(select=(rule,))))


def _available() -> set:
    return {r.id for r in all_rules()}


def demetr(data: str, show: int) -> list[tuple]:
    rows = []
    for name, rule in DEMETR:
        if rule not in _available():
            continue
        items = [x for x in json.load(open(os.path.join(data, "demetr", f"{name}.json"))) if x["pert_check"]]
        pert = [x for x in items if _fires(rule, x["pert_sent"])]
        clean = [x for x in items if _fires(rule, x["mt_sent"])]
        rows.append((name, rule, len(items), len(pert) / len(items), len(clean) / len(items)))
        for x in clean[:show]:
            print(f"  [clean fired] {rule}: {x['mt_sent']}")
    return rows


def wikinews(data: str, show: int) -> tuple[int, list]:
    docs = []
    with open(os.path.join(data, "wikinews", "wikinews.jsonl"), encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            docs.append(Document(id=rec["id"], text=rec["text"]))
    words = sum(len(d.text.split()) for d in docs)
    findings = run_rules(docs, Config(select=tuple(r for r in RULES if r in _available())))
    by_id = {d.id: d for d in docs}
    shown = {}
    for f in findings:
        if shown.get(f.rule, 0) < show:
            shown[f.rule] = shown.get(f.rule, 0) + 1
            t = by_id[f.doc].text
            ctx = t[max(0, f.start - 60) : f.end + 40].replace("\n", " / ")
            print(f"  [wikinews] {f.rule} {f.doc}: {f.text!r} | {f.message} | ...{ctx}...")
    return words, findings


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="/work/shared/data")
    ap.add_argument("--show", type=int, default=0, help="print up to N false alarms per rule")
    args = ap.parse_args()
    t0 = time.time()
    rows = demetr(args.data, args.show)
    print("\n| DEMETR file | rule | items | fires on perturbed | fires on clean MT |")
    print("| --- | --- | ---: | ---: | ---: |")
    for name, rule, n, p, c in rows:
        print(f"| {name} | {rule} | {n} | {p:.1%} | {c:.1%} |")
    words, findings = wikinews(args.data, args.show)
    print(f"\nWikinews: {words:,} words, 251 articles")
    print("| rule | findings | per 5,000 words |")
    print("| --- | ---: | ---: |")
    for rule in RULES:
        n = sum(1 for f in findings if f.rule == rule)
        print(f"| {rule} | {n} | {n * 5000 / words:.2f} |")
    print(f"\n({time.time() - t0:.0f} s)")


if __name__ == "__main__":
    main()
