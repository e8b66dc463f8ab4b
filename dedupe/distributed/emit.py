"""Stage 6, emit: one task per shard writes its kept and dropped records (``kept.jsonl``,
``dropped.jsonl`` in ``6-emit/s<shard>/``) with the writers of one process
(:mod:`dedupe.io.writers.dedup`): lines copied when every input is plain JSONL, records decoded and
encoded again otherwise. The driver then joins the parts, in shard order, into the outputs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..io.writers.dedup import split_lines, split_records
from ..io.readers import jsonl
from . import shards as sh
from .texts import valid_documents
from .workdir import load, save, task_output


@dataclass(frozen=True)
class EmitTask:
    shard: sh.Shard
    sign_folder: str
    folder: str
    decisions: dict  # row -> (keep, cluster), for clustered rows
    representatives: dict  # cluster id -> representative id
    excluded: frozenset  # rows left out (duplicate ids)
    line_offset: int  # lines of the file before the shard
    raw: bool
    format: Optional[str]
    id_field: str
    text_field: str


def emit_shard(task: EmitTask) -> list:
    final = Path(task.folder) / f"s{task.shard.index:05d}"
    if final.exists():
        return load(final, "counts")
    index = load(Path(task.sign_folder) / f"s{task.shard.index:05d}", "index")
    decide = {r: task.decisions.get(r, (True, None)) for r in range(len(index["id"])) if r not in task.excluded}
    with task_output(final) as out:
        with open(out / "kept.jsonl", "w", encoding="utf-8", newline="\n") as kept_f, open(
            out / "dropped.jsonl", "w", encoding="utf-8", newline="\n"
        ) as dropped_f:
            if task.raw:
                by_line = {task.line_offset + index["line"][r]: d for r, d in decide.items()}
                counts = split_lines(_numbered_lines(task), lambda n: by_line.pop(n, None), task.representatives, kept_f, dropped_f, task.text_field)
            else:
                docs = valid_documents(task.shard, task.format, task.id_field, task.text_field)
                decided = ((doc, decide[r]) for r, doc in enumerate(docs) if r in decide)
                counts = split_records(decided, task.representatives, kept_f, dropped_f, task.id_field, task.text_field)
        save(out, "counts", list(counts))
    return list(counts)


def _numbered_lines(task: EmitTask):
    """``(line number in the file, line)`` of the shard's lines."""
    shard = task.shard
    end = shard.end if shard.end is not None else float("inf")
    with open(shard.path, "rb") as f:
        first = jsonl.range_start(f, shard.start)
        yield from enumerate(jsonl.range_lines(f, first, end), start=task.line_offset + 1)
