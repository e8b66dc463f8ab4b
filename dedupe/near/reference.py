"""The straightforward implementation, one document at a time, kept as the reference that
the fast path (batched array shingling, array banding, streaming corpus) is tested against.

Not used by ``scan``: per document it builds the token list, hashes tokens in Python, and
uses datasketch's own ``MinHashLSH`` / ``MinHashLSHEnsemble`` for candidates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import model
from . import verify_pair
from .clusters import UnionFind, representative
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
    accepted = []
    for i, j in sorted(index.pairs()):
        pair = verify_pair(i, j, ids, shingles, sigs, config)
        if pair is not None:
            accepted.append((i, j, pair))
    uf = UnionFind()
    for i, j, _ in accepted:
        uf.union(i, j)
    groups = uf.groups()
    chars = [len(t) for _, t in docs]
    out = []
    for cid, members in enumerate(groups):
        pairs = tuple(p for i, j, p in accepted if uf.find(i) == members[0])
        rep = representative(members, chars, config.keep)
        out.append(model.Cluster(cid, ids[rep], tuple(ids[m] for m in members), pairs))
    return out
