"""``dedupe dedup`` copies the lines of plain JSONL inputs instead of decoding and encoding
each record again: the records it writes equal the decoded-and-encoded ones, field by field."""

import json

from typer.testing import CliRunner

from dedupe import Config, scan
from dedupe.cli import app
from dedupe.io.writers.dedup import raw_copy_possible, write_split, write_split_raw
from dedupe.io.readers import read_inputs
from planted import planted_corpus

def text(n: int) -> str:
    """An article-like text of its own for each n (no two share a 5-gram)."""
    return "Officials said " + " ".join(f"river{n} gauge{k} rose" for k in range(40))


def esc(s: str) -> str:
    """JSON string text with every non-ASCII character escaped (as ensure_ascii writers do)."""
    return json.dumps(s, ensure_ascii=True)


def raw(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def lines() -> list[str]:
    out = [json.dumps({"id": d, "text": t, "n": i}) for i, (d, t) in enumerate(planted_corpus(60))]
    uni = text(1) + " caf\u00e9 \u4e2d\u6587 \U0001f600 \"quoted\" back\\slash tab\t new\nline /slash \u2028"
    out += [
        # the same text, written in different ways: one of each pair is dropped
        '{"id": "u1", "text": %s, "clé": "välue", "nested": {"a": [1, 2.5, null, true]}}' % raw(uni),
        '{ "text" : %s , "id" : "u2" ,"big": 123456789012345678901234567890, "f": 1e5, "z": -0.0 }' % esc(uni),
        '{"id": "u3", "text": %s}' % esc(uni).replace("\\n", "\\u000a").replace("/", "\\/"),
        # text starting with a byte-order mark (the readers strip it), raw and escaped
        '{"id": "b1", "text": %s}' % raw("\ufeff" + text(2)),
        '{"id": "b2", "text": "\\uFEFF%s", "k": 1}' % raw(text(2))[1:-1],
        '{"id": "b3", "text": %s}' % raw(text(2)),
        # a dropped record that has its own cluster/representative fields (replaced)
        '{"id": "c1", "text": %s, "cluster": "mine"}' % raw(text(3)),
        '{"id": "c0", "text": %s, "representative": 7}' % raw(text(3) + " and more words here"),
        '{"id": 42, "text": %s}' % raw(text(4)),  # an integer id
        '{"id": "i2", "text": %s, "text": %s}' % (raw("ignored"), raw(text(4))),  # duplicate key: last wins
        "",
        "   ",
        "{not json",
        '{"id": "u1", "text": "a duplicate id"}',
        '{"id": "nt"}',
    ]
    return out


def write_input(path, line_end="\n", bom=True):
    data = ("\ufeff" if bom else "") + line_end.join(lines()) + line_end
    path.write_bytes(data.encode("utf-8"))
    return path


def read(path):
    return [json.loads(x) for x in path.read_bytes().decode("utf-8").split("\n")[:-1]]  # not U+2028


def same_records(a: list[dict], b: list[dict]) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert list(sorted(x)) == list(sorted(y))
        for k in x:
            assert type(x[k]) is type(y[k]) and x[k] == y[k], (k, x[k], y[k])


def test_raw_copy_equals_decoded_and_encoded(tmp_path):
    for line_end in ("\n", "\r\n"):
        path = write_input(tmp_path / "in.jsonl", line_end)
        report = scan(read_inputs([str(path)]), Config(detect_language=False, passages=False, rules=False))
        assert len(report.errors) == 3  # malformed, duplicate id, no text
        dropped_ids = {d.id for d in report.documents if not d.keep}
        assert {"u2", "u3", "b2", "b3", "c1", "i2"} <= dropped_ids  # copied, spliced or re-encoded
        assert not {"u1", "b1", "c0", "42"} & dropped_ids
        counts = write_split(report, read_inputs([str(path)]), tmp_path / "k1.jsonl", tmp_path / "d1.jsonl", "id", "text")
        assert write_split_raw(report, [str(path)], str(tmp_path / "k2.jsonl"), str(tmp_path / "d2.jsonl")) == counts
        same_records(read(tmp_path / "k1.jsonl"), read(tmp_path / "k2.jsonl"))
        same_records(read(tmp_path / "d1.jsonl"), read(tmp_path / "d2.jsonl"))
        dropped = read(tmp_path / "d2.jsonl")
        assert any(r.get("text", "").startswith("Officials") and "\u4e2d" in r["text"] for r in dropped)
        assert all(isinstance(r["cluster"], int) for r in dropped)
        for line in (tmp_path / "d2.jsonl").read_bytes().decode("utf-8").split("\n")[:-1]:
            keys = [k for k, _ in json.loads(line, object_pairs_hook=lambda pairs: pairs)]
            assert keys.count("cluster") == keys.count("representative") == 1  # replaced, not repeated
        # and the kept lines really are copies of the input lines
        kept_lines = (tmp_path / "k2.jsonl").read_bytes().decode("utf-8").split("\n")
        assert lines()[1] in kept_lines


def test_dedup_cli_copies_lines(tmp_path):
    path = write_input(tmp_path / "in.jsonl")
    assert raw_copy_possible([str(path)])
    assert not raw_copy_possible(["-"]) and not raw_copy_possible([str(tmp_path)])
    result = CliRunner().invoke(
        app, ["dedup", str(path), "--out", str(tmp_path / "k.jsonl"), "--dropped", str(tmp_path / "d.jsonl"), "-q"]
    )
    assert result.exit_code == 2  # input errors; outputs written
    report = scan(read_inputs([str(path)]), Config(detect_language=False, passages=False, rules=False))
    write_split(report, read_inputs([str(path)]), tmp_path / "k1.jsonl", tmp_path / "d1.jsonl", "id", "text")
    same_records(read(tmp_path / "k1.jsonl"), read(tmp_path / "k.jsonl"))
    same_records(read(tmp_path / "d1.jsonl"), read(tmp_path / "d.jsonl"))
