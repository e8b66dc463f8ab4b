"""Near-duplicate detection: shingles -> signatures -> LSH candidates -> exact check -> clusters."""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Callable, Optional

import numpy as np

from ..model import Cluster, Pair
from .clusters import UnionFind, representative
from .fast import shingle_batch
from .lsh import CandidateIndex
from .sketch import sub_batches
from .shingles import jaccard
from .signatures import estimate

if TYPE_CHECKING:
    from ..config import Config
    from ..corpus import Corpus

__all__ = ["find_clusters", "verify_pair", "ShingleCache"]


def verify_pair(
    i: int, j: int, ids: list[str], shingles: "ShingleCache", signatures: np.ndarray, config: Config
) -> Optional[Pair]:
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

    def __init__(self, text_of: Callable[[int], str], config: Config, capacity: int = 100_000):
        self.text_of, self.config, self.capacity = text_of, config, capacity
        self._sets: OrderedDict = OrderedDict()

    def load(self, indexes) -> None:
        missing = sorted(set(indexes) - self._sets.keys())
        for k in range(0, len(missing), 1000):
            part = missing[k : k + 1000]
            texts = [self.text_of(i) for i in part]
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


def find_clusters(
    corpus: Corpus, config: Config, progress: Optional[Callable] = None
) -> tuple[list[Cluster], dict[int, tuple[int, bool]]]:
    """Clusters of near-duplicates of the corpus and, per clustered document index,
    ``(cluster id, keep)``.

    Only the documents in candidate pairs are shingled again (their texts read from the
    corpus), chunk by chunk of pairs with a bounded cache, to verify the pairs with their
    exact Jaccard and containment.
    """
    ids, signatures = corpus.ids, corpus.signatures
    chars = [r.chars for r in corpus.results]
    index = CandidateIndex(config)
    index.add_all(signatures, corpus.sizes)
    candidates = sorted(index.pairs())
    shingles = ShingleCache(corpus.text, config)
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
    uf = UnionFind()
    for i, j, _ in accepted:
        uf.union(i, j)
    groups = uf.groups()
    root_to_cluster = {g[0]: cid for cid, g in enumerate(groups)}
    pairs_by_cluster: dict[int, list[Pair]] = {cid: [] for cid in range(len(groups))}
    for i, j, pair in accepted:
        pairs_by_cluster[root_to_cluster[uf.find(i)]].append(pair)
    clusters, assignment = [], {}
    for cid, members in enumerate(groups):
        rep = representative(members, chars, config.keep)
        for m in members:
            assignment[m] = (cid, m == rep)
        clusters.append(
            Cluster(
                id=cid,
                representative=ids[rep],
                members=tuple(ids[m] for m in members),
                pairs=tuple(pairs_by_cluster[cid]),
            )
        )
    return clusters, assignment
