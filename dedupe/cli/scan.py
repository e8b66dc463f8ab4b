"""``dedupe scan``: write the JSON (and HTML) report of a corpus."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer
from rich.console import Console

from .. import api
from ..io.readers import read_inputs
from ..io.writers import json as json_writer
from ..model import SEVERITIES, severity_rank
from . import common as c
from .app import app
from .summary import print_summary

FAIL_ON = ("never", "duplicate", *SEVERITIES)


@app.command()
def scan(
    inputs: c.Inputs,
    json_path: Annotated[
        Optional[str], typer.Option("--json", help="JSON report path; '-' for stdout [default: reports/report.json].")
    ] = None,
    no_timestamp: Annotated[
        bool, typer.Option("--no-timestamp", help="Leave generated_at out, for byte-identical reports.")
    ] = False,
    fail_on: Annotated[
        Optional[str],
        typer.Option(
            "--fail-on",
            help="Exit 1 when met: never, duplicate (any near-duplicate cluster), or a severity "
            "(any finding at or above it) [default: never].",
        ),
    ] = None,
    format: c.Format = None,
    id_field: c.IdField = "id",
    text_field: c.TextField = "text",
    threshold: c.Threshold = None,
    containment: c.Containment = None,
    ngram: c.Ngram = None,
    shingle: c.Shingle = None,
    num_perm: c.NumPerm = None,
    seed: c.Seed = None,
    keep: c.Keep = None,
    scheme: c.Scheme = None,
    workers: c.Workers = None,
    no_language: Annotated[bool, typer.Option("--no-language", help="Skip language identification.")] = False,
    config_file: c.ConfigFile = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print no summary.")] = False,
):
    """Scan INPUT... for near-duplicate articles and write the report.

    Exit codes: 0 success; 1 when --fail-on is met; 2 usage or input errors (the report is
    still written, with the errors in it).
    """
    with c.errors_to_exit():
        config, extras = c.build_config(
            config_file,
            threshold=threshold,
            containment=containment,
            ngram=ngram,
            shingle=shingle,
            num_perm=num_perm,
            seed=seed,
            keep=keep,
            scheme=scheme,
            workers=workers,
            detect_language=False if no_language else None,
        )
        fail_on = fail_on or extras.get("fail_on", "never")
        if fail_on not in FAIL_ON:
            c.fail(f"--fail-on must be one of {', '.join(FAIL_ON)}, got {fail_on!r}")
        json_path = json_path or extras.get("json", "reports/report.json")
        progress = c.StageProgress()
        try:
            report = api.scan(
                read_inputs(inputs, format, id_field, text_field),
                config,
                progress=progress,
                timestamp=not no_timestamp,
            )
        finally:
            progress.close()
        json_writer.write(report, json_path)
        c.report_input_errors(report.errors)
        if not quiet:
            console = Console(stderr=json_path == "-")
            print_summary(report, console, [p for p in [json_path] if p != "-"])
        if report.errors:
            raise typer.Exit(c.EXIT_ERROR)
        if fail_on_met(report, fail_on):
            raise typer.Exit(c.EXIT_FAIL_ON)


def fail_on_met(report, fail_on: str) -> bool:
    if fail_on == "never":
        return False
    if fail_on == "duplicate":
        return bool(report.clusters)
    return any(severity_rank(f.severity) >= severity_rank(fail_on) for f in report.findings)
