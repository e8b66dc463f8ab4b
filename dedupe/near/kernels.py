"""The kernels of :mod:`~dedupe.near.compiled`, compiled ahead of time by numba's ``pycc``
into an extension module (``python -m dedupe.near.kernels FOLDER`` builds it there; only the
build imports numba): each computes, document by document, what the array code of
:mod:`~dedupe.near.fast` and :mod:`~dedupe.near.signatures` computes for a whole batch. All
arithmetic is uint64 and wraps, as numpy's does."""

from __future__ import annotations

import sys

import numpy as np
from numba import njit

from dedupe import compiled

from dedupe.near.hashing import GOLDEN, _FMIX64
from dedupe.near.shingles import TOKEN_LEN_MULT
from dedupe.near.signatures import PROBE_ATTEMPT, PROBE_BIN

_S33, _M1, _M2 = _FMIX64
_LEN_MULT = np.uint64(TOKEN_LEN_MULT)
_MULT = np.uint64(GOLDEN)
_UNSEEN = np.uint64(1 << 63)
_EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)

MODULE = "_dedupe_near_kernels"
# name, function, signature: ``word_shingles`` for texts of one byte per code point and for
# UCS-4 code points
_WORDS = "Tuple((i8, u8[:], i8[:], i8[:], i8[:], u8[:], i8[:]))({}[:], i8[:], i8[:], u8[:], u8[:], u8[:], i8)"


@njit(inline="always")
def _fmix(h):
    h ^= h >> _S33
    h *= _M1
    h ^= h >> _S33
    h *= _M2
    h ^= h >> _S33
    return h


def word_shingles(codes, doc_starts, lengths, table, powers, inverse_powers, n):
    """Tokens and word n-grams of the texts at ``codes[doc_starts[i]:+lengths[i]]``.

    ``table[c]``: code point c's lower-case code point if it is a word character, else 0
    (``_UNSEEN`` when not known yet); every code must index ``table`` (the caller maps code
    points beyond the BMP to entries it appends); ``powers`` and ``inverse_powers``:
    ``BASE**k`` and ``BASE**-k`` for k up to the longest text's length. Returns ``(unseen, hashes, starts,
    ends, counts, grams, per_doc)``: whether an unseen code point was met (then the other
    arrays are empty: the caller fills the table and calls again), every token's hash,
    start and end (offsets into ``codes``), each text's number of tokens, every n-gram's
    hash and each text's number of n-grams (fewer than ``n`` tokens: one of them all).

    A token's hash is the difference of two prefix sums of ``c_k * BASE**k`` over its text,
    shifted back by ``BASE**-start`` (as :func:`~dedupe.near.fast.token_hashes`): the loop
    over the code points has no branch at all (a token's edges are written at every code
    point and kept by advancing the count where the word mask changes; an unseen code point
    is noticed from the bits of all values met, after the loop), about 1.7x as fast as one
    that tests each code point for the BMP and for being unseen."""
    d = doc_starts.size
    longest = 0
    for i in range(d):
        longest = max(longest, lengths[i])
    edge = np.empty(longest + 2, np.uint64)  # per text: where the word mask changes
    prefix = np.empty(longest + 2, np.uint64)  # and the prefix sum there
    cap = codes.size // 2 + 1
    th = np.empty(cap, np.uint64)
    starts = np.empty(cap, np.int64)
    ends = np.empty(cap, np.int64)
    counts = np.zeros(d, np.int64)
    met = np.uint64(0)  # every value met, or-ed: its top bit says an unseen code point was
    t = 0
    for i in range(d):
        # (the text, its powers and the edges indexed from 0 with unsigned counts: no
        # wraparound check on any index of the loop over its code points)
        a = doc_starts[i]
        m = lengths[i]
        text = codes[a : a + m]
        text_powers = powers[:m]
        total = np.uint64(0)
        was = np.uint64(0)
        k = np.uint64(0)
        for q in range(m):
            v = table[text[q]]
            met |= v
            word = np.uint64(v != 0)
            edge[k] = q
            prefix[k] = total
            k += word ^ was
            was = word
            total += v * text_powers[q]
        edge[k] = m
        prefix[k] = total
        k += was
        for j in range(0, k, 2):
            s = edge[j]
            e = edge[j + 1]
            th[t] = _fmix((prefix[j + 1] - prefix[j]) * inverse_powers[s] + (e - s) * _LEN_MULT)
            starts[t] = a + np.int64(s)
            ends[t] = a + np.int64(e)
            t += 1
        counts[i] = k // 2
    unseen = 1 if met & _UNSEEN else 0
    if unseen:
        empty = np.empty(0, np.uint64)
        none = np.empty(0, np.int64)
        return unseen, empty, none, none, counts, empty, counts
    grams = np.empty(t, np.uint64)
    per_doc = np.zeros(d, np.int64)
    g = 0
    b = 0
    for i in range(d):
        m = counts[i]
        tokens = th[b : b + m]
        if m >= n:
            for j in range(m - n + 1):
                acc = tokens[j]
                for q in range(1, n):
                    acc = acc * _MULT + tokens[j + q]
                grams[g + j] = _fmix(acc ^ np.uint64(n))
            g += m - n + 1
            per_doc[i] = m - n + 1
        elif m > 0:
            acc = np.uint64(0)
            for q in range(m):
                acc = acc * _MULT + tokens[q]
            grams[g] = _fmix(acc ^ np.uint64(m))
            g += 1
            per_doc[i] = 1
        b += m
    return 0, th[:t], starts[:t], ends[:t], counts, grams[:g], per_doc


