"""JSON Lines (``.jsonl``, ``.ndjson``, optionally gzipped), one object per line."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import IO, Iterator, Union

from ...model import Document, InputError, Source
from .text import wide_encoding
from .records import to_document


_decode_value = json.JSONDecoder().raw_decode  # json.loads' own decoder, without its wrapper


def loads(line: str):
    """``json.loads(line)`` (same result, same errors), skipping its two whitespace regex
    matches when the line starts with its value and ends with JSON whitespace only."""
    try:
        value, end = _decode_value(line)
    except json.JSONDecodeError:
        return json.loads(line)  # for its error message (or leading whitespace)
    if end == len(line) or not line[end:].strip(" \t\n\r"):
        return value
    return json.loads(line)


def read_stream(
    stream: IO[bytes], path: str, id_field: str, text_field: str, seekable: bool = False
) -> Iterator[Union[Document, InputError]]:
    """Records of a JSONL stream; with ``seekable``, each document knows the byte offset of
    its line, so its text can be read again later (:func:`read_text_at`)."""
    offset = 0
    missing: dict = {}  # a wrong --text-field or --id-field: one error, then a count
    for lineno, raw in enumerate(stream, start=1):
        start, offset = offset, offset + len(raw)
        if lineno == 1:
            if raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
                start += 3
            wide = wide_encoding(raw)
            if wide:  # the whole stream is in another encoding: one error, not one per line
                yield InputError(path, None, f"looks like {wide}, not UTF-8: convert it (iconv -f {wide} -t UTF-8)")
                return
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            yield InputError(path, lineno, f"not valid UTF-8: byte 0x{raw[e.start]:02x} at column {e.start + 1}")
            continue
        try:
            record = loads(line)
        except json.JSONDecodeError as e:
            yield InputError(path, lineno, f"malformed JSON: {e.msg} at column {e.colno}")
            continue
        except RecursionError:  # a line of 3,000 nested brackets is one bad line
            yield InputError(path, lineno, "malformed JSON: nested too deeply")
            continue
        item = to_document(record, path, lineno, id_field, text_field, Source("jsonl", start, text_field) if seekable else None)
        if isinstance(item, InputError) and isinstance(record, dict) and item.message.startswith("missing "):
            missing[item.message] = missing.get(item.message, 0) + 1
            if missing[item.message] > 1:  # said once, counted after
                continue
            item = InputError(path, lineno, f"{item.message}; the fields are {', '.join(map(str, record)) or 'none'}")
        yield item
    for message, count in missing.items():
        if count > 1:
            yield InputError(path, None, f"{count - 1} more lines with the same error ({message})")


def read_record_at(path: str, offset: int, text_field: str) -> tuple[str, dict]:
    """The text and other fields of the JSONL record whose line starts at byte ``offset``."""
    with open(path, "rb") as f:
        f.seek(offset)
        record = json.loads(f.readline().decode("utf-8"))
    return record.pop(text_field), record


def read_file(path: Path, id_field: str, text_field: str) -> Iterator[Union[Document, InputError]]:
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    try:
        with opener(path, "rb") as f:
            yield from read_stream(f, str(path), id_field, text_field, seekable=opener is open)
    except OSError as e:
        yield InputError(str(path), None, f"cannot read: {e.strerror or e}")
