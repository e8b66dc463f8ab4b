"""The CLI driven through typer's CliRunner: reports, exit codes, errors, dedup."""

import json

import jsonschema
import pytest
from typer.testing import CliRunner

from dedupe.cli import app
from dedupe.io.writers.json import schema

runner = CliRunner()


def run(*args, **kw):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, **kw)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """Default outputs (reports/...) go to a temporary folder, never the repository."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def seeds_report(tmp_path_factory, seeds_dir):
    out = tmp_path_factory.mktemp("r") / "report.json"
    # module scope runs before the autouse chdir: every output path must be explicit here
    res = run("scan", seeds_dir, "--json", out, "--html", out.with_suffix(".html"), "--no-timestamp")
    assert res.exit_code == 0, res.output
    return json.loads(out.read_text(encoding="utf-8")), res


def test_seeds_five_documents_no_clusters_valid_schema(seeds_report):
    report, res = seeds_report
    assert report["summary"]["documents"] == 5
    assert report["clusters"] == [] and report["summary"]["clusters"] == 0
    assert all(d["keep"] and d["cluster"] is None for d in report["documents"])
    assert {d["language"] for d in report["documents"]} == {"en"}
    jsonschema.validate(report, schema())
    assert report["parameters"]["hash_scheme"].startswith(report["parameters"]["scheme"])
    assert "documents" in res.output


def test_byte_identical_without_timestamp(tmp_path, seeds_dir):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    run("scan", seeds_dir, "--json", a, "--no-timestamp", "-q")
    run("scan", seeds_dir, "--json", b, "--no-timestamp", "-q")
    assert a.read_bytes() == b.read_bytes()
    assert "generated_at" not in json.loads(a.read_text())


def test_json_to_stdout(seeds_dir, tmp_path):
    res = run("scan", seeds_dir, "--json", "-", "-q", "--no-language")
    assert json.loads(res.stdout)["summary"]["documents"] == 5


def test_bad_inputs_exit_2_one_line_each_and_others_kept(tmp_path, seeds_dir):
    (tmp_path / "bad.txt").write_bytes(b"ok\n\xff\n")
    jl = tmp_path / "c.jsonl"
    jl.write_text('{"id": "000_73e56ecfb8db3804", "text": "dup id"}\n{"id": "x", "text": "fine"}\n{broken\n')
    out = tmp_path / "r.json"
    res = run("scan", seeds_dir, tmp_path / "bad.txt", jl, "--json", out, "-q", "--no-language")
    assert res.exit_code == 2
    lines = [line for line in res.stderr.splitlines() if line.startswith("dedupe:")]
    assert len(lines) == 3
    assert any("bad.txt:2" in line and "UTF-8" in line for line in lines)
    assert any(f"{jl}:1" in line and "duplicate id" in line and "seeds" in line for line in lines)
    assert any(f"{jl}:3" in line and "malformed JSON" in line for line in lines)
    assert "Traceback" not in res.output
    report = json.loads(out.read_text())
    assert report["summary"]["documents"] == 6 and report["summary"]["errors"] == 3
    assert [e["line"] for e in report["errors"]] == [2, 1, 3]


def test_usage_error_exit_2(seeds_dir, tmp_path):
    res = run("scan", seeds_dir, "--threshold", "1.5", "--json", tmp_path / "r.json")
    assert res.exit_code == 2 and "threshold must be in (0, 1]" in res.stderr
    res = run("scan", seeds_dir, "--fail-on", "sometimes", "--json", tmp_path / "r.json")
    assert res.exit_code == 2


def test_fail_on_duplicate_exit_1(tmp_path):
    text = "the same article text repeated in two places across the corpus for testing"
    p = tmp_path / "d.jsonl"
    p.write_text(json.dumps({"id": "a", "text": text}) + "\n" + json.dumps({"id": "b", "text": text}) + "\n")
    out = tmp_path / "r.json"
    assert run("scan", p, "--json", out, "-q", "--no-language").exit_code == 0
    assert run("scan", p, "--json", out, "-q", "--no-language", "--fail-on", "duplicate").exit_code == 1


def test_config_file_settings(tmp_path, seeds_dir):
    cfg = tmp_path / "dedupe.toml"
    cfg.write_text("threshold = 0.5\nngram = 3\n")
    out = tmp_path / "r.json"
    run("scan", seeds_dir, "--json", out, "-q", "--no-language", "--config", cfg, "--ngram", "4")
    params = json.loads(out.read_text())["parameters"]
    assert params["threshold"] == 0.5 and params["ngram"] == 4  # command line beats the file


def test_dedup_kept_and_dropped(near_corpus, tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in near_corpus), encoding="utf-8")
    kept, dropped = tmp_path / "kept.jsonl", tmp_path / "dropped.jsonl"
    res = run("dedup", src, "--out", kept, "--dropped", dropped, "-q")
    assert res.exit_code == 0, res.output
    k = [json.loads(line) for line in kept.open()]
    d = [json.loads(line) for line in dropped.open()]
    assert len(k) + len(d) == len(near_corpus)
    groups = {r["planted"] for r in near_corpus if r["planted"]}
    assert len(d) == sum(1 for r in near_corpus if r["planted"]) - len(groups)
    assert all(set(r) >= {"id", "text", "planted", "role", "source"} for r in k)  # input fields kept
    kept_ids = {r["id"] for r in k}
    assert all(r["representative"] in kept_ids and isinstance(r["cluster"], int) for r in d)
    by_id = {r["id"]: r for r in near_corpus}
    assert all(by_id[r["id"]]["planted"] == by_id[r["representative"]]["planted"] for r in d)


def test_help_for_every_command():
    for cmd in ("scan", "dedup"):
        res = run(cmd, "--help")
        assert res.exit_code == 0 and "Exit codes" in res.output


def test_seeds_report_is_the_committed_one(tmp_path, monkeypatch):
    """The committed reports/report.json is what the README's first command writes: any change
    of findings or passages shows here (a speed change must leave it byte for byte the same;
    a change of behaviour regenerates it with ``dedupe scan seeds/ --no-timestamp``)."""
    from conftest import ROOT

    monkeypatch.chdir(ROOT)
    out = tmp_path / "report.json"
    run("scan", "seeds", "--json", out, "--no-html", "--no-timestamp", "-q")
    assert out.read_text(encoding="utf-8") == (ROOT / "reports" / "report.json").read_text(encoding="utf-8")
