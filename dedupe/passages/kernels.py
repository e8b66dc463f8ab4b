"""The kernels of :mod:`~dedupe.passages.compiled`, compiled ahead of time by numba's ``pycc``
into an extension module (``python -m dedupe.passages.kernels FOLDER`` builds it there; only
the build imports numba): each computes what the Python code of :mod:`~dedupe.passages.align`
computes, pair by pair, span by span, without a Python object per run, tile or chain.

The aligner's constants (``ANCHOR_WORDS``, ``MAX_GAP``, ``MIN_DENSITY``, ``GAP_SHARE``) are
arguments, not imported: the compiled module is cached by this file's source alone, and must
follow a change of them in ``align.py``."""

from __future__ import annotations

import sys

import numpy as np
from numba import njit

from dedupe import compiled

MODULE = "_dedupe_passages_kernels"

# columns of an alignment row of :func:`align_many`: as the fields of ``align.Alignment``
A0, A1, B0, B1, MATCHED, ANCHORED, EVIDENCE = range(7)


@njit(inline="always")
def _small_gap(hashes, sa, sb, c_a1, c_b1, a0, b0, shorter, gap_share):
    """``align._small_gap``: the gap's words not matched by a word of the other side's gap
    (a multiset intersection of their hashes) at most ``gap_share`` of ``shorter``."""
    gap_a = a0 - c_a1
    gap_b = b0 - c_b1
    widest = max(gap_a, gap_b)
    if min(gap_a, gap_b) == 0 or widest <= gap_share * shorter:
        return True
    taken = np.zeros(gap_b, np.uint8)
    common = 0
    for x in range(sa + c_a1, sa + a0):
        for y in range(gap_b):
            if not taken[y] and hashes[sb + c_b1 + y] == hashes[x]:
                taken[y] = 1
                common += 1
                break
    return widest - common <= gap_share * shorter


@njit
def _chain(hashes, sa, sb, ta, tb, tl, t, mode, out, member, anchor, max_gap, min_density, gap_share):
    """``align.chain`` of the ``t`` tiles ``(ta, tb, tl)`` (by position in A) into the rows of
    ``out`` (columns A0 .. ANCHORED), each tile's chain in ``member``. ``mode`` 0: every gap
    bridged (the wide chains), returns whether one bridged gap is not small; 1: only small
    gaps (``_small_gap``) bridged. Returns ``(chains, cut)``."""
    last = np.empty(t, np.int64)
    chains = 0
    cut = False
    for x in range(t):
        a0 = ta[x]
        b0 = tb[x]
        length = tl[x]
        anchored = length if length >= anchor else 0
        placed = -1
        for k in range(chains - 1, -1, -1):
            gap_a = a0 - out[k, A1]
            gap_b = b0 - out[k, B1]
            if not (0 <= gap_a <= max_gap and 0 <= gap_b <= max_gap):
                continue
            matched = out[k, MATCHED] + length
            if matched / max(a0 + length - out[k, A0], b0 + length - out[k, B0]) < min_density:
                continue
            shorter = min(last[k], length)
            if mode == 0:
                if not cut and not _small_gap(hashes, sa, sb, out[k, A1], out[k, B1], a0, b0, shorter, gap_share):
                    cut = True
            elif not _small_gap(hashes, sa, sb, out[k, A1], out[k, B1], a0, b0, shorter, gap_share):
                continue
            out[k, A1] = a0 + length
            out[k, B1] = b0 + length
            out[k, MATCHED] = matched
            out[k, ANCHORED] += anchored
            last[k] = length
            placed = k
            break
        if placed < 0:
            placed = chains
            out[placed, A0] = a0
            out[placed, A1] = a0 + length
            out[placed, B0] = b0
            out[placed, B1] = b0 + length
            out[placed, MATCHED] = length
            out[placed, ANCHORED] = anchored
            out[placed, EVIDENCE] = 0
            last[placed] = length
            chains += 1
        member[x] = placed
    return chains, cut


