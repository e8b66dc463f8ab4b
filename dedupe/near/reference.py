"""The straightforward implementation, one document at a time, kept as the reference that
the fast path (batched array shingling, array banding, streaming corpus) is tested against.

Not used by ``scan``: per document it builds the token list, hashes tokens in Python, and
uses datasketch's own ``MinHashLSH`` / ``MinHashLSHEnsemble`` for candidates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import model
from . import cluster_of, verify_pair
from .clusters import UnionFind
from .lsh import DatasketchCandidateIndex
from .shingles import shingle_hashes
from .signatures import signature

if TYPE_CHECKING:
    from ..config import Config


def reference_clusters(docs: list[tuple[str, str]], config: Config) -> list[model.Cluster]:
    """Clusters of ``(id, text)`` documents, computed the straightforward way."""
    ids = [d for d, _ in docs]
    shingles = [shingle_hashes(t, config.ngram, config.shingle) for _, t in docs]
    sigs = np.array([signature(s, config.num_perm, config.seed, config.scheme) for s in shingles])
    index = DatasketchCandidateIndex(config)
    index.add_all(sigs, [s.size for s in shingles])
    uf = UnionFind()
    for i, j in sorted(index.pairs()):  # every candidate verified, no shortcut
        if verify_pair(i, j, ids, shingles, sigs, config) is not None:
            uf.union(i, j)
    chars = [len(t) for _, t in docs]
    return [cluster_of(cid, members, ids, chars, shingles, sigs, config) for cid, members in enumerate(uf.groups())]
