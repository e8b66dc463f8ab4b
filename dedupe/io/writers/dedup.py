"""Streaming kept/dropped output: read the input records again, one at a time, and write
each to the kept or the dropped stream by the report's decision (no document is held).

For plain JSONL files the records are not decoded again: a kept record is its input line
copied as bytes, and a dropped one is its input line with ``"cluster"`` and
``"representative"`` spliced in before the closing brace. The records are the same, field
by field, as decoding each line and encoding it again (the tests check this); only the
text's escapes and the order of the fields may differ. Other inputs (folders, CSV, Parquet,
gzip, stdin) are decoded and encoded again.
"""

from __future__ import annotations

import json
import os
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Iterable, Optional, Sequence

from ...errors import ConfigError
from ...model import Document, Report
from ..readers import detect_format, read_inputs
from . import atomic_writer

_BOM = b"\xef\xbb\xbf"


def write_split(
    report: Report, documents: Iterable, out: str, dropped: Optional[str], id_field: str, text_field: str
) -> tuple[int, int]:
    """Write kept documents to ``out`` and dropped ones to ``dropped`` (if given), as JSONL in
    input order, each with all its input fields; dropped records also get ``cluster`` and
    ``representative``. Returns ``(kept, dropped)`` counts."""
    if dropped is not None and same_output(out, dropped):
        raise ConfigError(f"--out and --dropped cannot be the same file ({out})")
    decisions = {d.id: (d.keep, d.cluster) for d in report.documents}
    representatives = {cl.id: cl.representative for cl in report.clusters}
    with ExitStack() as stack:
        kept_f: IO[str] = stack.enter_context(atomic_writer(out))
        dropped_f = stack.enter_context(atomic_writer(dropped)) if dropped else None
        decided = (
            (doc, decisions.pop(doc.id))
            for doc in documents
            if isinstance(doc, Document) and doc.id in decisions  # input errors and duplicate ids are in the report already
        )
        return split_records(decided, representatives, kept_f, dropped_f, id_field, text_field)


def split_records(decided, representatives: dict, kept_f: IO[str], dropped_f: Optional[IO[str]], id_field: str, text_field: str) -> tuple[int, int]:
    """Write each ``(document, (keep, cluster))`` of ``decided`` as a JSONL record to the kept
    or the dropped stream (see :func:`write_split`); ``representatives``: cluster id ->
    representative id. Returns ``(kept, dropped)`` counts."""
    kept_n = dropped_n = 0
    for doc, (keep, cluster) in decided:
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


def same_output(a: str, b: str) -> bool:
    """Whether two paths name one file (through links, hard links included); ``-`` is stdout."""
    if "-" in (a, b):
        return a == b
    try:
        return os.path.samefile(a, b)
    except OSError:  # one does not exist (yet)
        return os.path.realpath(a) == os.path.realpath(b)


def raw_copy_possible(inputs: Sequence[str], format: Optional[str] = None) -> bool:
    """Whether every input is a plain (not gzipped) JSONL file, whose lines can be copied."""
    return all(
        p != "-"
        and (format or detect_format(p)) == "jsonl"
        and Path(p).is_file()
        and Path(p).suffix.lower() != ".gz"
        for p in inputs
    )


def write_split_inputs(
    report: Report,
    inputs: Sequence[str],
    out: str,
    dropped: Optional[str],
    format: Optional[str] = None,
    id_field: str = "id",
    text_field: str = "text",
) -> tuple[int, int]:
    """:func:`write_split` over the inputs read again: lines copied from plain JSONL files
    (see the module notes), records decoded again from any other input."""
    if raw_copy_possible(inputs, format):
        return write_split_raw(report, inputs, out, dropped, text_field)
    return write_split(report, read_inputs(inputs, format, id_field, text_field), out, dropped, id_field, text_field)


