"""LSH banding over a signature array, with array operations instead of per-document dicts.

These give exactly the candidate pairs of datasketch's ``MinHashLSH`` (bands of ``r``
consecutive hash values; a pair is a candidate when any band is equal) and of
``MinHashLSHEnsemble`` (datasketch's own size partitions and per-query ``(b, r)``), but
keep nothing per document beyond the signature array: datasketch's dict storage costs about
10 KB per document at 25 bands, too much for millions of documents. The tests compare the
candidate sets with datasketch's on generated corpora.

A band's values are combined into one 64-bit key (polynomial + fmix64); two different bands
share a key with probability ~2**-64, which could only add a candidate (then verified).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from .shingles import fmix64

_MULT = np.uint64(0x9E3779B97F4A7C15)


def band_key(signatures: np.ndarray, start: int, end: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        acc = np.zeros(signatures.shape[0], dtype=np.uint64)
        for c in range(start, end):
            acc = fmix64(acc * _MULT + signatures[:, c])
        return acc


def _pair_codes(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keep = lo != hi
    return lo[keep].astype(np.int64) * n + hi[keep]


def equal_key_pairs(keys: np.ndarray, docs: np.ndarray, n: int) -> np.ndarray:
    """Pair codes ``i * n + j`` (i < j) of documents ``docs`` sharing a key."""
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    starts = np.flatnonzero(np.concatenate(([True], sk[1:] != sk[:-1])))
    sizes = np.diff(np.concatenate((starts, [sk.size])))
    out = []
    for g in np.unique(sizes[sizes > 1]).tolist():
        s = starts[sizes == g]
        for x in range(g):
            for y in range(x + 1, g):
                out.append(_pair_codes(docs[order[s + x]], docs[order[s + y]], n))
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def matching_pairs(query_keys, query_docs, index_keys, index_docs, n: int) -> np.ndarray:
    """Pair codes of every (query, indexed) document pair with equal keys."""
    order = np.argsort(index_keys, kind="stable")
    sk = index_keys[order]
    left = np.searchsorted(sk, query_keys, side="left")
    counts = np.searchsorted(sk, query_keys, side="right") - left
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    first = np.cumsum(counts) - counts
    pos = np.arange(total) - np.repeat(first, counts) + np.repeat(left, counts)
    return _pair_codes(np.repeat(query_docs, counts), index_docs[order[pos]], n)


def decode(codes: np.ndarray, n: int) -> list[tuple[int, int]]:
    codes = np.unique(codes)
    return list(zip((codes // n).tolist(), (codes % n).tolist()))


def jaccard_candidates(signatures: np.ndarray, docs: np.ndarray, b: int, r: int) -> np.ndarray:
    """Pair codes of documents equal in at least one of ``b`` bands of ``r`` rows."""
    n = signatures.shape[0]
    sig = signatures[docs]
    out = [equal_key_pairs(band_key(sig, j * r, (j + 1) * r), docs, n) for j in range(b)]
    return np.unique(np.concatenate(out)) if out else np.zeros(0, dtype=np.int64)


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
    u1s = np.arange(n)
    for p in range(2, num_part):
        prev = nfps[0] if p == 2 else cost[:, p - 3]
        cand = prev[:-1, None] + nfps[1:, :]  # [u1, u] = prev[u1] + nfps[u1 + 1, u]
        cand = np.where((u1s[:-1, None] >= (0 if p == 2 else p - 2)) & (u1s[:-1, None] < up), cand, np.inf)
        cost[p - 1 :, p - 2] = cand[:, p - 1 :].min(axis=0)

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


def containment_candidates(
    signatures: np.ndarray, sizes: np.ndarray, docs: np.ndarray, threshold: float, num_part: int, weights
) -> np.ndarray:
    """Pair codes that datasketch's ``MinHashLSHEnsemble`` (same threshold, partitions and
    weights) returns when every document of ``docs`` is indexed and then queried."""
    from datasketch import MinHashLSHEnsemble

    n, h = signatures.shape
    ens = MinHashLSHEnsemble(threshold=threshold, num_perm=h, num_part=num_part, weights=weights)
    doc_sizes = np.asarray(sizes)[docs]
    size_values, counts = np.array(sorted(Counter(doc_sizes.tolist()).most_common())).T
    uppers = np.array([u for _, u in optimal_partitions(size_values, counts, len(ens.indexes))])
    part = np.searchsorted(uppers, doc_sizes, side="left")
    xqs, params = ens.xqs, np.asarray(ens.params)
    sig = signatures[docs]
    out = []
    for p, upper in enumerate(uppers.tolist()):
        members = np.flatnonzero(part == p)
        if not members.size:
            continue
        i = np.minimum(np.searchsorted(xqs, upper / doc_sizes.astype(float), side="left"), len(params) - 1)
        qb, qr = params[i, 0], params[i, 1]
        for r in np.unique(qr).tolist():
            queries = np.flatnonzero(qr == r)
            for j in range(int(qb[queries].max())):
                q = queries[qb[queries] > j]
                keys = band_key(sig[np.concatenate((members, q))], j * r, (j + 1) * r)
                out.append(matching_pairs(keys[members.size :], docs[q], keys[: members.size], docs[members], n))
    return np.unique(np.concatenate(out)) if out else np.zeros(0, dtype=np.int64)
