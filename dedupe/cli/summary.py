"""The short terminal summary of a report (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..model import Report
from .findings_summary import print_findings


def print_summary(report: Report, console: Console, outputs: list[str], baseline_hidden=None) -> None:
    s = report.summary
    table = Table(title="dedupe scan", show_header=False, title_justify="left")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("documents", str(s["documents"]))
    table.add_row("near-duplicate clusters", str(s["clusters"]))
    table.add_row("duplicates dropped", str(s["duplicates_dropped"]))
    table.add_row("shared passages", str(s["passages"]))
    for rule, n in s["findings_by_rule"].items():
        table.add_row(f"findings: {rule}", str(n))
    table.add_row("input errors", str(s["errors"]))
    console.print(table)
    print_findings(report, console, baseline_hidden)
    for path in outputs:
        console.print(f"wrote {escape(path)}")  # a path is not rich markup: "out[/]"
