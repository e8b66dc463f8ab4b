"""Sorted runs: how the archive's index rows (key -> document, word n-gram -> frequency) are
stored, a log-structured merge in its simplest form.

A run is a sorted array of ``(key, value)`` pairs (key: a stored 47-bit key, value: a
signed 32-bit integer) cut into blocks by the key's high bits (``block = key >> shift``);
a block is one database row holding the keys' low ``shift`` bits (uint32) and the values
in as few bytes as they need (:func:`encode`): 5-7 bytes a pair, against ~15 for a row of
a ``WITHOUT ROWID`` B-tree, and a batch
of the bulk add writes its pairs in a few hundred sequential rows instead of inserting
them at random places of a B-tree that, once it outgrows the page cache, rewrites a page
per row. Runs of one kind are merged when ``FANOUT`` of them share a level (pairs
rewritten about log4 of the archive's batches times, by array operations).

Values are additive: for a document key, ``+doc`` indexes it and ``-doc`` (a later run)
removes it again; for a word n-gram, the value is a change of its document frequency.
A lookup reads the key's block in every run of its kind and adds up.
"""

from __future__ import annotations

import numpy as np

from ..passages.tokens import in_sorted, ranges

FANOUT = 4  # runs of one level merged into one run of the next
BLOCK_PAIRS = 128  # aimed at per block
KEY_BITS = 47
MAX_SHIFT = 32  # low bits must fit a uint32
PART_PAIRS = 4_000_000  # a merge reads and writes the key space in parts of about this many pairs
_UNIT = 1 << MAX_SHIFT  # parts are whole multiples of this (every block lies in one part)


def shift_for(pairs: int) -> int:
    """The block shift of a run of ``pairs`` pairs (about ``BLOCK_PAIRS`` pairs a block)."""
    blocks = max(pairs // BLOCK_PAIRS, 1)
    return min(MAX_SHIFT, KEY_BITS - int(blocks).bit_length() + 1)


def normalised(keys: np.ndarray, values: np.ndarray, doc_values: bool) -> tuple[np.ndarray, np.ndarray]:
    """Pairs sorted by key, with equal pairs' effects added up: for document values, the
    net number of ``+doc`` and ``-doc`` per ``(key, doc)`` (a pair whose net is 0 is
    dropped; the sign kept); for counts, the sum per key (0 dropped)."""
    if not keys.size:
        return keys.astype(np.int64), values.astype(np.int64)
    if doc_values:
        docs = np.abs(values)
        order = np.lexsort((docs, keys))
        keys, docs, signs = keys[order], docs[order], np.sign(values[order])
        new = np.concatenate(([True], (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1])))
        net = np.add.reduceat(signs, np.flatnonzero(new))
        keep = net != 0
        return keys[new][keep], (docs[new] * np.sign(net))[keep]
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]
    new = np.concatenate(([True], keys[1:] != keys[:-1]))
    total = np.add.reduceat(values, np.flatnonzero(new))
    keep = total != 0
    return keys[new][keep], total[keep]


def encode(keys: np.ndarray, values: np.ndarray, shift: int) -> list[tuple[int, bytes]]:
    """``(block, data)`` rows of sorted pairs: per block, one byte giving the width of its
    values, the keys' low ``shift`` bits (uint32), then the values zigzag-encoded (0, -1, 1,
    -2, ... as 0, 1, 2, 3, ...) in that many little-endian bytes (1 for the frequencies of
    most n-grams, 3 for document numbers up to 8 million). Array operations over all blocks."""
    if not keys.size:
        return []
    blocks = keys >> shift
    starts = np.flatnonzero(np.concatenate(([True], blocks[1:] != blocks[:-1])))
    counts = np.diff(np.append(starts, keys.size))
    zig = ((values << 1) ^ (values >> 63)).astype(np.uint64)  # |value| < 2**31
    top = np.maximum.reduceat(zig, starts)
    width = np.ones(starts.size, dtype=np.int64)
    for w in (1, 2, 3):
        width += top >= np.uint64(1 << (8 * w))
    sizes = 1 + counts * (4 + width)
    offsets = np.concatenate(([0], np.cumsum(sizes)))
    buf = np.zeros(offsets[-1], dtype=np.uint8)
    buf[offsets[:-1]] = width
    block_of = np.repeat(np.arange(starts.size), counts)
    index = np.arange(keys.size) - starts[block_of]
    low = (keys & ((1 << shift) - 1)).astype("<u4").view(np.uint8).reshape(-1, 4)
    at = offsets[block_of] + 1 + 4 * index
    for j in range(4):
        buf[at + j] = low[:, j]
    w = width[block_of]
    at = offsets[block_of] + 1 + 4 * counts[block_of] + w * index
    raw = zig.astype("<u8").view(np.uint8).reshape(-1, 8)
    for j in range(4):
        mine = w > j
        buf[at[mine] + j] = raw[mine, j]
    data = buf.tobytes()
    return [(b, data[x:y]) for b, x, y in zip(blocks[starts].tolist(), offsets[:-1].tolist(), offsets[1:].tolist())]


