"""Candidate pairs from datasketch's LSH indexes, tuned for recall.

Candidates are verified afterwards with exact Jaccard, so the banding is chosen to miss
almost nothing at the threshold (``lsh_recall``) and false candidates only cost time.

``CandidateIndex`` bands the signature array with array operations
(:mod:`dedupe.near.banding`) and returns exactly the candidates of datasketch's
``MinHashLSH`` (recall-tuned ``(b, r)``) and ``MinHashLSHEnsemble`` (containment) without
their per-document dict storage; ``DatasketchCandidateIndex`` runs datasketch's own classes
and is the reference the tests compare against.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from . import banding
from .signatures import lean
from ..arrays import sorted_unique

if TYPE_CHECKING:
    from ..config import Config

ENSEMBLE_PARTITIONS = 16
ENSEMBLE_WEIGHTS = (0.2, 0.8)  # (false positive, false negative): recall first
# a containment candidate is dropped before exact verification only when its signatures
# agree in so few places that a pair able to pass would show so few with this probability
IMPLAUSIBLE = 1e-7


def plausible(codes: np.ndarray, signatures: np.ndarray, sizes: np.ndarray, config: Config) -> np.ndarray:
    """The candidate pairs (codes ``i * n + j``) whose signature agreement is compatible with
    passing verification (see :func:`plausible_mask`)."""
    n = len(sizes)
    a, b = codes // n, codes % n
    agree = np.empty(codes.size, dtype=np.int64)
    for k in range(0, codes.size, 65536):  # bounded memory: rows of 65536 pairs at a time
        agree[k : k + 65536] = (signatures[a[k : k + 65536]] == signatures[b[k : k + 65536]]).sum(axis=1)
    return codes[plausible_mask(agree, sizes[a], sizes[b], signatures.shape[1], config)]


def plausible_mask(agree: np.ndarray, size_a: np.ndarray, size_b: np.ndarray, num_perm: int, config) -> np.ndarray:
    """Which pairs, with ``agree`` equal signature positions, can pass verification: Jaccard
    >= threshold, or containment either way >= containment, which needs Jaccard >=
    ``c*|A| / (|A| + |B| - c*|A|)``. The number of agreeing positions is (at most as spread
    as) binomial(num_perm, Jaccard); a pair is implausible when even the smallest passing
    Jaccard makes its count that low with probability < IMPLAUSIBLE (scipy's
    ``bdtr(agree, num_perm, need) >= IMPLAUSIBLE``, decided by :func:`binomial_tail_at_least`).
    At 100k generated articles this removes ~85% of the ensemble's false candidates."""
    sa, sb, c = np.asarray(size_a, dtype=float), np.asarray(size_b, dtype=float), config.containment
    need = np.minimum.reduce(
        [np.full(sa.size, config.threshold), c * sa / (sa + sb - c * sa), c * sb / (sa + sb - c * sb)]
    )
    return binomial_tail_at_least(np.asarray(agree), num_perm, need, IMPLAUSIBLE)


# |p - p_k| within which binomial_tail_at_least asks scipy: the two computations of the
# binomial distribution differ by ~1e-13 relative, and near IMPLAUSIBLE its log moves by at
# least ~100 per unit of p, so outside this band both say the same
_UNSURE = 1e-9


def binomial_tail_at_least(k: np.ndarray, n: int, p: np.ndarray, least: float) -> np.ndarray:
    """``P(Binomial(n, p) <= k) >= least``, elementwise (``k`` integers in ``[0, n]``), as
    ``scipy.special.bdtr(k, n, p) >= least`` answers it, without importing scipy (about 0.2 s of
    a process: ``dedupe check`` of one draft): the probability falls as ``p`` grows, so the
    answer is ``p <= p_k``, with ``p_k`` where it equals ``least`` (:func:`tail_roots`, each
    computed once per process, for the counts met). The rare ``p`` within _UNSURE of ``p_k``
    are left to scipy."""
    k = np.clip(np.asarray(k, dtype=np.int64), 0, n)
    p = np.asarray(p, dtype=float)
    roots = tail_roots(int(n), float(least), sorted_unique(k))[k]
    out = p <= roots
    unsure = np.flatnonzero(np.abs(p - roots) <= _UNSURE)
    if unsure.size:
        from scipy.special import bdtr

        out[unsure] = bdtr(k[unsure], n, p[unsure]) >= least
    return out


_ROOTS: dict = {}  # (n, least) -> p_k by k, NaN until computed


