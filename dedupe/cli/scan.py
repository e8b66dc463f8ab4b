"""``dedupe scan``: write the JSON (and HTML) report of a corpus."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..model import FAIL_ON
from ..rules import select_rules
from . import common as c
from .app import app


@app.command()
@c.grouped
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
    paths: c.Given = c.REPORT_PATHS,
    min_passage_words: Annotated[
        Optional[int],
        typer.Option("--min-passage-words", metavar="N", help="Shortest shared passage reported, in words in common [default: 8]."),
    ] = None,
    no_passages: c.NoPassages = False,
    no_timestamp: c.NoTimestamp = False,
    fail_on: c.FailOn = None,
    reader: c.Given = c.READER,
    hashing: c.Given = c.HASHING,
    staged: c.Given = c.STAGING,
    no_language: c.NoLanguage = False,
    rules: c.Given = c.RULES,
    baseline: c.Baseline = None,
    config_file: c.ConfigFile = None,
    quiet: c.Quiet = False,
):
    """Scan INPUT... for near-duplicate articles, shared passages and translation artifacts, and
    write the report. With --against ARCHIVE, INPUT... are drafts checked against the archive.

    Exit codes: 0 success; 1 when --fail-on is met; 2 usage or input errors (the report is
    still written, with the errors in it).
    """
    # imported here, not at start-up: ``dedupe --help`` need not load numpy or the writers
    from .. import api
    from ..io.readers import read_inputs

    with c.errors_to_exit():
        config, extras = c.build_config(
            config_file,
            **hashing,
            detect_language=False if no_language else None,
            **c.rule_settings(rules),
            passage_min_words=min_passage_words,
            passages=False if no_passages else None,
        )
        if config.rules:
            select_rules(config.select, config.ignore)  # unknown rule ids fail before reading
        c.check_format(reader.format)
        out = Outputs.of(extras, **paths, fail_on=fail_on, baseline=baseline, quiet=quiet)
        staging = c.staging(**staged)
        if staging is not None and against:
            c.fail("--against runs in one process only (not with --engine ray or --work-dir)")

        def run(progress):
            if staging is not None:
                from ..distributed.commands import scan_files
                from ..distributed.pipeline import Inputs

                return scan_files(
                    Inputs(tuple(inputs), *reader.values()), config, staging, progress, not no_timestamp,
                    baseline=out.baseline,
                )
            return api.scan(
                read_inputs(inputs, *reader.values()),
                config,
                archive=read_inputs(against, *reader.values()) if against else None,
                baseline=out.baseline,  # read before the documents: a bad file fails early
                progress=progress,
                timestamp=not no_timestamp,
            )

        report = out.make(run)
        out.finish(report)


@dataclass
class Outputs:
    """Where a report goes and what ends the run (shared by ``scan`` and ``check``)."""

    json_path: str
    html_path: Optional[str]
    fail_on: str
    baseline: Optional[Path]
    quiet: bool

    @classmethod
    def of(cls, extras: dict, json_path, html_path, no_html: bool, fail_on, baseline, quiet: bool) -> "Outputs":
        """Checked before any reading: a bad path or --fail-on fails at once, not after a long scan."""
        from ..io.writers import check_writable

        baseline = baseline or extras.get("baseline")
        fail_on = fail_on or extras.get("fail_on", "never")
        if fail_on not in FAIL_ON:
            c.fail(f"--fail-on must be one of {', '.join(FAIL_ON)}, got {fail_on!r}")
        json_path = json_path or extras.get("json", "reports/report.json")
        html_path = None if no_html else html_path or extras.get("html", "reports/report.html")
        if json_path == "-" and html_path == "-":
            c.fail("--json - and --html - cannot both write to stdout (give --html a file or --no-html)")
        for path in (json_path, html_path):
            if path:
                check_writable(path)
        return cls(json_path, html_path, fail_on, baseline, quiet)

    def make(self, run):
        """The report of ``run(progress)``, written; progress on stderr unless --quiet."""
        progress = c.StageProgress(quiet=self.quiet)
        try:
            report = run(progress)
            self.write(report, progress)
        finally:
            progress.close()
        return report

    def write(self, report, progress) -> None:
        from ..io.writers import json as json_writer

        progress("write JSON", 0, 1)
        json_writer.write(report, self.json_path)
        if self.html_path:
            from ..io.writers import html as html_writer  # jinja2: only for an HTML report

            progress("write HTML", 0, 1)
            html_writer.write(report, self.html_path)

    def finish(self, report) -> None:
        """Print the input errors and the summary, and exit with the run's code."""
        c.report_input_errors(report.errors)
        if not self.quiet:
            from rich.console import Console

            from .summary import print_summary

            console = Console(stderr="-" in (self.json_path, self.html_path))
            outputs = [p for p in [self.json_path, self.html_path] if p and p != "-"]
            print_summary(report, console, outputs)
        if report.errors:
            raise typer.Exit(c.EXIT_ERROR)
        if report.fails(self.fail_on):
            raise typer.Exit(c.EXIT_FAIL_ON)
