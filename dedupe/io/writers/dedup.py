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
    representatives = {cl.id: json.dumps(cl.representative, ensure_ascii=False).encode("utf-8") for cl in report.clusters}
    kept_n = dropped_n = 0
    with ExitStack() as stack:
        kept_f = _Lines(stack.enter_context(atomic_writer(out)))
        stack.callback(kept_f.flush)  # runs before the file is closed
        dropped_f = None
        if dropped:
            dropped_f = _Lines(stack.enter_context(atomic_writer(dropped)))
            stack.callback(dropped_f.flush)
        for path in paths:
            name = str(Path(path))
            with open(path, "rb") as f:
                for lineno, raw in enumerate(f, start=1):
                    decision = decisions.pop(f"{name}:{lineno}", None)
                    if decision is None:
                        continue  # blank lines, input errors and duplicate ids
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
                            rep = representatives[cluster]
                            if b'"cluster"' in raw or b'"representative"' in raw:
                                dropped_f(_reencoded(raw, text_field, cluster, rep))
                            else:
                                dropped_f(b'%s, "cluster": %d, "representative": %s}\n' % (raw[:-2].rstrip(), cluster, rep))
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
