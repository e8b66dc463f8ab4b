"""The passages of a staged scan, every step a set of tasks over files (see
``docs/distributed.md``), with the functions one process runs
(:func:`dedupe.passages.find_reuse`), so the passages are the same:

1. ``7-grams``, per shard: each document's distinct word n-grams (hashes), written to P files
   by hash;
2. ``7-stock``, per partition: the n-grams in more than ``passage_max_df`` documents (the
   stock n-grams, :func:`~dedupe.passages.tokens.common_grams`); the driver joins the parts
   into one sorted array (``7-stock/stop.npy``, small: stock phrases and boilerplate);
3. ``7-units``, per shard: the units of each document (sentences, windows), signed as one
   process signs them, and their band rows (band, row, the band's values) written to P
   files by band value;
4. ``7-pairs``, per partition: the equal band rows (the LSH buckets) give the candidate
   pairs (:func:`~dedupe.passages.candidates.colliding_pairs`), sorted by document key;
5. ``7-passages``, per shard: the candidate pairs whose first document is in the shard,
   gathered from every partition, aligned (:func:`~dedupe.passages.align_pairs`), both ends'
   texts read again by offset.

Nothing per document passes through the driver: the tasks read the texts where they run and
return counts; the driver reads the passages and related pairs (the result) and the stock
n-grams. The documents are the corpus' (every row of the sign stage but duplicate ids), and a
document's key orders as its corpus index does, so pairs and passages come in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..passages import SEED_NGRAM, Reuse, align_pairs
from ..passages.candidates import colliding_pairs, signed_units, unit_shape
from ..passages.tokens import words_of
from . import shards as sh
from .sign import by_partition
from .texts import Documents
from .workdir import load, save, task_output
from ..arrays import sorted_unique

_MIX = np.uint64(0x9E3779B97F4A7C15)  # spreads (band, value) over the partitions


def _name(p: int) -> str:
    return f"p{p:05d}"


@dataclass(frozen=True)
class ShardTask:
    shard: sh.Shard
    excluded: frozenset  # rows left out of the corpus (duplicate ids)
    documents: Documents
    folder: str
    partitions: int
    stock_folder: str = ""
    config: object = None


def _corpus_documents(task: ShardTask):
    """``(key, text)`` of the shard's documents in the corpus, in row order."""
    for row, doc in task.documents.of_shard(task.shard):
        if row not in task.excluded:
            yield task.shard.key(row), doc.text


def grams_shard(task: ShardTask) -> int:
    final = Path(task.folder) / f"s{task.shard.index:05d}"
    if final.exists():
        return 0
    grams = [sorted_unique(words_of(text, SEED_NGRAM).grams) for _, text in _corpus_documents(task)]
    values = np.concatenate(grams) if grams else np.zeros(0, dtype=np.uint64)
    with task_output(final) as out:
        for p, take in enumerate(by_partition((values % np.uint64(task.partitions)).astype(np.int64), task.partitions)):
            save(out, _name(p), values[take])
    return int(values.size)


@dataclass(frozen=True)
class PartitionTask:
    partition: int
    shards: tuple  # shard indices
    source: str  # the folder of the per-shard files
    folder: str
    max_df: int


def stock_partition(task: PartitionTask) -> int:
    final = Path(task.folder) / _name(task.partition)
    if final.exists():
        return 0
    values = [load(Path(task.source) / f"s{s:05d}", _name(task.partition)) for s in task.shards]
    values = np.concatenate(values) if values else np.zeros(0, dtype=np.uint64)
    values, counts = np.unique(values, return_counts=True)
    stock = values[counts > task.max_df]
    with task_output(final) as out:
        save(out, "stock", stock)
    return int(stock.size)


def units_shard(task: ShardTask) -> int:
    """Band rows of the shard's units: per partition ``pNNNNN.npz`` with, per row, its band
    (uint8), its document's row in the shard (uint32) and the band's values (21 bytes)."""
    final = Path(task.folder) / f"s{task.shard.index:05d}"
    if final.exists():
        return 0
    stop = load(Path(task.stock_folder), "stop")
    texts, rows = [], []
    for key, text in _corpus_documents(task):
        texts.append(text)
        rows.append(int(sh.row_of(key)))
    words = [words_of(text, SEED_NGRAM) for text in texts]
    sig, of_unit = signed_units(texts, words, stop, SEED_NGRAM, task.config.seed)
    rows = np.asarray(rows, dtype=np.uint32)[of_unit]
    bands, r = unit_shape()
    n = sig.shape[0]
    band = np.repeat(np.arange(bands, dtype=np.uint8), n)
    row = np.tile(rows, bands)
    values = sig[:, : bands * r].reshape(n, bands, r).transpose(1, 0, 2).reshape(-1, r)  # band by band
    part = ((values[:, 0] ^ (band.astype(np.uint64) * _MIX)) % np.uint64(task.partitions)).astype(np.int64)
    with task_output(final) as out:
        for p, take in enumerate(by_partition(part, task.partitions)):
            np.savez(out / f"{_name(p)}.npz", band=band[take], row=row[take], values=values[take])
    return n


