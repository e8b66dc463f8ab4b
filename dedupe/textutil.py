"""Small text helpers shared by the rules and the passage aligner. Offsets are code points
into the text as read, half-open."""

from __future__ import annotations

import re
from typing import Iterator

_PARA_RE = re.compile(r"[^\n]+")
# a sentence ends at . ! ? or … (with closing quotes/brackets) followed by space, at the CJK
# full stops 。！？ (no space follows them), or at a line end
_SENT_END_RE = re.compile(r"""[.!?…]+['"’”)\]]*(?=\s|$)|[。！？]+['"’”」』)\]]*|\n""")
_ABBREV = {"mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "gen", "col", "lt", "sgt", "gov", "sen", "rep",
           "no", "vs", "etc", "inc", "ltd", "co", "corp", "u.s", "u.k", "e.g", "i.e", "jan", "feb", "mar", "apr",
           "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "approx"}


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
        if m.group() != "\n":
            word_m = re.search(r"([\w.]+)$", text[pos : m.start()])
            word = word_m.group(1).lower() if word_m else ""
            if m.group().startswith(".") and (word in _ABBREV or (len(word) == 1 and word.isalpha())):
                continue
        s, e = pos, m.end() if m.group() != "\n" else m.start()
        pos = m.end()
        s, e = _trim(text, s, e)
        if s < e:
            yield s, e
    s, e = _trim(text, pos, end)
    if s < e:
        yield s, e


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e
