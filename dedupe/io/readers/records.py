"""Turning one record (a dict from JSONL, CSV or Parquet) into a Document."""

from __future__ import annotations

from typing import Optional, Union

from ...model import Document, InputError, Source


def to_document(
    record, path: str, line: Optional[int], id_field: str, text_field: str, source: Optional[Source] = None
) -> Union[Document, InputError]:
    if not isinstance(record, dict):
        return InputError(path, line, f"expected an object, got {type(record).__name__}")
    if id_field not in record or record[id_field] in (None, ""):
        return InputError(path, line, f"missing id field {id_field!r} (set --id-field)")
    if text_field not in record:
        return InputError(path, line, f"missing text field {text_field!r} (set --text-field)")
    if record[text_field] is None:  # a Parquet or JSON null: the field is there, its text is not
        return InputError(path, line, f"text field {text_field!r} is null")
    doc_id, text = record[id_field], record[text_field]
    if isinstance(doc_id, (dict, list, bool)) or not isinstance(doc_id, (str, int)):
        return InputError(path, line, f"id field {id_field!r} must be a string or integer")
    if not isinstance(text, str):
        return InputError(path, line, f"text field {text_field!r} must be a string")
    fields = record.copy()
    del fields[text_field]
    return Document(id=str(doc_id), text=text, path=path, line=line, fields=fields, source=source)
