"""Stage 1, sign: one task per shard reads its documents, runs the vectorised signer, and
writes, in ``1-sign/s<shard>/``:

- ``signatures.npy`` (rows x num_perm), ``sizes.npy`` (distinct shingles), ``chars.npy``,
  ``words.npy``, ``offsets.npy`` (byte offset of each row's record, to read it again);
- ``index.pkl``: per row its id, line (from the shard's first line), path and language;
  the input errors with their place among the shard's items;
- ``bands-p<p>.npz``: the band keys of its documents that fall in key partition p (band,
  key, row: 14 bytes each), for every band the Jaccard and containment indexes read;
- ``ids-p<p>.pkl``: every document id read, in id partition p (for duplicate ids).

It returns small metadata: counts, and the histogram of sizes (for the size partitions).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Optional

import zlib

import numpy as np

from ..model import InputError
from ..near.banding import band_key
from ..near.sketch import SketchSettings, sketch_batch
from . import shards as sh
from .workdir import save, task_output


@dataclass(frozen=True)
class SignTask:
    shard: sh.Shard
    folder: str
    format: Optional[str]
    id_field: str
    text_field: str
    sketch: SketchSettings
    batch_size: int
    bands: tuple  # ((r, j), ...)
    partitions: int


def key_partition(keys: np.ndarray, partitions: int) -> np.ndarray:
    """The partition of each band key, from its high bits (the low bits stay uniform within
    a partition, which :func:`~dedupe.near.banding.equal_key_pairs` relies on)."""
    return (((keys >> np.uint64(32)) * np.uint64(partitions)) >> np.uint64(32)).astype(np.uint16)


def by_partition(part: np.ndarray, partitions: int) -> list:
    """Per partition the positions (in order) of the rows whose partition is ``part``."""
    order = np.argsort(part, kind="stable")  # radix sort for 16-bit partitions
    bounds = np.searchsorted(part[order], np.arange(partitions + 1))
    return [order[bounds[p] : bounds[p + 1]] for p in range(partitions)]


def id_partition(doc_id: str, partitions: int) -> int:
    return zlib.crc32(doc_id.encode("utf-8", "surrogatepass")) % partitions


def sign_shard(task: SignTask) -> dict:
    from pathlib import Path

    from ..ingest import as_document

    final = Path(task.folder) / f"s{task.shard.index:05d}"
    if final.exists():
        return load_meta(final)
    rows: dict = {"id": [], "line": [], "path": [], "kind": [], "language": [], "language_probability": []}
    offsets, chars, errors = [], [], []
    seen_ids: list[list] = [[] for _ in range(task.partitions)]  # (id, seq, row, path, line, size)
    id_rows: list[tuple] = []
    sketches, batch = [], []

    def flush():
        if batch:
            sketches.append(sketch_batch(([d.text for d in batch], task.sketch)))
            batch.clear()

    counter = [0]
    for seq, item in enumerate(sh.read(task.shard, task.format, task.id_field, task.text_field, counter)):
        if isinstance(item, InputError):
            errors.append((seq, item.path, item.line, item.message))
            continue
        doc = as_document(item, seq)
        if isinstance(doc, InputError):
            errors.append((seq, doc.path, doc.line, doc.message))  # its id is not taken (as in one process)
            continue
        row = len(rows["id"])
        id_rows.append((doc.id, seq, row, doc.path, doc.line))
        rows["id"].append(doc.id)
        rows["line"].append(doc.line)
        rows["path"].append(doc.path)
        rows["kind"].append(doc.source.kind if doc.source is not None else None)
        offsets.append(doc.source.offset if doc.source is not None else -1)
        chars.append(len(doc.text))
        batch.append(doc)
        if len(batch) >= task.batch_size:
            flush()
    flush()
    n = len(rows["id"])
    num_perm = task.sketch.num_perm
    signatures = np.concatenate([s.signatures for s in sketches]) if sketches else np.zeros((0, num_perm), np.uint64)
    sizes = np.concatenate([s.sizes for s in sketches]).astype(np.int64) if sketches else np.zeros(0, np.int64)
    words = np.concatenate([s.words for s in sketches]).astype(np.int64) if sketches else np.zeros(0, np.int64)
    rows["language"] = [lang for s in sketches for lang, _ in s.languages]
    rows["language_probability"] = [prob for s in sketches for _, prob in s.languages]
    for doc_id, seq, row, path, line in id_rows:
        size = int(sizes[row])
        seen_ids[id_partition(doc_id, task.partitions)].append((doc_id, seq, row, path, line, size))
    with task_output(final) as out:
        save(out, "signatures", signatures)
        save(out, "sizes", sizes)
        save(out, "words", words)
        save(out, "chars", np.array(chars, dtype=np.int64))
        save(out, "offsets", np.array(offsets, dtype=np.int64))
        save(out, "index", {**rows, "errors": errors})
        for p, entries in enumerate(seen_ids):
            save(out, f"ids-p{p}", entries)
        _write_bands(out, task, signatures, sizes)
        meta = {
            "shard": task.shard.index,
            "documents": n,
            "lines": counter[0],
            "errors": len(errors),
            "sizes": [[int(v), int(c)] for v, c in sorted(Counter(sizes[sizes > 0].tolist()).items())],
        }
        save(out, "meta", meta)
    return meta


def _write_bands(out, task: SignTask, signatures: np.ndarray, sizes: np.ndarray) -> None:
    docs = np.flatnonzero(sizes > 0)  # empty documents are in no band (as in one process)
    sig = signatures[docs]
    keys = [band_key(sig[:, j * r : (j + 1) * r], 0, r) for r, j in task.bands]
    nb = len(task.bands)
    band = np.repeat(np.arange(nb, dtype=np.uint16), docs.size)
    key = np.concatenate(keys) if keys else np.zeros(0, np.uint64)
    row = np.tile(docs.astype(np.uint32), nb)  # (the shard is the file's; the size is in sizes.npy)
    for p, take in enumerate(by_partition(key_partition(key, task.partitions), task.partitions)):
        np.savez(out / f"bands-p{p}.npz", band=band[take], key=key[take], row=row[take])


def read_bands(folder, shard: int, partition: int, band: Optional[int] = None) -> tuple:
    """``(band, key, document key, size)`` arrays of a shard's band keys in ``partition``
    (``folder``: the shard's sign folder; ``band``: only that band's)."""
    from .workdir import load

    with np.load(folder / f"bands-p{partition}.npz") as z:
        bands, key, row = z["band"], z["key"], z["row"]
    if band is not None:
        take = bands == band
        bands, key, row = bands[take], key[take], row[take]
    doc = (np.int64(shard) << np.int64(sh.ROW_BITS)) | row.astype(np.int64)
    return bands, key, doc, load(folder, "sizes", mmap=True)[row].astype(np.uint32)


def load_meta(folder) -> dict:
    from .workdir import load

    return load(folder, "meta")
