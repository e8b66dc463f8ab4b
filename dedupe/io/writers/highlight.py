"""Split a text into segments at every highlight boundary, so overlapping highlights render
as flat, correctly nested HTML: each segment carries every mark that covers it."""

from __future__ import annotations

from typing import Any, NamedTuple


class Mark(NamedTuple):
    start: int
    end: int
    data: Any


class Segment(NamedTuple):
    start: int
    end: int
    text: str
    marks: tuple  # the data of every mark covering the whole segment, in input order
    opens: tuple  # the data of the marks that start here


def segments(text: str, marks: list[Mark]) -> list[Segment]:
    """Consecutive segments covering ``text``; empty or out-of-range marks are clipped or dropped.

    >>> [(s.text, s.marks) for s in segments("abcdef", [Mark(1, 4, "x"), Mark(3, 5, "y")])]
    [('a', ()), ('bc', ('x',)), ('d', ('x', 'y')), ('e', ('y',)), ('f', ())]
    """
    n = len(text)
    clipped = [(max(0, m.start), min(n, m.end), m.data) for m in marks]
    clipped = [c for c in clipped if c[0] < c[1]]
    bounds = sorted({0, n, *(c[0] for c in clipped), *(c[1] for c in clipped)})
    out = []
    for s, e in zip(bounds, bounds[1:]):
        covering = tuple(d for cs, ce, d in clipped if cs <= s and e <= ce)
        opens = tuple(d for cs, _, d in clipped if cs == s)
        out.append(Segment(s, e, text[s:e], covering, opens))
    return out