def tail_roots(n: int, least: float, ks: np.ndarray) -> np.ndarray:
    """The ``p`` at which ``P(Binomial(n, p) <= k) = least`` for each ``k`` of ``ks`` (1.0 for
    ``k = n``: never less), in an array by ``k`` (NaN for those not computed yet), by
    bisection (to ~1e-13) on that probability summed from the binomial terms in logs."""
    roots = _ROOTS.get((n, least))
    if roots is None:
        roots = np.full(n + 1, np.nan)
        roots[n] = 1.0
        _ROOTS[(n, least)] = roots
    ks = np.asarray(ks, dtype=np.int64)
    missing = ks[np.isnan(roots[ks])]
    if missing.size:
        j = np.arange(n + 1)
        log_choose = np.array([math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) for i in j])
        counted = j <= missing[:, None]  # [k, j]: the terms of P(X <= k)
        lo, hi = np.zeros(missing.size), np.ones(missing.size)
        target = math.log(least)
        for _ in range(44):
            mid = (lo + hi) / 2
            terms = np.where(counted, log_choose + j * np.log(mid)[:, None] + (n - j) * np.log1p(-mid)[:, None], -np.inf)
            top = terms.max(axis=1)
            above = top + np.log(np.exp(terms - top[:, None]).sum(axis=1)) >= target
            lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
        roots[missing] = lo
    return roots


def _candidate_probability(s: np.ndarray, b: int, r: int) -> np.ndarray:
    return 1.0 - (1.0 - s**r) ** b


@lru_cache(maxsize=32)
def recall_params(threshold: float, num_perm: int, recall: float) -> tuple[int, int]:
    """Bands and rows ``(b, r)`` that make a pair at ``threshold`` a candidate with
    probability at least ``recall``, with the fewest false candidates below it."""
    xs = np.linspace(0.0, threshold, 201)
    best, best_fp = None, float("inf")
    for r in range(1, num_perm + 1):
        b = num_perm // r
        if b < 1:
            break
        if _candidate_probability(np.array(threshold), b, r) < recall:
            continue
        y = _candidate_probability(xs, b, r)
        fp = float(((y[1:] + y[:-1]) / 2 * np.diff(xs)).sum())
        if fp < best_fp:
            best, best_fp = (b, r), fp
    if best is None:  # even r=1 cannot reach the recall: use every permutation as a band
        best = (num_perm, 1)
    return best


def _pairs_of(keys) -> set[tuple[int, int]]:
    keys = sorted(keys)
    return {(a, b) for n, a in enumerate(keys) for b in keys[n + 1 :]}


class CandidateIndex:
    """Candidate pairs (i < j) of the rows of a signature array, by array banding."""

    def __init__(self, config: Config):
        self.config = config
        self.params = config.lsh_params
        self._signatures = None
        self._sizes = None

    def add_all(self, signatures: np.ndarray, sizes) -> None:
        self._signatures, self._sizes = signatures, np.asarray(sizes, dtype=np.int64)

    def pairs(self) -> set[tuple[int, int]]:
        sig, sizes = self._signatures, self._sizes
        if sig is None or not len(sizes):
            return set()
        docs = np.flatnonzero(sizes > 0)
        b, r = self.params
        codes = [banding.jaccard_candidates(sig, docs, b, r)]
        if self.config.containment < 1.0 and docs.size > 1:
            contained = banding.containment_candidates(
                sig, sizes, docs, self.config.containment, min(ENSEMBLE_PARTITIONS, docs.size), ENSEMBLE_WEIGHTS
            )
            contained = np.setdiff1d(contained, codes[0], assume_unique=True)
            codes.append(plausible(contained, sig, sizes, self.config))
        return set(banding.decode(np.concatenate(codes), len(sizes)))


class DatasketchCandidateIndex:
    """The same candidates with datasketch's MinHashLSH and MinHashLSHEnsemble (reference)."""

    def __init__(self, config: Config):
        self.config = config
        self.params = config.lsh_params
        from datasketch import MinHashLSH

        self.lsh = MinHashLSH(num_perm=config.num_perm, params=self.params)
        self._indexed: list[int] = []
        self._signatures = None
        self._sizes = None

    def add_all(self, signatures: np.ndarray, sizes) -> None:
        self._signatures, self._sizes = signatures, sizes
        seed = self.config.seed
        for i, size in enumerate(sizes):
            if size == 0:
                continue
            self.lsh.insert(i, lean(signatures[i], seed), check_duplication=False)
            self._indexed.append(i)

    def pairs(self) -> set[tuple[int, int]]:
        found: set[tuple[int, int]] = set()
        for table in self.lsh.hashtables:
            for band in table.keys():
                members = table.get(band)
                if len(members) > 1:
                    found |= _pairs_of(members)
        if self.config.containment < 1.0 and len(self._indexed) > 1:
            found |= self._containment_pairs()
        return found

    def _containment_pairs(self) -> set[tuple[int, int]]:
        seed, sigs, sizes = self.config.seed, self._signatures, self._sizes
        from datasketch import MinHashLSHEnsemble

        ens = MinHashLSHEnsemble(
            threshold=self.config.containment,
            num_perm=self.config.num_perm,
            num_part=min(ENSEMBLE_PARTITIONS, len(self._indexed)),
            weights=ENSEMBLE_WEIGHTS,
        )
        ens.index([(i, lean(sigs[i], seed), sizes[i]) for i in self._indexed])
        found = set()
        for i in self._indexed:
            for other in ens.query(lean(sigs[i], seed), sizes[i]):
                if other != i:
                    found.add((min(i, other), max(i, other)))
        return found
