"""JSON Lines (``.jsonl``, ``.ndjson``, optionally gzipped), one object per line."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import IO, Iterator, Union

from ...model import Document, InputError
from .records import to_document


def read_stream(
    stream: IO[bytes], path: str, id_field: str, text_field: str
) -> Iterator[Union[Document, InputError]]:
    for lineno, raw in enumerate(stream, start=1):
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            yield InputError(path, lineno, f"not valid UTF-8: byte 0x{raw[e.start]:02x} at column {e.start + 1}")
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            yield InputError(path, lineno, f"malformed JSON: {e.msg} at column {e.colno}")
            continue
        yield to_document(record, path, lineno, id_field, text_field)


def read_file(path: Path, id_field: str, text_field: str) -> Iterator[Union[Document, InputError]]:
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    try:
        with opener(path, "rb") as f:
            yield from read_stream(f, str(path), id_field, text_field)
    except OSError as e:
        yield InputError(str(path), None, f"cannot read: {e.strerror or e}")
