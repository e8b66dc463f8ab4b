"""One reader per input format, chosen by suffix (or ``format=``).

Every reader yields :class:`~dedupe.model.Document` for each article it can read and
:class:`~dedupe.model.InputError` for each file or line it cannot; nothing stops the rest.
"""

from __future__ import annotations

import sys
import zlib
from pathlib import Path
from typing import IO, Iterable, Iterator, Optional, Union

from ...model import Document, InputError
from . import csv as csv_reader
from . import jsonl as jsonl_reader
from . import parquet as parquet_reader
from . import text as text_reader

FORMATS = ("folder", "text", "jsonl", "csv", "parquet")
Item = Union[Document, InputError]


def detect_format(path: str) -> str:
    if path == "-":
        return "jsonl"
    p = Path(path)
    if p.is_dir():
        return "folder"
    suffixes = [s.lower() for s in p.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    if last in (".jsonl", ".ndjson"):
        return "jsonl"
    if last == ".csv":
        return "csv"
    if last == ".parquet":
        return "parquet"
    return "text"


def read_input(
    path: str,
    format: Optional[str] = None,
    id_field: str = "id",
    text_field: str = "text",
    stdin: Optional[IO[bytes]] = None,
) -> Iterator[Item]:
    """Documents and errors from one input (a folder, a file, or ``-`` for stdin JSONL)."""
    fmt = format or detect_format(path)
    if fmt not in FORMATS:
        yield InputError(path, None, f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
        return
    if path == "-":
        yield from _read_stdin(stdin if stdin is not None else sys.stdin.buffer, format, id_field, text_field)
        return
    error = text_reader.bad_name(path)
    if error:
        yield error
        return
    p = Path(path)
    if not p.exists():
        yield InputError(path, None, "no such file or folder")
        return
    try:
        yield from _read_path(p, fmt, id_field, text_field)
    except (EOFError, zlib.error, OSError) as e:  # a truncated or corrupt .gz found mid-stream
        yield InputError(path, None, f"cannot read past the documents above: {e}")


def _read_stdin(stream: IO[bytes], format: Optional[str], id_field: str, text_field: str) -> Iterator[Item]:
    """stdin as JSONL (the default), one text document (``--format text``) or CSV."""
    name = "<stdin>"
    if format in (None, "jsonl"):
        yield from jsonl_reader.read_stream(stream, name, id_field, text_field)
    elif format == "text":
        text = text_reader.decode(stream.read(), name)
        yield text if isinstance(text, InputError) else Document(id="stdin", text=text, path=name)
    elif format == "csv":
        yield from csv_reader.read_text(stream.read(), name, id_field, text_field)
    else:
        yield InputError(name, None, f"cannot read {format} from stdin (give a file, or use jsonl, text or csv)")


def _read_path(p: Path, fmt: str, id_field: str, text_field: str) -> Iterator[Item]:
    path = str(p)
    if fmt == "folder":
        if not p.is_dir():
            yield InputError(path, None, "not a folder")
            return
        yield from text_reader.read_folder(p)
    elif fmt == "text":
        yield from text_reader.read_file(p, p.with_suffix("").name if p.suffix else p.name)
    elif fmt == "jsonl":
        yield from jsonl_reader.read_file(p, id_field, text_field)
    elif fmt == "csv":
        yield from csv_reader.read_file(p, id_field, text_field)
    elif fmt == "parquet":
        yield from parquet_reader.read_file(p, id_field, text_field)


def read_inputs(
    paths: Iterable[str],
    format: Optional[str] = None,
    id_field: str = "id",
    text_field: str = "text",
    stdin: Optional[IO[bytes]] = None,
) -> Iterator[Item]:
    """Documents and errors from every input in order (ids are checked for duplicates where
    the documents are ingested, :mod:`dedupe.ingest`)."""
    for path in paths:
        yield from read_input(path, format, id_field, text_field, stdin)
