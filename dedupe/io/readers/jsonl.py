"""JSON Lines (``.jsonl``, ``.ndjson``, optionally gzipped), one object per line."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import IO, Iterable, Iterator, Optional, Union

from ...model import Document, InputError, Source
from .text import wide_encoding
from .records import to_document


_decode_value = json.JSONDecoder().raw_decode  # json.loads' own decoder, without its wrapper

try:  # optional (the ``fast`` extra; Apache-2.0 or MIT): a news article's line ~2x as fast
    from orjson import loads as _orjson_loads
except ImportError:  # pragma: no cover - the standard library's json alone
    _orjson_loads = None


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


def record_of(raw: bytes) -> Optional[dict]:
    """The object of one JSONL line (bytes) decoded by orjson when it is surely what
    ``json.loads`` of the line decoded as UTF-8 gives, else None (then decode it that way:
    the line is not an object, orjson refused it, or it has a number orjson may read
    otherwise). orjson refuses what json refuses (invalid UTF-8, bad syntax, trailing
    data), and also NaN, Infinity, lone surrogates and nesting beyond 1,024 levels, which
    json reads or reports in its own words; the one thing it reads otherwise is an integer
    beyond 64 bits, which it reads as a float: a record with an integral float that large
    is decoded by json."""
    if _orjson_loads is None:
        return None
    try:
        value = _orjson_loads(raw)
        return value if type(value) is dict and _exact(value) else None
    except (ValueError, RecursionError):  # (orjson.JSONDecodeError is a ValueError)
        return None


_BIG = float(1 << 63)


def _exact(value) -> bool:
    """Whether ``value`` (a dict or list decoded by orjson) holds no float that may have been
    an integer beyond 64 bits."""
    for v in value.values() if type(value) is dict else value:
        t = type(v)
        if t is str or t is int or v is None or t is bool:
            continue
        if t is float:
            if abs(v) >= _BIG and v.is_integer():
                return False
        elif not _exact(v):  # (a dict or a list: nothing else is decoded)
            return False
    return True


def read_stream(
    stream: Iterable[bytes], path: str, id_field: str, text_field: str, seekable: bool = False, offset: int = 0
) -> Iterator[Union[Document, InputError]]:
    """Records of a JSONL stream; with ``seekable``, each document knows the byte offset of
    its line, so its text can be read again later (:func:`read_record_at`). ``offset``: the
    byte offset of the stream's first line in its file (then its lines are numbered from 1
    all the same; the byte-order mark and encoding checks apply to a file's start only)."""
    at_start = offset == 0
    missing: dict = {}  # a wrong --text-field or --id-field: one error, then a count
    for lineno, raw in enumerate(stream, start=1):
        start, offset = offset, offset + len(raw)
        if lineno == 1 and at_start:
            if raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
                start += 3
            wide = wide_encoding(raw)
            if wide:  # the whole stream is in another encoding: one error, not one per line
                yield InputError(path, None, f"looks like {wide}, not UTF-8: convert it (iconv -f {wide} -t UTF-8)")
                return
        if not raw or raw.isspace():  # (``not raw.strip()`` without a copy of the line)
            continue
        record = record_of(raw)
        if record is None:
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
    return read_records_at(path, [offset], text_field)[0]


def read_records_at(path: str, offsets, text_field: str) -> list[tuple[str, dict]]:
    """:func:`read_record_at` for several offsets of one file (opened once)."""
    out = []
    with open(path, "rb") as f:
        for offset in offsets:
            f.seek(offset)
            raw = f.readline()
            record = record_of(raw)
            if record is None:
                record = json.loads(raw.decode("utf-8"))
            out.append((record.pop(text_field), record))
    return out


def read_file(path: Path, id_field: str, text_field: str) -> Iterator[Union[Document, InputError]]:
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    try:
        with opener(path, "rb") as f:
            yield from read_stream(f, str(path), id_field, text_field, seekable=opener is open)
    except OSError as e:
        yield InputError(str(path), None, f"cannot read: {e.strerror or e}")


def read_range(
    path: Path, start: int, end: int, id_field: str, text_field: str, counter: Optional[list] = None
) -> Iterator[Union[Document, InputError]]:
    """Records of the lines of a plain JSONL file that start in bytes ``[start, end)``, their
    line numbers counted from the range's first line (1). With ``counter`` (a one-item list),
    ``counter[0]`` ends as the number of lines in the range."""
    try:
        with open(path, "rb") as f:
            first = range_start(f, start)
            yield from read_stream(range_lines(f, first, end, counter), str(path), id_field, text_field, True, first)
    except OSError as e:
        yield InputError(str(path), None, f"cannot read: {e.strerror or e}")


def range_start(f: IO[bytes], start: int) -> int:
    """The offset of the first line that starts at or after ``start`` (``f`` is left there)."""
    if start > 0:
        f.seek(start - 1)
        if f.read(1) != b"\n":
            f.readline()  # the rest of a line that started before the range
    else:
        f.seek(0)
    return f.tell()


def range_lines(f: IO[bytes], first: int, end: int, counter: Optional[list] = None) -> Iterator[bytes]:
    """The lines that start in ``[first, end)``, ``f`` positioned at ``first``."""
    at, n = first, 0
    while at < end:
        line = f.readline()
        if not line:
            break
        n += 1
        at += len(line)
        yield line
    if counter is not None:
        counter[0] = n
