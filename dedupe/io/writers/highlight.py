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
    clipped = [(max(0, m.start), min(n, m.end), i, m.data) for i, m in enumerate(marks)]
    clipped = [c for c in clipped if c[0] < c[1]]
    starts: dict[int, list] = {}
    ends: dict[int, list] = {}
    for c in clipped:
        starts.setdefault(c[0], []).append(c)
        ends.setdefault(c[1], []).append(c)
    bounds = sorted({0, n, *starts, *ends})
    active: dict[int, Any] = {}  # input index -> data of the marks covering the current segment
    out = []
    for s, e in zip(bounds, bounds[1:]):  # one sweep: each mark enters and leaves once
        for c in ends.get(s, ()):
            del active[c[2]]
        opened = starts.get(s, ())
        for c in opened:
            active[c[2]] = c[3]
        covering = tuple(active[i] for i in sorted(active)) if active else ()
        out.append(Segment(s, e, text[s:e], covering, tuple(c[3] for c in opened)))
    return out
