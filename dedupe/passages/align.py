"""Align two documents into maximal shared spans (greedy string tiling over words).

1. Seeds: word n-grams found in both texts (stock n-grams excluded by the caller).
2. Tiles: seeds on one diagonal joined into maximal exact runs of words, taken longest
   first so that every word is used at most once on each side (greedy string tiling).
3. Chains: tiles in the same order on both sides, separated by small gaps (a changed
   word, a name shortened, a clause cut), merged while at least ``MIN_DENSITY`` of the
   words of the merged span are inside tiles on both sides. These chains are the pair's
   evidence; the spans reported are cut where a gap is not small beside the two tiles it
   joins (``GAP_SHARE``): a paper that splices a stretch of agency copy into its own
   sentence leaves its own words between two copied runs, and those are not copy.
4. Extension: each chain grows over the identical words next to it (up to a sentence
   break), words a seed could not reach (too short a run, a stock n-gram).

The result is a list of :class:`Alignment` in word positions; the caller turns them into
character offsets and applies the minimum length.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from . import compiled
from .tokens import Words, in_sorted, ranges

# the longest gap (in words, on either side) that may separate two tiles of one passage
MAX_GAP = 10
# the least share of a passage's words (on each side) that must lie inside exact tiles
MIN_DENSITY = 0.5
# a reported span bridges a gap with words on both sides only when the gap's words not found
# in the other side's gap (the larger side's count less the words both gaps hold) are at most
# this share of the shorter of the two tiles it joins (1: no more words changed than the
# shorter run kept): two words reworded between runs of copy are an edit, a clause of one's
# own between a four-word copied stretch and the next is not (docs/reuse.md, seventh round)
GAP_SHARE = 1.0
# evidence: only exact runs of at least this many words count towards a passage's length
# (three-word runs such as "as long as" are too common to show copying; they only bridge)
ANCHOR_WORDS = 4
# an n-gram repeated more than this many times (occurrences in A times in B) seeds nothing
MAX_REPEATS = 64


@dataclass
class Alignment:
    a0: int  # words a0..a1-1 of A
    a1: int
    b0: int  # words b0..b1-1 of B
    b1: int
    matched: int  # words of A inside exact tiles
    anchored: int  # words of A inside exact tiles of at least ANCHOR_WORDS words
    # the ``anchored`` of the widest chain holding its tiles (see :func:`spliced_chains`)
    evidence: int = 0

    def density(self) -> float:
        return self.matched / max(self.a1 - self.a0, self.b1 - self.b0)


def shared_many(pairs: list, stop: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For many pairs of documents ``(A, B)`` (their :class:`Words`): ``(pair, k_a, k_b)``, per
    n-gram hash found in both documents of a pair (stock ones excluded), the pair's number and
    where the hash is in A's and in B's vocabulary (:meth:`Words.index`), by pair, then hash.
    Per pair one binary search of the smaller vocabulary in the larger (``np.intersect1d``
    sorts the two together); the rest for all the pairs at once, over their vocabularies laid
    end to end."""
    mine, theirs, at, swapped = [], [], [], []
    for a, b in pairs:
        va, vb = a.index()[0], b.index()[0]
        swapped.append(va.size > vb.size)
        if swapped[-1]:
            va, vb = vb, va
        mine.append(va)
        theirs.append(vb)
        at.append(vb.searchsorted(va))
    size_m = np.fromiter(map(len, mine), dtype=np.int64, count=len(pairs))
    size_t = np.fromiter(map(len, theirs), dtype=np.int64, count=len(pairs))
    pair = np.repeat(np.arange(len(pairs), dtype=np.int64), size_m)
    mine, theirs = _joined(mine, np.uint64), _joined(theirs, np.uint64)
    at = _joined(at, np.int64)
    found = at < size_t[pair]  # (else past the last hash of the pair's larger vocabulary)
    k_mine = np.flatnonzero(found)
    k_theirs = at[k_mine]
    pair = pair[k_mine]
    equal = theirs[k_theirs + _starts(size_t)[pair]] == mine[k_mine]
    if stop.size:
        equal[equal] = ~in_sorted(mine[k_mine[equal]], stop)
    k_mine, k_theirs, pair = k_mine[equal], k_theirs[equal], pair[equal]
    k_mine -= _starts(size_m)[pair]
    swap = np.array(swapped, dtype=bool)[pair]
    return pair, np.where(swap, k_theirs, k_mine), np.where(swap, k_mine, k_theirs)


