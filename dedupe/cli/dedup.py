"""``dedupe dedup``: write the kept documents (and the dropped ones) as JSONL."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from . import common as c
from .app import app


@app.command()
@c.grouped
def dedup(
    inputs: c.Inputs,
    out: Annotated[str, typer.Option("--out", metavar="PATH", help="JSONL file for the kept documents ('-' for stdout).")],
    dropped: Annotated[
        Optional[str], typer.Option("--dropped", metavar="PATH", help="JSONL file for the dropped documents, with their cluster and representative.")
    ] = None,
    reader: c.Given = c.READER,
    hashing: c.Given = c.HASHING,
    staged: c.Given = c.STAGING,
    config_file: c.ConfigFile = None,
    quiet: c.Quiet = False,
):
    """Drop near-duplicates: keep one representative per cluster, with all its input fields.

    Exit codes: 0 success; 2 usage or input errors (outputs are still written).
    """
    # imported here, not at start-up: ``dedupe --help`` need not load numpy
    from .. import api
    from ..io.readers import read_inputs
    from ..io.writers import check_writable
    from ..io.writers.dedup import same_output, write_split, write_split_inputs

    with c.errors_to_exit():
        config, _ = c.build_config(
            config_file,
            **hashing,
            detect_language=False,
            passages=False,
            rules=False,
        )
        for option, path in (("--out", out), ("--dropped", dropped)):
            if path is None:
                continue
            for source in inputs:
                if source != "-" and same_output(path, source):
                    c.fail(f"{option} {path} is an input: it would replace its own input (write elsewhere)")
            check_writable(path)  # before a long scan, not after
        staging = c.staging(**staged)
        if staging is not None:
            from ..distributed.commands import dedup_files
            from ..distributed.pipeline import Inputs

            kept_n, dropped_n, clusters, errors = dedup_files(
                Inputs(tuple(inputs), *reader.values()), config, staging, out, dropped
            )
            _summary(errors, kept_n, dropped_n, clusters, quiet)
            return
        readable_again = "-" not in inputs
        held: list = []  # stdin cannot be read twice: only then are its documents held

        def source():
            items = read_inputs(inputs, *reader.values())
            return items if readable_again else (held.append(i) or i for i in items)

        progress = c.StageProgress(quiet=quiet)
        try:
            report = api.scan(source(), config, progress=progress)
        finally:
            progress.close()
        if readable_again:
            kept_n, dropped_n = write_split_inputs(report, inputs, out, dropped, *reader.values())
        else:
            kept_n, dropped_n = write_split(report, held, out, dropped, reader.id_field, reader.text_field)
        _summary(report.errors, kept_n, dropped_n, len(report.clusters), quiet)


def _summary(errors, kept_n: int, dropped_n: int, clusters: int, quiet: bool) -> None:
    c.report_input_errors(errors)
    if not quiet:
        from rich.console import Console

        Console(stderr=True).print(
            f"kept {kept_n} of {kept_n + dropped_n} documents; dropped {dropped_n} in {clusters} clusters"
        )
    if errors:
        raise typer.Exit(c.EXIT_ERROR)
