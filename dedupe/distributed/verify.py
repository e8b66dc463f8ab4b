"""Stage 4, verify: one task per shard takes the candidate edges whose first document is
in its shard (a slice of every bucket partition's sorted edges), drops the containment-only
candidates that cannot pass (:func:`~dedupe.near.lsh.plausible_mask`), reads the texts of
both ends again (by byte offset; one file open at a time) and keeps the pairs whose exact
Jaccard or containment passes (:func:`~dedupe.near.verify_candidates`, as in one process).
Output ``4-verify/s<shard>/edges.npz``: the verified edges, in (lo, hi) order."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

from ..io.readers import jsonl
from ..io.readers.reread import read_record
from ..model import Document, InputError, Source
from ..near import verify_candidates
from ..near.lsh import plausible_mask
from . import shards as sh
from .bucket import unique_edges
from .workdir import load, task_output

KINDS = ("near-duplicate", "contained")


@dataclass(frozen=True)
class VerifyTask:
    shard: sh.Shard
    shards: tuple  # every shard (texts of the other ends are read from theirs)
    sign_folder: str
    bucket_folder: str
    folder: str
    partitions: int
    format: Optional[str]
    id_field: str
    text_field: str
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
    needed = np.unique(np.concatenate([lo, hi]))
    signatures, sizes = _rows(task, needed)
    if lo.size and not jac.all():
        ia, ib = np.searchsorted(needed, lo), np.searchsorted(needed, hi)
        agree = np.concatenate(
            [(signatures[ia[k : k + 65536]] == signatures[ib[k : k + 65536]]).sum(axis=1) for k in range(0, ia.size, 65536)]
        )
        ok = jac | plausible_mask(agree, sizes[ia], sizes[ib], task.config.num_perm, task.config)
        lo, hi = lo[ok], hi[ok]
    by_key = dict(zip(needed.tolist(), signatures))
    accepted = verify_candidates(
        list(zip(lo.tolist(), hi.tolist())), lambda keys: _texts(task, keys), by_key, _Keys(), task.config
    )
    with task_output(final) as out:
        np.savez(
            out / "edges.npz",
            lo=np.array([a for a, _, _ in accepted], dtype=np.int64),
            hi=np.array([b for _, b, _ in accepted], dtype=np.int64),
            jaccard=np.array([p.jaccard for _, _, p in accepted], dtype=np.float64),
            estimate=np.array([p.jaccard_estimate for _, _, p in accepted], dtype=np.float64),
            a_in_b=np.array([p.containment_a_in_b for _, _, p in accepted], dtype=np.float64),
            b_in_a=np.array([p.containment_b_in_a for _, _, p in accepted], dtype=np.float64),
            kind=np.array([KINDS.index(p.kind) for _, _, p in accepted], dtype=np.uint8),
        )
    return len(accepted)


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


def _by_shard(keys):
    keys = np.asarray(keys, dtype=np.int64)
    shard = sh.shard_of(keys)
    for s in np.unique(shard).tolist():
        yield s, keys[shard == s]


def _rows(task: VerifyTask, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Signatures and sizes of the (sorted) document keys, read shard by shard."""
    signatures = np.empty((keys.size, task.config.num_perm), dtype=np.uint64)
    sizes = np.empty(keys.size, dtype=np.int64)
    at = 0
    for s, ks in _by_shard(keys):
        folder = Path(task.sign_folder) / f"s{s:05d}"
        rows = sh.row_of(ks)
        signatures[at : at + ks.size] = load(folder, "signatures", mmap=True)[rows]
        sizes[at : at + ks.size] = load(folder, "sizes", mmap=True)[rows]
        at += ks.size
    return signatures, sizes


def _texts(task: VerifyTask, keys: list) -> list[str]:
    texts = {}
    for s, ks in _by_shard(keys):
        texts.update(zip(ks.tolist(), shard_texts(task.shards[s], task.sign_folder, sh.row_of(ks).tolist(), task)))
    return [texts[k] for k in keys]


def shard_texts(shard: sh.Shard, sign_folder: str, rows: list, task) -> list[str]:
    """The texts of these rows of a shard: read again by byte offset (JSONL records, text
    files), or, for inputs that cannot be read by offset (CSV, Parquet, gzip), by reading
    the shard again in order."""
    folder = Path(sign_folder) / f"s{shard.index:05d}"
    offsets = load(folder, "offsets", mmap=True)
    if all(offsets[r] >= 0 for r in rows):
        if shard.end is not None:
            return [t for t, _ in jsonl.read_records_at(shard.path, [int(offsets[r]) for r in rows], task.text_field)]
        index = load(folder, "index")
        return [read_record(index["path"][r], Source(index["kind"][r], int(offsets[r]), task.text_field))[0] for r in rows]
    wanted = {r: n for n, r in enumerate(rows)}
    out: list = [None] * len(rows)
    for row, doc in enumerate(valid_documents(shard, task.format, task.id_field, task.text_field)):
        n = wanted.get(row)
        if n is not None:
            out[n] = doc.text
    return out


def valid_documents(shard: sh.Shard, format, id_field, text_field):
    """The shard's documents that the sign stage gave rows, in row order."""
    from ..api import as_document

    for seq, item in enumerate(sh.read(shard, format, id_field, text_field)):
        if isinstance(item, Document) and isinstance(as_document(item, seq), Document):
            yield item