def decode(rows: list, shift: int) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of ``(block, data)`` rows of one run (:func:`encode` undone), concatenated."""
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    blocks = np.array([b for b, _ in rows], dtype=np.int64)
    buf = np.frombuffer(b"".join(d for _, d in rows) + bytes(8), dtype=np.uint8)
    sizes = np.array([len(d) for _, d in rows], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(sizes)))[:-1]
    width = buf[offsets].astype(np.int64)
    counts = (sizes - 1) // (4 + width)
    block_of = np.repeat(np.arange(len(rows)), counts)
    index = np.arange(block_of.size) - np.repeat(np.cumsum(counts) - counts, counts)
    at = offsets[block_of] + 1 + 4 * index
    low = np.zeros(block_of.size, dtype=np.int64)
    for j in range(4):
        low |= buf[at + j].astype(np.int64) << (8 * j)
    w = width[block_of]
    at = offsets[block_of] + 1 + 4 * counts[block_of] + w * index
    zig = np.zeros(block_of.size, dtype=np.int64)
    for j in range(4):
        zig |= np.where(w > j, buf[at + j], 0).astype(np.int64) << (8 * j)
    return (blocks[block_of] << shift) | low, (zig >> 1) ^ -(zig & 1)


def parts(pairs: int) -> list[tuple[int, int]]:
    """Key ranges ``[lo, hi)`` covering the key space in parts of about ``PART_PAIRS``
    pairs (keys are uniform hashes), each a whole number of ``2**MAX_SHIFT`` units."""
    units = 1 << (KEY_BITS - MAX_SHIFT)
    n = min(units, max(1, -(-pairs // PART_PAIRS)))
    edges = np.linspace(0, units, n + 1).astype(np.int64)
    return [(int(a) * _UNIT, int(b) * _UNIT) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def lookup(keys: np.ndarray, found: list[tuple[np.ndarray, np.ndarray]], doc_values: bool):
    """Per key of ``keys``: for document values, the documents indexed under it (net
    positive over every run); for counts, the sum. ``found``: the pairs of the blocks
    read, one ``(keys, values)`` per run (several blocks concatenated)."""
    if not doc_values:  # per wanted key, the sum over the pairs read (no sort of the pairs)
        distinct, inverse = np.unique(keys, return_inverse=True)
        total = np.zeros(distinct.size, dtype=np.int64)
        for ks, vs in found:
            pos = np.minimum(np.searchsorted(distinct, ks), max(distinct.size - 1, 0))
            hit = distinct[pos] == ks if distinct.size else np.zeros(ks.size, dtype=bool)
            np.add.at(total, pos[hit], vs[hit])
        return total[inverse.reshape(-1)]
    ks = np.concatenate([np.zeros(0, dtype=np.int64), *(k for k, _ in found)])
    vs = np.concatenate([np.zeros(0, dtype=np.int64), *(v for _, v in found)])
    wanted = in_sorted(ks, np.unique(keys))  # (np.isin sorts both, the pairs read too)
    ks, vs = normalised(ks[wanted], vs[wanted], doc_values)
    keep = vs > 0
    ks, vs = ks[keep], vs[keep]
    lo, hi = np.searchsorted(ks, keys, "left"), np.searchsorted(ks, keys, "right")
    return [vs[a:b] for a, b in zip(lo.tolist(), hi.tolist())]


def search(rows: list, shift: int, keys: np.ndarray, doc_values: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of ``(block, data)`` rows of one run whose key is one of ``keys`` (sorted,
    distinct; ``doc_values=False``: a run of counts, one pair per key): what
    :func:`decode` gives, kept where the key is wanted, without decoding the rest. Per
    wanted key, a binary search in its block's sorted low bits (all keys at once: one array
    step per halving), then only the matching pairs' values are read."""
    empty = np.zeros(0, dtype=np.int64)
    if not rows or not keys.size:
        return empty, empty.copy()
    rows = sorted(rows)
    blocks = np.array([b for b, _ in rows], dtype=np.int64)
    buf = np.frombuffer(b"".join(d for _, d in rows) + bytes(8), dtype=np.uint8)
    sizes = np.array([len(d) for _, d in rows], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(sizes)))[:-1]
    width = buf[offsets].astype(np.int64)
    counts = (sizes - 1) // (4 + width)
    row = np.searchsorted(blocks, keys >> shift)
    present = row < blocks.size
    present[present] = blocks[row[present]] == keys[present] >> shift
    keys, row = keys[present], row[present]
    low = keys & ((1 << shift) - 1)
    first = offsets[row] + 1  # each key's block: where its low bits start

    def low_at(pos):
        at = first + 4 * pos
        return (buf[at].astype(np.int64) | buf[at + 1].astype(np.int64) << 8
                | buf[at + 2].astype(np.int64) << 16 | buf[at + 3].astype(np.int64) << 24)

    def bisect(right: bool):
        lo, hi = np.zeros(keys.size, dtype=np.int64), counts[row].copy()
        while True:
            open_ = lo < hi
            if not open_.any():
                return lo
            mid = (lo + hi) >> 1
            v = low_at(np.where(open_, mid, 0))
            below = (v <= low) if right else (v < low)
            lo = np.where(open_ & below, mid + 1, lo)
            hi = np.where(open_ & ~below, mid, hi)

    start = bisect(False)
    if doc_values:
        n = bisect(True) - start
    else:
        n = ((start < counts[row]) & (low_at(np.minimum(start, np.maximum(counts[row] - 1, 0))) == low)).astype(np.int64)
    if not n.any():
        return empty, empty.copy()
    which = np.repeat(np.arange(keys.size), n)
    pos = ranges(start, n)
    r = row[which]
    w = width[r]
    at = offsets[r] + 1 + 4 * counts[r] + w * pos
    zig = np.zeros(pos.size, dtype=np.int64)
    for j in range(4):
        zig |= np.where(w > j, buf[at + j], 0).astype(np.int64) << (8 * j)
    return keys[which], (zig >> 1) ^ -(zig & 1)