def pair_runs_many(vocab, vocab_at, first, first_at, order, order_at, pair_a, pair_b, stop, n, max_repeats):
    """``align._seeds_and_shared`` and ``align.run_arrays`` of many pairs: per pair ``p``
    (documents ``pair_a[p]`` and ``pair_b[p]``, each with its index, ``Words.index``: its
    sorted distinct n-grams ``vocab[vocab_at[d] : vocab_at[d + 1]]``, their firsts
    ``first[first_at[d] : ...]`` and the positions ``order[order_at[d] : ...]``), the n-grams
    both share (a binary search of the smaller vocabulary in the larger, those of ``stop``
    left out), the seeds of each (every position in A with every one in B, unless more than
    ``max_repeats``) and the maximal runs they make on each diagonal. Returns ``(shared, pair,
    a_start, b_start, length)``: each pair's number of shared n-grams, and the runs, by pair,
    diagonal, then position."""
    pairs = pair_a.size
    shared = np.zeros(pairs, np.int64)
    cap = 1024
    out_p = np.empty(cap, np.int64)
    out_i = np.empty(cap, np.int64)
    out_j = np.empty(cap, np.int64)
    out_l = np.empty(cap, np.int64)
    filled = 0
    for p in range(pairs):
        da = pair_a[p]
        db = pair_b[p]
        va = vocab[vocab_at[da] : vocab_at[da + 1]]
        vb = vocab[vocab_at[db] : vocab_at[db + 1]]
        swapped = va.size > vb.size
        small = vb if swapped else va
        large = va if swapped else vb
        k_small = np.empty(small.size, np.int64)
        k_large = np.empty(small.size, np.int64)
        m = 0
        lo = 0
        for x in range(small.size):
            value = small[x]
            lo += np.searchsorted(large[lo:], value)
            if lo == large.size:
                break
            if large[lo] != value:
                continue
            if stop.size:
                s = np.searchsorted(stop, value)
                if s < stop.size and stop[s] == value:
                    continue
            k_small[m] = x
            k_large[m] = lo
            m += 1
        shared[p] = m
        if m == 0:
            continue
        fa = first[first_at[da] : first_at[da + 1]]
        fb = first[first_at[db] : first_at[db + 1]]
        oa = order[order_at[da] : order_at[da + 1]]
        ob = order[order_at[db] : order_at[db + 1]]
        k_a = k_large[:m] if swapped else k_small[:m]
        k_b = k_small[:m] if swapped else k_large[:m]
        seeds = 0
        for q in range(m):
            c = (fa[k_a[q] + 1] - fa[k_a[q]]) * (fb[k_b[q] + 1] - fb[k_b[q]])
            if c <= max_repeats:
                seeds += c
        if seeds == 0:
            continue
        # each seed as one number, by diagonal, then position in A
        na = oa.size
        keys = np.empty(seeds, np.int64)
        t = 0
        for q in range(m):
            a0 = fa[k_a[q]]
            a1 = fa[k_a[q] + 1]
            b0 = fb[k_b[q]]
            b1 = fb[k_b[q] + 1]
            if (a1 - a0) * (b1 - b0) > max_repeats:
                continue
            for x in range(a0, a1):
                i = oa[x]
                for y in range(b0, b1):
                    keys[t] = (ob[y] - i + na) * (na + 1) + i
                    t += 1
        keys.sort()
        if filled + seeds > cap:
            cap = max(2 * cap, filled + seeds)
            out_p = _grown(out_p, cap, filled)
            out_i = _grown(out_i, cap, filled)
            out_j = _grown(out_j, cap, filled)
            out_l = _grown(out_l, cap, filled)
        start_i = -2
        last_i = -2
        diagonal = 0
        for q in range(seeds):
            i = keys[q] % (na + 1)
            d = keys[q] // (na + 1) - na
            if q == 0 or d != diagonal or i > last_i + 1:
                if q:
                    out_l[filled] = last_i + n - start_i
                    filled += 1
                out_p[filled] = p
                out_i[filled] = i
                out_j[filled] = i + d
                start_i = i
                diagonal = d
            last_i = i
        out_l[filled] = last_i + n - start_i
        filled += 1
    return shared, out_p[:filled], out_i[:filled], out_j[:filled], out_l[:filled]


@njit
def _grown(values, cap, filled):
    out = np.empty(cap, values.dtype)
    out[:filled] = values[:filled]
    return out


