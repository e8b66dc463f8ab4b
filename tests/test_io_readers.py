"""Corpus readers: formats, bad input recorded with path and line, duplicate ids."""

import io
import json

import pytest

from dedupe.config import Config
from dedupe.ingest import ingest
from dedupe.io.readers import detect_format, read_inputs
from dedupe.model import Document, InputError


def split(items):
    items = list(items)
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, InputError)]


def test_folder_recursive_ids_and_bom(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_bytes("\ufeffHello world".encode("utf-8"))
    (tmp_path / "sub" / "b.md").write_text("Second", encoding="utf-8")
    (tmp_path / "ignored.csv").write_text("x", encoding="utf-8")
    docs, errors = split(read_inputs([str(tmp_path)]))
    assert [d.id for d in docs] == ["a", "sub/b"]
    assert docs[0].text == "Hello world"
    assert not errors


def test_undecodable_file_names_path_and_line(tmp_path):
    (tmp_path / "good.txt").write_text("fine", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"line one\nline two \xff\xfe here\n")
    docs, errors = split(read_inputs([str(tmp_path)]))
    assert [d.id for d in docs] == ["good"]
    assert len(errors) == 1 and errors[0].path.endswith("bad.txt") and errors[0].line == 2
    assert "UTF-8" in errors[0].message


def test_jsonl_fields_errors_and_lines(tmp_path):
    p = tmp_path / "c.jsonl"
    p.write_bytes(
        b'{"id": 1, "text": "first", "url": "u1"}\n'
        b"\n"
        b'{"id": 2, "text": "second"\n'
        b'{"id": 3}\n'
        b'{"id": 4, "text": "caf\xc3\xa9"}\n'
        b'{"id": 5, "text": "bad \xff"}\n'
        b"[1, 2]\n"
    )
    docs, errors = split(read_inputs([str(p)]))
    assert [(d.id, d.line) for d in docs] == [("1", 1), ("4", 5)]
    assert docs[0].fields == {"id": 1, "url": "u1"} and docs[0].location == f"{p}:1"
    assert [(e.line, e.message.split(":")[0]) for e in errors] == [
        (3, "malformed JSON"),
        (4, "missing text field 'text' (set --text-field); the fields are id"),
        (6, "not valid UTF-8"),
        (7, "expected an object, got list"),
    ]


def test_jsonl_custom_fields(tmp_path):
    p = tmp_path / "c.ndjson"
    p.write_text(json.dumps({"key": "k", "body": "text here"}) + "\n", encoding="utf-8")
    docs, _ = split(read_inputs([str(p)], id_field="key", text_field="body"))
    assert docs[0].id == "k" and docs[0].text == "text here"


def test_csv_with_multiline_field(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text('id,text,source\n1,"two\nlines",x\n2,plain,y\n,missing id,z\n', encoding="utf-8")
    docs, errors = split(read_inputs([str(p)]))
    assert [(d.id, d.line, d.text) for d in docs] == [("1", 2, "two\nlines"), ("2", 4, "plain")]
    assert docs[0].fields == {"id": "1", "source": "x"}
    assert [(e.line, e.message) for e in errors] == [(5, "missing id field 'id' (set --id-field)")]


def test_csv_missing_column(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("name,body\n1,x\n", encoding="utf-8")
    _, errors = split(read_inputs([str(p)]))
    assert errors[0].line == 1 and "no column 'id'" in errors[0].message


def test_parquet(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    p = tmp_path / "c.parquet"
    pq.write_table(pa.table({"id": ["a", "b"], "text": ["one", "two"], "lang": ["en", "fr"]}), p)
    docs, errors = split(read_inputs([str(p)]))
    assert [(d.id, d.line, d.fields["lang"]) for d in docs] == [("a", 1, "en"), ("b", 2, "fr")]
    assert not errors


def test_parquet_without_pyarrow_names_the_install(tmp_path, monkeypatch):
    import builtins

    from dedupe.errors import MissingExtraError

    real_import = builtins.__import__

    def fake_import(name, *a, **k):
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    p = tmp_path / "c.parquet"
    p.write_bytes(b"PAR1")
    with pytest.raises(MissingExtraError, match=r"pip install 'dedupe-news\[parquet\]'"):
        list(read_inputs([str(p)]))


def test_stdin_jsonl():
    stream = io.BytesIO(b'{"id": "x", "text": "from stdin"}\n')
    docs, _ = split(read_inputs(["-"], stdin=stream))
    assert docs[0].id == "x" and docs[0].path == "<stdin>"


def test_duplicate_id_names_both_places(tmp_path):
    a = tmp_path / "a.jsonl"
    b = tmp_path / "b.jsonl"
    a.write_text('{"id": "same", "text": "one"}\n', encoding="utf-8")
    b.write_text('{"id": "other", "text": "x"}\n{"id": "same", "text": "two"}\n', encoding="utf-8")
    assert len(split(read_inputs([str(a), str(b)]))[0]) == 3  # readers do not check ids: ingest does
    corpus, errors = ingest(read_inputs([str(a), str(b)]), Config(detect_language=False))
    assert [corpus.text(i) for i in range(len(corpus))] == ["one", "x"]
    assert errors[0].path == str(b) and errors[0].line == 2
    assert f"{a}:1" in errors[0].message


def test_missing_input_is_an_error_not_a_crash(tmp_path):
    docs, errors = split(read_inputs([str(tmp_path / "nope.jsonl")]))
    assert not docs and "no such file" in errors[0].message


@pytest.mark.parametrize(
    "name,fmt",
    [("a.jsonl", "jsonl"), ("a.ndjson", "jsonl"), ("a.jsonl.gz", "jsonl"), ("a.csv", "csv"),
     ("a.parquet", "parquet"), ("a.txt", "text"), ("-", "jsonl")],
)
def test_detect_format(name, fmt):
    assert detect_format(name) == fmt


def test_jsonl_loads_equals_json_loads():
    import json

    from dedupe.io.readers.jsonl import loads

    cases = ['{"a": 1}\n', '  {"a": 1}', '{"a": 1} \t\r\n', '{"a": 1}\x0b', '{"a": 1} x', '{"a": 1}{"b": 2}',
             '{"a": NaN, "b": "\\u00e9\\ud83d\\ude00", "a": 2}', '{"a": ', '', '[1, 2]', '"s"', '{"a": 1}\u00a0']
    for line in cases:
        try:
            expected = ("ok", json.loads(line))
        except json.JSONDecodeError as e:
            expected = ("error", e.msg, e.colno)
        try:
            got = ("ok", loads(line))
        except json.JSONDecodeError as e:
            got = ("error", e.msg, e.colno)
        assert repr(got) == repr(expected), line


def test_jsonl_records_with_orjson_equal_those_without(monkeypatch):
    # orjson (the fast extra) decodes a line only when it surely gives what json gives; any
    # other line is decoded and reported by json as before
    import pytest

    from dedupe.io.readers import jsonl

    if jsonl._orjson_loads is None:
        pytest.skip("orjson not installed")
    big = 123456789012345678901234567890
    lines = [b'{"id": 1, "text": "plain"}\n', b'{"id": %d, "text": "big id"}\n' % big,
             b'{"id": "n", "text": "x", "score": -%d}\n' % big, b'{"id": "f", "text": "x", "v": [1.5, {"w": 1e300}]}\n',
             b'{"id": "nan", "text": "x", "v": NaN}\n', b'{"id": "inf", "text": "x", "v": 1e400}\n',
             b'{"id": "s", "text": "\\ud800 lone"}\n', b'{"id": "pair", "text": "\\ud83d\\ude00 \\u00e9"}\n',
             b'{"id": "dup", "text": "a", "text": "b"}\n', b'{"id": "ctl", "text": "a\x01b"}\n',
             b'{"id": "utf", "text": "\xff"}\n', b'{"id": "t", "text": "x"} x\n', b'  {"id": "ws", "text": "y"} \r\n',
             b'[1, 2]\n', b'"s"\n', b'{"id": "deep", "text": "z", "v": ' + b"[" * 1100 + b"]" * 1100 + b"}\n",
             b'{"id": "u64", "text": "x", "v": 18446744073709551615, "w": -9223372036854775808}\n',
             b' \t\n', b'\n', b'{"id": "last", "text": "\xc3\xa9t\xc3\xa9"}']

    def read():
        return [repr(item) for item in jsonl.read_stream(lines, "f.jsonl", "id", "text", seekable=True)]

    fast = read()
    monkeypatch.setattr(jsonl, "_orjson_loads", None)
    assert fast == read()
    assert jsonl.record_of(lines[1]) is None and jsonl.record_of(lines[0]) is None  # (orjson off)
    monkeypatch.undo()
    assert jsonl.record_of(lines[0]) == {"id": 1, "text": "plain"} and jsonl.record_of(lines[1]) is None
