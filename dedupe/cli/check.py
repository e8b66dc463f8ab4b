"""``dedupe check``: drafts against a persistent archive, with the report of ``scan --against``."""

from __future__ import annotations

from typing import Annotated

import typer

from ..rules import select_rules
from . import common as c
from .app import app
from .archive import open_archive
from .scan import Outputs

Archive = Annotated[str, typer.Option("--archive", metavar="FILE", help="The archive file built with 'dedupe archive add'.")]


@app.command()
def check(
    inputs: c.Inputs,
    archive: Archive,
    json_path: c.JsonPath = None,
    html_path: c.HtmlPath = None,
    no_html: c.NoHtml = False,
    no_passages: c.NoPassages = False,
    no_timestamp: c.NoTimestamp = False,
    fail_on: c.FailOn = None,
    format: c.Format = None,
    id_field: c.IdField = "id",
    text_field: c.TextField = "text",
    containment: c.Containment = None,
    keep: c.Keep = None,
    select: c.Select = None,
    ignore: c.Ignore = None,
    min_severity: c.MinSeverity = None,
    no_rules: c.NoRules = False,
    baseline: c.Baseline = None,
    config_file: c.ConfigFile = None,
    quiet: c.Quiet = False,
):
    """Check draft INPUT... against an archive: the report of 'scan INPUT --against ARCHIVE'
    (near-duplicates, shared passages, findings in the drafts), reading only the archive
    documents the drafts' keys lead to. The hashing settings are the archive's.

    Exit codes: 0 success; 1 when --fail-on is met; 2 usage or input errors.
    """
    from ..io.readers import FORMATS, read_inputs  # not at start-up: numpy

    with c.errors_to_exit():
        given, extras = c.given_settings(
            config_file, containment=containment, keep=keep, select=select, ignore=ignore,
            min_severity=min_severity, rules=False if no_rules else None, passages=False if no_passages else None,
        )
        given = {k: v for k, v in given.items() if k in CHECK_SETTINGS}
        if format is not None and format not in FORMATS:
            c.fail(f"--format must be one of {', '.join(FORMATS)}, got {format!r}")
        out = Outputs.of(extras, json_path, html_path, no_html, fail_on, baseline, quiet)
        from ..archive.check import check as run_check

        with open_archive(archive, given, create=False) as store:
            if store.config.rules:
                select_rules(store.config.select, store.config.ignore)
            progress = c.StageProgress(quiet=quiet)
            try:
                report = run_check(
                    read_inputs(inputs, format, id_field, text_field),
                    store,
                    baseline=out.baseline,
                    progress=progress,
                    timestamp=not no_timestamp,
                )
                out.write(report, progress)
            finally:
                progress.close()
        out.finish(report)


# settings a check may choose; the hashing settings are the archive's
CHECK_SETTINGS = {"containment", "keep", "passages", "passage_min_words", "passage_max_df", "rules", "select",
                  "ignore", "min_severity"}
