"""Drafts checked against an archive (the editor's pre-publication check): ``--against``."""

import json
import shutil
from html.parser import HTMLParser

import jsonschema
from typer.testing import CliRunner

from dedupe import Config, scan
from dedupe.cli import app
from dedupe.io.writers.json import schema

DRAFT = "003_811dcac62ff5ac35"


def test_api_reports_only_passages_and_findings_of_drafts():
    shared = ("the regional council voted on Tuesday to close the old harbour bridge for repairs "
              "that engineers say will take at least eighteen months")
    report = scan(
        [("draft", f"Morning. {shared}. Traffic will be diverted.")],
        Config(detect_language=False),
        archive=[("w1", f"Wire: {shared}, a spokesman said."), ("w2", f"Other: {shared} again."),
                 ("w3", "An unrelated story about gardens and the spring weather in the hills.")],
    )
    assert sorted((p.a.doc, p.b.doc) for p in report.passages) == [("draft", "w1"), ("draft", "w2")]
    assert {d.id: d.role for d in report.documents} == {"draft": "draft", "w1": "archive", "w2": "archive",
                                                       "w3": "archive"}
    # without an archive nothing has a role, and the archive pair w1-w2 is a passage too
    plain = scan([("draft", "x " + shared), ("w1", "y " + shared), ("w2", "z " + shared)],
                 Config(detect_language=False))
    assert all(d.role is None for d in plain.documents)
    assert ("w1", "w2") in {(p.a.doc, p.b.doc) for p in plain.passages}


def test_cli_draft_against_seeds_archive(tmp_path, seeds_dir, monkeypatch):
    monkeypatch.chdir(tmp_path)
    archive = tmp_path / "archive"
    archive.mkdir()
    for f in seeds_dir.glob("*.txt"):
        if f.stem != DRAFT:
            shutil.copy(f, archive / f.name)
    draft = tmp_path / f"{DRAFT}.txt"
    shutil.copy(seeds_dir / f"{DRAFT}.txt", draft)
    res = CliRunner().invoke(app, ["scan", str(draft), "--against", str(archive), "--json", "r.json",
                                   "--html", "r.html", "--no-timestamp", "-q"])
    assert res.exit_code == 0, res.output
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    jsonschema.validate(report, schema())
    roles = {d["id"]: d["role"] for d in report["documents"]}
    assert roles[DRAFT] == "draft" and sum(r == "archive" for r in roles.values()) == 4
    assert report["passages"] and all(DRAFT in (p["a"]["doc"], p["b"]["doc"]) for p in report["passages"])
    assert {f["doc"] for f in report["findings"]} == {DRAFT}
    # corpus-wide rules still see the archive: the re-translated statement in 002 is found
    drift = [f for f in report["findings"] if f["rule"] == "quote-drift"]
    assert drift and any("002_d2653043d126c7d1" in json.dumps(f["evidence"]) for f in drift)

    class Sections(HTMLParser):
        ids: list = []

        def handle_starttag(self, tag, attrs):
            if tag == "section" and dict(attrs).get("class") == "document":
                self.ids.append(dict(attrs)["id"])

    page = Sections()
    page.ids = []
    page.feed((tmp_path / "r.html").read_text(encoding="utf-8"))
    # the draft and the two archive articles it shares text with; not 000 and 004
    assert len(page.ids) == 3
