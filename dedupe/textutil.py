"""Small text helpers shared by the rules and the passage aligner. Offsets are code points
into the text as read, half-open."""

from __future__ import annotations

import bisect
import re
from itertools import accumulate
from typing import Iterable, Iterator

_PARA_RE = re.compile(r"[^\n]+")
_WRAP_MIN, _WRAP_MAX = 40, 100  # line lengths of text wrapped at a fixed width
# a line break inside a paragraph: text before it on its line, and the next line starts with
# neither a blank line nor indentation
_INNER_BREAK_RE = re.compile(r"(?<=\S)[ \t]*\r?\n(?=\S)")
# a sentence ends at . ! ? or … (with closing quotes/brackets) followed by space, at the CJK
# full stops 。！？ (no space follows them), or at a line end
# (written to start with the set of its first characters, which the search skips to fast:
# [.!?…]+['"’”)\]]*(?=\s|$) | [。！？]+['"’”」』)\]]* | \n)
_SENT_END_RE = re.compile(r"""[.!?…。！？\n](?:(?<=[.!?…])[.!?…]*['"’”)\]]*(?=\s|$)|(?<=[。！？])[。！？]*['"’”」』)\]]*|(?<=\n))""")
_ABBREV = {"mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "gen", "col", "lt", "sgt", "gov", "sen", "rep",
           "no", "vs", "etc", "inc", "ltd", "co", "corp", "u.s", "u.k", "e.g", "i.e", "jan", "feb", "mar", "apr",
           "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "approx"}


class Cover:
    """``cover(pos)``: does one of the spans ``(start, end)`` (half-open, may overlap) contain
    ``pos``? A binary search, so a long text with many spans stays linear, not quadratic.

    >>> cover = Cover([(0, 5), (2, 3), (10, 12)])
    >>> [p for p in range(13) if cover(p)]
    [0, 1, 2, 3, 4, 10, 11]
    """

    def __init__(self, spans: Iterable[tuple[int, int]]):
        spans = sorted(spans)
        self._starts = [s for s, _ in spans]
        self._reach = list(accumulate((e for _, e in spans), max))  # furthest end so far

    def __call__(self, pos: int) -> bool:
        i = bisect.bisect_right(self._starts, pos) - 1
        return i >= 0 and self._reach[i] > pos


def paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Non-empty lines (a line is a paragraph in scraped news), as ``(start, end)``."""
    for m in _PARA_RE.finditer(text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            yield s, e


def sentences(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """Sentences of ``text[start:end]`` as ``(start, end)`` spans, whitespace trimmed.

    A rule-based splitter: it ends sentences at terminal punctuation followed by space (not
    after common abbreviations or single initials) and at line ends.
    """
    end = len(text) if end is None else end
    pos = start
    for m in _SENT_END_RE.finditer(text, start, end):
        if m.group().startswith(".") and _abbreviation_before(text, pos, m.start()):
            continue
        s, e = pos, m.end() if m.group() != "\n" else m.start()
        pos = m.end()
        s, e = _trim(text, s, e)
        if s < e:
            yield s, e
    s, e = _trim(text, pos, end)
    if s < e:
        yield s, e


def single_sentence(text: str, start: int, end: int) -> bool:
    """Whether :func:`sentences` of ``text[start:end]`` is at most one sentence, for certain
    (True when the first sentence end it would consider, if any, closes the span; False
    may still be one sentence, after an abbreviation). One regular-expression search."""
    m = _SENT_END_RE.search(text, start, end)
    return m is None or m.end() == end


_ABBREV_CHARS = max(map(len, _ABBREV))


def _abbreviation_before(text: str, lo: int, dot: int) -> bool:
    """Does ``text[lo:dot]`` end in a common abbreviation or a single letter (the word of
    letters, digits, ``_`` and dots before the dot)? Read backwards from the dot, at most one
    character further than the longest abbreviation."""
    i = dot
    while i > lo and dot - i <= _ABBREV_CHARS and (text[i - 1].isalnum() or text[i - 1] in "._"):
        i -= 1
    if dot - i > _ABBREV_CHARS:
        return False  # longer than every abbreviation, and not a single letter
    word = text[i:dot].lower()
    return word in _ABBREV or (len(word) == 1 and word.isalpha())


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def hard_wrapped(text: str, by_hand: bool = False) -> bool:
    """Text wrapped at a fixed width (plain-text archives, e-mail, wire feeds): most lines
    that continue on the next line are of similar, moderate length. There a line break inside
    a paragraph is layout, not a sentence cut by the translation. With ``by_hand``, text whose
    continued lines mostly end without a sentence-final mark (wrapped by hand, verse) counts too."""
    lines = text.splitlines()
    inner = [a.rstrip() for a, b in zip(lines, lines[1:]) if a.strip() and b.strip()]
    if len(inner) < 3:
        return False
    fitting = sum(1 for line in inner if _WRAP_MIN <= len(line) <= _WRAP_MAX)
    if fitting >= 0.8 * len(inner):
        return True
    return by_hand and sum(1 for line in inner if _last_mark(line) not in _SENTENCE_END) > 0.5 * len(inner)


_SENTENCE_END = set(".!?…;:")
_CLOSERS = "\"'’”»)]} \t"


def _last_mark(line: str) -> str:
    """The last character of a line that is not a closing quote or bracket."""
    stripped = line.rstrip(_CLOSERS)
    return stripped[-1:] if stripped else ""


def unwrapped(text: str) -> str:
    r"""``text`` with the line breaks inside paragraphs of hard-wrapped text turned into
    spaces (same length, so offsets hold); other text is returned as it is. A blank line or
    an indented line still starts a paragraph.

    >>> wire = "The minister said on Tuesday that the talks would\nresume next week in the capital after a long\npause of several months, officials said, and\nthat both sides had agreed to the timetable.\n\nNew paragraph."
    >>> unwrapped(wire).splitlines()
    ['The minister said on Tuesday that the talks would resume next week in the capital after a long pause of several months, officials said, and that both sides had agreed to the timetable.', '', 'New paragraph.']
    """
    if "\n" not in text or not hard_wrapped(text):
        return text
    return _INNER_BREAK_RE.sub(lambda m: " " * len(m.group()), text)
