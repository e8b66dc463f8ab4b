"""The translation-artifact rules gender-mismatch, stray-token, name-variant and quote-drift on
the sample corpus (fixtures/seeds_EXPECTED.md), and on their own examples."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dedupe.config import Config
from dedupe.model import Document
from dedupe.rules import run_rules

ROOT = Path(__file__).resolve().parents[1]
RULE_IDS = ("gender-mismatch", "stray-token", "name-variant", "quote-drift")
_MARK_RE = re.compile(r"\[\[(.+?)\]\]", re.S)


@pytest.fixture(scope="module")
def seeds():
    docs = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        docs.append(Document(id=path.name[:3], text=path.read_text(encoding="utf-8"), path=str(path)))
    return {d.id: d for d in docs}


@pytest.fixture(scope="module")
def findings(seeds):
    return run_rules(list(seeds.values()), Config(select=RULE_IDS))


def _covering(findings, rule, doc, text, phrase, occurrence=0):
    """Findings of ``rule`` in ``doc`` whose span covers the ``occurrence``-th ``phrase``."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(phrase, start + 1)
    end = start + len(phrase)
    return [f for f in findings if f.rule == rule and f.doc == doc and f.start <= start and end <= f.end]


def test_offsets_are_exact(findings, seeds):
    assert findings
    for f in findings:
        assert seeds[f.doc].text[f.start : f.end] == f.text


@pytest.mark.parametrize(
    "context, pronoun",
    [
        ('we have not yet come close to it," he said', "he"),
        ("He noted that Canada has pledged", "He"),
        ("according to him", "him"),
        ('this harsh winter," he said, adding that the energy ministers', "he"),
    ],
)
def test_gender_mismatch_four_places_in_000(findings, seeds, context, pronoun):
    text = seeds["000"].text
    at = text.index(context) + context.index(pronoun)
    hits = [f for f in findings if f.rule == "gender-mismatch" and f.doc == "000" and f.start == at
            and f.end == at + len(pronoun)]
    assert hits, f"no gender-mismatch on {pronoun!r} in {context!r}"
    assert hits[0].evidence["person"] == "Melanie Joly"
    assert hits[0].evidence["gender"] == "female"
    assert hits[0].evidence["probability"] >= 0.9


def test_gender_mismatch_nothing_else(findings):
    # Stoltenberg, Kuleba, Cleverly and Putin are men: "he" for them is right
    assert sum(f.rule == "gender-mismatch" for f in findings) == 4
    assert all(f.evidence["person"] == "Melanie Joly" for f in findings if f.rule == "gender-mismatch")


def test_stray_token_hut(findings, seeds):
    assert _covering(findings, "stray-token", "000", seeds["000"].text, "Hut.")


def test_stray_token_spares_names_and_acronyms(findings):
    stray = {f.text.rstrip(".") for f in findings if f.rule == "stray-token"}
    assert not stray & {"Kyiv", "NATO", "RFE/RL", "U.S", "U.S."}
    assert stray == {"Hut"}


def _variant_between(findings, seeds, doc_a, phrase_a, doc_b, phrase_b):
    """A name-variant finding on one side whose evidence points at the other side's spelling."""
    for doc, phrase, other_doc, other_phrase in ((doc_a, phrase_a, doc_b, phrase_b), (doc_b, phrase_b, doc_a, phrase_a)):
        for f in _covering(findings, "name-variant", doc, seeds[doc].text, phrase):
            if any(e["doc"] == other_doc and other_phrase in e["text"] for e in f.evidence["elsewhere"]):
                return f
    return None


def test_name_variant_anthony_antony(findings, seeds):
    assert _variant_between(findings, seeds, "000", "Anthony Blinken", "001", "Antony Blinken")


@pytest.mark.parametrize("other", ["000", "003"])
def test_name_variant_dmitry_dmytro(findings, seeds, other):
    f = _variant_between(findings, seeds, "002", "Dmitry Kuleba", other, "Dmytro Kuleba")
    assert f is not None
    assert f.doc == "002" and f.suggestion == "Dmytro"  # the spelling used most


def test_name_variant_putin_is_not_zelensky(findings):
    for f in findings:
        if f.rule == "name-variant":
            assert "Vladimir" not in f.text and "Volodymyr" not in f.text
            assert not {"Vladimir", "Volodymyr"} & set(f.evidence["variants"])


def test_quote_drift_002_003(findings, seeds):
    hits = _covering(findings, "quote-drift", "002", seeds["002"].text, "current and unscrupulous attacks on Ukrainian civil")
    assert hits
    f = hits[0]
    other = f.evidence["other"]
    assert other["doc"] == "003"
    assert "persistent and unconscionable attacks on Ukrainian civilian" in seeds["003"].text[other["start"] : other["end"]]
    swapped = {(d["this"], d["other"]) for d in f.evidence["differences"]}
    assert ("unscrupulous", "unconscionable") in swapped
    back = _covering(findings, "quote-drift", "003", seeds["003"].text, "persistent and unconscionable attacks")
    assert back and back[0].evidence["other"]["doc"] == "002"


def test_quote_drift_not_for_copied_quotes(findings, seeds):
    # "NATO's door is open" and "We stand by that, too, ..." are quoted identically in 001 and 003
    for f in findings:
        if f.rule == "quote-drift":
            assert "door is open" not in f.text
            assert "We stand by that" not in f.text


# The rules' own should-flag / should-pass examples are run for every rule by
# tests/test_rules_examples.py.
