"""Sorted runs: how the archive's index rows (key -> document, word n-gram -> frequency) are
stored, a log-structured merge in its simplest form.

A run is a sorted array of ``(key, value)`` pairs (key: a stored 47-bit key, value: a
signed 32-bit integer) cut into blocks by the key's high bits (``block = key >> shift``);
a block is one database row holding the gaps between its sorted keys and the values,
each bit-packed at the width its block needs (:func:`encode`): 3.5-6 bytes a pair, against
~15 for a row of a ``WITHOUT ROWID`` B-tree (schema 4: 4 bytes of low key bits and the
value in whole bytes, 5-7 bytes a pair), and a batch
of the bulk add writes its pairs in a few hundred sequential rows instead of inserting
them at random places of a B-tree that, once it outgrows the page cache, rewrites a page
per row. Runs of one kind are merged when ``FANOUT`` of them share a level (pairs
rewritten about log4 of the archive's batches times, by array operations).

Values are additive: for a document key, ``+doc`` indexes it and ``-doc`` (a later run)
removes it again; for a word n-gram, the value is a change of its document frequency.
A lookup reads the key's block in every run of its kind and adds up.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from ..passages.tokens import in_sorted
from ..arrays import sorted_unique
from . import compiled

FANOUT = 4  # runs of one level merged into one run of the next
BLOCK_PAIRS = 128  # aimed at per block
KEY_BITS = 47
# the largest block shift: parts of a merge are whole multiples of 2**MAX_SHIFT keys (every
# block lies in one part). Schema 4 stored the low bits as uint32 (shift 32 at most); schema
# 5 could go further, but a run smaller than 4M pairs then has fewer, fuller blocks than
# 2**15, and a check decodes a block's every pair: at 36, a batch's run (~300,000 pairs)
# was 2,048 blocks of ~146 pairs instead of 32,768 of ~9, writing and merging runs ~2.5x
# faster (bulk add ~25% faster at 10,000 articles) and the unrelated draft's check ~20%
# slower at 20,000 (86 against 69 ms of CPU), so it stays at 32
SCHEMA4_SHIFT = 32
MAX_SHIFT = 32
ENCODE_PAIRS = 1 << 15  # pairs encoded (or summed, summed_runs) at once: their arrays stay in the CPU caches
PART_PAIRS = 4_000_000  # a merge reads and writes the key space in parts of about this many pairs


def shift_for(pairs: int, max_shift: int = MAX_SHIFT) -> int:
    """The block shift of a run of ``pairs`` pairs (about ``BLOCK_PAIRS`` pairs a block)."""
    blocks = max(pairs // BLOCK_PAIRS, 1)
    return min(max_shift, KEY_BITS - int(blocks).bit_length() + 1)


def normalised(keys: np.ndarray, values: np.ndarray, doc_values: bool, runs: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Pairs sorted by key, with equal pairs' effects added up: for document values, the
    net number of ``+doc`` and ``-doc`` per ``(key, doc)`` (a pair whose net is 0 is
    dropped; the sign kept); for counts, the sum per key (0 dropped). ``runs``: the pairs
    are a few sorted runs one after the other (a merge's parts), sorted by merging them
    (numpy's stable sort finds the runs)."""
    kind = "stable" if runs else None
    if not keys.size:
        return keys.astype(np.int64), values.astype(np.int64)
    if doc_values:
        positive = int(values.min()) > 0
        docs = values if positive else np.abs(values)
        k0, d0 = int(keys.min()), int(docs.min())
        bits = int(bit_length(np.array([docs.max() - d0]))[0]) + 1
        if int(bit_length(np.array([keys.max() - k0]))[0]) + bits <= 63:
            # one sort of (key, doc, sign) packed in an int64 (keys of a merged part of the
            # key space, see parts(), or of a batch's documents)
            if positive:  # additions only (a batch's run): each distinct pair once
                # (in place: a batch's ~3M pairs make no temporary array but the last two)
                pair = keys - k0
                pair <<= bits - 1
                pair |= docs - d0
                pair.sort(kind=kind)
                new = np.empty(pair.size, dtype=bool)
                new[0] = True
                np.not_equal(pair[1:], pair[:-1], out=new[1:])
                if not new.all():
                    pair = pair[new]
                keys = pair >> (bits - 1)
                keys += k0
                pair &= (1 << (bits - 1)) - 1
                pair += d0
                return keys, pair
            packed = np.sort(((keys - k0) << bits) | ((docs - d0) << 1) | (values < 0), kind=kind)
            pair = packed >> 1
            starts = np.flatnonzero(np.concatenate(([True], pair[1:] != pair[:-1])))
            net = np.diff(np.append(starts, packed.size)) - 2 * np.add.reduceat(packed & 1, starts)
            keep = net != 0
            pair = pair[starts][keep]
            return (pair >> (bits - 1)) + k0, ((pair & ((1 << (bits - 1)) - 1)) + d0) * np.sign(net[keep])
        order = np.lexsort((docs, keys))
        keys, docs, signs = keys[order], docs[order], np.sign(values[order])
        new = np.concatenate(([True], (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1])))
        net = np.add.reduceat(signs, np.flatnonzero(new))
        keep = net != 0
        return keys[new][keep], (docs[new] * np.sign(net))[keep]
    if not (keys[1:] > keys[:-1]).all():  # (a batch's n-grams come distinct and sorted)
        keys, values = summed(keys, values, kind)
    keep = values != 0
    return (keys, values) if keep.all() else (keys[keep], values[keep])


