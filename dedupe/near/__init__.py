"""Near-duplicate detection: shingles -> signatures -> LSH candidates -> exact check -> clusters."""

from __future__ import annotations

from collections import OrderedDict
from typing import Callable, Optional

import numpy as np

from ..model import Cluster, Pair
from .clusters import build_clusters
from .fast import shingle_batch
from .lsh import CandidateIndex
from .sketch import sub_batches
from .shingles import jaccard
from .signatures import estimate

__all__ = ["find_clusters", "verify_candidates", "verify_pair", "ShingleCache"]


def verify_pair(i, j, ids, shingles, signatures, config) -> Optional[Pair]:
    """The pair if its exact Jaccard or containment passes the thresholds, else None."""
    jac, c_ij, c_ji = jaccard(shingles[i], shingles[j])
    if jac >= config.threshold:
        kind = "near-duplicate"
    elif max(c_ij, c_ji) >= config.containment:
        kind = "contained"
    else:
        return None
    return Pair(
        a=ids[i],
        b=ids[j],
        jaccard=jac,
        jaccard_estimate=estimate(signatures[i], signatures[j]),
        containment_a_in_b=c_ij,
        containment_b_in_a=c_ji,
        kind=kind,
    )


def _sorted_distinct(hashes: np.ndarray) -> np.ndarray:
    """``np.unique`` of a small array, without its per-call overhead (~25 us per document)."""
    s = np.sort(hashes)
    if s.size < 2:
        return s
    keep = np.empty(s.size, dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


class ShingleCache:
    """Sorted distinct shingle hashes of documents, their texts read again and shingled in
    batches, at most ``capacity`` documents held (least recently used dropped)."""

    def __init__(self, texts_of: Callable[[list], list], config, capacity: int = 100_000):
        self.texts_of, self.config, self.capacity = texts_of, config, capacity
        self._sets: OrderedDict = OrderedDict()

    def load(self, indexes) -> None:
        missing = sorted(set(indexes) - self._sets.keys())
        for k in range(0, len(missing), 1000):
            part = missing[k : k + 1000]
            texts = self.texts_of(part)
            for a, b in sub_batches(texts):
                sh = shingle_batch(texts[a:b], self.config.ngram, self.config.shingle)
                for n, i in enumerate(part[a:b]):
                    self._sets[i] = _sorted_distinct(sh.document(n))
        for i in indexes:
            self._sets.move_to_end(i)
        while len(self._sets) > max(self.capacity, len(indexes)):
            self._sets.popitem(last=False)

    def __getitem__(self, i: int) -> np.ndarray:
        return self._sets[i]


def verify_candidates(candidates, texts_of, signatures, ids, config, progress=None) -> list:
    """``(i, j, Pair)`` for every candidate pair ``(i, j)`` that passes exact verification,
    in the candidates' order. Only the documents in candidate pairs are shingled again (from
    ``texts_of``, a batch of indexes -> their texts), chunk by chunk of pairs with a
    bounded cache. ``ids``, ``signatures``: any mapping from the indexes."""
    shingles = ShingleCache(texts_of, config)
    accepted: list[tuple[int, int, Pair]] = []
    for start in range(0, len(candidates), 20_000):  # bounded memory: chunks of pairs
        chunk = candidates[start : start + 20_000]
        shingles.load(sorted({i for pair in chunk for i in pair}))
        for i, j in chunk:
            pair = verify_pair(i, j, ids, shingles, signatures, config)
            if pair is not None:
                accepted.append((i, j, pair))
        if progress:
            progress("verify", start + len(chunk), len(candidates))
    return accepted


def find_clusters(
    ids: list[str],
    chars: list[int],
    sizes: list[int],
    signatures: np.ndarray,
    text_of: Callable[[int], str],
    config,
    progress: Optional[Callable] = None,
) -> tuple[list[Cluster], dict[int, tuple[int, bool]]]:
    """Clusters of near-duplicates and, per clustered document index, ``(cluster id, keep)``.

    Only the documents in candidate pairs are shingled again (from ``text_of``), chunk by
    chunk of pairs with a bounded cache, to verify the pairs with their exact Jaccard and
    containment.
    """
    index = CandidateIndex(config)
    index.add_all(signatures, sizes)
    candidates = sorted(index.pairs())
    accepted = verify_candidates(candidates, lambda part: [text_of(i) for i in part], signatures, ids, config, progress)
    lo = np.array([i for i, _, _ in accepted], dtype=np.int64)
    hi = np.array([j for _, j, _ in accepted], dtype=np.int64)
    return build_clusters(lo, hi, [p for _, _, p in accepted], ids.__getitem__, chars, config.keep)
