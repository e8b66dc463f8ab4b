"""Accuracy of every registered rule: DEMETR perturbations and false alarms on native English.

DEMETR (Karpinska et al., EMNLP 2022; MIT): for each perturbation below, the rate at which
the matching rule fires on the perturbed machine translation (``pert_sent``, want high) and
on the clean machine translation (``mt_sent``, want low). Each sentence is one document.
Only items with ``pert_check: true`` (the perturbation was really applied) are used.

Wikinews (CC BY 2.5, native English news): findings per 5,000 words for every rule, the
whole file as one corpus (corpus-scope rules see all of it).

Usage::

    python benchmarks/eval_rules.py [--data /work/shared/data] [--show RULE]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dedupe.config import Config  # noqa: E402
from dedupe.model import Document  # noqa: E402
from dedupe.rules import RuleContext, all_rules  # noqa: E402

DEMETR = {
    "critical_id4_codemix": ("stray-token", "foreign-fragment"),
    "critical_id11_gender": ("gender-mismatch",),
    "minor_id32_first_lower": ("broken-sentence",),
}


def fires(rule, text: str, ctx) -> bool:
    return any(f.rule == rule.id for f in rule.run([Document(id="s", text=text)], ctx))


def eval_demetr(folder: Path, rules: dict, ctx) -> list[dict]:
    rows = []
    for name, rule_ids in DEMETR.items():
        items = [it for it in json.loads((folder / f"{name}.json").read_text("utf-8")) if it.get("pert_check")]
        for rid in rule_ids:
            rule = rules.get(rid)
            if rule is None:
                rows.append({"set": name, "rule": rid, "n": len(items), "pert": None, "mt": None})
                continue
            pert = sum(fires(rule, it["pert_sent"], ctx) for it in items)
            mt = sum(fires(rule, it["mt_sent"], ctx) for it in items)
            rows.append({"set": name, "rule": rid, "n": len(items), "pert": pert / len(items), "mt": mt / len(items)})
    return rows


def eval_native(path: Path, rules: dict, ctx, show: str | None = None) -> tuple[int, list[dict]]:
    docs = [Document(id=r["id"], text=r["text"]) for r in map(json.loads, path.read_text("utf-8").splitlines()) if r]
    words = sum(len(d.text.split()) for d in docs)
    rows = []
    for rule in rules.values():
        t0 = time.perf_counter()
        found = list(rule.run(docs, ctx))
        seconds = time.perf_counter() - t0
        rows.append({"rule": rule.id, "severity": rule.severity, "findings": len(found),
                     "per5k": len(found) / words * 5000, "seconds": seconds})
        if show == rule.id:
            texts = {d.id: d.text for d in docs}
            for f in found:
                t = texts[f.doc]
                print(f"{f.doc}: [{f.text}] ... {t[max(0, f.start - 60):f.end + 60]!r} | {f.message}", file=sys.stderr)
    return words, rows


def eval_inserted_source(folder: Path, wiki: Path, rule, ctx) -> list[dict]:
    """foreign-fragment recall: each DEMETR source sentence (the untranslated original) is
    inserted as a paragraph into a native English Wikinews article; does the rule flag it?"""
    arts = [json.loads(x)["text"] for x in wiki.read_text("utf-8").splitlines() if x.strip()]
    items = json.loads((folder / "base_id35_reference.json").read_text("utf-8"))
    by_lang: dict = {}
    for n, it in enumerate(items):
        host = arts[n % len(arts)]
        cut = host.find("\n", len(host) // 2)
        cut = len(host) if cut < 0 else cut
        text = host[:cut] + "\n" + it["src_sent"] + "\n" + host[cut:]
        s = cut + 1
        e = s + len(it["src_sent"])
        hit = any(f.start < e and f.end > s for f in rule.run([Document(id="x", text=text)], ctx))
        ok, total = by_lang.get(it["lang_tag"], (0, 0))
        by_lang[it["lang_tag"]] = (ok + hit, total + 1)
    return [{"lang": k, "rate": v[0] / v[1], "n": v[1]} for k, v in sorted(by_lang.items())]


def pct(x) -> str:
    return "n/a (rule not registered)" if x is None else f"{100 * x:.1f}%"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="/work/shared/data", type=Path)
    ap.add_argument("--show", help="print every Wikinews finding of this rule (to stderr)")
    args = ap.parse_args(argv)
    rules = {r.id: r for r in all_rules()}
    ctx = RuleContext(config=Config())

    print("### DEMETR: how often the matching rule fires\n")
    print("| perturbation | rule | items | fires on perturbed (pert_sent) | fires on clean MT (mt_sent) |")
    print("| --- | --- | ---: | ---: | ---: |")
    for r in eval_demetr(args.data / "demetr", rules, ctx):
        print(f"| {r['set']} | {r['rule']} | {r['n']} | {pct(r['pert'])} | {pct(r['mt'])} |")

    if "foreign-fragment" in rules:
        rows = eval_inserted_source(args.data / "demetr", args.data / "wikinews" / "wikinews.jsonl",
                                    rules["foreign-fragment"], ctx)
        print("\n### foreign-fragment: a DEMETR source sentence inserted into a Wikinews article\n")
        print("| source language | items | flagged |")
        print("| --- | ---: | ---: |")
        for r in rows:
            print(f"| {r['lang']} | {r['n']} | {pct(r['rate'])} |")

    words, rows = eval_native(args.data / "wikinews" / "wikinews.jsonl", rules, ctx, args.show)
    print(f"\n### False alarms on native English (Wikinews, {words:,} words)\n")
    print("| rule | severity | findings | per 5,000 words | target | seconds |")
    print("| --- | --- | ---: | ---: | --- | ---: |")
    for r in rows:
        target = "< 1" if r["severity"] in ("warning", "error") else "(info: none)"
        print(f"| {r['rule']} | {r['severity']} | {r['findings']} | {r['per5k']:.2f} | {target} | {r['seconds']:.1f} |")


if __name__ == "__main__":
    main()
