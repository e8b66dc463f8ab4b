"""``dedupe scan``: write the JSON (and HTML) report of a corpus."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ..model import FAIL_ON
from ..rules import select_rules
from . import common as c
from .app import app


@app.command()
def scan(
    inputs: c.Inputs,
    against: Annotated[
        Optional[list[str]],
        typer.Option(
            "--against",
            metavar="ARCHIVE",
            help="An archive (folder or file; repeatable) to check INPUT... against: it takes part in "
            "duplicates, passages and corpus-wide rules, but only passages involving INPUT and "
            "findings in INPUT are reported.",
        ),
    ] = None,
    json_path: Annotated[
        Optional[str], typer.Option("--json", metavar="PATH", help="JSON report path; '-' for stdout [default: reports/report.json].")
    ] = None,
    html_path: Annotated[
        Optional[str], typer.Option("--html", metavar="PATH", help="HTML report path [default: reports/report.html].")
    ] = None,
    no_html: Annotated[bool, typer.Option("--no-html", help="Write no HTML report.")] = False,
    min_passage_words: Annotated[
        Optional[int],
        typer.Option("--min-passage-words", metavar="N", help="Shortest shared passage reported, in words in common [default: 8]."),
    ] = None,
    no_passages: Annotated[bool, typer.Option("--no-passages", help="Skip shared-passage detection.")] = False,
    no_timestamp: Annotated[
        bool, typer.Option("--no-timestamp", help="Leave generated_at out, for byte-identical reports.")
    ] = False,
    fail_on: Annotated[
        Optional[str],
        typer.Option(
            "--fail-on",
            metavar="WHEN",
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
    lsh_bands: c.LshBands = None,
    lsh_rows: c.LshRows = None,
    seed: c.Seed = None,
    keep: c.Keep = None,
    scheme: c.Scheme = None,
    workers: c.Workers = None,
    no_language: Annotated[bool, typer.Option("--no-language", help="Skip language identification.")] = False,
    select: c.Select = None,
    ignore: c.Ignore = None,
    min_severity: c.MinSeverity = None,
    no_rules: Annotated[bool, typer.Option("--no-rules", help="Run no translation-artifact rules.")] = False,
    baseline: c.Baseline = None,
    config_file: c.ConfigFile = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print no summary and no progress (errors still go to stderr).")] = False,
):
    """Scan INPUT... for near-duplicate articles, shared passages and translation artifacts, and
    write the report. With --against ARCHIVE, INPUT... are drafts checked against the archive.

    Exit codes: 0 success; 1 when --fail-on is met; 2 usage or input errors (the report is
    still written, with the errors in it).
    """
    # imported here, not at start-up: ``dedupe --help`` need not load numpy or the writers
    from rich.console import Console

    from .. import api
    from ..io.readers import FORMATS, read_inputs
    from ..io.writers import check_writable
    from ..io.writers import json as json_writer
    from .summary import print_summary

    with c.errors_to_exit():
        config, extras = c.build_config(
            config_file,
            threshold=threshold,
            containment=containment,
            ngram=ngram,
            shingle=shingle,
            num_perm=num_perm,
            lsh_bands=lsh_bands,
            lsh_rows=lsh_rows,
            seed=seed,
            keep=keep,
            scheme=scheme,
            workers=workers,
            detect_language=False if no_language else None,
            select=select,
            ignore=ignore,
            min_severity=min_severity,
            rules=False if no_rules else None,
            passage_min_words=min_passage_words,
            passages=False if no_passages else None,
        )
        if config.rules:
            select_rules(config.select, config.ignore)  # unknown rule ids fail before reading
        baseline = baseline or extras.get("baseline")
        fail_on = fail_on or extras.get("fail_on", "never")
        if fail_on not in FAIL_ON:
            c.fail(f"--fail-on must be one of {', '.join(FAIL_ON)}, got {fail_on!r}")
        if format is not None and format not in FORMATS:
            c.fail(f"--format must be one of {', '.join(FORMATS)}, got {format!r}")
        json_path = json_path or extras.get("json", "reports/report.json")
        html_path = None if no_html else html_path or extras.get("html", "reports/report.html")
        if json_path == "-" and html_path == "-":
            c.fail("--json - and --html - cannot both write to stdout (give --html a file or --no-html)")
        for path in (json_path, html_path):
            if path:
                check_writable(path)  # before a long scan, not after
        progress = c.StageProgress(quiet=quiet)
        try:
            report = api.scan(
                read_inputs(inputs, format, id_field, text_field),
                config,
                archive=read_inputs(against, format, id_field, text_field) if against else None,
                baseline=baseline,  # read before the documents: a bad file fails early
                progress=progress,
                timestamp=not no_timestamp,
            )
            progress("write JSON", 0, 1)
            json_writer.write(report, json_path)
            if html_path:
                from ..io.writers import html as html_writer  # jinja2: only for an HTML report

                progress("write HTML", 0, 1)
                html_writer.write(report, html_path)
        finally:
            progress.close()
        c.report_input_errors(report.errors)
        if not quiet:
            console = Console(stderr="-" in (json_path, html_path))
            outputs = [p for p in [json_path, html_path] if p and p != "-"]
            print_summary(report, console, outputs)
        if report.errors:
            raise typer.Exit(c.EXIT_ERROR)
        if report.fails(fail_on):
            raise typer.Exit(c.EXIT_FAIL_ON)
