"""Stage 2, twins: one task per key partition finds the documents whose shingle set equals
an earlier document's (equal full-signature keys, then the exact sets compared, with
:func:`~dedupe.near.twins_of_group` as in one process). A twin is joined to its first and
enters no band (its candidates are its first's), as in one process. Output
``2-twins/p<p>/twins.npy``: ``(first, twin)`` document keys; returns the twins' sizes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..near import ShingleCache, twins_of_group
from ..near.banding import _groups_of_equal
from .texts import Documents
from .sign import read_bands
from .workdir import load, save, task_output


@dataclass(frozen=True)
class TwinsTask:
    partition: int
    documents: Documents
    folder: str
    band: int  # the index of the full-signature band in the sign stage's band files
    excluded: tuple  # document keys left out (duplicate ids)
    config: object


def find_twins(task: TwinsTask) -> list:
    """``[[size, count], ...]`` of the twins found."""
    final = Path(task.folder) / f"p{task.partition:05d}"
    if final.exists():
        return load(final, "sizes")
    parts = [read_bands(task.documents.folder(s), s, task.partition, task.band) for s in range(len(task.documents.shards))]
    key, doc, size = (np.concatenate([p[k] for p in parts]) for k in (1, 2, 3))
    if task.excluded:
        keep = ~np.isin(doc, np.array(task.excluded, dtype=np.int64))
        key, doc, size = key[keep], doc[keep], size[keep]
    twins: list = []
    if doc.size > 1:
        order, starts, counts = _groups_of_equal(key)
        groups = [sorted(doc[order[a : a + n]].tolist()) for a, n in zip(starts.tolist(), counts.tolist()) if n > 1]
        if groups:
            signatures = task.documents.signatures_of([k for g in groups for k in g], task.config.num_perm)
            shingles = ShingleCache(task.documents.texts, task.config)
            for group in groups:
                twins.extend(twins_of_group(group, signatures, shingles))
    size_of = dict(zip(doc.tolist(), size.tolist()))
    found = sorted(Counter(size_of[t] for _, t in twins).items())
    with task_output(final) as out:
        save(out, "twins", np.array(twins, dtype=np.int64).reshape(-1, 2))
        save(out, "sizes", [[int(v), int(c)] for v, c in found])
    return [[int(v), int(c)] for v, c in found]


def all_twins(folder: str, partitions: int) -> np.ndarray:
    """Every partition's ``(first, twin)`` rows."""
    return np.concatenate([load(Path(folder) / f"p{p:05d}", "twins") for p in range(partitions)])
