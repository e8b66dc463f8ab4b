"""LSH banding over a signature array, with array operations instead of per-document dicts.

These give exactly the candidate pairs of datasketch's ``MinHashLSH`` (bands of ``r``
consecutive hash values; a pair is a candidate when any band is equal) and of
``MinHashLSHEnsemble`` (datasketch's own size partitions and per-query ``(b, r)``), but
keep nothing per document beyond the signature array: datasketch's dict storage costs about
10 KB per document at 25 bands, too much for millions of documents. The tests compare the
candidate sets with datasketch's on generated corpora.

One deliberate difference, for containment only: a single band value (r=1 bands, which the
ensemble uses for short queries against large partitions) shared by more than MAX_SHARED
documents is the minimum of a boilerplate-like n-gram in thousands of articles, not evidence
of containment; datasketch would return every such document for every such query (at 1M
generated articles this exhausted 14 GB). Those keys are skipped; pairs that contain one
another share many bands, and identical documents are Jaccard candidates anyway.

A band's values are combined into one 64-bit key (polynomial + fmix64); two different bands
share a key with probability ~2**-64, which could only add a candidate (then verified).
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Optional

import numpy as np

from . import compiled
from .hashing import MULT, fmix64, fmix64_inplace
from ..arrays import sorted_unique

MAX_SHARED = 100


def band_key(signatures: np.ndarray, start: int, end: int) -> np.ndarray:
    return _fold(signatures[:, start:end].T, signatures.shape[0])


def _fold(columns: np.ndarray, n: int) -> np.ndarray:
    """The band keys of ``n`` documents from their band's columns of hash values, in order
    (one row of ``columns`` each)."""
    kernels = compiled.loaded()
    if kernels is not None and columns.dtype == np.uint64:  # (the same keys, in one pass)
        return kernels.fold_rows(columns)
    with np.errstate(over="ignore"):
        acc = np.zeros(n, dtype=np.uint64)
        for column in columns:
            acc *= MULT
            acc += column
            acc = fmix64_inplace(acc)
        return acc


def _band_key_of(signatures: np.ndarray, docs: np.ndarray, start: int, end: int) -> np.ndarray:
    """Band keys of the rows ``docs`` (without copying the signature rows)."""
    if docs.size == signatures.shape[0]:
        return band_key(signatures, start, end)
    return band_key(signatures[:, start:end], 0, end - start)[docs]


def _groups_of_equal(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(order, group starts, group sizes) of the runs of equal keys of two or more (in no
    particular order within a group).

    Instead of sorting every key, keys are counted in a table indexed by their low bits (at
    least twice as many slots as keys; band keys are fmix64 outputs, so their low bits are
    uniform): only keys whose slot is shared can be shared, and only those are sorted."""
    e = np.zeros(0, dtype=np.int64)
    if keys.size < 2:
        return e, e, e
    slots = 1 << (2 * keys.size).bit_length()
    kernels = compiled.loaded()
    if kernels is not None and keys.dtype == np.uint64:  # (the same positions, in one pass)
        involved = kernels.shared_slots(keys, slots)
    else:
        slot = (keys & np.uint64(slots - 1)).astype(np.intp)
        involved = np.flatnonzero(np.bincount(slot, minlength=slots)[slot] > 1)  # usually few
    if not involved.size:
        return e, e, e
    order = involved[np.argsort(keys[involved])]  # order within a group does not matter
    sk = keys[order]
    starts = np.flatnonzero(np.concatenate(([True], sk[1:] != sk[:-1])))
    sizes = np.diff(np.concatenate((starts, [sk.size])))
    shared = sizes > 1
    if not shared.all():  # keys that only shared a slot
        order, sizes = order[np.repeat(shared, sizes)], sizes[shared]
        starts = np.cumsum(sizes) - sizes
    return order, starts, sizes


def equal_key_pairs(keys: np.ndarray, docs: np.ndarray, n: int, ordered: bool = False):
    """Pairs of positions ``(a, b)`` whose keys are equal (a != b; both orders if ``ordered``,
    else a < b by position), as two arrays."""
    order, starts, sizes = _groups_of_equal(keys)
    first, second = [], []
    for g in sorted_unique(sizes).tolist():
        s = starts[sizes == g]
        for x in range(g):
            for y in range(g):
                if x == y or (not ordered and y < x):
                    continue
                first.append(order[s + x])
                second.append(order[s + y])
    if not first:
        e = np.zeros(0, dtype=np.int64)
        return e, e
    return np.concatenate(first), np.concatenate(second)


