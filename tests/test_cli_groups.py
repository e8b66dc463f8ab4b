"""Option groups (dedupe.cli.common.grouped): a group parameter is spelt out in place as its
options, for typer, and the command gets their values back as one mapping."""

import inspect

import typer
from typer.testing import CliRunner

from dedupe.cli import common as c


def _command(seen: dict):
    @c.grouped
    def command(inputs: c.Inputs, reader: c.Given = c.READER, quiet: c.Quiet = False):
        seen.update(reader=reader, quiet=quiet)

    return command


def test_a_group_is_spelt_out_in_place_with_its_defaults():
    params = inspect.signature(_command({})).parameters
    assert list(params) == ["inputs", "format", "id_field", "text_field", "quiet"]
    assert [params[n].default for n in ("format", "id_field", "text_field")] == [None, "id", "text"]


def test_the_command_gets_the_group_values_back_by_name():
    seen: dict = {}
    app = typer.Typer()
    app.command()(_command(seen))
    result = CliRunner().invoke(app, ["a.jsonl", "--text-field", "body", "-q"])
    assert result.exit_code == 0, result.output
    assert seen == {"reader": {"format": None, "id_field": "id", "text_field": "body"}, "quiet": True}
    assert seen["reader"].text_field == "body"
