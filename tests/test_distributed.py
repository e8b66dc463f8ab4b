"""Staged runs (``--engine local|ray``, ``--work-dir``): the same kept/dropped output and the
same report, byte for byte, as the in-process run; resumable after a stage."""

import gzip
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dedupe.cli import app
from dedupe.config import Config
from dedupe.distributed import pipeline
from dedupe.distributed.engine import LocalEngine, RayEngine, get_engine
from dedupe.distributed.pipeline import Inputs
from dedupe.errors import MissingExtraError
from test_io_dedup_writer import lines as tricky_lines

ROOT = Path(__file__).resolve().parent.parent
NEAR = ROOT / "fixtures" / "near" / "corpus.jsonl"
WIKINEWS = ROOT / "fixtures" / "wikinews" / "wikinews.jsonl"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[str]:
    """Fixture corpora plus a file with bad lines, duplicate ids (also across files and
    shards), blank lines and tricky records (byte-order marks, escapes, non-ASCII)."""
    folder = tmp_path_factory.mktemp("inputs")
    near = [json.loads(line) for line in NEAR.open(encoding="utf-8")]
    mixed = tricky_lines() + [
        "not json",
        "",
        json.dumps({"id": near[0]["id"], "text": "an id read before, in another file"}),
        json.dumps({"id": "t5", "text": 5}),
        json.dumps({"id": "copy", "text": near[3]["text"]}),
    ]
    (folder / "mixed.jsonl").write_text("\n".join(mixed) + "\n", encoding="utf-8")
    return [str(NEAR), str(WIKINEWS), str(folder / "mixed.jsonl")]


def dedup_outputs(tmp: Path, name: str, inputs, *options) -> tuple:
    out, dropped = tmp / f"{name}.kept.jsonl", tmp / f"{name}.dropped.jsonl"
    result = run("dedup", *inputs, "--out", out, "--dropped", dropped, "--workers", 2, *options)
    return result.exit_code, result.stderr, out.read_bytes(), dropped.read_bytes()


def test_staged_local_same_as_in_process(inputs, tmp_path):
    """Several shards of each file (shard boundaries inside records' lines), P=7."""
    expected = dedup_outputs(tmp_path, "one", inputs)
    assert expected[0] == 2 and "duplicate id" in expected[1] and "malformed JSON" in expected[1]
    staged = dedup_outputs(tmp_path, "staged", inputs, "--work-dir", tmp_path / "w", "--partitions", 7, "--shard-bytes", 60_000)
    assert staged == expected
    assert len(list((tmp_path / "w" / "1-sign").glob("s*"))) > 10  # several shards per file


def test_staged_decoded_inputs(tmp_path):
    """Inputs that are not plain JSONL (gzip, CSV, a text folder): one shard each, records
    decoded and encoded again, texts read again by reading the shard."""
    records = [json.loads(line) for line in NEAR.open(encoding="utf-8")]
    with gzip.open(tmp_path / "a.jsonl.gz", "wt", encoding="utf-8") as f:
        for r in records[:30]:
            f.write(json.dumps(r) + "\n")
    import csv

    with open(tmp_path / "b.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["id", "text"])
        w.writeheader()
        for r in records[20:]:
            w.writerow({"id": r["id"] + "-csv", "text": r["text"]})
    folder = tmp_path / "texts"
    folder.mkdir()
    for r in records[:12]:
        (folder / f"{r['id']}.txt").write_text(r["text"], encoding="utf-8")
    paths = [tmp_path / "a.jsonl.gz", tmp_path / "b.csv", folder]
    assert dedup_outputs(tmp_path, "staged", paths, "--work-dir", tmp_path / "w") == dedup_outputs(tmp_path, "one", paths)
    one = run("scan", *paths, "--json", tmp_path / "one.json", "--no-html", "--no-timestamp", "--no-rules", "-q")
    staged = run("scan", *paths, "--json", tmp_path / "st.json", "--no-html", "--no-timestamp", "--no-rules", "-q",
                 "--work-dir", tmp_path / "w2", "--partitions", 3)
    assert one.exit_code == staged.exit_code == 2  # the folder's ids are the gzip file's too
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "st.json").read_bytes()


