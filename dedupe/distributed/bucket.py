"""Stage 3, bucket: one task per key partition groups equal band keys and writes the
candidate edges (document keys ``lo < hi``, and whether a Jaccard band found them) with
the same functions as one process (:mod:`dedupe.near.banding`), so the candidates are the
same: a band key's documents are all in one partition, and so is the count the
boilerplate cap (``MAX_SHARED``) looks at. Output ``3-bucket/p<p>/`` holds ``lo.npy``,
``hi.npy``, ``jaccard.npy``, sorted by (lo, hi), which verify tasks slice by shard."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

from ..near import banding
from .sign import read_bands
from .workdir import save, task_output


@dataclass(frozen=True)
class BucketTask:
    partition: int
    sign_folder: str
    folder: str
    shards: int
    bands: tuple  # ((r, j, is_jaccard_band, is_containment_band), ...)
    excluded: tuple  # document keys left out (duplicate ids)
    ensemble: Optional[banding.Ensemble]  # the containment index's size partitions and (b, r) per query


def bucket_partition(task: BucketTask) -> int:
    final = Path(task.folder) / f"p{task.partition:05d}"
    if final.exists():
        return int(np.load(final / "lo.npy", mmap_mode="r").size)
    parts = [read_bands(Path(task.sign_folder) / f"s{s:05d}", s, task.partition) for s in range(task.shards)]  # one file open at a time
    band, key, doc, size = (np.concatenate([p[k] for p in parts]) for k in range(4))
    del parts
    if task.excluded:
        keep = ~np.isin(doc, np.array(task.excluded, dtype=np.int64))
        band, key, doc, size = band[keep], key[keep], doc[keep], size[keep]
    ensemble = task.ensemble
    if ensemble is not None:  # the queries depend on the size alone: computed once per distinct size
        distinct, size_at = np.unique(size, return_inverse=True)
        queries = ensemble.queries(distinct.astype(np.int64))
    order = np.argsort(band, kind="stable")
    bounds = np.searchsorted(band[order], np.arange(len(task.bands) + 1))
    lo, hi, jac = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0, bool)]
    for b, (r, j, is_jaccard, is_containment) in enumerate(task.bands):
        take = order[bounds[b] : bounds[b + 1]]
        if take.size < 2:
            continue
        keys, docs = key[take], doc[take]
        if is_jaccard:
            a, c = banding.jaccard_band_pairs(keys, docs)
            lo.append(a), hi.append(c), jac.append(np.ones(a.size, bool))
        if is_containment and ensemble is not None:
            at = size_at[take]
            part, qb, qr = queries[0][at], queries[1][:, at], queries[2][:, at]
            a, c = banding.containment_band_pairs(keys, docs, part, qb, qr, r, j)
            lo.append(a), hi.append(c), jac.append(np.zeros(a.size, bool))
    lo, hi, jac = unique_edges(np.concatenate(lo), np.concatenate(hi), np.concatenate(jac))
    with task_output(final) as out:
        save(out, "lo", lo)
        save(out, "hi", hi)
        save(out, "jaccard", jac)
    return int(lo.size)


def unique_edges(lo: np.ndarray, hi: np.ndarray, jac: np.ndarray):
    """Each edge once, sorted by (lo, hi); found by a Jaccard band if any copy was."""
    if not lo.size:
        return lo, hi, jac
    order = np.lexsort((~jac, hi, lo))  # per edge, a Jaccard copy first
    lo, hi, jac = lo[order], hi[order], jac[order]
    first = np.ones(lo.size, bool)
    first[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
    return lo[first], hi[first], jac[first]