def _joined(arrays: list, dtype) -> np.ndarray:
    return np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.zeros(0, dtype=dtype)


def _starts(sizes: np.ndarray) -> np.ndarray:
    """Where each of arrays of ``sizes`` starts once they are laid end to end."""
    return np.cumsum(sizes) - sizes


def shared_grams(a: Words, b: Words, stop: np.ndarray) -> np.ndarray:
    """The n-gram hashes (stock ones excluded) found in both A and B, sorted."""
    return a.index()[0][shared_many([(a, b)], stop)[1]]


def containment(a: Words, b: Words, stop: np.ndarray, shared: Optional[int] = None) -> float:
    """Share of the distinct n-grams of the smaller of A and B that the other has too
    (``shared``: how many n-grams they share, when known, see :func:`pair_runs`)."""
    least = min(a.distinct(stop), b.distinct(stop))
    if not least:
        return 0.0
    return (shared_grams(a, b, stop).size if shared is None else shared) / least


def seeds_many(pairs: list, pair: np.ndarray, k_a: np.ndarray, k_b: np.ndarray) -> tuple:
    """``(pair, i, j)``: for the shared n-grams of :func:`shared_many` of ``pairs``, the
    positions ``i`` in A and ``j`` in B where both documents of a pair start the same n-gram
    (an n-gram found more than MAX_REPEATS times, occurrences in A times in B, seeds nothing),
    read from each document's index (:meth:`Words.index`), so a pair costs what the two share,
    not the documents' length; for all the pairs at once, their indexes laid end to end."""
    sides = []
    for side, k in ((0, k_a), (1, k_b)):
        first = [p[side].index()[1] for p in pairs]
        order = [p[side].index()[2] for p in pairs]
        k = k + _starts(np.fromiter(map(len, first), dtype=np.int64, count=len(pairs)))[pair]
        first = _joined(first, np.int64)
        start = first[k] + _starts(np.fromiter(map(len, order), dtype=np.int64, count=len(pairs)))[pair]
        sides.append((start, first[k + 1] - first[k], _joined(order, np.int64)))
    (first_a, count_a, order_a), (first_b, count_b, order_b) = sides
    keep = count_a * count_b <= MAX_REPEATS
    if not keep.all():
        pair, first_a, first_b, count_a, count_b = pair[keep], first_a[keep], first_b[keep], count_a[keep], count_b[keep]
    if (count_a == 1).all() and (count_b == 1).all():  # each shared n-gram once on each side (most): one seed each
        return pair, order_a[first_a], order_b[first_b]
    # every position of A with every position of B of its n-gram
    ia = order_a[ranges(first_a, count_a)]
    reps = np.repeat(count_b, count_a)  # per position of A: the positions of B to pair it with
    j = order_b[ranges(np.repeat(first_b, count_a), reps)]
    return np.repeat(np.repeat(pair, count_a), reps), np.repeat(ia, reps), j


