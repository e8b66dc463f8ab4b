"""Quotations in news text: spans of quoted words, with straight and curly quotes, quotes
that run across a line break, and the news convention of an unclosed quote that runs to the
end of its paragraph. Offsets are code points, half-open; a quote's span excludes its marks."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Optional

_OPEN, _CLOSE, _EITHER = "open", "close", "either"
_MARKS = {"\u201c": _OPEN, "\u201d": _CLOSE, '"': _EITHER, "\u00ab": _OPEN, "\u00bb": _CLOSE, "\u201e": _OPEN}
_MARK_RE = re.compile('["\u201c\u201d\u00ab\u00bb\u201e\n]')
# single curly quotes: an opener after a non-letter, a closer before a non-letter (not don’t)
_SINGLE_RE = re.compile(r"(?<![^\W_])\u2018([^\u2018\u2019\n]{2,400}?)\u2019(?![^\W_])")


@dataclass(frozen=True, order=True)
class Quote:
    start: int  # first quoted character
    end: int  # one past the last quoted character

    def text(self, text: str) -> str:
        return text[self.start : self.end]


def quotations(text: str) -> list[Quote]:
    """Double-quoted spans (and single curly quotes not nested in them), in text order."""
    quotes = _double_quotes(text)
    if "\u2018" in text:  # (the expression scans the whole text slowly, for a rare mark)
        inside = Inside(quotes)
        for m in _SINGLE_RE.finditer(text):
            if not inside(m.start()):
                quotes.append(Quote(m.start(1), m.end(1)))
    return sorted(q for q in quotes if q.end > q.start and text[q.start : q.end].strip()) if quotes else []


def _double_quotes(text: str) -> list[Quote]:
    marks = [(m.start(), m.group()) for m in _MARK_RE.finditer(text)]
    quotes: list[Quote] = []
    open_at = None  # index just after the opening mark
    para_start = 0
    for k, (pos, ch) in enumerate(marks):
        if ch == "\n":
            if open_at is not None and not _continues_across(text, marks, k):
                quotes.append(Quote(open_at, pos))
                open_at = None
            para_start = pos + 1
            continue
        kind = _MARKS[ch]
        if open_at is None:
            if kind == _CLOSE:  # a closer with no opener: the quote began at the paragraph start
                quotes.append(Quote(para_start, pos))
            else:
                open_at = pos + 1
        else:
            if kind == _OPEN:  # a new opener while open: the previous quote ran to here
                quotes.append(Quote(open_at, pos))
                open_at = pos + 1
            else:
                quotes.append(Quote(open_at, pos))
                open_at = None
    if open_at is not None:
        quotes.append(Quote(open_at, len(text)))
    return [_trimmed(text, q) for q in quotes]


def _continues_across(text: str, marks: list, k: int) -> bool:
    """At a line break inside an open quote: does the quote go on into the next line? Yes when
    the next line does not start with a quote mark and its first mark is a closer."""
    nxt = marks[k + 1] if k + 1 < len(marks) else None
    if nxt is None or nxt[1] == "\n":
        return False
    line_start = marks[k][0] + 1
    if text[line_start:nxt[0]].strip() == "":  # the next line opens with a quote mark
        return False
    return _MARKS[nxt[1]] in (_CLOSE, _EITHER)


def _trimmed(text: str, q: Quote) -> Quote:
    s, e = q.start, q.end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return Quote(s, e)


class Inside:
    """``inside(pos)``: is ``pos`` within one of the quotes?"""

    def __init__(self, quotes: list[Quote]):
        self._quotes = sorted(quotes, key=lambda q: q.start)
        self._starts = [q.start for q in self._quotes]

    def __call__(self, pos: int) -> bool:
        return self.quote_at(pos) is not None

    def quote_at(self, pos: int) -> Optional[Quote]:
        """The quote ``pos`` lies in, or None."""
        i = bisect.bisect_right(self._starts, pos) - 1
        if i >= 0 and self._quotes[i].start <= pos < self._quotes[i].end:
            return self._quotes[i]
        return None
