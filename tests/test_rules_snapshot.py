"""The rules' findings (and the languages ingest gives the documents) on the fixture corpora
are exactly those of the committed snapshot: a speed change must not change a finding.

The snapshot was written by the code before the rules' speed work; after a change to the
findings made on purpose, write it again with ``python tests/test_rules_snapshot.py``.
"""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SNAPSHOT = Path(__file__).resolve().parent / "data" / "rule_findings_snapshot.json"


def _corpora() -> dict:
    def jsonl(path):
        return [(str(r["id"]), r["text"]) for r in map(json.loads, path.open(encoding="utf-8"))]

    return {
        "wikinews": jsonl(FIXTURES / "wikinews" / "wikinews.jsonl"),
        "near": jsonl(FIXTURES / "near" / "corpus.jsonl"),
        "passages": [(p.stem, p.read_text("utf-8")) for p in sorted((FIXTURES / "passages").glob("host*.txt"))],
    }


def _scan(docs) -> dict:
    from dedupe.api import scan
    from dedupe.config import Config

    report = scan(docs, Config(passages=False, workers=1), timestamp=False).to_dict()
    return {"findings": report["findings"], "languages": {d["id"]: d["language"] for d in report["documents"]}}


@pytest.mark.parametrize("name", ["wikinews", "near", "passages"])
def test_findings_are_those_of_the_snapshot(name):
    expected = json.loads(SNAPSHOT.read_text("utf-8"))[name]
    got = json.loads(json.dumps(_scan(_corpora()[name])))  # as written to a report
    assert got["languages"] == expected["languages"]
    key = lambda f: json.dumps(f, sort_keys=True)  # noqa: E731
    assert sorted(map(key, got["findings"])) == sorted(map(key, expected["findings"]))
    assert len(expected["findings"]) > 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    snapshot = {name: _scan(docs) for name, docs in _corpora().items()}
    SNAPSHOT.write_text(json.dumps(snapshot, ensure_ascii=False, indent=0, sort_keys=True) + "\n", "utf-8")
    print({k: len(v["findings"]) for k, v in snapshot.items()})
