"""Stage 2, ids: one task per id partition finds the ids read more than once (every
document with an id lands in the partition of its id's hash). The first in input order
stays; each later one is an input error and is left out of every later stage, as in one
process. Returns the duplicates only (usually none)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .workdir import load


@dataclass(frozen=True)
class IdsTask:
    partition: int
    sign_folder: str
    shards: int


def find_duplicates(task: IdsTask) -> list:
    """``[shard, seq, row, size, id, path, line, first_shard, first_path, first_line]`` per
    duplicate (lines counted from each shard's first line)."""
    first: dict = {}
    dups = []
    for s in range(task.shards):  # one shard's file at a time, in input order
        entries = load(Path(task.sign_folder) / f"s{s:05d}", f"ids-p{task.partition}")
        for doc_id, seq, row, path, line, size in entries:
            seen = first.get(doc_id)
            if seen is None:
                first[doc_id] = (s, path, line)
            else:
                dups.append([s, seq, row, size, doc_id, path, line, *seen])
    return dups