def summed(keys: np.ndarray, values: np.ndarray, kind: Optional[str] = None) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``keys`` (``0 <= key < 2**KEY_BITS``), sorted, and the sum of the
    ``values`` of each: one sort of the two packed in an int64 when the values are
    non-negative and narrow enough (``kind``: of the sort otherwise)."""
    if not keys.size:
        return keys, values
    low, high = int(values.min()), int(values.max())
    bits = max(high.bit_length(), 1)
    if low >= 0 and KEY_BITS + bits <= 63:
        packed = np.sort((keys << bits) | values)
        keys, values = packed >> bits, packed & ((1 << bits) - 1)
    else:
        order = np.argsort(keys, kind=kind)
        keys, values = keys[order], values[order]
    last = np.flatnonzero(np.append(keys[1:] != keys[:-1], True))
    total = np.cumsum(values)[last]  # (a reduceat of many short parts is slower)
    total[1:] -= total[:-1].copy()
    return keys[last], total


def summed_runs(runs: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`summed` of ``(keys, values)`` runs each sorted by key, part of the key space by
    part (about ``ENCODE_PAIRS`` pairs a part): each part's arrays stay in the CPU caches and
    are made again in the memory the last part's freed (one pass over the ~4M n-grams of a
    batch at once touched ~250 MB of new pages)."""
    total = sum(k.size for k, _ in runs)
    edges = np.linspace(0, 1 << KEY_BITS, max(total // ENCODE_PAIRS, 1) + 1).astype(np.int64)
    cuts = [np.searchsorted(k, edges).tolist() for k, _ in runs]
    keys, values = [], []
    for i in range(edges.size - 1):
        k, v = summed(np.concatenate([r[0][c[i] : c[i + 1]] for r, c in zip(runs, cuts)]),
                      np.concatenate([r[1][c[i] : c[i + 1]] for r, c in zip(runs, cuts)]))
        keys.append(k)
        values.append(v)
    return np.concatenate(keys), np.concatenate(values)


HEADER = 6  # bytes of a block before its bits: key width, value width, pair count (uint32)
PLUS = 0x80  # in the value width byte: the block's values are all positive, stored minus 1 (schema 7)


def bit_length(values: np.ndarray) -> np.ndarray:
    """``int.bit_length`` of each of ``values`` (non-negative, below 2**53)."""
    return np.frexp(values.astype(np.float64))[1].astype(np.int64)


def _pack(words: np.ndarray, bits: np.ndarray, values: np.ndarray) -> None:
    """OR ``values`` (below 2**56) into the bit stream ``words`` (uint64, little-endian, one
    word more than the bits need) at bit offsets ``bits`` (ascending, each value's bits
    disjoint from the others'), little-endian bit order. A value lies in the word of its
    first bit and may spill into the next: the values of one word are disjoint bits, so
    their OR is one ``reduceat`` per word (for the low parts and for the spills)."""
    if not values.size:
        return
    word = bits >> 6
    s = np.ascontiguousarray(bits, dtype=np.int64).view(np.uint64) & np.uint64(63)  # (bits, values >= 0: views)
    v = np.ascontiguousarray(values, dtype=np.int64).view(np.uint64)
    starts = np.flatnonzero(np.concatenate(([True], word[1:] != word[:-1])))
    at = word[starts]
    words[at] |= np.bitwise_or.reduceat(v << s, starts)
    # the spills into the next word: numpy shifts by 64 or more give 0 (a value at bit 0 spills nothing)
    np.subtract(np.uint64(64), s, out=s)
    words[at + 1] |= np.bitwise_or.reduceat(v >> s, starts)


def _windows(buf: np.ndarray) -> np.ndarray:
    """The little-endian uint64 starting at each byte of ``buf`` (a view; ``buf`` padded
    with 7 bytes)."""
    return np.ndarray(shape=(buf.size - 7,), dtype="<u8", buffer=buf, strides=(1,))


def _unpack(windows: np.ndarray, bits: np.ndarray, widths: np.ndarray) -> np.ndarray:
    """The values of ``widths`` bits (<= 56) at bit offsets ``bits`` (:func:`_pack` undone)."""
    out = windows[bits >> 3].astype(np.int64)
    return (out >> (bits & 7)) & ((np.int64(1) << widths) - 1)


def encode(keys: np.ndarray, values: np.ndarray, shift: int, plus: bool = True, base: int = 0) -> list[tuple[int, bytes]]:
    """``(block, data)`` rows of sorted pairs (schema 5). Per block: the bit width of its key
    gaps and of its values (one byte each), its number of pairs (uint32), then the gaps
    between consecutive keys (the first one's from the block's first possible key) in that
    many bits each, and the values zigzag-encoded (0, -1, 1, -2, ... as 0, 1, 2, 3, ...; a
    block of positive values only: minus 1, flagged ``PLUS``, schema 7) in
    theirs, each part padded to a byte. Keys spread uniformly over ``2**47``: a gap takes
    about ``log2(2**47 / pairs in the run) + 2`` bits (22-27 for 0.1-100M pairs) where the
    low bits took 32; a document number 18-24 bits where it took 24; most n-gram frequency
    changes 2 bits where they took 8. Array operations over the blocks of about
    ``ENCODE_PAIRS`` pairs at a time (whole blocks: the bytes are the same), whose
    arrays stay in the CPU caches (one pass over a batch's ~3M pairs at once went through
    memory, ~25 times per pair). ``base`` is added to the block numbers (a run's row ids).
    With the compiled kernels (:mod:`~dedupe.archive.compiled`), one pass over the pairs
    writes the same bytes (as many at a time: a whole run's bytes at once would be a second
    copy of its rows)."""
    kernels = compiled.wanted(keys.size)
    if keys.size <= ENCODE_PAIRS:
        return _encode(keys, values, shift, plus, base, kernels)
    # cut where the blocks of every ENCODE_PAIRS-th key start
    cuts = sorted_unique(np.searchsorted(keys, (keys[ENCODE_PAIRS::ENCODE_PAIRS] >> shift) << shift)).tolist()
    rows = []
    for a, b in zip([0] + cuts, cuts + [keys.size]):
        rows += _encode(keys[a:b], values[a:b], shift, plus, base, kernels)
    return rows


def _encode(keys: np.ndarray, values: np.ndarray, shift: int, plus: bool, base: int = 0, kernels=None) -> list[tuple[int, bytes]]:
    """:func:`encode` of whole blocks at once (by the compiled kernel when given)."""
    if not keys.size:
        return []
    if kernels is not None:
        buf, numbers, offsets = kernels.encode_blocks(np.ascontiguousarray(keys, dtype=np.int64),
                                                      np.ascontiguousarray(values, dtype=np.int64), shift, bool(plus))
        return _rows(buf, numbers + base, offsets)
    blocks = keys >> shift
    starts = np.flatnonzero(np.concatenate(([True], blocks[1:] != blocks[:-1])))
    counts = np.diff(np.append(starts, keys.size))
    gaps = np.diff(keys, prepend=0)
    gaps[starts] = keys[starts] - (blocks[starts] << shift)
    # a block of positive values only (document numbers, most frequencies) stores them
    # minus 1 (flag PLUS in its value width byte): a bit narrower than zigzag, 0 bits for
    # a block of frequencies all 1
    plus = (np.minimum.reduceat(values, starts) >= 1) & plus  # (plus=False: schema 5-6 blocks, for tests)
    if plus.all():
        zig = values - 1
    else:
        zig = np.where(np.repeat(plus, counts), values - 1, (values << 1) ^ (values >> 63))  # |value| < 2**31
    kw = bit_length(np.maximum.reduceat(gaps, starts))
    vw = bit_length(np.maximum.reduceat(zig, starts))
    key_bytes, value_bytes = (counts * kw + 7) >> 3, (counts * vw + 7) >> 3
    sizes = HEADER + key_bytes + value_bytes
    offsets = np.concatenate(([0], np.cumsum(sizes)))
    words = np.zeros((offsets[-1] >> 3) + 2, dtype="<u8")  # (:func:`_pack` may touch the word past the end)
    buf = words.view(np.uint8)
    buf[offsets[:-1]] = kw
    buf[offsets[:-1] + 1] = vw | (plus * PLUS)
    count_bytes = counts.astype("<u4").view(np.uint8).reshape(-1, 4)
    for j in range(4):
        buf[offsets[:-1] + 2 + j] = count_bytes[:, j]
    # the bit offset of pair i of a block starting at pair p: its first bit + (i - p) * width
    first = (offsets[:-1] + HEADER) * 8
    n = np.arange(keys.size)
    _pack(words, np.repeat(first - starts * kw, counts) + n * np.repeat(kw, counts), gaps)
    if vw.any():  # (a run of frequencies all 1 has no value bits)
        # values 0 add no bit: of frequencies (most of them 1, stored as 0) only the others are packed
        nonzero = np.flatnonzero(zig) if np.count_nonzero(zig) * 2 < zig.size else None
        at = np.repeat(first + key_bytes * 8 - starts * vw, counts)
        at += n * np.repeat(vw, counts)
        if nonzero is None:
            _pack(words, at, zig)
        else:
            _pack(words, at[nonzero], zig[nonzero])
    return _rows(buf[: offsets[-1]], blocks[starts] + base, offsets)


def _rows(buf: np.ndarray, numbers: np.ndarray, offsets: np.ndarray) -> list[tuple[int, bytes]]:
    """``(block, data)`` rows of blocks written one after the other into ``buf``."""
    data = buf.tobytes()
    return [(b, data[x:y]) for b, x, y in zip(numbers.tolist(), offsets[:-1].tolist(), offsets[1:].tolist())]


def _layout(rows: list):
    """The parts of ``(block, data)`` rows (schema 5): block numbers, the joined bytes, and
    per block where its bits start, its key and value widths and its number of pairs."""
    numbers, datas = zip(*rows)
    blocks = np.array(numbers, dtype=np.int64)
    buf = np.frombuffer(b"".join(datas) + bytes(8), dtype=np.uint8)
    sizes = np.fromiter(map(len, datas), dtype=np.int64, count=len(datas))
    offsets = np.concatenate(([0], np.cumsum(sizes)))[:-1]
    kw, vw = buf[offsets].astype(np.int64), buf[offsets + 1].astype(np.int64)
    counts = np.zeros(offsets.size, dtype=np.int64)
    for j in range(4):
        counts |= buf[offsets + 2 + j].astype(np.int64) << (8 * j)
    return blocks, buf, offsets + HEADER, kw, vw & (PLUS - 1), counts, (vw & PLUS) != 0


def _gaps(layout) -> np.ndarray:
    """The key gaps of every pair of the rows (:func:`_unpack` for fixed-width fields per
    block, in place: a check decodes ~150 pairs a key it looks up)."""
    _, buf, first, kw, _, counts, _ = layout
    before = np.cumsum(counts) - counts
    bits = np.arange(int(counts.sum()), dtype=np.int64)
    bits *= np.repeat(kw, counts)
    bits += np.repeat(first * 8 - before * kw, counts)
    gaps = _windows(buf)[bits >> 3].view("<i8")  # (a new array: its bits as int64, little-endian as stored)
    bits &= 7
    gaps >>= bits
    gaps &= np.repeat((np.int64(1) << kw) - 1, counts)
    return gaps


def _keys(layout, shift: int) -> np.ndarray:
    """Every key of the rows (per-block values spread to their pairs by ``np.repeat``)."""
    blocks, counts = layout[0], layout[5]
    before = np.cumsum(counts) - counts
    gaps = _gaps(layout)
    firsts = gaps[before]
    total = np.cumsum(gaps, out=gaps)
    total += np.repeat((blocks << shift) - total[before] + firsts, counts)
    return total


def _values(layout, pairs: Optional[np.ndarray] = None) -> np.ndarray:
    """The values of the pairs at positions ``pairs`` of the rows (of all pairs without)."""
    _, buf, first, kw, vw, counts, plus = layout
    before = np.cumsum(counts) - counts
    start = (first + ((counts * kw + 7) >> 3)) * 8 - before * vw  # bit of pair p of a block: start + p * width
    if pairs is None:
        width = np.repeat(vw, counts)
        at = np.repeat(start, counts) + np.arange(width.size) * width
        plus = np.repeat(plus, counts)
    else:
        block = np.searchsorted(before, pairs, side="right") - 1
        width = vw[block]
        at = start[block] + pairs * width
        plus = plus[block]
    zig = _unpack(_windows(buf), at, width)
    return np.where(plus, zig + 1, (zig >> 1) ^ -(zig & 1))


def decode(rows: list, shift: int) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of ``(block, data)`` rows of one run (:func:`encode` undone), concatenated."""
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    layout = _layout(rows)
    return _keys(layout, shift), _values(layout)


def encode4(keys: np.ndarray, values: np.ndarray, shift: int) -> list[tuple[int, bytes]]:
    """Schema 4's blocks (the migration to 5 reads them): ``(block, data)`` rows of sorted
    pairs: per block, one byte giving the width of its
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


def decode4(rows: list, shift: int) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of schema-4 ``(block, data)`` rows of one run (:func:`encode4` undone)."""
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


def parts(pairs: int, span_bits: int = KEY_BITS, part_pairs: int = PART_PAIRS) -> list[tuple[int, int]]:
    """Key ranges ``[lo, hi)`` covering the key space in parts of about ``part_pairs``
    pairs (keys are uniform hashes) and at most ``2**span_bits`` keys, each a whole number
    of ``2**MAX_SHIFT`` units."""
    units = 1 << (KEY_BITS - MAX_SHIFT)
    n = min(units, max(1, -(-pairs // part_pairs), 1 << max(KEY_BITS - span_bits, 0)))
    edges = np.linspace(0, units, n + 1).astype(np.int64)
    return [(int(a) << MAX_SHIFT, int(b) << MAX_SHIFT) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def doc_span_bits(last_doc: int) -> int:
    """The key span of a part of document pairs that :func:`normalised` sorts in one int64."""
    return 63 - (int(last_doc).bit_length() + 1)


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
    wanted = in_sorted(ks, sorted_unique(keys))  # (np.isin sorts both, the pairs read too)
    ks, vs = normalised(ks[wanted], vs[wanted], doc_values)
    keep = vs > 0
    ks, vs = ks[keep], vs[keep]
    lo, hi = np.searchsorted(ks, keys, "left"), np.searchsorted(ks, keys, "right")
    return [vs[a:b] for a, b in zip(lo.tolist(), hi.tolist())]


def search(rows: list, shift: int, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of ``(block, data)`` rows of one run whose key is one of ``keys`` (sorted,
    distinct): what :func:`decode` gives, kept where the key is wanted, in key order. The
    keys of the blocks read are decoded (their gaps add up), the values only of the pairs
    wanted."""
    empty = np.zeros(0, dtype=np.int64)
    if not rows or not keys.size:
        return empty, empty.copy()
    layout = _layout(sorted(rows))
    blocks, counts = layout[0], layout[5]
    end = np.cumsum(counts)
    before = end - counts
    # the gaps added up over all the blocks read (not per block: no pass to spread each
    # block's start to its pairs), nondecreasing; a wanted key of block b is the sum of the
    # blocks before it plus its offset in b, searched for within b's pairs
    total = np.cumsum(_gaps(layout))
    b = np.minimum(np.searchsorted(blocks, keys >> shift), blocks.size - 1)
    read = blocks[b] == keys >> shift  # (the rows may hold the blocks of some keys only)
    keys, b = keys[read], b[read]
    prior = np.concatenate(([0], total))[before[b]]
    target = keys - (blocks[b] << shift) + prior
    lo = np.maximum(np.searchsorted(total, target, "left"), before[b])
    hi = np.maximum(np.minimum(np.searchsorted(total, target, "right"), end[b]), lo)
    counts = hi - lo
    at = np.repeat(lo - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))
    return np.repeat(keys, counts), _values(layout, at)
