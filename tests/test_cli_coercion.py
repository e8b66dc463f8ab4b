"""The CLI's parameter coercion (``dedupe.cli.app._Coercion``) answers as typer's own (a
pydantic adapter per parameter) for every parameter of every command, on values left unset,
defaults, strings and lists of strings; it builds typer's only for values that need it."""

import importlib

import pytest
import typer
from typer._click import Context
from typer._click.exceptions import BadParameter

from dedupe.cli.app import COMMANDS, _Coercion, app


# numbers as typed on a command line, plain and not (signs, spaces, underscores, exponents,
# leading zeros, very long, not finite)
_NUMBERS = ("0", "2", "-3", "+4", "007", "1_000", " 5", "5 ", "1e3", "0.80", "3.", ".5", "-0.25", "1.5e-3",
            "99999999999999999999", "123456789012345678", "inf", "nan", "0x10", "١٢")


def _commands():
    for module in {m for m, _ in COMMANDS.values()}:
        importlib.import_module(f"dedupe.cli.{module}")
    root = typer.main.get_command(app)
    stack = [root]
    while stack:
        command = stack.pop()
        yield command
        stack.extend(getattr(command, "commands", {}).values())


def _answer(coercion, value, param, ctx):
    try:
        return "ok", coercion.coerce(value, param=param, ctx=ctx)
    except BadParameter as e:
        return "bad", e.format_message()


def test_same_values_as_typers_coercion():
    checked = 0
    for command in _commands():
        ctx = Context(command)
        for param in command.params:
            descriptor = getattr(param, "type_descriptor", None)
            if descriptor is None:
                continue
            for value in (None, param.default, "12", "x", ("a", "b"), [], 7, "0.5", *_NUMBERS):
                ours = _answer(_Coercion(descriptor), value, param, ctx)
                typers = _answer(_Coercion.build(descriptor), value, param, ctx)
                assert repr(ours) == repr(typers), (command.name, param.name, value)  # nan too
                assert type(ours[1]) is type(typers[1])
                checked += 1
    assert checked > 300


@pytest.mark.parametrize("name, value", [("workers", None), ("json_path", "reports/r.json"), ("select", ("a", "b")),
                                         ("inputs", ("a.txt", "b.txt")), ("id_field", "id"),
                                         ("workers", "2"), ("threshold", "0.8")])
def test_plain_values_build_no_adapter(name, value):
    scan = next(c for c in _commands() if c.name == "scan")
    param = next(p for p in scan.params if p.name == name)
    coercion = _Coercion(param.type_descriptor)
    coercion.coerce(value, param=param, ctx=Context(scan))
    assert coercion.built is None
