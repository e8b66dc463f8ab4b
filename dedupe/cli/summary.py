"""The short terminal summary of a report (rich): counts of documents, clusters, passages and
findings, the findings by rule and severity, and for a small run the top findings with
``doc:line`` and message."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..model import SEVERITIES, Finding, Report, severity_rank
from .common import printable

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


def print_findings(report: Report, console: Console) -> None:
    if report.hidden_by_baseline:
        console.print(f"{report.hidden_by_baseline} finding(s) hidden by the baseline")
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


def print_summary(report: Report, console: Console, outputs: list[str]) -> None:
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
    print_findings(report, console)
    for path in outputs:
        console.print(f"wrote {escape(printable(path))}")  # a path is not rich markup: "out[/]"
