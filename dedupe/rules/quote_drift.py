"""quote-drift: one quoted statement rendered in different words in two documents.

When an outlet re-translates a statement instead of copying it, the two quotations share
most of their words but some are swapped ("current and unscrupulous attacks" / "persistent
and unconscionable attacks"). Identical quotations are copying and stay silent (the passages
stage reports shared text); so do quotations that only start or stop at different words.

Quotations (straight and curly quotes, quotes across line breaks) are split into units (the
whole quote and each of its sentences); units of different documents are paired by word
TF-IDF cosine (scikit-learn), then aligned word by word (difflib). A pair is flagged when the
aligned stretch covers most of the shorter unit, most of its words agree, and at least one
content word is replaced by a different word (not merely respelled: defence/defense).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..textutil import sentences
from ._people import stopwords
from ._quotes import quotations
from .base import Rule

MIN_WORDS = 6  # a unit shorter than this is a phrase, not a statement
CANDIDATE_COSINE = 0.35  # TF-IDF cosine for a pair to be aligned at all
MIN_COVER = 0.6  # the aligned stretch covers this much of the shorter unit
MIN_AGREE = 0.6  # of the aligned stretch, this share of words is the same
RESPELLING = 80  # rapidfuzz ratio at or above which two words are one word respelled
_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass
class _Unit:
    doc: int
    start: int
    end: int
    words: list  # lower-cased words
    spans: list  # (start, end) of each word


def _units(text: str, doc_index: int) -> list[_Unit]:
    out = []
    for q in quotations(text):
        pieces = [(q.start, q.end)]
        sents = list(sentences(text, q.start, q.end))
        if len(sents) > 1:
            pieces += sents
        for s, e in pieces:
            ms = list(_WORD_RE.finditer(text, s, e))
            if len(ms) >= MIN_WORDS:
                out.append(_Unit(doc_index, s, e, [m.group().lower().replace("’", "'") for m in ms],
                                 [(m.start(), m.end()) for m in ms]))
    return out


def quotation_words(text: str) -> list[list[str]]:
    """The words of each unit this rule compares (for an archive's quotation index)."""
    return [u.words for u in _units(text, 0)]


def _content(words) -> bool:
    return any(w not in stopwords() and not w.isdigit() for w in words)


def _respelled(a: list, b: list) -> bool:
    from rapidfuzz.fuzz import ratio

    return len(a) == len(b) and all(ratio(x, y) >= RESPELLING for x, y in zip(a, b))


def _compare(a: _Unit, b: _Unit):
    """``(region_a, region_b, differences, agreement)`` when b renders a's statement in other
    words, else None."""
    sm = difflib.SequenceMatcher(None, a.words, b.words, autojunk=False)
    blocks = [blk for blk in sm.get_matching_blocks() if blk.size]
    if not blocks:
        return None
    a0, a1 = blocks[0].a, blocks[-1].a + blocks[-1].size
    b0, b1 = blocks[0].b, blocks[-1].b + blocks[-1].size
    matched = sum(blk.size for blk in blocks)
    shorter = min(len(a.words), len(b.words))
    if min(a1 - a0, b1 - b0) < MIN_COVER * shorter or matched < MIN_WORDS:
        return None
    agreement = matched / max(a1 - a0, b1 - b0)
    if agreement < MIN_AGREE:
        return None
    diffs = []
    substantive = False
    for tag, i0, i1, j0, j1 in sm.get_opcodes():
        if tag == "equal" or i0 < a0 or i1 > a1 or j0 < b0 or j1 > b1:
            continue
        wa, wb = a.words[i0:i1], b.words[j0:j1]
        diffs.append((i0, i1, j0, j1))
        if tag == "replace" and (_content(wa) or _content(wb)) and not _respelled(wa, wb):
            substantive = True
    if not substantive:
        return None
    return (a0, a1), (b0, b1), diffs, agreement


def _text_of(text: str, unit: _Unit, i0: int, i1: int) -> str:
    if i0 >= i1:
        return ""
    return text[unit.spans[i0][0] : unit.spans[i1 - 1][1]]


def _check(docs, ctx):
    units = [u for i, d in enumerate(docs) for u in _units(d.text, i)]
    if len({u.doc for u in units}) < 2:
        return
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        matrix = TfidfVectorizer(token_pattern=r"[^\W_]+(?:['’][^\W_]+)*", sublinear_tf=True).fit_transform(
            [" ".join(u.words) for u in units])
    except ValueError:  # no words in any quotation
        return
    sims = (matrix @ matrix.T).tocoo()
    pairs = sorted(
        ((float(v), i, j) for i, j, v in zip(sims.row, sims.col, sims.data)
         if i < j and v >= CANDIDATE_COSINE and units[i].doc != units[j].doc),
        key=lambda p: (-(units[p[1]].end - units[p[1]].start), p[1], p[2]),
    )
    flagged: list = []  # (doc, start, end) already reported, to skip the same pair's sub-units
    for cos, i, j in pairs:
        a, b = units[i], units[j]
        found = _compare(a, b)
        if found is None:
            continue
        (a0, a1), (b0, b1), diffs, agreement = found
        span_a = (a.doc, a.spans[a0][0], a.spans[a1 - 1][1])
        span_b = (b.doc, b.spans[b0][0], b.spans[b1 - 1][1])
        if any(_within(span_a, f) for f in flagged) and any(_within(span_b, f) for f in flagged):
            continue
        flagged += [span_a, span_b]
        for this, other, unit, ounit, side in ((span_a, span_b, a, b, 0), (span_b, span_a, b, a, 1)):
            doc, odoc = docs[this[0]], docs[other[0]]
            changes = [{"this": _text_of(doc.text, unit, *(d[0:2] if side == 0 else d[2:4])),
                        "other": _text_of(odoc.text, ounit, *(d[2:4] if side == 0 else d[0:2]))}
                       for d in diffs]
            swapped = "; ".join(f"'{c['this']}' / '{c['other']}'" for c in changes[:4])
            yield RULE.finding(
                doc, this[1], this[2],
                f"this quotation is worded differently in {odoc.id}: {swapped}",
                suggestion=odoc.text[other[1] : other[2]],
                confidence=min(1.0, agreement),
                evidence={"other": {"doc": odoc.id, "start": other[1], "end": other[2]},
                          "differences": changes, "similarity": round(cos, 3),
                          "agreement": round(agreement, 3)},
            )


def _within(span, other) -> bool:
    return span[0] == other[0] and other[1] <= span[1] and span[2] <= other[2]


RULE = Rule(
    id="quote-drift",
    severity="warning",
    description="One quoted statement worded differently in two documents (re-translated, not copied).",
    check=_check,
    scope="corpus",
    should_flag=(
        ('"The government will [[firmly defend the rights of farmers and guarantee fair prices for all '
         'their harvests]]," the minister said.',
         'The minister said: "The government will strongly protect the rights of farmers and guarantee '
         'fair prices for all their harvests."'),
    ),
    should_pass=(
        ('"The government will firmly defend the rights of farmers and guarantee fair prices," she said.',
         'She said: "The government will firmly defend the rights of farmers and guarantee fair prices."'),
        ('"We will defend the rights of farmers and guarantee fair prices for the harvest," she said.',
         'The company said "sales rose in the third quarter thanks to strong demand in Asia".'),
        ('"The government will defend the rights of farmers," she said.',
         '"The government will defend the rights of farmers and guarantee fair prices," she added.'),
    ),
)
