"""Reading a document's text again from its source (see :class:`~dedupe.model.Source`)."""

from __future__ import annotations

from pathlib import Path

from ...errors import InputFileError
from ...model import Source
from . import jsonl, text


def read_record(path: str, source: Source) -> tuple[str, dict]:
    """The text and the other input fields of a document, read again. A file changed (or
    removed) since it was first read is an :class:`InputFileError` naming it, not a crash."""
    try:
        if source.kind == "jsonl":
            result = jsonl.read_record_at(path, source.offset, source.text_field)
        elif source.kind == "file":
            result = text.decode(Path(path).read_bytes(), path)
            result = (result, {}) if isinstance(result, str) else None
        else:
            raise ValueError(f"cannot read {source.kind!r} sources again")
        if result is None or not isinstance(result[0], str):
            raise ValueError("its document is no longer there")
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as e:
        detail = getattr(e, "strerror", None) or e
        raise InputFileError(f"{path}: changed or removed during the scan ({detail}); run the scan again") from e
    return result
