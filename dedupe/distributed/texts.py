"""What a task reads about documents other than its own shard's: texts again (by byte
offset where the input allows), and per-document rows of the sign stage (signature, size,
id, length), shard by shard, one file open at a time."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

from ..io.readers import jsonl
from ..io.readers.reread import read_record
from ..model import Document, Source
from . import shards as sh
from .workdir import load
from ..arrays import sorted_unique


@dataclass(frozen=True)
class Documents:
    """The documents of a staged run, by key (``shard << ROW_BITS | row``)."""

    shards: tuple  # every shard, in input order
    sign_folder: str
    format: Optional[str]
    id_field: str
    text_field: str

    def folder(self, shard: int) -> Path:
        return Path(self.sign_folder) / f"s{shard:05d}"

    def texts(self, keys) -> list[str]:
        """The texts of ``keys``, in their order."""
        texts = {}
        for s, ks in by_shard(keys):
            texts.update(zip(ks.tolist(), self.shard_texts(s, sh.row_of(ks).tolist())))
        return [texts[k] for k in keys]

    def of_shard(self, shard: sh.Shard):
        """``(row, document)`` of every valid document of ``shard``, read in order."""
        return enumerate(valid_documents(shard, self.format, self.id_field, self.text_field))

    def shard_texts(self, s: int, rows: list) -> list[str]:
        """The texts of these rows of shard ``s``: read again by byte offset (JSONL records,
        text files), or, for inputs that cannot be read by offset (CSV, Parquet, gzip), by
        reading the shard again in order."""
        shard, folder = self.shards[s], self.folder(s)
        offsets = load(folder, "offsets", mmap=True)
        if all(offsets[r] >= 0 for r in rows):
            if shard.end is not None:
                return [t for t, _ in jsonl.read_records_at(shard.path, [int(offsets[r]) for r in rows], self.text_field)]
            index = load(folder, "index")
            return [read_record(index["path"][r], Source(index["kind"][r], int(offsets[r]), self.text_field))[0] for r in rows]
        wanted = {r: n for n, r in enumerate(rows)}
        out: list = [None] * len(rows)
        for row, doc in self.of_shard(shard):
            n = wanted.get(row)
            if n is not None:
                out[n] = doc.text
        return out

    def rows(self, keys: np.ndarray, num_perm: int) -> tuple[np.ndarray, np.ndarray]:
        """Signatures and sizes of the (sorted) document keys."""
        signatures = np.empty((keys.size, num_perm), dtype=np.uint64)
        sizes = np.empty(keys.size, dtype=np.int64)
        at = 0
        for s, ks in by_shard(keys):
            rows = sh.row_of(ks)
            signatures[at : at + ks.size] = load(self.folder(s), "signatures", mmap=True)[rows]
            sizes[at : at + ks.size] = load(self.folder(s), "sizes", mmap=True)[rows]
            at += ks.size
        return signatures, sizes

    def signatures_of(self, keys, num_perm: int) -> dict:
        """Document key -> signature."""
        keys = sorted_unique(np.asarray(keys, dtype=np.int64))
        return dict(zip(keys.tolist(), self.rows(keys, num_perm)[0]))

    def ids_and_chars(self, keys) -> tuple[dict, dict]:
        """Document key -> id, and -> length in characters."""
        ids, chars = {}, {}
        for s, ks in by_shard(np.unique(np.asarray(keys, dtype=np.int64))):
            shard_ids = load(self.folder(s), "index")["id"]
            shard_chars = load(self.folder(s), "chars", mmap=True)
            for k, r in zip(ks.tolist(), sh.row_of(ks).tolist()):
                ids[k], chars[k] = shard_ids[r], int(shard_chars[r])
        return ids, chars


def by_shard(keys):
    """``(shard, its keys)`` for the keys, shard by shard."""
    keys = np.asarray(keys, dtype=np.int64)
    shard = sh.shard_of(keys)
    for s in sorted_unique(shard).tolist():
        yield s, keys[shard == s]


def valid_documents(shard: sh.Shard, format, id_field, text_field):
    """The shard's documents that the sign stage gave rows, in row order."""
    from ..ingest import as_document

    for seq, item in enumerate(sh.read(shard, format, id_field, text_field)):
        if isinstance(item, Document) and isinstance(as_document(item, seq), Document):
            yield item
