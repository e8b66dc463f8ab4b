"""Stage 5, cluster: the connected components of the joining edges (verify's spanning
forests and the twins), on the driver with ``scipy.sparse.csgraph``
(:func:`~dedupe.near.clusters.components`): memory grows with the edges, not with the
number of documents. Then one task per slice of the clusters measures each cluster's
spanning set (representative to each member, :func:`~dedupe.near.clusters_of`, as in one
process), reading the members' texts again. Output ``5-cluster/groups.pkl`` (the
components) and ``5-cluster/c<task>/`` (clusters and keep decisions)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..near import ShingleCache, clusters_of
from ..near.clusters import components
from .texts import Documents
from .workdir import load, save, task_output


def joining_edges(verify_folder: str, shards: int, twins: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every shard's joining edges and the twins' edges, as ``(lo, hi)``."""
    lo, hi = [twins[:, 0]], [twins[:, 1]]
    for s in range(shards):
        with np.load(Path(verify_folder) / f"s{s:05d}" / "edges.npz") as z:
            lo.append(z["lo"]), hi.append(z["hi"])
    return np.concatenate(lo), np.concatenate(hi)


def groups_of(verify_folder: str, shards: int, twins: np.ndarray) -> list[list[int]]:
    """The clusters' members (document keys), each sorted, ordered by their first member."""
    return components(*joining_edges(verify_folder, shards, twins))


@dataclass(frozen=True)
class SpanTask:
    index: int
    start: int  # the first cluster id of the slice
    end: int
    groups_file: str
    documents: Documents
    folder: str
    config: object


def span_clusters(task: SpanTask) -> int:
    """Clusters ``start..end-1`` with their spanning sets; returns how many."""
    final = Path(task.folder) / f"c{task.index:05d}"
    if not final.exists():
        groups = load(Path(task.groups_file).parent, "groups")[task.start : task.end]
        keys = [k for g in groups for k in g]
        ids, chars = task.documents.ids_and_chars(keys)
        signatures = task.documents.signatures_of(keys, task.config.num_perm)
        shingles = ShingleCache(task.documents.texts, task.config)
        result = clusters_of(groups, ids, chars, shingles, signatures, task.config, first_id=task.start)
        with task_output(final) as out:
            save(out, "clusters", result)
    return task.end - task.start


def slices(groups: list, tasks: int) -> list[tuple[int, int]]:
    """``(start, end)`` cluster ranges of about equal member counts, at most ``tasks``."""
    if not groups:
        return []
    sizes = np.cumsum([len(g) for g in groups])
    cuts = np.searchsorted(sizes, sizes[-1] * np.arange(1, tasks) / tasks, side="right")
    bounds = sorted({0, *cuts.tolist(), len(groups)})
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def gather(folder: str, count: int) -> tuple[list, dict]:
    """The slices' clusters and keep decisions, in cluster order."""
    clusters, assignment = [], {}
    for i in range(count):
        part_clusters, part_assignment = load(Path(folder) / f"c{i:05d}", "clusters")
        clusters.extend(part_clusters)
        assignment.update(part_assignment)
    return clusters, assignment
