"""Streaming kept/dropped output: read the input records again, one at a time, and write
each to the kept or the dropped stream by the report's decision (no document is held)."""

from __future__ import annotations

import json
import os
from contextlib import ExitStack
from typing import IO, Iterable, Optional

from .errors import ConfigError
from .io.writers import atomic_writer
from .model import Document, Report


def write_split(
    report: Report, documents: Iterable, out: str, dropped: Optional[str], id_field: str, text_field: str
) -> tuple[int, int]:
    """Write kept documents to ``out`` and dropped ones to ``dropped`` (if given), as JSONL in
    input order, each with all its input fields; dropped records also get ``cluster`` and
    ``representative``. Returns ``(kept, dropped)`` counts."""
    if dropped is not None and _same_output(out, dropped):
        raise ConfigError(f"--out and --dropped cannot be the same file ({out})")
    decisions = {d.id: (d.keep, d.cluster) for d in report.documents}
    representatives = {cl.id: cl.representative for cl in report.clusters}
    kept_n = dropped_n = 0
    with ExitStack() as stack:
        kept_f: IO[str] = stack.enter_context(atomic_writer(out))
        dropped_f = stack.enter_context(atomic_writer(dropped)) if dropped else None
        for doc in documents:
            if not isinstance(doc, Document) or doc.id not in decisions:
                continue  # input errors and duplicate ids are in the report already
            keep, cluster = decisions.pop(doc.id)
            record = dict(doc.fields) if doc.fields else {id_field: doc.id, "path": doc.path}
            record[text_field] = doc.text
            if keep:
                kept_n += 1
                kept_f.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                dropped_n += 1
                if dropped_f is not None:
                    record["cluster"] = cluster
                    record["representative"] = representatives[cluster]
                    dropped_f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return kept_n, dropped_n


def _same_output(a: str, b: str) -> bool:
    if "-" in (a, b):
        return a == b
    return os.path.realpath(a) == os.path.realpath(b)
