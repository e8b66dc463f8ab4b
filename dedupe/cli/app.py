"""The app is set up once here; commands register themselves from their own modules, which
are imported only when their command runs (``COMMANDS``)."""

from __future__ import annotations

import gc
import importlib
import os
import re
import signal
import sys
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

try:  # typer vendors click from 0.2x on
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover
    from click import exceptions as click_errors

from .. import __version__

def _plain_argument_help() -> None:
    """Show arguments as ``INPUT...`` in help, as options show their metavar: typer would
    print ``{INPUT}...`` in the usage line and the Python type (``<list[str]>``) beside it."""
    argument = getattr(getattr(typer, "core", None), "TyperArgument", None)
    if argument is None or not hasattr(argument, "_usage_display_name"):  # pragma: no cover
        return

    def usage_name(self) -> str:
        name = self.display_name_raw if self.required else f"[{self.display_name_raw}]"
        return name + ("..." if self.nargs != 1 and not name.endswith("...") else "")

    def type_shown(self, ctx):
        return None if self.metavar is not None else self.display_type(ctx)

    argument._usage_display_name = usage_name
    argument.display_type_rich = type_shown


_plain_argument_help()


# numbers written plainly, which int() and float() read as typer's adapter does ("2" for
# --workers 2, "0.8" for a threshold); anything else (signs, spaces, underscores, exponents,
# "inf") goes to typer's own coercion
_DECIMAL = {int: re.compile(r"-?[0-9]{1,18}"), float: re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,15})?")}


class _Coercion:
    """typer's coercion of one parameter (its ``RuntimeParam``), built only for a value that
    needs it. typer (0.2x) coerces every parameter of the command that runs, given or not,
    through a pydantic ``TypeAdapter`` built for it: pydantic's import and some thirty adapters,
    about 70 ms of every command. A parameter left unset needs none (typer returns None, or
    ``()`` for several values, before using the adapter), nor does a value already of its
    plain type (a ``str`` for a ``str``, strings for a ``list[str]``, an ``int`` default for an
    ``int``), nor a number written plainly (``"2"`` for an ``int``, ``"0.8"`` for a ``float``): those are answered here as typer's adapter answers them, and any other value
    (a number to parse, a path, a choice) goes to typer's own coercion
    (tests/test_cli_coercion.py compares the two)."""

    build = None  # typer's build_runtime_param

    def __init__(self, descriptor):
        self.descriptor = descriptor
        d = descriptor
        info = d.parameter_info
        self.plain = (getattr(info, "parser", None) is None and d.file_annotation is None
                      and not (d.is_path or d.is_choice or d.is_ranged or d.is_datetime or d.is_tuple))
        self.built = None

    def coerce(self, value, param, ctx):
        several = param.multiple or param.nargs == -1
        if value is None:
            return () if several else None
        kind = self.descriptor.annotation
        if self.plain:
            if not several and (kind is str and type(value) is str or kind is int and type(value) is int):
                return value
            if not several and type(value) is str and kind in _DECIMAL and _DECIMAL[kind].fullmatch(value):
                return kind(value)
            if kind == list[str] and type(value) in (list, tuple) and all(type(v) is str for v in value):
                return list(value)
        if self.built is None:
            self.built = _Coercion.build(self.descriptor)
        return self.built.coerce(value, param=param, ctx=ctx)


def _coerce_without_pydantic() -> None:
    """Let typer build each parameter's coercion as a :class:`_Coercion`."""
    core = getattr(typer, "core", None)
    build = getattr(core, "build_runtime_param", None)
    if build is None or not hasattr(getattr(core, "_TyperParameter", None), "get_runtime_param"):  # pragma: no cover
        return  # another typer: its own coercion
    _Coercion.build = build
    core.build_runtime_param = _Coercion


_coerce_without_pydantic()

# Every command: name -> (the module of dedupe.cli that registers it, the line 'dedupe --help'
# lists it with). A command's module is imported and its typer command built only when the
# command runs or its help is shown: 'dedupe --help' builds none of them, 'dedupe scan' one.
COMMANDS = {
    "scan": ("scan", "Report near-duplicates, shared passages and translation artifacts."),
    "check": ("check", "Check draft INPUT... against an archive (as 'scan --against')."),
    "dedup": ("dedup", "Drop near-duplicates: keep one representative per cluster."),
    "rules": ("rules", "List the rules: id, default severity, scope and description."),
    "serve": ("serve", "Serve POST /check, POST /archive and GET /health over an archive."),
    "archive": ("archive", "Build and keep a persistent archive (SQLite) for 'dedupe check'."),
}


class LazyCommands(TyperGroup):
    """The root group: lists ``COMMANDS`` and builds a command when it is looked up."""

    def list_commands(self, ctx) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx, name: str):
        if name not in self.commands and name in COMMANDS:
            importlib.import_module(f"{__package__}.{COMMANDS[name][0]}")
            self.commands.update(typer.main.get_command(app).commands)  # the commands registered so far
        return self.commands.get(name)

    def format_commands(self, ctx, formatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, line) for name, (_, line) in COMMANDS.items()])


app = typer.Typer(
    cls=LazyCommands,
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


class Stopped(BaseException):
    """SIGINT or SIGTERM arrived: unwind (temporary files are removed on the way), then exit
    128 + the signal's number. Not an ``Exception``: no handler of errors catches it."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _stop(signum, frame):
    raise Stopped(signum)


def main(argv: Optional[list] = None) -> None:
    """Console entry point; exit codes: 0 ok, 1 ``--fail-on`` met, 2 usage or input errors,
    3 internal errors, 130 interrupted (SIGINT), 143 terminated (SIGTERM)."""
    def say(message: str) -> None:  # the command modules (and their imports) only on an error
        from .common import say

        say(message)

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _stop)
    try:
        code = app(args=argv, prog_name="dedupe", standalone_mode=False)
    except click_errors.NoArgsIsHelpError as e:
        e.show()
        code = e.exit_code
    except click_errors.UsageError as e:  # typer's own: one line, like every other error
        where = e.ctx.command_path if e.ctx is not None else "dedupe"
        say(f"{' '.join(e.format_message().split())} (see '{where} --help')")
        code = e.exit_code
    except click_errors.ClickException as e:
        say(" ".join(e.format_message().split()))
        code = e.exit_code
    except (Stopped, typer.Abort, KeyboardInterrupt) as e:
        signum = e.signum if isinstance(e, Stopped) else signal.SIGINT
        say("interrupted" if signum == signal.SIGINT else "terminated")
        # everything is unwound (temporary files removed, workers ended): exit now, without
        # the interpreter's exit handlers, which would join the threads of a process pool
        # that the signal cut short (a "Bad file descriptor" traceback, now and then)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(128 + signum)
    # the command is done and the process exits: the collector's last full pass at exit need
    # not walk every object the command leaves behind (a scan's documents, words and report:
    # 0.15-0.3 s of the exit on ECB+); they are freed with the process
    gc.freeze()
    sys.exit(code if isinstance(code, int) else 0)