def decode(codes: np.ndarray, n: int) -> list[tuple[int, int]]:
    codes = sorted_unique(codes)
    return list(zip((codes // n).tolist(), (codes % n).tolist()))


def _ordered(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keep = lo != hi
    return lo[keep], hi[keep]


def jaccard_band_pairs(keys: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(lo, hi)``: the documents (values of ``docs``, lo < hi) equal in one band, from the
    band's ``keys`` (one per document). The same function runs over a whole signature array
    (:func:`jaccard_candidates`) and over one key partition of a distributed run."""
    a, c = equal_key_pairs(keys, docs, 0)
    return _ordered(docs[a], docs[c])


# documents up to which the keys of every band are found at once (not band by band): a
# check's candidates, where each band's dozen array operations on a few hundred rows cost
# more than their work
ALL_BANDS_DOCS = 4096


def _keys_by_band(signatures: np.ndarray, docs: np.ndarray, bands: int, r: int) -> np.ndarray:
    """The keys (:func:`band_key`) of the rows ``docs`` in bands ``0 .. bands - 1`` of ``r``
    rows, all at once: an array of ``bands`` x ``len(docs)``."""
    block = signatures[docs, : bands * r].reshape(docs.size, bands, r)
    with np.errstate(over="ignore"):
        acc = np.zeros((docs.size, bands), dtype=np.uint64)
        for c in range(r):
            acc = fmix64(acc * MULT + block[:, :, c])
    return np.ascontiguousarray(acc.T)


def _stacked(keys: np.ndarray) -> np.ndarray:
    """The keys of several bands (one row each) as one array, each with its band's number
    folded in (so that keys of two bands almost never meet; see :func:`_same_band_key`)."""
    with np.errstate(over="ignore"):
        return fmix64(keys * MULT + np.arange(keys.shape[0], dtype=np.uint64)[:, None]).reshape(-1)


def _same_band_key(keys: np.ndarray, width: int, a: np.ndarray, b: np.ndarray) -> bool:
    """Whether the positions ``a`` and ``b`` of :func:`_stacked` ``keys`` (``width`` documents a
    band) are all pairs of one band with one key (else the band-by-band search is used)."""
    flat = keys.reshape(-1)
    return bool(((a // width == b // width) & (flat[a] == flat[b])).all())


def jaccard_candidates(signatures: np.ndarray, docs: np.ndarray, b: int, r: int) -> np.ndarray:
    """Pair codes of documents equal in at least one of ``b`` bands of ``r`` rows."""
    n = signatures.shape[0]
    if docs.size <= ALL_BANDS_DOCS:
        keys = _keys_by_band(signatures, docs, b, r)
        a, c = equal_key_pairs(_stacked(keys), None, 0)
        if _same_band_key(keys, docs.size, a, c):
            lo, hi = _ordered(docs[a % docs.size], docs[c % docs.size])
            return sorted_unique(lo.astype(np.int64) * n + hi)
    out = [np.zeros(0, dtype=np.int64)]
    for j in range(b):
        lo, hi = jaccard_band_pairs(_band_key_of(signatures, docs, j * r, (j + 1) * r), docs)
        out.append(lo.astype(np.int64) * n + hi)
    return sorted_unique(np.concatenate(out))


def optimal_partitions(sizes: np.ndarray, counts: np.ndarray, num_part: int) -> list[tuple[int, int]]:
    """datasketch's ``lshensemble_partition.optimal_partitions`` (the same dynamic programme
    over the real size distribution), with each step as array operations: datasketch's loops
    are quadratic in the number of distinct sizes in Python (seconds at 10k documents)."""
    n = len(sizes)
    if num_part < 2:
        return [(sizes[0], sizes[-1])]
    if num_part >= n:
        return [(x, x) for x in sizes]
    s = sizes.astype(float)
    c = counts.astype(float)
    pc = np.concatenate(([0.0], np.cumsum(c)))
    psc = np.concatenate(([0.0], np.cumsum(s * c)))
    lo = np.arange(n)[:, None]
    up = np.arange(n)[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        nfps = (s[up] * (pc[up + 1] - pc[lo]) - (psc[up + 1] - psc[lo])) / s[up]
    nfps = np.where(lo <= up, nfps, np.inf)
    # the same dynamic programme and back-tracking as datasketch's _compute_best_partitions
    # (including its use of the level-p costs while back-tracking, and its zero entries)
    cost = np.zeros((n, num_part - 2))
    cand = np.empty((n - 1, n))  # (one buffer for every level: each is n x n)
    for p in range(2, num_part):
        prev = nfps[0] if p == 2 else cost[:, p - 3]
        lo = 0 if p == 2 else p - 2
        # [u1, u] = prev[u1] + nfps[u1 + 1, u] for u1 >= lo and u >= p - 1 (nfps is already
        # inf where u1 >= u, so no mask is needed)
        level = np.add(prev[lo:-1, None], nfps[lo + 1 :, p - 1 :], out=cand[: n - 1 - lo, : n - p + 1])
        cost[p - 1 :, p - 2] = level.min(axis=0)

    def best(level: np.ndarray, first: int, u: int) -> int:
        u1 = np.arange(first, u)
        return int(u1[np.argmin(level[u1] + nfps[u1 + 1, u])])

    if num_part == 2:
        u = best(nfps[0], 0, n - 1)
        return [(sizes[0], sizes[u]), (sizes[u + 1], sizes[-1])]
    p = num_part
    u = best(cost[:, p - 3], p - 2, n - 1)
    partitions = [(sizes[u + 1], sizes[-1])]
    p -= 1
    while p > 1:
        u1 = best(cost[:, p - 2], p - 2, u)
        partitions.insert(0, (sizes[u1 + 1], sizes[u]))
        u, p = u1, p - 1
    partitions.insert(0, (sizes[0], sizes[u]))
    return partitions


# datasketch's MinHashLSHEnsemble chooses (b, r) per query-size ratio by numerical integration
# (~5,000 integrals, ~0.1 s, at every construction); its choices depend only on the threshold,
# num_perm and weights. These are its choices for the defaults (a test checks them against
# datasketch); other settings are computed by datasketch once per process.
_KNOWN_PARAMS = {
    (0.8, 128, (0.2, 0.8)): ((1, 8),) * 5 + ((32, 4), (64, 2), (32, 1), (98, 1), (128, 1)),
}


@lru_cache(maxsize=8)
def ensemble_params(threshold: float, num_perm: int, weights: tuple) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's ``MinHashLSHEnsemble`` query-size ratios ``xqs`` and ``(b, r)`` per ratio."""
    known = _KNOWN_PARAMS.get((threshold, num_perm, tuple(weights)))
    if known is not None:
        return np.exp(np.linspace(-5, 5, 10)), np.array(known, dtype=int)
    from datasketch import MinHashLSHEnsemble

    ens = MinHashLSHEnsemble(threshold=threshold, num_perm=num_perm, num_part=1, weights=weights)
    return ens.xqs, np.asarray(ens.params)


class Ensemble:
    """datasketch's ``MinHashLSHEnsemble`` over a corpus, reduced to what a query needs: the
    size partitions' upper bounds (from the corpus's size histogram, which is all a
    distributed run has to gather) and the ``(b, r)`` per query-size ratio."""

    def __init__(self, size_values, counts, threshold: float, num_perm: int, num_part: int, weights):
        self.xqs, self.params = ensemble_params(threshold, num_perm, tuple(weights))
        size_values, counts = np.asarray(size_values), np.asarray(counts)
        self.uppers = np.array([u for _, u in optimal_partitions(size_values, counts, num_part)])

    def queries(self, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per document of these ``sizes``: its size partition, and per partition p the
        ``(b, r)`` its query against p uses (two arrays, partitions x documents)."""
        part = np.searchsorted(self.uppers, sizes, side="left")
        qb = np.empty((len(self.uppers), sizes.size), dtype=np.int16)
        qr = np.empty_like(qb)
        for p, upper in enumerate(self.uppers.tolist()):
            i = np.minimum(np.searchsorted(self.xqs, upper / sizes.astype(float), side="left"), len(self.params) - 1)
            qb[p], qr[p] = self.params[i, 0], self.params[i, 1]
        return part, qb, qr


def containment_bands(threshold: float, num_perm: int, weights) -> list[tuple[int, int]]:
    """Every band ``(r, j)`` (rows ``j*r`` to ``(j+1)*r``) some containment query may read."""
    _, params = ensemble_params(threshold, num_perm, tuple(weights))
    return [(r, j) for r in sorted_unique(params[:, 1]).tolist() for j in range(int(params[params[:, 1] == r, 0].max()))]


def containment_band_pairs(keys, docs, part, qb, qr, r: int, j: int, reach=None) -> tuple[np.ndarray, np.ndarray]:
    """``(lo, hi)``: the pairs (values of ``docs``) that a containment query finds in band
    ``(r, j)``, from the band's ``keys`` and the documents' :meth:`Ensemble.queries`. The
    same function runs over a whole signature array (:func:`containment_candidates`) and
    over one key partition of a distributed run (a key's documents are all in one).
    ``reach``: :func:`_reach` of ``r``, when found already."""
    if reach is None:
        reach = _reach(qb, qr, r)
    los, his = [np.zeros(0, dtype=docs.dtype)], [np.zeros(0, dtype=docs.dtype)]
    for a, b in _query_matches(keys, np.flatnonzero(reach > j)):
        pb = part[b]
        ok = (qr[pb, a] == r) & (qb[pb, a] > j)
        lo, hi = _ordered(docs[a[ok]], docs[b[ok]])
        los.append(lo)
        his.append(hi)
    return np.concatenate(los), np.concatenate(his)


def containment_candidates(
    signatures: np.ndarray, sizes: np.ndarray, docs: np.ndarray, threshold: float, num_part: int, weights
) -> np.ndarray:
    """Pair codes that datasketch's ``MinHashLSHEnsemble`` (same threshold, partitions and
    weights) returns when every document of ``docs`` is indexed and then queried."""
    n, h = signatures.shape
    doc_sizes = np.asarray(sizes)[docs]
    size_values, counts = np.array(sorted(Counter(doc_sizes.tolist()).most_common())).T
    part, qb, qr = Ensemble(size_values, counts, threshold, h, num_part, weights).queries(doc_sizes)
    if docs.size <= ALL_BANDS_DOCS:
        found = _containment_all_bands(signatures, docs, part, qb, qr)
        if found is not None:
            return found
    out = [np.zeros(0, dtype=np.int64)]
    reaches = {r: (reach, int(reach.max())) for r in sorted_unique(qr).tolist() for reach in [_reach(qb, qr, r)]}
    width = max((bands * r for r, (_, bands) in reaches.items()), default=0)
    positions = np.arange(docs.size)
    for first in range(0, width, COLUMN_BLOCK):  # the bands that start in these columns
        last = min(first + COLUMN_BLOCK, width)
        rows = _transposed(signatures, first, last, docs)
        for r, (reach, bands) in reaches.items():
            for j in range(-(-first // r), min(-(-last // r), bands)):
                if (j + 1) * r <= last:
                    columns = rows[j * r - first : (j + 1) * r - first]
                else:  # (a band across two blocks)
                    columns = _transposed(signatures, j * r, (j + 1) * r, docs)
                # one row: the values themselves (fmix64 is a bijection: the same groups of equal keys)
                keys = columns[0] if r == 1 else _fold(columns, docs.size)
                lo, hi = containment_band_pairs(keys, positions, part, qb, qr, r, j, reach)
                out.append(docs[lo].astype(np.int64) * n + docs[hi])
    return sorted_unique(np.concatenate(out))


# signature columns transposed at once by containment_candidates (a band's columns contiguous:
# a band key reads whole rows instead of one value of each signature), 128 bytes per document
COLUMN_BLOCK = 16


def _transposed(signatures: np.ndarray, first: int, last: int, docs: np.ndarray, chunk: int = 1024) -> np.ndarray:
    """Columns ``first`` to ``last`` of the rows ``docs`` of ``signatures``, transposed
    (contiguous), copied ``chunk`` rows at a time (a whole transposed copy is 2-5x slower)."""
    out = np.empty((last - first, docs.size), dtype=signatures.dtype)
    every = docs.size == signatures.shape[0]
    for a in range(0, docs.size, chunk):
        block = signatures[a : a + chunk, first:last] if every else signatures[docs[a : a + chunk], first:last]
        out[:, a : a + chunk] = block.T
    return out


def _reach(qb: np.ndarray, qr: np.ndarray, r: int) -> np.ndarray:
    """Per document, the number of bands of ``r`` rows its containment queries read."""
    return np.where(qr == r, qb, 0).max(axis=0)


def _containment_all_bands(signatures: np.ndarray, docs: np.ndarray, part, qb, qr) -> Optional[np.ndarray]:
    """:func:`containment_candidates` with the keys of every band ``(r, j)`` its queries read
    found at once and matched as one array (a band's keys and queries one block of it):
    the same pairs as band by band (None where two bands' keys met: then band by band)."""
    n, d = signatures.shape[0], docs.size
    keys, rows, band, reaches = [], [], [], []
    for r in sorted_unique(qr).tolist():
        reach = _reach(qb, qr, r)  # bands with r rows a document's queries read
        if reach.max() <= 0:
            continue
        keys.append(_keys_by_band(signatures, docs, int(reach.max()), r))
        rows.extend([r] * keys[-1].shape[0])
        band.extend(range(keys[-1].shape[0]))
        reaches.append(np.broadcast_to(reach, (keys[-1].shape[0], d)))
    if not keys:
        return np.zeros(0, dtype=np.int64)
    keys = np.concatenate(keys)
    rows, band = np.array(rows), np.array(band)
    reach_of = np.concatenate(reaches)  # per band block, per document (each r's reach found once)
    queries = np.flatnonzero((reach_of > band[:, None]).reshape(-1))
    los, his = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    groups = _groups_of_equal(_stacked(keys))
    order, starts, sizes = groups
    if not _same_band_key(keys, d, order, np.repeat(order[starts], sizes)):
        return None  # (a group of equal keys holds two bands' keys or two keys of one band)
    for a, b in _query_matches(None, queries, groups=groups):
        k, qa, pb = a // d, a % d, part[b % d]
        ok = (qr[pb, qa] == rows[k]) & (qb[pb, qa] > band[k])
        lo, hi = _ordered(qa[ok], b[ok] % d)
        los.append(lo)
        his.append(hi)
    lo, hi = np.concatenate(los), np.concatenate(his)
    return sorted_unique(docs[lo].astype(np.int64) * n + docs[hi])


def _query_matches(keys: Optional[np.ndarray], queries: np.ndarray, chunk: int = 1 << 20, groups=None):
    """Every (query position, other position) with equal keys, in chunks of about ``chunk``
    pairs; only keys shared by two or more documents are sorted (usually few). Keys shared
    by more than MAX_SHARED documents are skipped (see the module notes). ``groups``: the
    keys' :func:`_groups_of_equal`, when found already."""
    order, starts, sizes = _groups_of_equal(keys) if groups is None else groups
    size = keys.size if groups is None else int(queries.max(initial=-1)) + 1
    big = sizes > MAX_SHARED
    if big.any():
        keep = np.repeat(~big, sizes)
        order, sizes = order[keep], sizes[~big]
        starts = np.cumsum(sizes) - sizes
    if not order.size:
        return
    group_of = np.repeat(np.arange(starts.size), sizes)
    pos = np.full(max(size, int(order.max()) + 1), -1)
    pos[order] = np.arange(order.size)
    q_all = queries[pos[queries] >= 0]  # queries whose key is shared
    if not q_all.size:
        return
    cum = np.cumsum(sizes[group_of[pos[q_all]]])
    bounds = np.searchsorted(cum, np.arange(chunk, int(cum[-1]) + chunk, chunk), side="right")
    lo = 0
    for hi in sorted_unique(np.concatenate((bounds, [q_all.size]))).tolist():
        if hi <= lo:
            continue
        q = q_all[lo:hi]
        lo = hi
        g = group_of[pos[q]]
        counts = sizes[g]
        first = np.repeat(starts[g], counts)
        offset = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        yield np.repeat(q, counts), order[first + offset]
