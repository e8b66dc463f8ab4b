"""The rules options of the CLI: dedupe rules, --select/--ignore/--min-severity/--no-rules,
--fail-on, config-file defaults, --baseline, and the findings in the terminal summary."""

import json

import jsonschema
import pytest
from typer.testing import CliRunner

from dedupe.cli.app import app
from dedupe.io.writers.json import schema
from dedupe.rules import all_rules

runner = CliRunner()
DOC = (
    "The budget grew to 3,7 billion euros last year, officials said. the local press.\n"
    "The council met on Monday and approved the plan after a long debate about the costs.\n"
)


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no config file from the repository
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text(DOC, encoding="utf-8")
    return tmp_path


def scan(*args):
    result = runner.invoke(app, ["scan", "docs", "--json", "out.json", "--no-timestamp", *args])
    data = json.loads(open("out.json", encoding="utf-8").read()) if result.exit_code in (0, 1) else None
    return result, data


def rules_of(data):
    return sorted({f["rule"] for f in data["findings"]})


def test_rules_command_lists_every_rule():
    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0
    for r in all_rules():
        assert r.id in result.output
    listing = json.loads(runner.invoke(app, ["rules", "--json"]).output)
    assert [r["id"] for r in listing] == [r.id for r in all_rules()]
    assert {"id", "severity", "scope", "description"} <= set(listing[0])


def test_scan_reports_findings_in_json_and_summary(corpus):
    result, data = scan()
    assert result.exit_code == 0
    assert {"broken-sentence", "decimal-comma"} <= set(rules_of(data))
    jsonschema.validate(data, schema())
    for f in data["findings"]:
        assert DOC[f["start"] : f["end"]] == f["text"] and f["fingerprint"]
    assert "broken-sentence" in result.output and "a:1" in result.output  # doc:line of a top finding


def test_select_ignore_comma_and_repeat(corpus):
    assert rules_of(scan("--select", "decimal-comma")[1]) == ["decimal-comma"]
    assert rules_of(scan("--select", "decimal-comma,broken-sentence")[1]) == ["broken-sentence", "decimal-comma"]
    assert rules_of(scan("--ignore", "decimal-comma", "--ignore", "boilerplate")[1]) == ["broken-sentence"]


def test_min_severity_and_no_rules(corpus):
    assert rules_of(scan("--min-severity", "warning")[1]) == ["broken-sentence"]
    assert scan("--no-rules")[1]["findings"] == []


def test_unknown_rule_is_a_usage_error(corpus):
    result, _ = scan("--select", "no-such-rule")
    assert result.exit_code == 2


def test_fail_on(corpus):
    assert scan("--fail-on", "warning")[0].exit_code == 1
    assert scan("--fail-on", "error")[0].exit_code == 0
    assert scan("--fail-on", "warning", "--ignore", "broken-sentence")[0].exit_code == 0


def test_dedupe_toml_defaults(corpus):
    (corpus / "dedupe.toml").write_text('select = ["decimal-comma", "broken-sentence"]\nfail_on = "info"\n'
                                        'min_severity = "info"\n')
    result, data = scan()
    assert rules_of(data) == ["broken-sentence", "decimal-comma"] and result.exit_code == 1
    result, data = scan("--select", "decimal-comma")  # the command line wins
    assert rules_of(data) == ["decimal-comma"]


def test_pyproject_defaults(corpus):
    (corpus / "pyproject.toml").write_text('[tool.dedupe]\nignore = "decimal-comma,boilerplate"\n'
                                           'min-severity = "warning"\nfail_on = "warning"\n')
    result, data = scan()
    assert rules_of(data) == ["broken-sentence"] and result.exit_code == 1


def test_baseline_hides_accepted_findings_even_after_edits(corpus):
    scan()
    (corpus / "baseline.json").write_text((corpus / "out.json").read_text())
    result, data = scan("--baseline", "baseline.json", "--fail-on", "info")
    assert data["findings"] == [] and result.exit_code == 0
    assert "hidden by the baseline" in result.output
    # an edit elsewhere shifts every offset: the accepted findings stay hidden
    edited = "A new first paragraph was added by the editor this morning.\n" + DOC
    (corpus / "docs" / "a.txt").write_text(edited, encoding="utf-8")
    result, data = scan("--baseline", "baseline.json", "--fail-on", "info")
    assert data["findings"] == [] and result.exit_code == 0
    # a new problem is reported, and fails the run
    (corpus / "docs" / "a.txt").write_text(edited + "Exports fell by 0,8 percent.\n", encoding="utf-8")
    result, data = scan("--baseline", "baseline.json", "--fail-on", "info")
    assert [f["text"] for f in data["findings"]] == ["0,8"] and result.exit_code == 1


def test_baseline_from_config_file(corpus):
    scan()
    (corpus / "baseline.json").write_text((corpus / "out.json").read_text())
    (corpus / "dedupe.toml").write_text('baseline = "baseline.json"\n')
    assert scan()[1]["findings"] == []


def test_bad_baseline_is_a_usage_error(corpus):
    (corpus / "baseline.json").write_text("{}")
    assert scan("--baseline", "baseline.json")[0].exit_code == 2
