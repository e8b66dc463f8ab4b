"""The app is set up once here; commands register themselves from their own modules."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from .. import __version__

app = typer.Typer(
    name="dedupe",
    help="Find shared wire copy, near-duplicate articles and machine-translation artifacts in news corpora.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

STATE = {"debug": False}


def _version(value: bool):
    if value:
        typer.echo(f"dedupe {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    version: Annotated[
        Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = None,
):
    STATE["debug"] = debug


def _register():
    from . import dedup, rules, scan  # noqa: F401  (commands register on import)


_register()


def main(argv: Optional[list] = None) -> None:
    """Console entry point; exit codes: 0 ok, 1 ``--fail-on`` met, 2 usage or input errors."""
    try:
        app(args=argv, prog_name="dedupe", standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover
        sys.stderr.write("dedupe: interrupted\n")
        sys.exit(130)
