"""Reading a document's text again from its source (see :class:`~dedupe.model.Source`)."""

from __future__ import annotations

from pathlib import Path

from ...model import Source
from . import jsonl, text


def read_record(path: str, source: Source) -> tuple[str, dict]:
    """The text and the other input fields of a document, read again."""
    if source.kind == "jsonl":
        return jsonl.read_record_at(path, source.offset, source.text_field)
    if source.kind == "file":
        result = text.decode(Path(path).read_bytes(), path)
        if isinstance(result, str):
            return result, {}
        raise ValueError(str(result))
    raise ValueError(f"cannot read {source.kind!r} sources again")
