"""Near-duplicate detection: shingles -> signatures -> LSH candidates -> exact check -> clusters.

A cluster keeps a spanning set of edges, not every pair of its members: each member with the
representative, with their own exact Jaccard and containments (see :func:`cluster_of`), so
1,000 identical documents make 999 edges, not 499,500. Documents with identical shingle sets
are found before LSH (equal signatures, then the exact sets compared) and only one of them
enters the index; candidates whose documents are already joined are not verified again.
Clusters are the same as when every passing pair is verified and joined.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Callable, Optional

import numpy as np

from ..arrays import sorted_unique
from ..model import Cluster, Pair
from .clusters import UnionFind, representative
from .fast import shingle_batch
from .banding import _groups_of_equal, band_key
from .lsh import CandidateIndex
from .sketch import sub_batches
from .shingles import jaccard
from .signatures import estimate

if TYPE_CHECKING:
    from ..config import Config
    from ..corpus import Corpus

__all__ = ["find_clusters", "verify_pair", "join_verified", "cluster_of", "clusters_of", "twins_of_group", "ShingleCache"]


def measure_pair(i: int, j: int, ids: list[str], shingles: "ShingleCache", signatures: np.ndarray, config: Config) -> Pair:
    """The pair with its exact Jaccard and containments; its kind is ``near-duplicate`` or
    ``contained`` when it passes a threshold, else ``linked`` (joined through others)."""
    jac, c_ij, c_ji = jaccard(shingles[i], shingles[j])
    if jac >= config.threshold:
        kind = "near-duplicate"
    elif max(c_ij, c_ji) >= config.containment:
        kind = "contained"
    else:
        kind = "linked"
    return Pair(
        a=ids[i],
        b=ids[j],
        jaccard=jac,
        jaccard_estimate=estimate(signatures[i], signatures[j]),
        containment_a_in_b=c_ij,
        containment_b_in_a=c_ji,
        kind=kind,
    )


def verify_pair(
    i: int, j: int, ids: list[str], shingles: "ShingleCache", signatures: np.ndarray, config: Config
) -> Optional[Pair]:
    """The pair if its exact Jaccard or containment passes the thresholds, else None."""
    pair = measure_pair(i, j, ids, shingles, signatures, config)
    return None if pair.kind == "linked" else pair


def cluster_of(cid: int, members: list[int], ids, chars, shingles, signatures, config) -> Cluster:
    """The cluster of ``members`` (document indexes, in order): its representative by the
    keep policy and one edge from it to each other member (``shingles`` must hold them all)."""
    rep = representative(members, chars, config.keep)
    pairs = tuple(measure_pair(rep, m, ids, shingles, signatures, config) for m in members if m != rep)
    return Cluster(id=cid, representative=ids[rep], members=tuple(ids[m] for m in members), pairs=pairs)


class ShingleCache:
    """Sorted distinct shingle hashes of documents, their texts read again and shingled in
    batches (``texts_of``: a list of indexes -> their texts), at most ``capacity`` documents
    held (least recently used dropped)."""

    def __init__(self, texts_of: Callable[[list], list], config: Config, capacity: int = 100_000):
        self.texts_of, self.config, self.capacity = texts_of, config, capacity
        self._sets: OrderedDict = OrderedDict()

    def load(self, indexes) -> None:
        # not ``set(indexes) - self._sets.keys()``: that copies every cached key on each call
        missing = sorted({i for i in indexes if i not in self._sets})
        for k in range(0, len(missing), 1000):
            part = missing[k : k + 1000]
            texts = self.texts_of(part)
            for a, b in sub_batches(texts):
                sh = shingle_batch(texts[a:b], self.config.ngram, self.config.shingle)
                for n, i in enumerate(part[a:b]):
                    self._sets[i] = sorted_unique(sh.document(n))
        for i in indexes:
            self._sets.move_to_end(i)
        while len(self._sets) > max(self.capacity, len(indexes)):
            self._sets.popitem(last=False)

    def __getitem__(self, i: int) -> np.ndarray:
        return self._sets[i]


def identical_twins(signatures: np.ndarray, sizes: np.ndarray, shingles: "ShingleCache") -> list[tuple[int, int]]:
    """``(first, twin)`` for every document whose shingle set equals that of an earlier one
    (the first of its kind): found by equal signatures, confirmed on the exact sets."""
    docs = np.flatnonzero(sizes > 0)
    if docs.size < 2:
        return []
    keys = band_key(signatures[docs] if docs.size < sizes.size else signatures, 0, signatures.shape[1])
    order, starts, counts = _groups_of_equal(keys)
    twins = []
    for start, count in zip(starts.tolist(), counts.tolist()):
        twins.extend(twins_of_group(sorted(docs[order[start : start + count]].tolist()), signatures, shingles))
    return twins


def twins_of_group(group: list, signatures, shingles: "ShingleCache") -> list[tuple[int, int]]:
    """``(first, twin)`` for the members of ``group`` (documents whose full signatures have
    one key, in order) whose signature and shingle set equal those of the first."""
    twins = []
    for k in range(1, len(group), 999):  # bounded memory: the first and 999 others
        part = group[k : k + 999]
        shingles.load([group[0], *part])
        first = shingles[group[0]]
        twins.extend(
            (group[0], m)
            for m in part
            if np.array_equal(signatures[m], signatures[group[0]]) and np.array_equal(shingles[m], first)
        )
    return twins


def join_verified(candidates: list, shingles: "ShingleCache", ids, signatures, config: Config, uf: UnionFind, progress=None) -> list:
    """Join in ``uf`` the candidate pairs ``(i, j)`` (sorted) whose exact Jaccard or
    containment passes, skipping pairs already joined; returns the pairs that joined two
    groups (a spanning forest: the same components as every passing pair). The documents are
    shingled again chunk by chunk of pairs, with a bounded cache."""
    joined = []
    for start in range(0, len(candidates), 20_000):  # bounded memory: chunks of pairs
        chunk = [(i, j) for i, j in candidates[start : start + 20_000] if uf.find(i) != uf.find(j)]
        shingles.load(sorted({i for pair in chunk for i in pair}))
        for i, j in chunk:
            if uf.find(i) != uf.find(j) and verify_pair(i, j, ids, shingles, signatures, config) is not None:
                uf.union(i, j)
                joined.append((i, j))
        if progress:
            progress("verify", min(start + 20_000, len(candidates)), len(candidates))
    return joined


def find_clusters(
    corpus: Corpus, config: Config, progress: Optional[Callable] = None, only: Optional[set] = None
) -> tuple[list[Cluster], dict[int, tuple[int, bool]]]:
    """Clusters of near-duplicates of the corpus and, per clustered document index,
    ``(cluster id, keep)``. With ``only`` (document indexes), the clusters holding one of
    them alone (numbered in the same order among themselves): the candidate pairs outside
    the components of candidate pairs that hold one are not verified.

    Only the documents in candidate pairs are shingled again (their texts read from the
    corpus), chunk by chunk of pairs with a bounded cache, to verify the pairs with their exact
    Jaccard and containment. Memory and work follow the documents and the distinct candidates,
    not the pairs inside a cluster (see the module notes).
    """
    ids, signatures = corpus.ids, corpus.signatures
    chars = [r.chars for r in corpus.results]
    shingles = ShingleCache(corpus.texts_of, config)
    uf = UnionFind()
    sizes_arr = np.asarray(corpus.sizes, dtype=np.int64)
    indexed = sizes_arr.copy()
    twins = identical_twins(signatures, sizes_arr, shingles)
    for first, twin in twins:
        uf.union(first, twin)
        indexed[twin] = 0  # its pairs are its first's: it need not enter the index
    index = CandidateIndex(config)
    index.add_all(signatures, indexed)
    candidates = sorted(index.pairs())
    if only is not None:
        candidates = reaching_pairs(candidates, twins, only)
    join_verified(candidates, shingles, ids, signatures, config, uf, progress)
    del candidates
    groups = [g for g in uf.groups() if len(g) > 1]  # find() also records documents left alone
    if only is not None:
        groups = [g for g in groups if only.intersection(g)]
    return clusters_of(groups, ids, chars, shingles, signatures, config)


def reaching_pairs(candidates: list, twins: list, only: set) -> list:
    """The ``candidates`` (pairs) in the components of candidate and ``twins`` pairs that
    hold a document of ``only``: a cluster (verified pairs, a subset) holding one of them
    is made of these alone."""
    reach = UnionFind()
    for i, j in candidates:
        reach.union(i, j)
    for i, j in twins:
        reach.union(i, j)
    roots = {reach.find(i) for i in only}
    return [(i, j) for i, j in candidates if reach.find(i) in roots]


# clusters' members whose shingle sets are loaded together when the spanning sets are measured
# (a cluster larger than this is loaded alone)
CLUSTER_BATCH_DOCS = 20_000


def clusters_of(groups: list, ids, chars, shingles: ShingleCache, signatures, config: Config, first_id: int = 0):
    """``(clusters, assignment)`` of ``groups`` (each a sorted list of document indexes),
    numbered from ``first_id``: each cluster with its spanning set (:func:`cluster_of`), and
    per member ``(cluster id, keep)``. ``ids``, ``chars``, ``signatures``: any mapping from
    the indexes."""
    clusters, assignment = [], {}
    start = 0
    while start < len(groups):  # the sets of many small clusters loaded at once, bounded
        end, held = start, 0
        while end < len(groups) and (end == start or held + len(groups[end]) <= CLUSTER_BATCH_DOCS):
            held += len(groups[end])
            end += 1
        shingles.load([m for members in groups[start:end] for m in members])
        for cid, members in enumerate(groups[start:end], start=first_id + start):
            cluster = cluster_of(cid, members, ids, chars, shingles, signatures, config)
            clusters.append(cluster)
            for m in members:
                assignment[m] = (cid, ids[m] == cluster.representative)
        start = end
    return clusters, assignment