def align_many(hashes, doc_at, breaks, pair_a, pair_b, run_first, ra, rb, rl, n, anchor, max_gap,
               min_density, gap_share):
    """``align.align_runs`` of many pairs: per pair ``p`` (documents ``pair_a[p]`` and
    ``pair_b[p]``, whose word hashes and break flags are ``hashes`` and ``breaks`` at
    ``doc_at[d] : doc_at[d + 1]``), its exact runs ``ra, rb, rl[run_first[p] :
    run_first[p + 1]]`` in the order tiling takes them (longest first, then by position in A,
    then in B). Returns ``(counts, rows)``: each pair's number of alignments and their rows
    (columns ``A0 .. EVIDENCE``), pair after pair, each pair's in the order of ``align``.

    Tiles (``tiles`` and ``trim_fragments``), chains cut at gaps that are not small
    (``spliced_chains``) and their extension over identical words (``extend``), step by step
    as the Python code does them."""
    pairs = pair_a.size
    counts = np.zeros(pairs, np.int64)
    rows = np.zeros((ra.size, 7), np.int64)  # (a pair has at most as many alignments as runs)
    filled = 0
    for p in range(pairs):
        r0 = run_first[p]
        r1 = run_first[p + 1]
        if r0 == r1:
            continue
        sa = doc_at[pair_a[p]]
        la = doc_at[pair_a[p] + 1] - sa
        sb = doc_at[pair_b[p]]
        lb = doc_at[pair_b[p] + 1] - sb
        # tiles: longest runs first, each word used once per side, fragments over a break cut
        used_a = np.zeros(la + 1, np.uint8)
        used_b = np.zeros(lb + 1, np.uint8)
        ta = np.empty(r1 - r0, np.int64)
        tb = np.empty(r1 - r0, np.int64)
        tl = np.empty(r1 - r0, np.int64)
        t = 0
        for r in range(r0, r1):
            a0 = ra[r]
            b0 = rb[r]
            length = rl[r]
            best_start = 0
            best_len = 0
            cur = 0
            for k in range(length):
                if used_a[a0 + k] or used_b[b0 + k]:
                    cur = 0
                else:
                    cur += 1
                    if cur > best_len:
                        best_start = k - cur + 1
                        best_len = cur
            if best_len < n:
                continue
            a0 += best_start
            b0 += best_start
            length = best_len
            for k in range(1, min(anchor, length)):  # leading fragment: break before word k
                if breaks[sa + a0 + k] or breaks[sb + b0 + k]:
                    a0 += k
                    b0 += k
                    length -= k
                    break
            for k in range(1, min(anchor, length)):  # trailing fragment: break before the last k words
                if breaks[sa + a0 + length - k] or breaks[sb + b0 + length - k]:
                    length -= k
                    break
            if length < n:
                continue
            used_a[a0 : a0 + length] = 1
            used_b[b0 : b0 + length] = 1
            ta[t] = a0
            tb[t] = b0
            tl[t] = length
            t += 1
        if t == 0:
            continue
        order = np.argsort(ta[:t])  # (tiles never share a word of A: their starts differ)
        ta = ta[order]
        tb = tb[order]
        tl = tl[order]
        # chains: the wide ones (every gap bridged), cut at gaps that are not small
        wide = np.zeros((t, 7), np.int64)
        wide_of = np.empty(t, np.int64)
        chains, cut = _chain(hashes, sa, sb, ta, tb, tl, t, 0, wide, wide_of, anchor, max_gap, min_density, gap_share)
        if not cut:
            got = wide
            for k in range(chains):
                got[k, EVIDENCE] = got[k, ANCHORED]
        else:
            got = np.zeros((t, 7), np.int64)
            narrow_of = np.empty(t, np.int64)
            chains, _ = _chain(hashes, sa, sb, ta, tb, tl, t, 1, got, narrow_of, anchor, max_gap, min_density,
                               gap_share)
            for x in range(t):
                k = narrow_of[x]
                got[k, EVIDENCE] = max(got[k, EVIDENCE], wide[wide_of[x], ANCHORED])
        # extension over identical words, within sentences, not over another chain's words
        used_a[:] = 0
        used_b[:] = 0
        for k in range(chains):
            used_a[got[k, A0] : got[k, A1]] = 1
            used_b[got[k, B0] : got[k, B1]] = 1
        for k in range(chains):
            a0 = got[k, A0]
            b0 = got[k, B0]
            while (a0 > 0 and b0 > 0 and not (breaks[sa + a0] or breaks[sb + b0] or used_a[a0 - 1] or used_b[b0 - 1])
                   and hashes[sa + a0 - 1] == hashes[sb + b0 - 1]):
                a0 -= 1
                b0 -= 1
                got[k, MATCHED] += 1
                used_a[a0] = 1
                used_b[b0] = 1
            got[k, A0] = a0
            got[k, B0] = b0
            a1 = got[k, A1]
            b1 = got[k, B1]
            while (a1 < la and b1 < lb and not (breaks[sa + a1] or breaks[sb + b1] or used_a[a1] or used_b[b1])
                   and hashes[sa + a1] == hashes[sb + b1]):
                used_a[a1] = 1
                used_b[b1] = 1
                a1 += 1
                b1 += 1
                got[k, MATCHED] += 1
            got[k, A1] = a1
            got[k, B1] = b1
        rows[filled : filled + chains] = got[:chains]
        filled += chains
        counts[p] = chains
    return counts, rows[:filled]


