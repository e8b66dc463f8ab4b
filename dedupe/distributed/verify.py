"""Stage 4, verify: one task per shard takes the candidate edges whose first document is
in its shard (a slice of every bucket partition's sorted edges), drops the containment-only
candidates that cannot pass (:func:`~dedupe.near.lsh.plausible_mask`), reads the texts of
both ends again (by byte offset; one file open at a time) and joins the pairs whose exact
Jaccard or containment passes (:func:`~dedupe.near.join_verified`, as in one process:
pairs already joined through others are not verified again). Output
``4-verify/s<shard>/edges.npz``: the joining edges, a spanning forest of the shard's
verified pairs (the same components)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..near import ShingleCache, join_verified
from ..near.clusters import UnionFind
from ..near.lsh import plausible_mask
from . import shards as sh
from .bucket import unique_edges
from .texts import Documents
from .workdir import task_output
from ..arrays import sorted_unique


@dataclass(frozen=True)
class VerifyTask:
    shard: sh.Shard
    documents: Documents
    bucket_folder: str
    folder: str
    partitions: int
    config: object


class _Keys:
    """The identity mapping: pairs are verified with document keys for ids."""

    def __getitem__(self, key):
        return key


def verify_shard(task: VerifyTask) -> int:
    final = Path(task.folder) / f"s{task.shard.index:05d}"
    if final.exists():
        with np.load(final / "edges.npz") as z:
            return int(z["lo"].size)
    lo, hi, jac = _candidates(task)
    needed = sorted_unique(np.concatenate([lo, hi]))
    signatures, sizes = task.documents.rows(needed, task.config.num_perm)
    if lo.size and not jac.all():
        ia, ib = np.searchsorted(needed, lo), np.searchsorted(needed, hi)
        agree = np.concatenate(
            [(signatures[ia[k : k + 65536]] == signatures[ib[k : k + 65536]]).sum(axis=1) for k in range(0, ia.size, 65536)]
        )
        ok = jac | plausible_mask(agree, sizes[ia], sizes[ib], task.config.num_perm, task.config)
        lo, hi = lo[ok], hi[ok]
    by_key = dict(zip(needed.tolist(), signatures))
    shingles = ShingleCache(task.documents.texts, task.config)
    joined = join_verified(list(zip(lo.tolist(), hi.tolist())), shingles, _Keys(), by_key, task.config, UnionFind())
    with task_output(final) as out:
        np.savez(
            out / "edges.npz",
            lo=np.array([a for a, _ in joined], dtype=np.int64),
            hi=np.array([b for _, b in joined], dtype=np.int64),
        )
    return len(joined)


def _candidates(task: VerifyTask):
    s = task.shard.index
    lo_key, hi_key = s << sh.ROW_BITS, (s + 1) << sh.ROW_BITS
    lo, hi, jac = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0, bool)]
    for p in range(task.partitions):  # a slice of each partition's sorted edges
        folder = Path(task.bucket_folder) / f"p{p:05d}"
        all_lo = np.load(folder / "lo.npy", mmap_mode="r")
        a, b = np.searchsorted(all_lo, [lo_key, hi_key])
        if b > a:
            lo.append(np.array(all_lo[a:b]))
            hi.append(np.array(np.load(folder / "hi.npy", mmap_mode="r")[a:b]))
            jac.append(np.array(np.load(folder / "jaccard.npy", mmap_mode="r")[a:b]))
        del all_lo
    return unique_edges(np.concatenate(lo), np.concatenate(hi), np.concatenate(jac))
