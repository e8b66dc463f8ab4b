"""boilerplate's pass-1 items held until pass 2 (``Keyed.store``): every line of the corpus,
as numbers in arrays instead of a tuple, a digest string and a list entry per line.

A line is a 64-bit key (its normalised form's digest, :func:`line_key`), its document, its
position among the document's lines, its span, the keys of the lines around it and whether
it may be a finding; a pattern finding (a key of its own, ``PATTERNS``) is its document,
position, span and pattern. Pass 2 counts the documents and surroundings of every key at
once, by sorting (:meth:`Lines.matches`); the text of a finding is read again for the report.
"""

from __future__ import annotations

import hashlib
from array import array

from ._keyed import DocIds, Store
from ..arrays import sorted_unique

PATTERNS = "\0patterns"  # the key of the pattern findings (no line key starts with a NUL)
_NO_LINE = 0  # the key of no line (before the first, after the last, an empty line)


def line_key(norm: str) -> int:
    """A normalised line as a 64-bit number (blake2b, fixed: the same in every process), or
    ``_NO_LINE`` for an empty line."""
    if not norm:
        return _NO_LINE
    return int.from_bytes(hashlib.blake2b(norm.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def key_name(number: int) -> str:
    """A line key as the store's keys are named (16 hex digits, ordered as the numbers)."""
    return f"{number:016x}"


class Lines(Store):
    """The items of ``boilerplate``'s ``collect`` grouped by key: a line is
    ``(index, id, 1, seq, start, end, before, after, can_flag)`` under ``key_name(key)``, a
    pattern finding ``(index, id, 0, seq, start, end, pattern)`` under ``PATTERNS``. Read by
    key, a group is a list of those tuples again (``_keyed.held``)."""

    def __init__(self):
        self.key, self.before, self.after = array("Q"), array("Q"), array("Q")
        self.doc, self.seq, self.start, self.end = array("q"), array("i"), array("i"), array("i")
        self.flag = bytearray()
        self.pattern = (array("q"), array("i"), array("i"), array("i"), bytearray())  # doc, seq, start, end, name
        self.names: list = []  # the patterns' names, numbered in order of first sight
        self.ids = DocIds()  # document index -> id
        self._keys = None

    def add(self, found) -> None:
        self._keys = None
        ids = self.ids
        for key, item in found:
            index, doc_id, kind, seq, start, end, *rest = item
            ids.add(index, doc_id)
            if kind == 0:
                name = rest[0]
                if name not in self.names:
                    self.names.append(name)
                for column, value in zip(self.pattern, (index, seq, start, end, self.names.index(name))):
                    column.append(value)
                continue
            self.key.append(int(key, 16))
            self.doc.append(index)
            self.seq.append(seq)
            self.start.append(start)
            self.end.append(end)
            self.before.append(rest[0])
            self.after.append(rest[1])
            self.flag.append(rest[2])

    @classmethod
    def of(cls, groups) -> "Lines":
        """The store of groups read by key (a mapping key -> items)."""
        lines = cls()
        lines.add((key, item) for key, items in groups.items() for item in items)
        return lines

    def held_keys(self) -> set:
        if self._keys is None:
            import numpy as np

            self._keys = {key_name(k) for k in sorted_unique(self._array(self.key, np.uint64)).tolist()}
            if self.pattern[0]:
                self._keys.add(PATTERNS)
        return self._keys

    def __getitem__(self, key: str) -> list:
        import numpy as np

        if key not in self.held_keys():
            raise KeyError(key)
        if key == PATTERNS:
            return [(i, self.ids[i], 0, q, s, e, self.names[n]) for i, q, s, e, n in zip(*self.pattern)]
        rows = np.flatnonzero(self._array(self.key, np.uint64) == np.uint64(int(key, 16))).tolist()
        return [self._line(r) for r in rows]

    def _line(self, r: int) -> tuple:
        index = self.doc[r]
        return (index, self.ids[index], 1, self.seq[r], self.start[r], self.end[r], self.before[r], self.after[r],
                self.flag[r])

    def holding(self, mine: set) -> set:
        """The keys whose group holds an item of a document of ``mine`` (indexes)."""
        import numpy as np

        wanted = np.fromiter(mine, dtype=np.int64, count=len(mine))
        of_mine = np.isin(self._array(self.doc, np.int64), wanted)
        keys = {key_name(k) for k in sorted_unique(self._array(self.key, np.uint64)[of_mine]).tolist()}
        if np.isin(self._array(self.pattern[0], np.int64), wanted).any():
            keys.add(PATTERNS)
        return keys

    @staticmethod
    def _array(column, dtype):
        import numpy as np

        return np.frombuffer(column, dtype=dtype) if len(column) else np.zeros(0, dtype=dtype)

    def matches(self, min_docs: int) -> list:
        """``(index, kind, seq, id, start, end, evidence)`` of the pattern findings, and of the
        lines that may be findings whose key is found in at least ``min_docs`` documents and
        in at least ``min_docs`` different surroundings (evidence: the number of documents)."""
        import numpy as np

        out = [(i, 0, q, self.ids[i], s, e, self.names[n]) for i, q, s, e, n in zip(*self.pattern)]
        key = self._array(self.key, np.uint64)
        if not len(key):
            return out
        doc = self._array(self.doc, np.int64)
        docs = self._distinct(key, doc)
        arounds = self._distinct(key, self._array(self.before, np.uint64), self._array(self.after, np.uint64))
        flag = np.frombuffer(self.flag, dtype=np.uint8).astype(bool)
        keys, where = np.unique(key[flag], return_inverse=True)
        found = np.searchsorted(docs[0], keys)  # (every key of a flagged line is in docs and arounds)
        n_docs = docs[1][found]
        enough = (n_docs >= min_docs) & (arounds[1][np.searchsorted(arounds[0], keys)] >= min_docs)
        rows = np.flatnonzero(flag)[enough[where.reshape(-1)]]
        evidence = n_docs[where.reshape(-1)][enough[where.reshape(-1)]]
        for r, n in zip(rows.tolist(), evidence.tolist()):
            index = self.doc[r]
            out.append((index, 1, self.seq[r], self.ids[index], self.start[r], self.end[r], n))
        return out

    @staticmethod
    def _distinct(key, *columns) -> tuple:
        """``(keys, counts)``: each distinct key (sorted) and the number of distinct values of
        ``columns`` (taken together) among its rows."""
        import numpy as np

        order = np.lexsort((*reversed(columns), key))
        k = key[order]
        new = np.ones(len(k), dtype=bool)
        same = k[1:] == k[:-1]
        for c in columns:
            c = c[order]
            same &= c[1:] == c[:-1]
        new[1:] = ~same
        first = np.flatnonzero(np.concatenate(([True], k[1:] != k[:-1])))
        return k[first], np.add.reduceat(new.astype(np.int64), first)
