"""Candidate pairs from datasketch's LSH indexes, tuned for recall.

Candidates are verified afterwards with exact Jaccard, so the banding is chosen to miss
almost nothing at the threshold (``lsh_recall``) and false candidates only cost time.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from datasketch import MinHashLSH, MinHashLSHEnsemble

from .signatures import lean


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


class CandidateIndex:
    """Collects signatures, then yields candidate pairs of document indexes (i < j)."""

    def __init__(self, config):
        self.config = config
        self.params = recall_params(config.threshold, config.num_perm, config.lsh_recall)
        self.lsh = MinHashLSH(num_perm=config.num_perm, params=self.params)
        self._entries: list[tuple[int, object, int]] = []

    def add(self, index: int, hashvalues: np.ndarray, size: int) -> None:
        if size == 0:
            return
        m = lean(hashvalues, self.config.seed)
        self.lsh.insert(index, m, check_duplication=False)
        self._entries.append((index, m, size))

    def pairs(self) -> set[tuple[int, int]]:
        found: set[tuple[int, int]] = set()
        for key, m, _size in self._entries:
            for other in self.lsh.query(m):
                if other != key:
                    found.add((min(key, other), max(key, other)))
        if self.config.containment < 1.0 and len(self._entries) > 1:
            found |= self._containment_pairs()
        return found

    def _containment_pairs(self) -> set[tuple[int, int]]:
        ens = MinHashLSHEnsemble(
            threshold=self.config.containment,
            num_perm=self.config.num_perm,
            num_part=min(16, len(self._entries)),
            weights=(0.2, 0.8),
        )
        ens.index(self._entries)
        found = set()
        for key, m, size in self._entries:
            for other in ens.query(m, size):
                if other != key:
                    found.add((min(key, other), max(key, other)))
        return found