@pytest.mark.parametrize("partitions", [1, 7])
def test_ray_dedup_same_as_local(ray_cluster, inputs, tmp_path, partitions):
    expected = dedup_outputs(tmp_path, "local", inputs)
    got = dedup_outputs(tmp_path, "ray", inputs, "--engine", "ray", "--partitions", partitions, "--shard-bytes", 150_000)
    assert got == expected
    assert expected[3]  # something was dropped


def test_ray_scan_report_same_as_local(ray_cluster, tmp_path):
    """The report: near-duplicates, then passages (pairs aligned per shard), the
    document-scope rules (per shard) and the keyed corpus rules (per shard, then per
    partition) as Ray tasks; the other corpus-scope rules on the driver."""
    paths = [NEAR, ROOT / "seeds"]
    common = ["--no-timestamp", "-q", "--workers", 2]
    one = run("scan", *paths, "--json", tmp_path / "one.json", "--html", tmp_path / "one.html", *common)
    ray = run("scan", *paths, "--json", tmp_path / "ray.json", "--html", tmp_path / "ray.html", *common,
              "--engine", "ray", "--partitions", 7, "--shard-bytes", 40_000, "--work-dir", tmp_path / "w")
    assert one.exit_code == ray.exit_code
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "ray.json").read_bytes()
    assert (tmp_path / "one.html").read_bytes() == (tmp_path / "ray.html").read_bytes()
    report = json.loads((tmp_path / "ray.json").read_text(encoding="utf-8"))
    assert report["clusters"] and report["passages"] and report["findings"]
    _keyed_rules_ran_as_tasks(tmp_path / "w", report, partitions=7)
    tasks = {s["stage"]: s["tasks"] for s in json.loads((tmp_path / "w" / "stats.json").read_text(encoding="utf-8"))}
    assert tasks["7-rules"] > 1  # one task per shard, not one on the driver
    # the passages' candidates from keyed files: per shard, per partition, per shard
    assert tasks["7-grams"] == tasks["7-units"] == tasks["7-passages"] > 1 and tasks["7-stock"] == tasks["7-pairs"] == 7
    assert {p.name for p in (tmp_path / "w" / "7-rules").glob("s*")} >= {"s00000", "s00001"}


def _keyed_rules_ran_as_tasks(work: Path, report: dict, partitions: int) -> None:
    """name-variant, quote-drift, boilerplate and gender-mismatch found something, in tasks per
    shard and per partition (gender-mismatch: per shard, in three passes)."""
    assert {"name-variant", "quote-drift", "boilerplate", "gender-mismatch"} <= {f["rule"] for f in report["findings"]}
    tasks = {s["stage"]: s["tasks"] for s in json.loads((work / "stats.json").read_text(encoding="utf-8"))}
    for rule in ("name-variant", "quote-drift", "boilerplate"):
        assert tasks[f"7-keyed/{rule}/collect"] > 1 and tasks[f"7-keyed/{rule}/compare"] == partitions
    shards = tasks["7-keyed/gender-mismatch/collect"]
    assert shards > 1 and tasks["7-keyed/gender-mismatch/pass0"] == tasks["7-keyed/gender-mismatch/pass1"] == shards
    assert "7-keyed/gender-mismatch/compare" not in tasks  # no keyed items: no partition stages


@pytest.mark.parametrize("partitions", [1, 7])
def test_staged_scan_same_as_in_process(tmp_path, partitions, monkeypatch):
    """The report of a staged scan on the local engine (several shards; the keyed corpus
    rules' items in P partitions) equals the in-process one; the driver neither finds the
    passages itself nor holds every text, and its rules step reads only the texts of the
    documents with findings (their fingerprints): every corpus rule runs as tasks."""
    paths = [NEAR, ROOT / "seeds"]
    common = ["--no-timestamp", "-q", "--no-html", "--workers", 2]
    one = run("scan", *paths, "--json", tmp_path / "one.json", *common)

    def not_on_the_driver(*args, **kwargs):
        raise AssertionError("a staged scan ran an in-process step on the driver")

    import dedupe.passages
    import dedupe.rules
    from dedupe.corpus import Corpus

    read, in_rules = set(), []
    text, run_rules = Corpus.text, dedupe.rules.run_rules

    def read_by_the_rules(self, key):
        if in_rules:
            read.add(self.ids[self._i(key)])
        return text(self, key)

    def rules_step(*args, **kwargs):
        in_rules.append(True)
        try:
            return run_rules(*args, **kwargs)
        finally:
            in_rules.pop()

    monkeypatch.setattr(dedupe.passages, "find_reuse", not_on_the_driver)
    monkeypatch.setattr(Corpus, "documents", property(not_on_the_driver))
    monkeypatch.setattr(Corpus, "text", read_by_the_rules)
    monkeypatch.setattr(dedupe.rules, "run_rules", rules_step)
    staged = run("scan", *paths, "--json", tmp_path / "staged.json", *common, "--work-dir", tmp_path / "w",
                 "--partitions", partitions, "--shard-bytes", 40_000)
    assert one.exit_code == staged.exit_code
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "staged.json").read_bytes()
    report = json.loads((tmp_path / "one.json").read_text(encoding="utf-8"))
    flagged = {f["doc"] for f in report["findings"]}
    assert read and read <= flagged and len(flagged) < len(report["documents"]) / 2
    _keyed_rules_ran_as_tasks(tmp_path / "w", report, partitions)


