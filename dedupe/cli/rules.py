"""``dedupe rules``: list the translation-artifact rules."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from ..rules import all_rules
from . import common as c
from .app import app


def rule_listing() -> list[dict]:
    """Every registered rule as data: id, severity, scope, description, and the measured
    precision of each path to a finding (the findings' ``confidence``)."""
    return [
        {"id": r.id, "severity": r.severity, "scope": r.scope, "description": r.description,
         "confidence": dict(r.confidence)}
        for r in all_rules()
    ]


@app.command("rules")
def rules_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
):
    """List the rules: id, default severity, scope (document or corpus) and description."""
    with c.errors_to_exit():
        listing = rule_listing()
        if as_json:
            typer.echo(json.dumps(listing, indent=2))
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(show_header=True, header_style="bold")
        for col in ("id", "severity", "scope", "description"):
            table.add_column(col, overflow="fold")
        for r in listing:
            table.add_row(r["id"], r["severity"], r["scope"], r["description"])
        Console().print(table)
