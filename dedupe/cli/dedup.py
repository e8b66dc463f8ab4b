"""``dedupe dedup``: write the kept documents (and the dropped ones) as JSONL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from .. import api
from ..io.readers import read_inputs
from ..io.writers import atomic_write_text
from . import common as c
from .app import app


@app.command()
def dedup(
    inputs: c.Inputs,
    out: Annotated[str, typer.Option("--out", help="JSONL file for the kept documents ('-' for stdout).")],
    dropped: Annotated[
        Optional[str], typer.Option("--dropped", help="JSONL file for the dropped documents, with their cluster and representative.")
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
    config_file: c.ConfigFile = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print no summary.")] = False,
):
    """Drop near-duplicates: keep one representative per cluster, with all its input fields.

    Exit codes: 0 success; 2 usage or input errors (outputs are still written).
    """
    with c.errors_to_exit():
        config, _ = c.build_config(
            config_file,
            threshold=threshold,
            containment=containment,
            ngram=ngram,
            shingle=shingle,
            num_perm=num_perm,
            seed=seed,
            keep=keep,
            detect_language=False,
            passages=False,
            rules=False,
        )
        docs = []

        def collect(items):
            for item in items:
                if hasattr(item, "text"):
                    docs.append(item)
                yield item

        progress = c.StageProgress()
        try:
            report = api.scan(collect(read_inputs(inputs, format, id_field, text_field)), config, progress=progress)
        finally:
            progress.close()
        by_id = {d.id: d for d in report.documents}
        clusters = {cl.id: cl for cl in report.clusters}
        kept_lines, dropped_lines = [], []
        for doc in docs:
            result = by_id.get(doc.id)
            if result is None:  # a duplicate id, already reported as an error
                continue
            record = dict(doc.fields) if doc.fields else {id_field: doc.id, "path": doc.path}
            record[text_field] = doc.text
            if result.keep:
                kept_lines.append(json.dumps(record, ensure_ascii=False))
            else:
                record["cluster"] = result.cluster
                record["representative"] = clusters[result.cluster].representative
                dropped_lines.append(json.dumps(record, ensure_ascii=False))
        atomic_write_text(out, "".join(line + "\n" for line in kept_lines))
        if dropped:
            atomic_write_text(dropped, "".join(line + "\n" for line in dropped_lines))
        c.report_input_errors(report.errors)
        if not quiet:
            Console(stderr=True).print(
                f"kept {len(kept_lines)} of {len(kept_lines) + len(dropped_lines)} documents; "
                f"dropped {len(dropped_lines)} in {len(report.clusters)} clusters"
            )
        if report.errors:
            raise typer.Exit(c.EXIT_ERROR)
