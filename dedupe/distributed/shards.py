"""Shards: the units of input that one task reads. A plain JSONL file is cut into byte
ranges (each a whole number of lines); any other input (folder, text, CSV, Parquet, gzip)
is one shard. A document's stable id is its shard and its row (its place among the
shard's documents); shards are in input order, so (shard, row) order is input order."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional, Sequence

from ..errors import ConfigError
from ..io.readers import detect_format, jsonl, read_input, text

ROW_BITS = 32  # a document's key: shard << ROW_BITS | row


@dataclass(frozen=True)
class Shard:
    index: int
    path: str  # as the readers name it
    start: int = 0
    end: Optional[int] = None  # a byte range of a plain JSONL file; None: the whole input

    def key(self, row):
        return (self.index << ROW_BITS) | row


def shard_of(keys):
    return keys >> ROW_BITS


def row_of(keys):
    return keys & ((1 << ROW_BITS) - 1)


def plan(inputs: Sequence[str], format: Optional[str], shard_bytes: int) -> list[Shard]:
    """The shards of the inputs, in input order."""
    if shard_bytes < 1:
        raise ConfigError(f"--shard-bytes must be at least 1, got {shard_bytes}")
    shards: list[Shard] = []
    for path in inputs:
        if path == "-":
            raise ConfigError("a staged run (--engine ray or --work-dir) reads files: stdin ('-') cannot be read again")
        if _splittable(path, format):
            name, size = str(Path(path)), os.path.getsize(path)
            for start in range(0, max(size, 1), shard_bytes):
                shards.append(Shard(len(shards), name, start, min(start + shard_bytes, size)))
        else:
            shards.append(Shard(len(shards), path))
    return shards


def _splittable(path: str, format: Optional[str]) -> bool:
    p = Path(path)
    if (format or detect_format(path)) != "jsonl" or not p.is_file() or p.suffix.lower() == ".gz":
        return False
    if text.bad_name(path) is not None:
        return False
    with open(p, "rb") as f:  # a file in another encoding is one error: read it whole
        first = f.readline(1 << 16)
    return not text.wide_encoding(first[3:] if first.startswith(b"\xef\xbb\xbf") else first)


def read(shard: Shard, format: Optional[str], id_field: str, text_field: str, counter: Optional[list] = None) -> Iterator:
    """The documents and input errors of a shard, as the readers give them (line numbers
    counted from the shard's first line)."""
    if shard.end is None:
        return read_input(shard.path, format, id_field, text_field)
    return jsonl.read_range(Path(shard.path), shard.start, shard.end, id_field, text_field, counter)