def oph_signatures(hashes, offsets, num_perm, seed_key):
    """Each document's OPH signature (documents x ``num_perm``, flattened): the least of its
    mixed shingle hashes in each bin, an empty bin filled by optimal densification (the
    first non-empty bin along its probe sequence, see
    :func:`~dedupe.near.signatures._probes`), ``_EMPTY`` throughout for a document without
    shingles."""
    d = offsets.size - 1
    out = np.full(d * num_perm, _EMPTY, np.uint64)
    filled = np.zeros(num_perm, np.bool_)
    k = np.uint64(num_perm)
    for i in range(d):
        if offsets[i + 1] == offsets[i]:
            continue
        doc = hashes[offsets[i] : offsets[i + 1]]
        row = out[i * num_perm : (i + 1) * num_perm]
        for q in range(doc.size):
            m = _fmix(doc[q] ^ seed_key)
            at = ((m >> np.uint64(32)) * k) >> np.uint64(32)
            if m < row[at]:
                row[at] = m
        empty = 0
        for b in range(num_perm):
            filled[b] = row[b] != _EMPTY
            if not filled[b]:
                empty += 1
        if not empty:
            continue
        for b in range(num_perm):
            if filled[b]:
                continue
            t = np.uint64(1)
            while True:
                h = _fmix(np.uint64(b) * PROBE_BIN + t * PROBE_ATTEMPT + seed_key)
                j = ((h >> np.uint64(32)) * k) >> np.uint64(32)
                if filled[j]:
                    row[b] = row[j]
                    break
                t += np.uint64(1)
    return out


def kperm_signatures(mixed, offsets, a, b):
    """Each document's k-permutation MinHash signature (documents x ``a.size``, flattened):
    per permutation ``p`` the least ``a[p] * m + b[p]`` over its mixed shingle hashes ``m``,
    ``_EMPTY`` throughout for a document without shingles (as
    :func:`~dedupe.near.signatures.kperm_signatures`, without its array of every value).
    Four permutations at a time, each minimum in a register over the document's hashes: the
    module is compiled for any x86-64 (no 64-bit vector multiply), where four independent
    multiplications per hash ran ~2.5x faster than one permutation per pass and ~2x faster
    than the hashes outside the permutations (64 permutations, 64,000 hashes)."""
    d = offsets.size - 1
    k = a.size
    out = np.full(d * k, _EMPTY, np.uint64)
    for i in range(d):
        lo, hi = offsets[i], offsets[i + 1]
        p = 0
        while p + 4 <= k:
            a0, a1, a2, a3 = a[p], a[p + 1], a[p + 2], a[p + 3]
            b0, b1, b2, b3 = b[p], b[p + 1], b[p + 2], b[p + 3]
            l0 = l1 = l2 = l3 = _EMPTY
            for q in range(lo, hi):
                m = mixed[q]
                l0 = min(l0, a0 * m + b0)
                l1 = min(l1, a1 * m + b1)
                l2 = min(l2, a2 * m + b2)
                l3 = min(l3, a3 * m + b3)
            at = i * k + p
            out[at], out[at + 1], out[at + 2], out[at + 3] = l0, l1, l2, l3
            p += 4
        for r in range(p, k):
            least = _EMPTY
            for q in range(lo, hi):
                least = min(least, a[r] * mixed[q] + b[r])
            out[i * k + r] = least
    return out


