"""``dedupe archive add|info|remove|compact``: build and keep a persistent archive for ``dedupe check``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from . import common as c
from .app import app

if TYPE_CHECKING:
    from ..archive import Archive

archive_app = typer.Typer(
    help="Build and keep a persistent archive (SQLite) that 'dedupe check' checks drafts against.",
    no_args_is_help=True,
)
app.add_typer(archive_app, name="archive")

# the archive and the readers are imported inside the commands: ``dedupe --help`` need not load numpy
Db = Annotated[str, typer.Option("--db", metavar="FILE", help="The archive file (SQLite); created by 'archive add' if missing.")]


def open_archive(db: str, given: dict, create: bool) -> "Archive":
    """The archive at ``db``: a new one with ``given`` settings, or an existing one, checked
    against the index settings in ``given`` (an error names both)."""
    from pathlib import Path

    from ..archive import INDEX_FIELDS, Archive, ArchiveError
    from ..config import Config

    if not Path(db).exists():
        if not create:
            raise ArchiveError(f"{db}: no such archive (create one with 'dedupe archive add')")
        return Archive.open(db, Config(**given))
    probe = Archive.open(db, create=False)
    config = probe.config
    probe.close()
    index = {k: v for k, v in given.items() if k in INDEX_FIELDS}
    checked = Config(**{**{k: getattr(config, k) for k in INDEX_FIELDS}, **index}) if index else None
    archive = Archive.open(db, checked, create=False)
    rest = {k: v for k, v in given.items() if k not in INDEX_FIELDS}
    return archive.with_settings(**rest) if rest else archive


@archive_app.command("add")
@c.grouped
def add(
    inputs: c.Inputs,
    db: Db,
    on_duplicate: Annotated[
        str,
        typer.Option("--on-duplicate", metavar="WHAT", help="An id already in the archive: error (default, names the id), skip or replace."),
    ] = "error",
    reader: c.Given = c.READER,
    hashing: c.Given = c.ARCHIVE_HASHING,
    no_language: c.NoLanguage = False,
    workers: c.Workers = None,
    config_file: c.ConfigFile = None,
    quiet: c.Quiet = False,
):
    """Add INPUT... to the archive (created if missing), one transaction per batch of 10,000.

    The archive records its hashing settings; adding with other settings is an error.
    Exit codes: 0 success; 2 usage or input errors (readable documents are still added).
    """
    from ..archive import ON_DUPLICATE
    from ..io.readers import read_inputs
    from ..parallel import keep_freed_memory

    with c.errors_to_exit():
        if on_duplicate not in ON_DUPLICATE:
            c.fail(f"--on-duplicate must be one of {', '.join(ON_DUPLICATE)}, got {on_duplicate!r}")
        c.check_format(reader.format)
        given, _ = c.given_settings(config_file, **hashing, workers=workers,
                                    detect_language=False if no_language else None)
        keep_freed_memory()  # (a bulk add makes and drops arrays of tens of MB per batch)
        with open_archive(db, given, create=True) as archive:
            result = archive.add(read_inputs(inputs, *reader.values()), on_duplicate)
        c.report_input_errors(result.errors)
        if not quiet:
            typer.echo(f"added {result.added}, replaced {result.replaced}, skipped {result.skipped}, "
                       f"input errors {len(result.errors)} ({db})", err=True)
        if result.errors:
            raise typer.Exit(c.EXIT_ERROR)


@archive_app.command("info")
def info(db: Db):
    """Print the archive's counts, parameters and size as JSON."""
    from ..archive import Archive

    with c.errors_to_exit():
        with Archive.open(db, create=False, readonly=True) as archive:
            typer.echo(json.dumps(archive.info(), indent=2))


@archive_app.command("compact")
def compact(db: Db):
    """Merge the archive's index runs into one per kind (one transaction): checks read fewer
    rows (at a quiet hour after many small adds; an add that at least doubles the index
    merges its runs itself)."""
    from ..archive import Archive

    with c.errors_to_exit():
        with Archive.open(db, create=False) as archive:
            archive.compact()


@archive_app.command("remove")
def remove(ids: Annotated[list[str], typer.Argument(metavar="ID...", help="Ids of the documents to remove.")], db: Db):
    """Remove documents by id (one transaction). Exit code 2 when an id is not in the archive."""
    from ..archive import Archive

    with c.errors_to_exit():
        with Archive.open(db, create=False) as archive:
            missing = archive.remove(ids)
        for i in missing:
            typer.echo(f"dedupe: {i!r} is not in the archive", err=True)
        if missing:
            raise typer.Exit(c.EXIT_ERROR)