def ratio(a, b):
    """``difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()`` of two sequences of
    hashes: ``2 * M / (len(a) + len(b))``, M the words of the matching blocks that
    ``get_matching_blocks`` finds (the longest matching block of a range, the earliest in A,
    then in B, of the longest; then the same left and right of it), with the same
    ``find_longest_match`` loop (``b2j``: B's positions of each hash, ascending; ``j2len``:
    the lengths of the matches ending at each position of B in the row before, here two
    arrays stamped with their row's number instead of a dict per row). Without junk, the
    junk extensions of ``find_longest_match`` extend nothing (the loop finds the longest
    block itself), so there are none here."""
    la = a.size
    lb = b.size
    if la + lb == 0:
        return 1.0
    order = np.argsort(b, kind="mergesort")  # (stable: each hash's positions ascending)
    sorted_b = b[order]
    lo = np.searchsorted(sorted_b, a, side="left")
    hi = np.searchsorted(sorted_b, a, side="right")
    prev_len = np.zeros(lb, np.int64)
    prev_row = np.full(lb, -2, np.int64)
    cur_len = np.zeros(lb, np.int64)
    cur_row = np.full(lb, -2, np.int64)
    row = 0
    # the queue of ranges still to match: at most one per block found, plus the first
    queue = np.empty((la + 2, 4), np.int64)
    queue[0, 0] = 0
    queue[0, 1] = la
    queue[0, 2] = 0
    queue[0, 3] = lb
    queued = 1
    matches = 0
    while queued:
        queued -= 1
        alo = queue[queued, 0]
        ahi = queue[queued, 1]
        blo = queue[queued, 2]
        bhi = queue[queued, 3]
        besti = alo
        bestj = blo
        bestsize = 0
        row += 2  # (the row before the first of this range is no row of it)
        for i in range(alo, ahi):
            for q in range(lo[i], hi[i]):
                j = order[q]
                if j < blo:
                    continue
                if j >= bhi:
                    break
                k = 1
                if j > 0 and prev_row[j - 1] == row - 1:
                    k = prev_len[j - 1] + 1
                cur_len[j] = k
                cur_row[j] = row
                if k > bestsize:
                    besti = i - k + 1
                    bestj = j - k + 1
                    bestsize = k
            prev_len, cur_len = cur_len, prev_len
            prev_row, cur_row = cur_row, prev_row
            row += 1
        if bestsize:
            matches += bestsize
            if alo < besti and blo < bestj:
                queue[queued, 0] = alo
                queue[queued, 1] = besti
                queue[queued, 2] = blo
                queue[queued, 3] = bestj
                queued += 1
            if besti + bestsize < ahi and bestj + bestsize < bhi:
                queue[queued, 0] = besti + bestsize
                queue[queued, 1] = ahi
                queue[queued, 2] = bestj + bestsize
                queue[queued, 3] = bhi
                queued += 1
    return 2.0 * matches / (la + lb)


_ALIGN = "Tuple((i8[:], i8[:, :]))(u8[:], i8[:], u1[:], i8[:], i8[:], i8[:], i8[:], i8[:], i8[:], i8, i8, i8, f8, f8)"
_RUNS = "Tuple((i8[:], i8[:], i8[:], i8[:], i8[:]))(u8[:], i8[:], i8[:], i8[:], i8[:], i8[:], i8[:], i8[:], u8[:], i8, i8)"
EXPORTS = (
    ("pair_runs_many", pair_runs_many, _RUNS),
    ("align_many", align_many, _ALIGN),
    ("ratio", ratio, "f8(u8[:], u8[:])"),
)


def build(folder: str) -> None:
    """Compile the kernels into the extension module ``MODULE`` in ``folder``."""
    compiled.build(MODULE, EXPORTS, folder)


if __name__ == "__main__":
    build(sys.argv[1])
