"""The findings part of the terminal summary: counts by rule and severity, and for a small
run the top findings with ``doc:line`` and message."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .common import printable
from ..model import SEVERITIES, Finding, Report, severity_rank

SMALL_RUN_DOCS = 50  # list individual findings only when the run is this small
TOP = 15
_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def top_findings(report: Report, n: int = TOP) -> list[Finding]:
    """The ``n`` most severe, most confident findings, in document order within a tie."""
    return sorted(report.findings, key=lambda f: (-severity_rank(f.severity), -f.confidence, f.sort_key()))[:n]


def findings_table(report: Report) -> Table:
    counts: dict = {}
    for f in report.findings:
        counts.setdefault(f.rule, dict.fromkeys(SEVERITIES, 0))[f.severity] += 1
    table = Table(title="findings", title_justify="left")
    table.add_column("rule")
    for sev in reversed(SEVERITIES):
        table.add_column(sev, justify="right", style=_STYLE[sev])
    for rule in sorted(counts):
        table.add_row(rule, *(str(counts[rule][s] or "") for s in reversed(SEVERITIES)))
    totals = [sum(c[s] for c in counts.values()) for s in reversed(SEVERITIES)]
    table.add_row("[bold]total[/]", *(str(t) for t in totals))
    return table


def print_findings(report: Report, console: Console, baseline_hidden=None) -> None:
    if baseline_hidden:
        console.print(f"{baseline_hidden} finding(s) hidden by the baseline")
    if not report.findings:
        return
    console.print(findings_table(report))
    if len(report.documents) > SMALL_RUN_DOCS:
        return
    top = top_findings(report)
    more = len(report.findings) - len(top)
    console.print(f"top findings{f' ({more} more in the report)' if more > 0 else ''}:")
    for f in top:
        where = f"{f.doc}:{line_of(report.texts.get(f.doc, ''), f.start)}"
        snippet = " ".join(f.text.split())
        snippet = snippet if len(snippet) <= 60 else snippet[:57] + "..."
        console.print(
            f"  [{_STYLE[f.severity]}]{f.severity:<7}[/] {escape(printable(where))} [bold]{f.rule}[/]: "
            f"{escape(f.message)} [dim]\u201c{escape(printable(snippet))}\u201d[/]",
            highlight=False,
        )
