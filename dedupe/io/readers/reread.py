"""Reading a document's text again from its source (see :class:`~dedupe.model.Source`)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from ...errors import InputFileError
from ...model import Source
from . import jsonl, text


def read_record(path: str, source: Source) -> tuple[str, dict]:
    """The text and the other input fields of a document, read again. A file changed (or
    removed) since it was first read is an :class:`InputFileError` naming it, not a crash."""
    with _changed(path):
        if source.kind == "jsonl":
            result = jsonl.read_record_at(path, source.offset, source.text_field)
        elif source.kind == "file":
            result = text.decode(Path(path).read_bytes(), path)
            result = (result, {}) if isinstance(result, str) else None
        else:
            raise ValueError(f"cannot read {source.kind!r} sources again")
        if result is None or not isinstance(result[0], str):
            raise ValueError("its document is no longer there")
    return result


def read_records(path: str, sources: list[Source]) -> list[tuple[str, dict]]:
    """:func:`read_record` of several documents of one file: the records of a JSONL file
    (one text field) read with the file opened once."""
    if len(sources) < 2 or any(s.kind != "jsonl" or s.text_field != sources[0].text_field for s in sources):
        return [read_record(path, s) for s in sources]
    with _changed(path):
        results = jsonl.read_records_at(path, [s.offset for s in sources], sources[0].text_field)
        if any(not isinstance(r[0], str) for r in results):
            raise ValueError("its document is no longer there")
    return results


@contextmanager
def _changed(path: str):
    try:
        yield
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as e:
        detail = getattr(e, "strerror", None) or e
        raise InputFileError(f"{path}: changed or removed during the scan ({detail}); run the scan again") from e