def distinct_counts(hashes, offsets):
    """Each document's number of distinct shingles, two counting once when they agree on
    their top 53 bits (as :func:`~dedupe.near.fast.unique_sizes`): an open-addressing set
    per document instead of a sort."""
    d = offsets.size - 1
    out = np.zeros(d, np.int64)
    most = 0
    for i in range(d):
        most = max(most, offsets[i + 1] - offsets[i])
    size = 16
    while size < 2 * most:
        size *= 2
    slots = np.empty(size, np.uint64)
    for i in range(d):
        m = offsets[i + 1] - offsets[i]
        if m == 0:
            continue
        width = 16
        while width < 2 * m:
            width *= 2
        mask = np.uint64(width - 1)
        slots[:width] = _EMPTY
        distinct = 0
        doc = hashes[offsets[i] : offsets[i + 1]]
        for q in range(doc.size):
            key = doc[q] >> np.uint64(11)
            at = key & mask
            while True:
                held = slots[at]
                if held == _EMPTY:
                    slots[at] = key
                    distinct += 1
                    break
                if held == key:
                    break
                at = (at + np.uint64(1)) & mask
        out[i] = distinct
    return out


def fold_rows(rows):
    """Band keys (:func:`~dedupe.near.banding._fold`) of the columns of ``rows`` (a band's
    rows of hash values, one row per signature position)."""
    r, n = rows.shape
    out = np.zeros(n, np.uint64)
    for c in range(r):
        for i in range(n):
            out[i] = _fmix(out[i] * _MULT + rows[c, i])
    return out


def shared_slots(keys, slots):
    """The positions (ascending) of the ``keys`` whose slot (low bits, ``slots`` a power of
    two) holds two keys or more (:func:`~dedupe.near.banding._groups_of_equal`)."""
    mask = np.uint64(slots - 1)
    count = np.zeros(slots, np.int32)
    for i in range(keys.size):
        count[np.int64(keys[i] & mask)] += 1
    n = 0
    for i in range(keys.size):
        if count[np.int64(keys[i] & mask)] > 1:
            n += 1
    out = np.empty(n, np.int64)
    n = 0
    for i in range(keys.size):
        if count[np.int64(keys[i] & mask)] > 1:
            out[n] = i
            n += 1
    return out


EXPORTS = (
    ("word_shingles_u1", word_shingles, _WORDS.format("u1")),
    ("word_shingles_u4", word_shingles, _WORDS.format("u4")),
    ("oph_signatures", oph_signatures, "u8[:](u8[:], i8[:], i8, u8)"),
    ("kperm_signatures", kperm_signatures, "u8[:](u8[:], i8[:], u8[:], u8[:])"),
    ("distinct_counts", distinct_counts, "i8[:](u8[:], i8[:])"),
    ("fold_rows", fold_rows, "u8[:](u8[:, :])"),
    ("shared_slots", shared_slots, "i8[:](u8[:], i8)"),
)


def build(folder: str) -> None:
    """Compile the kernels into the extension module ``MODULE`` in ``folder``."""
    compiled.build(MODULE, EXPORTS, folder)


if __name__ == "__main__":
    build(sys.argv[1])