def write_split_raw(
    report: Report, paths: Sequence[str], out: str, dropped: Optional[str], text_field: str = "text"
) -> tuple[int, int]:
    """:func:`write_split` for plain JSONL files, copying their lines: documents are found by
    their location (``path:line``, as the report records it), so no line is decoded, except
    the rare dropped records that already have a ``cluster`` or ``representative`` field."""
    if dropped is not None and same_output(out, dropped):
        raise ConfigError(f"--out and --dropped cannot be the same file ({out})")
    decisions = {d.path: (d.keep, d.cluster) for d in report.documents}
    representatives = {cl.id: cl.representative for cl in report.clusters}
    kept_n = dropped_n = 0
    with ExitStack() as stack:
        kept_f = stack.enter_context(atomic_writer(out))
        dropped_f = stack.enter_context(atomic_writer(dropped)) if dropped else None
        for path in paths:
            name = str(Path(path))
            with open(path, "rb") as f:
                decide = lambda n: decisions.pop(f"{name}:{n}", None)  # noqa: E731
                k, d = split_lines(enumerate(f, start=1), decide, representatives, kept_f, dropped_f, text_field)
            kept_n, dropped_n = kept_n + k, dropped_n + d
    return kept_n, dropped_n


def split_lines(numbered, decide, representatives: dict, kept_out, dropped_out, text_field: str) -> tuple[int, int]:
    """Copy each ``(line number, line)`` of ``numbered`` (a plain JSONL file's lines, from its
    first line) to the kept or the dropped text stream, by ``decide(line number)``: ``(keep,
    cluster)``, or None for lines that are no document (blank lines, input errors, duplicate
    ids). ``representatives``: cluster id -> representative id. Returns the counts."""
    reps: dict = {}
    kept_n = dropped_n = 0
    kept_f = _Lines(kept_out)
    dropped_f = _Lines(dropped_out) if dropped_out is not None else None
    for lineno, raw in numbered:
        decision = decide(lineno)
        if decision is None:
            continue
        keep, cluster = decision
        if lineno == 1 and raw.startswith(_BOM):
            raw = raw[3:]
        if raw[:1] != b"{" or raw[-2:] != b"}\n":
            raw = raw.strip() + b"\n"  # one object, ending with its closing brace
        if keep:
            kept_n += 1
            kept_f(raw)
        else:
            dropped_n += 1
            if dropped_f is not None:
                rep = reps.get(cluster)
                if rep is None:
                    rep = reps[cluster] = json.dumps(representatives[cluster], ensure_ascii=False).encode("utf-8")
                if b'"cluster"' in raw or b'"representative"' in raw:
                    dropped_f(_reencoded(raw, text_field, cluster, rep))
                else:
                    dropped_f(b'%s, "cluster": %d, "representative": %s}\n' % (raw[:-2].rstrip(), cluster, rep))
    kept_f.flush()
    if dropped_f is not None:
        dropped_f.flush()
    return kept_n, dropped_n


class _Lines:
    """JSONL lines (bytes, each with its newline) written to a text stream in large chunks."""

    def __init__(self, stream, chunk: int = 1 << 20):
        self.stream, self.chunk = stream, chunk
        self.parts: list[bytes] = []
        self.size = 0

    def __call__(self, line: bytes) -> None:
        self.parts.append(line)
        self.size += len(line)
        if self.size >= self.chunk:
            self.flush()

    def flush(self) -> None:
        data = b"".join(self.parts)
        self.parts, self.size = [], 0
        buffer = getattr(self.stream, "buffer", None)
        if buffer is None:
            self.stream.write(data.decode("utf-8"))
        else:
            self.stream.flush()
            buffer.write(data)


def _reencoded(line: bytes, text_field: str, cluster: Optional[int], rep: Optional[bytes]) -> bytes:
    """The line decoded and encoded again, as :func:`write_split` writes it."""
    record = json.loads(line.decode("utf-8"))
    record[text_field] = record.pop(text_field)
    if cluster is not None:
        record["cluster"] = cluster
        record["representative"] = json.loads(rep)
    return json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"
