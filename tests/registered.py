"""What the typer app registers, read from the app itself, so tests follow it as commands and
options are added: the help test, and the docs test (every one of them is in docs/cli.md)."""

from __future__ import annotations

import typer.main

from dedupe.cli.app import app


def commands() -> dict:
    """Every registered command by name (nested groups as "group sub"), the root under ""."""
    found = {}

    def walk(prefix: str, command) -> None:
        found[prefix] = command
        if not hasattr(command, "list_commands"):
            return
        for name in command.list_commands(None):  # the root group builds a command when asked for it
            sub = command.get_command(None, name)
            if not sub.hidden:
                walk(f"{prefix} {name}".strip(), sub)

    walk("", typer.main.get_command(app))
    return found


def options(command) -> list[str]:
    """The command's visible option names (``--json``, ``-q``), help excepted."""
    return [
        opt
        for p in command.params
        if p.param_type_name == "option" and not p.hidden
        for opt in (*p.opts, *p.secondary_opts)
    ]


def arguments(command) -> list:
    return [p for p in command.params if p.param_type_name == "argument"]
