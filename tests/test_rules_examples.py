"""Every registered rule's own examples: should_flag examples must produce a finding of that
rule (covering the ``[[ ]]``-marked span, when one is marked); should_pass examples none.
A rule without both kinds of example fails."""

import re

import pytest

from dedupe.config import Config
from dedupe.model import Document
from dedupe.rules import RuleContext, all_rules

MARK = re.compile(r"\[\[(.*?)\]\]", re.S)
RULES = all_rules()


def unmark(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The text without ``[[ ]]`` markers and the marked spans in the unmarked text."""
    out, spans, pos, shift = [], [], 0, 0
    for m in MARK.finditer(text):
        out.append(text[pos : m.start()])
        start = m.start() - shift
        spans.append((start, start + len(m.group(1))))
        out.append(m.group(1))
        shift += 4
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), spans


def run_example(rule, example):
    texts = example if isinstance(example, tuple) else (example,)
    docs, marks = [], []
    for i, t in enumerate(texts):
        clean, spans = unmark(t)
        docs.append(Document(id=f"d{i}", text=clean))
        marks += [(f"d{i}", s, e) for s, e in spans]
    findings = list(rule.run(docs, RuleContext(config=Config())))
    texts_by_id = {d.id: d.text for d in docs}
    for f in findings:
        assert texts_by_id[f.doc][f.start : f.end] == f.text, f"{rule.id}: offsets do not match text"
        assert 0.0 <= f.confidence <= 1.0
    return [f for f in findings if f.rule == rule.id], marks


def cases(kind):
    return [
        pytest.param(rule, ex, id=f"{rule.id}-{kind}-{n}")
        for rule in RULES
        for n, ex in enumerate(getattr(rule, kind))
    ]


def test_rules_are_registered():
    assert RULES, "no rule registered"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_has_both_kinds_of_example(rule):
    assert rule.should_flag, f"{rule.id} has no should_flag example"
    assert rule.should_pass, f"{rule.id} has no should_pass example"
    assert rule.description and rule.description.strip()


@pytest.mark.parametrize("rule,example", cases("should_flag"))
def test_should_flag(rule, example):
    findings, marks = run_example(rule, example)
    assert findings, f"{rule.id} found nothing in {example!r}"
    for doc, s, e in marks:
        assert any(f.doc == doc and f.start <= s and f.end >= e for f in findings), (
            f"{rule.id}: no finding covers the marked span {s}:{e}; found "
            f"{[(f.doc, f.start, f.end, f.text) for f in findings]}"
        )


@pytest.mark.parametrize("rule,example", cases("should_pass"))
def test_should_pass(rule, example):
    findings, _ = run_example(rule, example)
    assert not findings, f"{rule.id} flagged {[(f.text, f.message) for f in findings]} in {example!r}"


def test_unmark():
    text, spans = unmark("a [[bc]] d [[e]]")
    assert text == "a bc d e" and [text[s:e] for s, e in spans] == ["bc", "e"]
