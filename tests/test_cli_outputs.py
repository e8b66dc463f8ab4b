"""QA regressions: output paths, atomic writes, config files and baselines, through the CLI."""

import json
import os
import stat

import pytest
from typer.testing import CliRunner

from dedupe.cli import app
from dedupe.config import Config, load_file_settings
from dedupe.errors import ConfigError
from dedupe.io.writers import OutputError, atomic_write_text, atomic_writer

runner = CliRunner()
TEXT = "The minister said on Tuesday that the talks would continue next month in the capital.\n"


def run(*args, **kw):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, **kw)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "doc.txt").write_text(TEXT, encoding="utf-8")


def one_error_line(res):
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dedupe: "), res.stderr
    assert "Traceback" not in res.output and "internal error" not in res.stderr
    return lines[0]


def test_report_mode_follows_umask_not_mkstemp_0600(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write_text(str(tmp_path / "r.json"), "{}")
        with atomic_writer(str(tmp_path / "k.jsonl")) as f:
            f.write("x")
    finally:
        os.umask(old)
    for name in ("r.json", "k.jsonl"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644


def test_report_written_twice_leaves_no_temp_files(tmp_path):
    for _ in range(2):
        res = run("scan", "doc.txt", "--json", "out/r.json", "--html", "out/r.html", "-q")
        assert res.exit_code == 0, res.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["r.html", "r.json"]


@pytest.mark.parametrize("where", ["file-as-folder/r.json", "a-folder"])
def test_unwritable_output_is_one_line_exit_2_and_no_partial_file(tmp_path, where):
    (tmp_path / "file-as-folder").write_text("x")
    (tmp_path / "a-folder").mkdir()
    res = run("scan", "doc.txt", "--json", where, "--no-html")
    assert res.exit_code == 2
    assert f"cannot write {where}" in one_error_line(res)
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_failed_rename_raises_output_error_and_cleans_up(tmp_path):
    (tmp_path / "d").mkdir()
    with pytest.raises(OutputError, match="cannot write"):
        atomic_write_text(str(tmp_path / "d"), "x")  # a folder cannot be replaced by a file
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_body_errors_of_atomic_writer_are_not_relabelled(tmp_path):
    with pytest.raises(FileNotFoundError):
        with atomic_writer(str(tmp_path / "k.jsonl")):
            open(tmp_path / "missing-input")
    assert not (tmp_path / "k.jsonl").exists()


def test_json_and_html_both_to_stdout_is_a_usage_error():
    res = run("scan", "doc.txt", "--json", "-", "--html", "-")
    assert res.exit_code == 2 and "stdout" in one_error_line(res)
    assert res.stdout == ""


def test_json_stdout_is_pure_json_with_summary_on_stderr(tmp_path):
    res = run("scan", "doc.txt", "--json", "-", "--html", "r.html")
    assert res.exit_code == 0
    assert json.loads(res.stdout)["summary"]["documents"] == 1
    assert "documents" in res.stderr


@pytest.mark.parametrize(
    "setting, message",
    [
        ('threshold = "high"', "threshold must be a number"),
        ("ngram = 2.5", "ngram must be an integer"),
        ("ngram = true", "ngram must be an integer"),
        ('workers = "2"', "workers must be an integer"),
        ('passages = "no"', "passages must be true or false"),  # a truthy string was taken as true
        ("select = 5", "select must be a list of strings"),
        ("json = 5", "json must be a string"),
        ("keep = 3", "keep must be a string"),
        ('keep = "oldest"', "keep must be one of"),
        ("bogus = 1", "unknown setting 'bogus'"),
        ("lsh-bands = 32\nlsh-rows = 8", "lsh_bands * lsh_rows must be at most num_perm"),
        ("lsh_bands = 32", "lsh_bands and lsh_rows must both be positive"),
    ],
)
def test_bad_config_file_names_the_file(tmp_path, setting, message):
    (tmp_path / "dedupe.toml").write_text(setting + "\n")
    res = run("scan", "doc.txt", "--json", "r.json", "--no-html")
    line = one_error_line(res)
    assert res.exit_code == 2 and "dedupe.toml: " in line and message in line
    assert not (tmp_path / "r.json").exists()


def test_good_config_file_types_accepted(tmp_path):
    path = tmp_path / "dedupe.toml"
    path.write_text('threshold = 1\nselect = ["stray-token"]\nignore = "boilerplate,decimal-comma"\n')
    settings = load_file_settings(path)
    assert Config(**settings).threshold == 1


def test_config_api_rejects_wrong_types():
    with pytest.raises(ConfigError, match="containment must be a number"):
        Config(containment="0.5")


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "cannot read baseline"),
        ("{", "baseline is not JSON"),
        ('{"documents": []}', "no 'findings' list"),
        ('{"findings": [{"rule": ["a"], "text": 5}]}', "baseline finding 1: rule, text must be text"),
        (b"\xff\xfe{\x00", "not UTF-8"),
    ],
)
def test_bad_baseline_is_a_clear_error_before_scanning(tmp_path, content, message):
    base = tmp_path / "base.json"
    if isinstance(content, bytes):
        base.write_bytes(content)
    elif content is not None:
        base.write_text(content)
    res = run("scan", "doc.txt", "--json", "r.json", "--no-html", "--baseline", base)
    line = one_error_line(res)
    assert res.exit_code == 2 and "base.json: " in line and message in line
    assert not (tmp_path / "r.json").exists()  # failed before the scan, nothing written


