"""The short terminal summary of a report (rich); the findings per rule are counted once, in
the findings table."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..model import Report
from .common import printable
from .findings_summary import print_findings


def print_summary(report: Report, console: Console, outputs: list[str], baseline_hidden=None) -> None:
    s = report.summary
    table = Table(title="dedupe scan", show_header=False, title_justify="left")
    table.add_column("what")
    table.add_column("count", justify="right")
    drafts = [d for d in report.documents if d.role == "draft"]
    if drafts:  # drafts checked against an archive: nothing is dropped, drafts are matched
        table.add_row("drafts", str(len(drafts)))
        table.add_row("archive documents", str(s["documents"] - len(drafts)))
        table.add_row("drafts in a near-duplicate cluster", str(sum(1 for d in drafts if d.cluster is not None)))
    else:
        table.add_row("documents", str(s["documents"]))
        table.add_row("near-duplicate clusters", str(s["clusters"]))
        table.add_row("duplicates dropped", str(s["duplicates_dropped"]))
    table.add_row("shared passages", str(s["passages"]))
    table.add_row("input errors", str(s["errors"]))
    console.print(table)
    print_findings(report, console, baseline_hidden)
    for path in outputs:
        console.print(f"wrote {escape(printable(path))}")  # a path is not rich markup: "out[/]"
