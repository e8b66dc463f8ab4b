"""The versioned JSON report (schema: ``dedupe/schema/report.schema.json``)."""

from __future__ import annotations

import json
from importlib import resources

from ...model import Report
from . import atomic_write_text


def render(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


def write(report: Report, path: str) -> None:
    atomic_write_text(path, render(report))


def schema() -> dict:
    return json.loads(resources.files("dedupe.schema").joinpath("report.schema.json").read_text("utf-8"))
