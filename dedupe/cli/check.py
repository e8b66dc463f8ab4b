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
@c.grouped
def check(
    inputs: c.Inputs,
    archive: Archive,
    paths: c.Given = c.REPORT_PATHS,
    no_passages: c.NoPassages = False,
    no_timestamp: c.NoTimestamp = False,
    fail_on: c.FailOn = None,
    reader: c.Given = c.READER,
    containment: c.Containment = None,
    keep: c.Keep = None,
    rules: c.Given = c.RULES,
    baseline: c.Baseline = None,
    config_file: c.ConfigFile = None,
    quiet: c.Quiet = False,
):
    """Check draft INPUT... against an archive: the report of 'scan INPUT --against ARCHIVE'
    (near-duplicates, shared passages, findings in the drafts), reading only the archive
    documents the drafts' keys lead to. The hashing settings are the archive's.

    Exit codes: 0 success; 1 when --fail-on is met; 2 usage or input errors.
    """
    from ..io.readers import read_inputs  # not at start-up: numpy

    with c.errors_to_exit():
        given, extras = c.given_settings(
            config_file, containment=containment, keep=keep, **c.rule_settings(rules),
            passages=False if no_passages else None,
        )
        given = {k: v for k, v in given.items() if k in CHECK_SETTINGS}
        c.check_format(reader.format)
        out = Outputs.of(extras, **paths, fail_on=fail_on, baseline=baseline, quiet=quiet)
        from ..archive.check import check as run_check

        with open_archive(archive, given, create=False) as store:
            if store.config.rules:
                select_rules(store.config.select, store.config.ignore)
            report = out.make(
                lambda progress: run_check(
                    read_inputs(inputs, *reader.values()),
                    store,
                    baseline=out.baseline,
                    progress=progress,
                    timestamp=not no_timestamp,
                )
            )
        out.finish(report)


# settings a check may choose; the hashing settings are the archive's
CHECK_SETTINGS = {"containment", "keep", "passages", "passage_min_words", "passage_max_df", "rules", "select",
                  "ignore", "min_severity"}
