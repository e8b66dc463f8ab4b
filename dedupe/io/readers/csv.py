"""CSV with a header row; fields other than the text are kept for output."""

from __future__ import annotations

import csv
import gzip
import io
import sys
from pathlib import Path
from typing import Iterator, Union

from ...model import Document, InputError
from .records import to_document
from .text import decode

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read_file(path: Path, id_field: str, text_field: str) -> Iterator[Union[Document, InputError]]:
    try:
        data = path.read_bytes()
        if path.suffix.lower() == ".gz":
            data = gzip.decompress(data)
    except OSError as e:
        yield InputError(str(path), None, f"cannot read: {e.strerror or e}")
        return
    yield from read_text(data, str(path), id_field, text_field)


def read_text(data: bytes, name: str, id_field: str, text_field: str) -> Iterator[Union[Document, InputError]]:
    """The records of CSV bytes (header row first); ``name`` is the file named in errors."""
    path = name
    text = decode(data, str(path))
    if isinstance(text, InputError):
        yield text
        return
    # strict: a quote left open is an error at the end of the file, not every later row
    # silently taken into one text
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = reader.fieldnames
    except csv.Error as e:
        yield InputError(str(path), 1, f"malformed CSV header: {e}")
        return
    if not header:
        return
    for field in (id_field, text_field):
        if field not in header:
            yield InputError(str(path), 1, f"no column {field!r} in the header ({', '.join(header)})")
            return
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            if "unexpected end of data" in str(e):
                yield InputError(
                    str(path), start, "unterminated quote: the quoted field of this row runs to the end of the file"
                )
                break
            yield InputError(str(path), start, f"malformed CSV: {e}")
            start = max(start, reader.line_num) + 1  # the reader does not count the bad line
            continue
        if None in row:
            yield InputError(str(path), start, "more fields than the header")
        else:
            yield to_document(dict(row), str(path), start, id_field, text_field)
        start = reader.line_num + 1
