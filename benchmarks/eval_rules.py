"""Accuracy of every registered rule: DEMETR perturbations and false alarms on native English.

DEMETR (Karpinska et al., EMNLP 2022; MIT): for each perturbation below, the rate at which
the matching rule fires on the perturbed machine translation (``pert_sent``, want high) and
on the clean machine translation (``mt_sent``, want low). Each sentence is one document.
Only items with ``pert_check: true`` (the perturbation was really applied) are used.

Wikinews (CC BY 2.5, native English news): findings per 5,000 words for every rule, the
whole file as one corpus (corpus-scope rules see all of it).

Held-out false-alarm sets (professional human English, one sentence per document, the set
scanned as one corpus with ``run_rules(docs, Config())``):

- DEMETR human references (``base_id35_reference.json``, field ``eng_sent``, deduplicated);
- MLQE-PE post-edits (CC0; ``*.pe`` of the ro-en and ru-en test20 archives: human-corrected
  machine translation of Wikipedia/Reddit sentences). The files are tokenised ("word , word");
  they are detokenised with a few regular expressions before scanning.

Usage::

    python benchmarks/eval_rules.py [--data /work/shared/data] [--show RULE]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tarfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dedupe.config import Config  # noqa: E402
from dedupe.model import Document  # noqa: E402
from dedupe.rules import RuleContext, all_rules, run_rules  # noqa: E402

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


def demetr_references(folder: Path) -> list[str]:
    items = json.loads((folder / "base_id35_reference.json").read_text("utf-8"))
    return list(dict.fromkeys(it["eng_sent"].strip() for it in items if it["eng_sent"].strip()))


def detokenize(line: str) -> str:
    """Undo Moses-style tokenisation well enough for rule scanning."""
    out, open_ = [], True
    for part in re.split(r'( ?" ?)', line.strip()):  # straight double quotes alternate open / close
        if part.strip() == '"':
            out.append(' "' if open_ else '" ')
            open_ = not open_
        else:
            out.append(part)
    s = "".join(out)
    s = re.sub(r" ([,.;:!?%)\]}])", r"\1", s)
    s = re.sub(r"([(\[{$]) ", r"\1", s)
    s = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m|’s)\b", r"\1", s)
    s = re.sub(r"\b(\w+) '(t|s|re|ve|ll|d|m)\b", r"\1'\2", s)  # "can 't"
    s = re.sub(r"\b([dlDL]) '(?=\w)", r"\1'", s)  # "d 'état", "L 'Aurore"
    s = re.sub(r"(?<=s) ' ", "' ", s)  # plural possessive: "Cassius ' treaty"
    return re.sub(r"\s{2,}", " ", s).strip()


def mlqe_post_edits(folder: Path) -> list[str]:
    sents = []
    for archive in sorted((folder / "post-editing" / "test").glob("*.tar.gz")):
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                if member.name.endswith(".pe"):
                    lines = tar.extractfile(member).read().decode("utf-8").splitlines()
                    sents.extend(detokenize(x) for x in lines if x.strip())
    return list(dict.fromkeys(sents))


def eval_sentences(name: str, sents: list[str], rules: dict, show: str | None = None) -> tuple[int, list[dict]]:
    """Findings per 5,000 words of every rule on one-sentence documents scanned as one corpus."""
    docs = [Document(id=f"{name}-{i}", text=t) for i, t in enumerate(sents)]
    words = sum(len(d.text.split()) for d in docs)
    found = run_rules(docs, Config())
    counts = Counter(f.rule for f in found)
    if show:
        texts = {d.id: d.text for d in docs}
        for f in found:
            if f.rule == show:
                print(f"{name} {f.doc}: [{f.text}] {texts[f.doc]!r} | {f.message}", file=sys.stderr)
    rows = [{"rule": r.id, "severity": r.severity, "findings": counts[r.id],
             "per5k": counts[r.id] / words * 5000} for r in rules.values()]
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


def print_false_alarms(rows, seconds: bool) -> None:
    """The false-alarm table: findings per 5,000 words per rule, against the target."""
    print("| rule | severity | findings | per 5,000 words | target |" + (" seconds |" if seconds else ""))
    print("| --- | --- | ---: | ---: | --- |" + (" ---: |" if seconds else ""))
    for r in rows:
        target = "< 1" if r["severity"] in ("warning", "error") else "(info: none)"
        line = f"| {r['rule']} | {r['severity']} | {r['findings']} | {r['per5k']:.2f} | {target} |"
        print(line + (f" {r['seconds']:.1f} |" if seconds else ""))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="/work/shared/data", type=Path)
    ap.add_argument("--show", help="print every false-alarm finding of this rule (to stderr)")
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
    print_false_alarms(rows, seconds=True)

    held_out = [("DEMETR human references", demetr_references(args.data / "demetr"))]
    if (args.data / "mlqe-pe" / "data" / "post-editing" / "test").is_dir():
        held_out.append(("MLQE-PE post-edits (ro-en + ru-en test20)", mlqe_post_edits(args.data / "mlqe-pe" / "data")))
    for title, sents in held_out:
        words, rows = eval_sentences(title.split()[0].lower(), sents, rules, args.show)
        print(f"\n### False alarms on human English (not a development set at first; its findings were read later): {title} ({len(sents):,} sentences, {words:,} words)\n")
        print_false_alarms(rows, seconds=False)


if __name__ == "__main__":
    main()
