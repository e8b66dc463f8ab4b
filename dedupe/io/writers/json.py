"""The versioned JSON report (schema: ``dedupe/schema/report.schema.json``)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Iterator

from ...model import Report
from . import atomic_write_text


def render(report: Report) -> str:
    """``json.dumps(report.to_dict(), ensure_ascii=False, indent=2)`` and a newline."""
    return "".join(chunks(report))


def chunks(report: Report) -> Iterator[str]:
    """:func:`render` in parts, made one list item (document, passage, finding ...) at a
    time: neither the report's dicts nor its text are held whole (on 30,000 articles they
    were ~10 KB an article at the end of a scan). An item is encoded alone and indented to
    its depth, which is what ``json.dumps`` of the whole gives (a newline in the output of
    ``json`` is always layout: newlines inside strings are escaped)."""
    encode = json.JSONEncoder(ensure_ascii=False, indent=2).encode
    yield "{"
    for k, (key, value, listed) in enumerate(report.sections()):
        yield ("," if k else "") + "\n  " + encode(key) + ": "
        if not listed:
            yield encode(value).replace("\n", "\n  ")
            continue
        empty = True
        for item in value:
            yield ("[" if empty else ",") + "\n    " + encode(item).replace("\n", "\n    ")
            empty = False
        yield "[]" if empty else "\n  ]"
    yield "\n}\n"


def write(report: Report, path: str) -> None:
    atomic_write_text(path, chunks(report))


def schema() -> dict:
    return json.loads(resources.files("dedupe.schema").joinpath("report.schema.json").read_text("utf-8"))