def pairs_partition(task: PartitionTask) -> int:
    """The candidate pairs of the partition's buckets: sorted, unique (key, key) rows."""
    final = Path(task.folder) / _name(task.partition)
    if final.exists():
        return len(load(final, "pairs", mmap=True))
    bands, keys, values = [], [], []
    for s in task.shards:  # one file open at a time
        with np.load(Path(task.source) / f"s{s:05d}" / f"{_name(task.partition)}.npz") as z:
            bands.append(z["band"])
            keys.append((np.int64(s) << np.int64(sh.ROW_BITS)) | z["row"].astype(np.int64))
            values.append(z["values"])
    bands, keys, values = (np.concatenate(x) for x in (bands, keys, values))
    found = set()
    for b in sorted_unique(bands).tolist():
        take = bands == b
        found.update(colliding_pairs(values[take], keys[take], task.max_df))
    pairs = np.array(sorted(found), dtype=np.int64).reshape(-1, 2)
    with task_output(final) as out:
        save(out, "pairs", pairs)
    return int(len(pairs))


@dataclass(frozen=True)
class AlignTask:
    shard: int
    partitions: int
    pairs_folder: str
    stock_folder: str
    documents: Documents
    folder: str
    config: object


def shard_pairs(pairs_folder: Path, partitions: int, shard: int) -> np.ndarray:
    """The candidate pairs whose first document is in ``shard``, from every partition, sorted."""
    parts = []
    lo, hi = shard << sh.ROW_BITS, (shard + 1) << sh.ROW_BITS
    for p in range(partitions):
        pairs = load(pairs_folder / _name(p), "pairs", mmap=True)
        a, b = np.searchsorted(pairs[:, 0], [lo, hi]) if len(pairs) else (0, 0)
        parts.append(np.array(pairs[a:b]))
    pairs = np.concatenate(parts) if parts else np.zeros((0, 2), dtype=np.int64)
    return np.unique(pairs, axis=0) if len(pairs) else pairs.reshape(-1, 2)


def align_shard(task: AlignTask) -> int:
    final = Path(task.folder) / f"s{task.shard:05d}"
    if final.exists():
        return 0
    pairs = shard_pairs(Path(task.pairs_folder), task.partitions, task.shard)
    reuse = Reuse()
    if len(pairs):
        keys = sorted_unique(pairs).tolist()
        words = {k: words_of(t, SEED_NGRAM) for k, t in zip(keys, task.documents.texts(keys))}
        ids, _ = task.documents.ids_and_chars(keys)
        stop = load(Path(task.stock_folder), "stop")
        reuse = align_pairs([tuple(p) for p in pairs.tolist()], ids, words, stop, task.config)
    with task_output(final) as out:
        save(out, "passages", reuse.passages)
        save(out, "related", reuse.related)
    return int(len(pairs))


def find_reuse(runner, documents: Documents, excluded: dict, config, partitions: int) -> Reuse:
    """The :class:`~dedupe.passages.Reuse` of the corpus (its passages, related pairs and
    stock n-grams; ``words`` left empty: the few documents the report steps need are read
    again), every step a stage of tasks (``runner``: a pipeline runner; ``excluded``: shard
    -> rows left out of the corpus)."""
    work = runner.work
    shard_list = documents.shards
    indices = tuple(s.index for s in shard_list)
    folders = {n: work.stage(n) for n in ("7-grams", "7-stock", "7-units", "7-pairs", "7-passages")}

    def per_shard(name: str, fn, **extra):
        tasks = [ShardTask(s, frozenset(excluded.get(s.index, ())), documents, str(folders[name]), partitions, **extra) for s in shard_list]
        runner.stage(name, fn, tasks)

    def per_partition(name: str, fn, source: str):
        tasks = [PartitionTask(p, indices, str(folders[source]), str(folders[name]), config.passage_max_df) for p in range(partitions)]
        runner.stage(name, fn, tasks)

    per_shard("7-grams", grams_shard)
    per_partition("7-stock", stock_partition, "7-grams")
    stock_folder = folders["7-stock"]
    if not (stock_folder / "stop.npy").exists():
        parts = [load(stock_folder / _name(p), "stock") for p in range(partitions)]
        save(stock_folder, "stop", np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.uint64))
    per_shard("7-units", units_shard, stock_folder=str(stock_folder), config=config)
    per_partition("7-pairs", pairs_partition, "7-units")
    tasks = [AlignTask(s, partitions, str(folders["7-pairs"]), str(stock_folder), documents, str(folders["7-passages"]), config)
             for s in indices]
    runner.stage("7-passages", align_shard, tasks)
    out = Reuse(stock=load(stock_folder, "stop"))
    for s in indices:
        out.passages.extend(load(folders["7-passages"] / f"s{s:05d}", "passages"))
        out.related.extend(load(folders["7-passages"] / f"s{s:05d}", "related"))
    return out