def seeds(a: Words, b: Words, stop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``(i, j)`` (two arrays) where A and B start the same n-gram (see :func:`seeds_many`)."""
    return seeds_many([(a, b)], *shared_many([(a, b)], stop))[1:]


def runs_many(pair: np.ndarray, i: np.ndarray, j: np.ndarray, pairs: int, n: int) -> list[list[tuple[int, int, int]]]:
    """Per pair ``0 .. pairs - 1``: the maximal exact runs ``(a_start, b_start, length)`` in
    words from its n-gram seeds (``pair``, ``i``, ``j``: the pair and the positions of each;
    seeds at consecutive positions of one diagonal make one run), by diagonal, then position;
    for all the pairs at once."""
    if not i.size:
        return [[] for _ in range(pairs)]
    pair, i, j, length = run_arrays(pair, i, j, n)
    found = list(zip(i.tolist(), j.tolist(), length.tolist()))
    ends = np.cumsum(np.bincount(pair, minlength=pairs)).tolist()
    return [found[s:e] for s, e in zip([0, *ends[:-1]], ends)]


def run_arrays(pair: np.ndarray, i: np.ndarray, j: np.ndarray, n: int) -> tuple:
    """The runs of :func:`runs_many` as arrays ``(pair, a_start, b_start, length)`` (int64), by
    pair, diagonal, then position."""
    i, j = i.astype(np.int64), j.astype(np.int64)  # (positions may be stored unsigned)
    # (a seed continues the run before it when of the same pair, on its diagonal at the next
    # position of A or before: the run then ends at its n-gram's end; the seeds are distinct)
    diagonal = j - i
    order = np.lexsort((i, diagonal, pair))
    pair, i, j, diagonal = pair[order], i[order], j[order], diagonal[order]
    new = np.ones(i.size, dtype=bool)
    new[1:] = (pair[1:] != pair[:-1]) | (diagonal[1:] != diagonal[:-1]) | (i[1:] > i[:-1] + 1)
    starts = np.flatnonzero(new)
    last = np.append(starts[1:], i.size) - 1
    return pair[starts], i[starts], j[starts], i[last] + n - i[starts]


def runs(pairs: tuple[np.ndarray, np.ndarray], n: int) -> list[tuple[int, int, int]]:
    """Maximal exact runs ``(a_start, b_start, length)`` in words from one pair's n-gram seeds
    ``(i, j)`` (see :func:`runs_many`)."""
    return runs_many(np.zeros(len(pairs[0]), dtype=np.int64), pairs[0], pairs[1], 1, n)[0]


def pair_runs(pairs: list, stop: np.ndarray, n: int) -> tuple[list, list]:
    """For many pairs of documents ``(A, B)``: the exact runs of each (:func:`runs_many`) and
    how many n-grams each shares (stock ones excluded), a few array operations for all."""
    pair, k_a, k_b = shared_many(pairs, stop)
    shared = np.bincount(pair, minlength=len(pairs)).tolist()
    return runs_many(*seeds_many(pairs, pair, k_a, k_b), len(pairs), n), shared


def pair_alignments(pairs: list, stop: np.ndarray, n: int) -> tuple[list, list]:
    """For many pairs of documents ``(A, B)``: the alignments of each (:func:`align`) and how
    many n-grams each shares (stock ones excluded). With the compiled kernels
    (:mod:`~dedupe.passages.compiled`), the shared n-grams, seeds and runs of all the pairs in
    one call, their tiles, chains and extension in another (the documents' words and indexes
    laid end to end); else by :func:`pair_runs` and, pair by pair, :func:`align_runs` (the
    reference)."""
    kernels = compiled.wanted(len(pairs))
    if kernels is None:
        found, shared = pair_runs(pairs, stop, n)
        return [align_runs(a, b, n, exact) for (a, b), exact in zip(pairs, found)], shared
    docs: dict = {}  # each document's words once (a document is in many pairs)
    for w in (w for p in pairs for w in p):
        docs.setdefault(id(w), w)
    number = {k: x for x, k in enumerate(docs)}
    sides = np.array([[number[id(a)], number[id(b)]] for a, b in pairs], dtype=np.int64).reshape(-1, 2)
    pair_a, pair_b = np.ascontiguousarray(sides[:, 0]), np.ascontiguousarray(sides[:, 1])
    docs = list(docs.values())
    index = [w.index() for w in docs]
    shared, pair, i, j, length = kernels.pair_runs_many(
        *_laid([x[0] for x in index], np.uint64), *_laid([x[1] for x in index], np.int64),
        *_laid([x[2] for x in index], np.int64), pair_a, pair_b, stop.astype(np.uint64, copy=False), n, MAX_REPEATS)
    order = np.lexsort((j, i, -length, pair))  # the order tiling takes them in
    run_first = np.concatenate(([0], np.cumsum(np.bincount(pair, minlength=len(pairs))))).astype(np.int64)
    counts, rows = kernels.align_many(
        *_laid([w.hashes for w in docs], np.uint64), _joined([w.breaks.view(np.uint8) for w in docs], np.uint8),
        pair_a, pair_b, run_first, i[order], j[order], length[order], n, ANCHOR_WORDS,
        MAX_GAP, MIN_DENSITY, GAP_SHARE)
    rows = [Alignment(*r) for r in rows.tolist()]
    ends = np.cumsum(counts).tolist()
    return [rows[s:e] for s, e in zip([0, *ends[:-1]], ends)], shared.tolist()


def _laid(arrays: list, dtype) -> tuple[np.ndarray, np.ndarray]:
    """``arrays`` laid end to end (as ``dtype``), and where each starts, with the end last."""
    sizes = np.fromiter(map(len, arrays), dtype=np.int64, count=len(arrays))
    return _joined(arrays, dtype), np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)


def trim_fragments(a: Words, b: Words, a0: int, b0: int, length: int) -> tuple[int, int, int]:
    """Drop words that a run takes over a sentence break on either side when fewer than
    ``ANCHOR_WORDS`` of them hang there: the "The" that happens to follow two copies of
    one paragraph is not part of the copy."""
    breaks_a, breaks_b = a.break_flags(), b.break_flags()
    for k in range(1, min(ANCHOR_WORDS, length)):  # leading fragment: break before word k
        if breaks_a[a0 + k] or breaks_b[b0 + k]:
            a0, b0, length = a0 + k, b0 + k, length - k
            break
    for k in range(1, min(ANCHOR_WORDS, length)):  # trailing fragment: break before the last k words
        if breaks_a[a0 + length - k] or breaks_b[b0 + length - k]:
            length -= k
            break
    return a0, b0, length


def tiles(candidates: list[tuple[int, int, int]], a: Words, b: Words, n: int) -> list[tuple[int, int, int]]:
    """Greedy string tiling: longest runs first, each word used once per side."""
    used_a, used_b = bytearray(len(a)), bytearray(len(b))
    out = []
    for a0, b0, length in sorted(candidates, key=lambda r: (-r[2], r[0], r[1])):
        if used_a.find(1, a0, a0 + length) < 0 and used_b.find(1, b0, b0 + length) < 0:
            best_start, best_len = 0, length  # no word of the run is taken yet
        else:  # the longest stretch of the run whose words are free on both sides
            best_start, best_len, cur = 0, 0, 0
            for k in range(length):
                cur = 0 if used_a[a0 + k] or used_b[b0 + k] else cur + 1
                if cur > best_len:
                    best_start, best_len = k - cur + 1, cur
        if best_len >= n:
            ta, tb, tl = trim_fragments(a, b, a0 + best_start, b0 + best_start, best_len)
            if tl >= n:
                used_a[ta : ta + tl] = b"\x01" * tl
                used_b[tb : tb + tl] = b"\x01" * tl
                out.append((ta, tb, tl))
    return sorted(out)


def chain(tile_list: list[tuple[int, int, int]], gap_ok: Optional[Callable] = None,
          member: Optional[list] = None) -> list[Alignment]:
    """Merge tiles that follow each other on both sides across small gaps (with ``gap_ok``,
    only gaps it allows: called with the chain, the tile's ``a0``, ``b0`` and the shorter of
    the chain's last tile and this one; ``member``, a list, gets the number of each tile's
    chain)."""
    chains: list[Alignment] = []
    last: list[int] = []  # per chain: the length of its last tile
    for a0, b0, length in tile_list:  # sorted by position in A
        anchored = length if length >= ANCHOR_WORDS else 0
        for k in range(len(chains) - 1, -1, -1):
            c = chains[k]
            gap_a, gap_b = a0 - c.a1, b0 - c.b1
            if not (0 <= gap_a <= MAX_GAP and 0 <= gap_b <= MAX_GAP):
                continue
            merged = Alignment(c.a0, a0 + length, c.b0, b0 + length, c.matched + length, c.anchored + anchored)
            if merged.density() >= MIN_DENSITY and (gap_ok is None or gap_ok(c, a0, b0, min(last[k], length))):
                c.a1, c.b1, c.matched, c.anchored = merged.a1, merged.b1, merged.matched, merged.anchored
                last[k] = length
                break
        else:
            k = len(chains)
            chains.append(Alignment(a0, a0 + length, b0, b0 + length, length, anchored))
            last.append(length)
        if member is not None:
            member.append(k)
    return chains


def _small_gap(a: Words, b: Words, c: Alignment, a0: int, b0: int, shorter: int) -> bool:
    """Whether the gap between chain ``c`` and a tile at ``(a0, b0)`` is small beside the
    ``shorter`` of the two tiles it joins (``GAP_SHARE``): its words not matched by a word of
    the other side's gap (a substitution costs one, an own clause all its words). A gap with
    words on one side only (a clause cut from the copy, or put in) is bridged as before."""
    gap_a, gap_b = a0 - c.a1, b0 - c.b1
    if min(gap_a, gap_b) == 0 or max(gap_a, gap_b) <= GAP_SHARE * shorter:
        return True
    mine, theirs = a.hashes[c.a1 : a0].tolist(), b.hashes[c.b1 : b0].tolist()
    common = sum((Counter(mine) & Counter(theirs)).values())
    return max(gap_a, gap_b) - common <= GAP_SHARE * shorter


def spliced_chains(tile_list: list[tuple[int, int, int]], a: Words, b: Words) -> list[Alignment]:
    """The chains of :func:`chain` cut at gaps that are not small (:func:`_small_gap`), each
    with the ``anchored`` of the widest chain (every gap :func:`chain` alone bridges) holding
    one of its tiles as its ``evidence``: a pair's evidence, and whether a short span
    counts, stay those of the wide chains; only the words reported change."""
    cut = []

    def note(c: Alignment, a0: int, b0: int, shorter: int) -> bool:  # (bridges every gap)
        if not cut and not _small_gap(a, b, c, a0, b0, shorter):
            cut.append(c)
        return True

    wide_of: list = []
    wide = chain(tile_list, note, wide_of)
    if not cut:  # every gap small: the same chains (most pairs)
        for w in wide:
            w.evidence = w.anchored
        return wide
    narrow_of: list = []
    narrow = chain(tile_list, lambda c, a0, b0, shorter: _small_gap(a, b, c, a0, b0, shorter), narrow_of)
    for k, w in zip(narrow_of, wide_of):
        narrow[k].evidence = max(narrow[k].evidence, wide[w].anchored)
    return narrow


def extend(chains: list[Alignment], a: Words, b: Words) -> list[Alignment]:
    """Grow each chain over identical words on either side, within its sentences and
    without taking words of another chain."""
    used_a, used_b = bytearray(len(a) + 1), bytearray(len(b) + 1)
    for c in chains:
        used_a[c.a0 : c.a1] = b"\x01" * (c.a1 - c.a0)
        used_b[c.b0 : c.b1] = b"\x01" * (c.b1 - c.b0)
    ta, tb = a.hashes, b.hashes  # equal words, equal hashes (no strings held per word)
    breaks_a, breaks_b = a.break_flags(), b.break_flags()
    for c in chains:
        while c.a0 > 0 and c.b0 > 0 and not (breaks_a[c.a0] or breaks_b[c.b0] or used_a[c.a0 - 1]
                                             or used_b[c.b0 - 1]) and ta[c.a0 - 1] == tb[c.b0 - 1]:
            c.a0, c.b0, c.matched = c.a0 - 1, c.b0 - 1, c.matched + 1
            used_a[c.a0] = used_b[c.b0] = 1
        while c.a1 < len(a) and c.b1 < len(b) and not (breaks_a[c.a1] or breaks_b[c.b1] or used_a[c.a1]
                                                       or used_b[c.b1]) and ta[c.a1] == tb[c.b1]:
            used_a[c.a1] = used_b[c.b1] = 1
            c.a1, c.b1, c.matched = c.a1 + 1, c.b1 + 1, c.matched + 1
    return chains


def align(a: Words, b: Words, n: int, stop: np.ndarray) -> list[Alignment]:
    """Shared spans of A and B in word positions, in order of A (chains of tiles; the caller
    keeps those with enough ``anchored`` words)."""
    return align_runs(a, b, n, pair_runs([(a, b)], stop, n)[0][0])


def align_runs(a: Words, b: Words, n: int, found: list[tuple[int, int, int]]) -> list[Alignment]:
    """:func:`align` from the pair's exact runs (:func:`runs_many`)."""
    return extend(spliced_chains(tiles(found, a, b, n), a, b), a, b)


def similarity(a: Words, b: Words, al: Alignment) -> float:
    """Word-level similarity of the two spans: ``2 * matching words / (words in A + words in B)``."""
    ta, tb = a.hashes[al.a0 : al.a1], b.hashes[al.b0 : al.b1]  # the words' hashes stand for them
    if np.array_equal(ta, tb):
        return 1.0  # what SequenceMatcher says of two equal sequences
    kernels = compiled.loaded()
    if kernels is not None:  # (the same number: ``kernels.ratio``)
        return kernels.ratio(ta, tb)
    return difflib.SequenceMatcher(None, ta.tolist(), tb.tolist(), autojunk=False).ratio()