def test_baseline_with_bom_is_read(tmp_path):
    assert run("scan", "doc.txt", "--json", "b.json", "--no-html", "-q").exit_code == 0
    base = tmp_path / "b.json"
    base.write_bytes(b"\xef\xbb\xbf" + base.read_bytes())
    res = run("scan", "doc.txt", "--json", "r.json", "--no-html", "-q", "--baseline", base)
    assert res.exit_code == 0, res.stderr


@pytest.mark.parametrize("fail_on, code", [("never", 0), ("duplicate", 1), ("info", 1), ("warning", 1), ("error", 0)])
def test_fail_on_each_value(tmp_path, fail_on, code):
    body = "He said 2,5 billion was spent. the talks went on and on for many long hours in the city.\n"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(body * 3)
    (tmp_path / "in" / "b.txt").write_text(body * 3)
    res = run("scan", "in", "--json", "r.json", "--no-html", "-q", "--fail-on", fail_on)
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["clusters"] and {f["severity"] for f in report["findings"]} == {"info", "warning"}
    assert res.exit_code == code, res.stderr


@pytest.mark.parametrize("dropped", ["k.jsonl", "./k.jsonl", "sub/../k.jsonl"])
def test_dedup_out_and_dropped_the_same_file_is_an_error(tmp_path, dropped):
    (tmp_path / "sub").mkdir()
    (tmp_path / "in.jsonl").write_text(json.dumps({"id": "a", "text": TEXT}) + "\n" + json.dumps({"id": "b", "text": TEXT}) + "\n")
    res = run("dedup", "in.jsonl", "--out", "k.jsonl", "--dropped", dropped)
    assert res.exit_code == 2 and "cannot be the same file" in one_error_line(res)
    assert not (tmp_path / "k.jsonl").exists()


def test_unknown_format_is_a_usage_error_before_reading(tmp_path):
    res = run("scan", "doc.txt", "--format", "xml", "--json", "r.json", "--no-html")
    assert res.exit_code == 2 and "--format must be one of" in one_error_line(res)
    assert not (tmp_path / "r.json").exists()


def test_input_error_lines_name_file_and_line(tmp_path):
    (tmp_path / "t.csv").write_text('id,text\n1,"fine"\n2,"a","b"\n')
    res = run("scan", "t.csv", "--json", "r.json", "--no-html", "-q")
    assert res.exit_code == 2
    assert one_error_line(res) == "dedupe: t.csv:3: more fields than the header"


def test_workers_1_and_2_give_byte_identical_reports(seeds_dir):
    from dedupe import scan
    from dedupe.io.readers import read_inputs
    from dedupe.io.writers import html as html_writer
    from dedupe.io.writers import json as json_writer

    def render(**kw):
        report = scan(read_inputs([str(seeds_dir)]), Config(**kw), timestamp=False)
        return json_writer.render(report), html_writer.render(report)

    one = render(workers=1)
    assert render(workers=2, batch_size=2) == one  # several batches, two processes
    assert render(workers=1) == one


def test_rewriting_a_report_keeps_its_mode(tmp_path):
    target = tmp_path / "r.json"
    atomic_write_text(str(target), "{}")
    target.chmod(0o640)
    atomic_write_text(str(target), '{"a": 1}')
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and target.read_text() == '{"a": 1}'


@pytest.mark.parametrize("folder", ["x[/]", "x[bold]"])
def test_output_paths_with_brackets_are_printed_as_is(tmp_path, folder):
    res = run("scan", "doc.txt", "--json", f"{folder}/r.json", "--no-html")
    assert res.exit_code == 0, res.stderr
    assert f"wrote {folder}/r.json" in res.stdout


def test_quiet_silences_progress_of_a_long_run(capsys):
    from dedupe.cli.common import StageProgress

    for quiet, expect in ((False, "verify: 1 of 2"), (True, "")):
        progress = StageProgress(enabled=False, quiet=quiet)
        progress.start -= StageProgress.LOG_DELAY + 1  # a run long enough to log its stages
        progress("verify", 1, 2)
        assert expect in capsys.readouterr().err
        if quiet:
            progress("rules", 0, 1)
            assert capsys.readouterr().err == ""