class Killed(Exception):
    pass


class KilledAfterSign:
    """An engine whose run dies when the bucket stage starts."""

    def __init__(self, engine):
        self.engine = engine

    def map(self, fn, tasks):
        if fn.__name__ == "bucket_partition":
            raise Killed
        return self.engine.map(fn, tasks)


def test_ray_resume_after_sign(ray_cluster, inputs, tmp_path):
    config = Config(detect_language=False, passages=False, rules=False)
    ins = Inputs(tuple(inputs))
    work = tmp_path / "w"
    engine = RayEngine()
    with pytest.raises(Killed):
        pipeline.run(ins, config, KilledAfterSign(engine), str(work), 7, 150_000)
    assert (work / "1-sign" / "_DONE.json").exists() and not (work / "3-bucket" / "_DONE.json").exists()
    signed = {p: p.stat().st_mtime_ns for p in (work / "1-sign").rglob("*")}
    staged = pipeline.run(ins, config, engine, str(work), 7, 150_000)
    assert {s["stage"] for s in staged.stats if s["skipped"]} == {"1-sign", "2-ids", "2-twins"}  # reused
    assert {s["stage"] for s in staged.stats if not s["skipped"]} >= {"3-bucket", "4-verify", "5-cluster"}
    assert {p: p.stat().st_mtime_ns for p in (work / "1-sign").rglob("*")} == signed
    kept, dropped = pipeline.emit(staged, str(work), engine, ins, True, str(tmp_path / "k"), str(tmp_path / "d"))
    expected = dedup_outputs(tmp_path, "local", inputs)
    assert ((tmp_path / "k").read_bytes(), (tmp_path / "d").read_bytes()) == expected[2:]
    again = pipeline.run(ins, config, engine, str(work), 7, 150_000)  # all finished: nothing runs
    assert all(s["skipped"] for s in again.stats)
    assert [c.to_dict() for c in again.clusters] == [c.to_dict() for c in staged.clusters]


def test_changed_settings_start_again(inputs, tmp_path):
    work = tmp_path / "w"
    ins = Inputs(tuple(inputs[:1]))
    pipeline.run(ins, Config(detect_language=False), LocalEngine(), str(work), 2, 1 << 20)
    staged = pipeline.run(ins, Config(detect_language=False, threshold=0.9), LocalEngine(), str(work), 2, 1 << 20)
    assert not any(s["skipped"] for s in staged.stats)


def test_without_ray_one_clear_error(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray fails
    with pytest.raises(MissingExtraError, match=r"pip install 'dedupe-news\[ray\]'"):
        get_engine("ray")
    result = run("dedup", NEAR, "--out", tmp_path / "k", "--engine", "ray")
    assert result.exit_code == 2
    assert "pip install 'dedupe-news[ray]'" in result.stderr
    assert result.stderr.count("\n") == 1


def test_staged_run_needs_files(tmp_path):
    result = runner.invoke(app, ["dedup", "-", "--out", str(tmp_path / "k"), "--work-dir", str(tmp_path / "w")], input="{}\n")
    assert result.exit_code == 2 and "stdin" in result.stderr
    assert run("dedup", NEAR, "--out", tmp_path / "k", "--engine", "spark").exit_code == 2
