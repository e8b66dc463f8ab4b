"""Stage 5, cluster (on the driver): connected components of the verified edges with
``scipy.sparse.csgraph`` (:func:`~dedupe.near.clusters.build_clusters`, as in one process).
The driver holds the verified edges and, for their documents only, ids and lengths (read
from the shards that have them, one at a time): memory grows with the verified edges, not
with the number of documents."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..model import Pair
from ..near.clusters import build_clusters
from . import shards as sh
from .verify import KINDS
from .workdir import load

FIELDS = ("lo", "hi", "jaccard", "estimate", "a_in_b", "b_in_a", "kind")


def verified_edges(verify_folder: str, shards: int) -> dict:
    """Every shard's verified edges, in document order."""
    parts: dict = {f: [] for f in FIELDS}
    for s in range(shards):
        with np.load(Path(verify_folder) / f"s{s:05d}" / "edges.npz") as z:
            for f in FIELDS:
                parts[f].append(z[f])
    return {f: np.concatenate(v) for f, v in parts.items()}


def cluster(verify_folder: str, sign_folder: str, shards: int, keep: str):
    """``(clusters, assignment)``: the report's clusters, and per clustered document key
    ``(cluster id, keep)``."""
    e = verified_edges(verify_folder, shards)
    ids, chars = {}, {}
    nodes = np.unique(np.concatenate([e["lo"], e["hi"]]))
    shard_of = sh.shard_of(nodes)
    for s in np.unique(shard_of).tolist():
        keys = nodes[shard_of == s]
        rows = sh.row_of(keys)
        folder = Path(sign_folder) / f"s{s:05d}"
        shard_ids = load(folder, "index")["id"]
        shard_chars = load(folder, "chars", mmap=True)
        for k, r in zip(keys.tolist(), rows.tolist()):
            ids[k], chars[k] = shard_ids[r], int(shard_chars[r])
        del shard_ids, shard_chars
    pairs = [
        Pair(a=ids[a], b=ids[b], jaccard=j, jaccard_estimate=est, containment_a_in_b=c1, containment_b_in_a=c2, kind=KINDS[k])
        for a, b, j, est, c1, c2, k in zip(*(e[f].tolist() for f in FIELDS))
    ]
    return build_clusters(e["lo"], e["hi"], pairs, ids.__getitem__, chars, keep)
