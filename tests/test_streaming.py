"""Streaming: texts are read again from their source; the report does not depend on the
number of workers; ``dedupe dedup`` streams the same kept/dropped records as a version that
holds every document in memory."""

import json

from typer.testing import CliRunner

from dedupe import Config, scan
from dedupe.cli import app
from dedupe.io.readers import read_inputs
from dedupe.io.writers import json as json_writer
from planted import planted_corpus


def write_jsonl(path, corpus, bom=False):
    lines = [json.dumps({"id": d, "text": t, "extra": i}, ensure_ascii=False) for i, (d, t) in enumerate(corpus)]
    lines.insert(3, "{not json")
    path.write_text(("\ufeff" if bom else "") + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_corpus_reads_texts_again(tmp_path):
    from dedupe.api import ingest

    corpus = planted_corpus(30) + [("u1", "caf\u00e9 \u4e2d\u6587 \u0130stanbul\r\nline")]
    path = write_jsonl(tmp_path / "c.jsonl", corpus, bom=True)
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "a.txt").write_bytes("\ufeffcaf\u00e9 one two".encode("utf-8"))
    c, errors = ingest(list(read_inputs([str(path), str(folder)])), Config(detect_language=False))
    assert len(errors) == 1  # the malformed line
    assert not c._held  # nothing held: every text can be read again
    assert c.document("u1").fields == {"id": "u1", "extra": len(corpus) - 1}
    for doc_id, text in corpus + [("a", "caf\u00e9 one two")]:
        assert c.text(doc_id) == text
    assert [d.id for d in c] == [d for d, _ in corpus] + ["a"]


def test_report_identical_whatever_the_workers(tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", planted_corpus(200))
    outs = []
    for workers in (1, 2, 3):
        config = Config(workers=workers, batch_size=37, detect_language=True, passages=False, rules=False)
        report = scan(read_inputs([str(path)]), config, timestamp=False)
        out = tmp_path / f"r{workers}.json"
        json_writer.write(report, str(out))
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] == outs[2]
    assert b'"contained"' in outs[0]


def in_memory_dedup(path, config):
    """The foundation's dedup: hold every document, then split."""
    docs = [d for d in read_inputs([str(path)]) if hasattr(d, "text")]
    report = scan(docs, config)
    result = {d.id: d for d in report.documents}
    reps = {c.id: c.representative for c in report.clusters}
    kept, dropped = [], []
    for d in docs:
        rec = dict(d.fields)
        rec["text"] = d.text
        if result[d.id].keep:
            kept.append(rec)
        else:
            rec["cluster"] = result[d.id].cluster
            rec["representative"] = reps[result[d.id].cluster]
            dropped.append(rec)
    return kept, dropped


def test_streaming_dedup_equals_in_memory(tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", planted_corpus(150))
    result = CliRunner().invoke(
        app,
        ["dedup", str(path), "--out", str(tmp_path / "k.jsonl"), "--dropped", str(tmp_path / "d.jsonl"),
         "--workers", "2", "-q"],
    )
    assert result.exit_code == 2  # the malformed line is an input error; outputs still written
    config = Config(detect_language=False, passages=False, rules=False)
    kept, dropped = in_memory_dedup(path, config)
    read = lambda p: [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines()]  # noqa: E731
    assert read(tmp_path / "k.jsonl") == kept
    assert read(tmp_path / "d.jsonl") == dropped
    assert dropped  # the planted copies
