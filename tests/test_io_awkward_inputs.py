"""QA regressions on awkward inputs: encodings, odd documents, offsets on CRLF and astral text,
highlight segmentation, and language-aware rules."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from dedupe import scan
from dedupe.cli import app
from dedupe.config import Config
from dedupe.io.readers import read_inputs
from dedupe.io.writers.highlight import Mark, segments
from dedupe.model import Document, InputError

runner = CliRunner()

SHARED = (
    "The agency reported \U0001F600 that the ministers of both countries signed a joint statement on energy "
    "cooperation\r\nand trade \U0001D518\U0001D52B\U0001D526 today in the capital after long talks."
)
A = "First \U0001F1FA\U0001F1E6 outlet intro\r\nwith its own words about something else.\r\n\r\n" + SHARED + "\r\nThe end."
B = "\U0001D49C second outlet begins differently, writing about weather.\r\n" + SHARED + "\r\nHe said 2,5 billion."


def run(*args, **kw):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, **kw)


def items(tmp_path, name, data: bytes, **kw):
    path = tmp_path / name
    path.write_bytes(data)
    return list(read_inputs([str(path)], **kw))


@pytest.mark.parametrize("suffix", ["txt", "csv"])
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_utf16_and_utf32_files_are_a_clear_error_naming_the_file(tmp_path, suffix, encoding):
    got = items(tmp_path, f"w.{suffix}", "id,text\n1,hello there\n".encode(encoding))
    assert len(got) == 1 and isinstance(got[0], InputError)
    assert got[0].path.endswith(f"w.{suffix}") and encoding[:6].upper() in got[0].message


def test_utf16_jsonl_is_one_clear_error(tmp_path):
    got = items(tmp_path, "w.jsonl", '{"id": "a", "text": "x"}\n{"id": "b", "text": "y"}\n'.encode("utf-16"))
    assert len(got) == 1 and "UTF-16" in got[0].message


def test_utf8_bom_stripped_in_text_csv_and_jsonl(tmp_path):
    bom = b"\xef\xbb\xbf"
    (doc,) = items(tmp_path, "a.txt", bom + b"Hello")
    assert doc.text == "Hello"
    csv_docs = items(tmp_path, "b.csv", bom + b'id,text\n1,"two\r\nlines, ""quoted"""\n2,plain\n')
    assert [(d.id, d.text, d.line) for d in csv_docs] == [("1", 'two\r\nlines, "quoted"', 2), ("2", "plain", 4)]
    (jl,) = items(tmp_path, "c.jsonl", bom + b'{"id": "j", "text": "x"}\n')
    assert (jl.id, jl.text) == ("j", "x")


def test_integer_and_string_ids_collide_as_duplicates(tmp_path):
    got = items(tmp_path, "i.jsonl", b'{"id": 1, "text": "a"}\n{"id": "1", "text": "b"}\n')
    report = scan(got, Config(detect_language=False, passages=False, rules=False))
    assert [d.id for d in report.documents] == ["1"] and len(report.errors) == 1
    assert "duplicate id '1'" in report.errors[0].message and report.errors[0].line == 2


def test_every_line_bad_jsonl_gives_errors_and_an_empty_valid_report(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.jsonl").write_text('{bad\n[1]\n{"id": 1}\n{"text": "x"}\n"str"\n')
    res = run("scan", "bad.jsonl", "--json", "r.json", "--no-html", "-q")
    report = json.loads((tmp_path / "r.json").read_text())
    assert res.exit_code == 2 and report["documents"] == [] and len(report["errors"]) == 5
    assert [line.split(":")[2] for line in res.stderr.strip().splitlines()] == ["1", "2", "3", "4", "5"]


def test_stdin_with_missing_path_and_good_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("A plain text document about the weather today.")
    res = run("scan", "-", "nowhere.jsonl", "a.txt", "--json", "-", "--no-html", "-q",
              input='{"id": "s", "text": "from standard input"}\n')
    report = json.loads(res.stdout)
    assert res.exit_code == 2 and [d["id"] for d in report["documents"]] == ["s", "a"]
    assert report["errors"] == [{"path": "nowhere.jsonl", "line": None, "message": "no such file or folder"}]
    assert [d["path"] for d in report["documents"]] == ["<stdin>:1", "a.txt"]


def test_empty_inputs_and_degenerate_documents(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    (tmp_path / "e.jsonl").write_bytes(b"")
    (tmp_path / "docs").mkdir()
    for name, text in {"empty": "", "ws": "  \r\n\t \n", "punct": "!!! ... ??? --- ,,,", "one": "One"}.items():
        (tmp_path / "docs" / f"{name}.txt").write_text(text)
    res = run("scan", "empty", "e.jsonl", "docs", "--json", "r.json", "--html", "r.html", "-q", "--no-timestamp")
    assert res.exit_code == 0, res.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert {d["id"]: d["words"] for d in report["documents"]} == {"empty": 0, "one": 1, "punct": 0, "ws": 0}
    assert report["clusters"] == [] and report["findings"] == []


def test_offsets_on_crlf_and_astral_text_are_code_points_into_the_text_as_read(tmp_path):
    (tmp_path / "a.txt").write_bytes(A.encode())
    (tmp_path / "b.txt").write_bytes(B.encode())
    docs = [d for d in read_inputs([str(tmp_path)])]
    assert [d.text for d in docs] == [A, B]  # CRLF kept, not translated
    report = scan(docs, Config())
    texts = {"a": A, "b": B}
    assert report.passages, "the shared block is a passage"
    for p in report.passages:
        for side in (p.a, p.b):
            got = texts[side.doc][side.start : side.end]
            assert "ministers of both countries signed a joint statement" in got
            assert got == got.strip()
    assert report.findings, "the decimal comma is found"
    for f in report.findings:
        assert texts[f.doc][f.start : f.end] == f.text


def test_one_megabyte_single_line_documents(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    words = [f"w{i:04d}" for i in range(3000)]
    big = " ".join(words[(i * 7919) % 3000] for i in range(180_000))  # ~1 MB, one line
    assert len(big) > 1_000_000 and "\n" not in big
    rows = [{"id": "big", "text": big}, {"id": "copy", "text": big + " tail"}]
    (tmp_path / "big.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    res = run("scan", "big.jsonl", "--json", "r.json", "--html", "r.html", "-q", "--no-rules")
    assert res.exit_code == 0, res.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert [c["members"] for c in report["clusters"]] == [["big", "copy"]]


def _segments_brute(text, marks):
    """The definition: every mark covering each piece between consecutive boundaries."""
    n = len(text)
    clipped = [(max(0, m.start), min(n, m.end), m.data) for m in marks]
    clipped = [c for c in clipped if c[0] < c[1]]
    bounds = sorted({0, n, *(c[0] for c in clipped), *(c[1] for c in clipped)})
    return [
        (s, e, tuple(d for cs, ce, d in clipped if cs <= s and e <= ce), tuple(d for cs, _, d in clipped if cs == s))
        for s, e in zip(bounds, bounds[1:])
    ]


@given(
    st.integers(0, 60),
    st.lists(st.tuples(st.integers(-5, 65), st.integers(-5, 65)), max_size=12),
)
def test_highlight_segments_match_the_definition(n, spans):
    text = "".join(chr(0x61 + i % 26) for i in range(n))
    marks = [Mark(s, e, i) for i, (s, e) in enumerate(spans)]
    got = [(s.start, s.end, s.marks, s.opens) for s in segments(text, marks)]
    assert got == _segments_brute(text, marks)
    assert "".join(s.text for s in segments(text, marks)) == text


def test_highlight_segments_many_overlapping_marks():
    """Many findings in one long document (not timed here; measured by hand, the old all-pairs
    scan took 20 s on this, the sweep 0.13 s)."""
    text = "x" * 400_000
    marks = [Mark(i * 20, i * 20 + 30, i) for i in range(20_000)]  # each overlaps the next
    segs = segments(text, marks)
    assert len(segs) == 39_999 and segs[1].marks == (0, 1) and segs[1].opens == (1,)
    assert segs[-1].end == 400_000 and segs[-1].marks == (19_999,)


RUSSIAN = "Президент заявил, что переговоры с соседней страной продолжатся в следующем месяце в столице. " * 4
ARABIC = "قال الرئيس إن المفاوضات مع الدولة المجاورة ستستمر في الشهر المقبل في العاصمة. " * 4


def test_rules_do_not_check_documents_in_another_language():
    english = "The minister said the talks would go on. He said it cost 2,5 billion. " * 3
    report = scan([("ru", RUSSIAN), ("ar", ARABIC), ("en", english)], Config(passages=False))
    assert {r.id: r.language for r in report.documents} == {"ru": "ru", "ar": "ar", "en": "en"}
    assert {f.doc for f in report.findings} == {"en"}


def test_rules_still_check_foreign_text_inside_english_documents():
    english = (
        "The minister said on Tuesday that the negotiations with the neighbouring country would continue "
        "for as long as it takes, and that a new round of talks was planned in the capital next month. " * 3
    )
    report = scan([("mixed", english + "\n\n" + RUSSIAN)], Config(passages=False))
    assert {f.rule for f in report.findings} & {"foreign-fragment", "stray-token"}


def test_html_escapes_hostile_text_and_survives_long_lines(tmp_path, monkeypatch):
    from html.parser import HTMLParser

    monkeypatch.chdir(tmp_path)
    evil = '<script>alert(1)</script> </textarea> {{ config }} {% if x %} &amp; <b>bold</b> '
    base = "The foreign minister said on Tuesday that the negotiations would continue for as long as it takes. "
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(evil + base * 3 + "x" * 20_000 + "\n" + evil)
    (tmp_path / "in" / "b.txt").write_text("Intro. " + base * 2 + evil)
    res = run("scan", "in", "--json", "r.json", "--html", "r.html", "-q")
    assert res.exit_code == 0, res.stderr
    html = (tmp_path / "r.html").read_text()

    class Parser(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.text = set(), []

        def handle_starttag(self, tag, attrs):
            self.tags.add(tag)

        def handle_data(self, data):
            self.text.append(data)

    p = Parser()
    p.feed(html)
    assert not {"textarea", "b"} & p.tags
    text = "".join(p.text)
    assert "<script>alert(1)</script>" in text and "{{ config }}" in text and "{% if x %}" in text
    assert "&amp;amp;" in html  # the literal "&amp;" is escaped once more


def test_lone_surrogates_are_input_errors_not_crashes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.jsonl").write_text(
        '{"id": "s", "text": "bad \\ud800 text"}\n{"id": "i\\udc80", "text": "x"}\n{"id": "ok", "text": "fine"}\n'
    )
    res = run("scan", "s.jsonl", "--json", "r.json", "--html", "r.html", "-q")
    assert res.exit_code == 2, res.stderr
    assert res.stderr.splitlines() == [
        "dedupe: s.jsonl:1: text is not valid Unicode: unpaired surrogate U+D800 at offset 4",
        "dedupe: s.jsonl:2: id is not valid Unicode: unpaired surrogate U+DC80 at offset 1",
    ]
    assert [d["id"] for d in json.loads((tmp_path / "r.json").read_text())["documents"]] == ["ok"]


def test_api_non_string_text_is_an_input_error():
    report = scan([("a", "some words"), ("b", None), {"id": "c", "text": 5}], Config(passages=False))
    assert [d.id for d in report.documents] == ["a"]
    assert [e.message for e in report.errors] == ["text must be a string, got NoneType", "text must be a string, got int"]


def test_html_stays_well_nested_with_overlapping_passages_and_findings(tmp_path, monkeypatch):
    from html.parser import HTMLParser

    monkeypatch.chdir(tmp_path)
    blk = (
        "The foreign minister said on Tuesday that the negotiations with the neighbouring country would continue "
        "for as long as it takes, and that 2,5 billion euros had been set aside for the damaged bridges. "
    )
    blk2 = (
        "Officials in the capital confirmed that a second round of talks was planned for next month, with "
        "delegations from both sides expected to attend the meeting in the old palace. "
    )
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Intro of A about other things entirely here. " + blk + blk2 + "Closing.")
    (tmp_path / "in" / "b.txt").write_text("A different start for B, about sports results. " + blk + "B ends here.")
    (tmp_path / "in" / "c.txt").write_text("Weather in C today was quite cold. " + blk[60:] + blk2 + "C closes.")
    res = run("scan", "in", "--json", "r.json", "--html", "r.html", "-q")
    assert res.exit_code == 0, res.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    spans = sorted((s["start"], s["end"]) for p in report["passages"] for s in (p["a"], p["b"]) if s["doc"] == "a")
    assert len(spans) == 2 and spans[0][1] > spans[1][0], "a's two passages overlap"
    assert any(f["doc"] == "a" and spans[1][0] <= f["start"] < spans[0][1] for f in report["findings"])

    class Nesting(HTMLParser):
        VOID = {"meta", "br", "link", "input", "img", "hr"}

        def __init__(self):
            super().__init__()
            self.stack, self.bad = [], []

        def handle_starttag(self, tag, attrs):
            if tag not in self.VOID:
                self.stack.append(tag)

        def handle_endtag(self, tag):
            if self.stack and self.stack[-1] == tag:
                self.stack.pop()
            else:
                self.bad.append(tag)

    p = Nesting()
    p.feed((tmp_path / "r.html").read_text())
    assert p.bad == [] and p.stack == []


@pytest.mark.parametrize("name, head", [("t.jsonl.gz", None), ("t.csv.gz", b"id,text\n")])
def test_truncated_gzip_keeps_the_documents_before_and_reports_the_file(tmp_path, name, head):
    import gzip

    if head is None:
        body = b"".join(b'{"id": "d%d", "text": "hello number %d"}\n' % (i, i) for i in range(3000))
    else:
        body = head + b"".join(b"d%d,hello number %d\n" % (i, i) for i in range(3000))
    data = gzip.compress(body)
    got = items(tmp_path, name, data[: len(data) // 2])
    docs = [g for g in got if isinstance(g, Document)]
    assert isinstance(got[-1], InputError) and len(got) == len(docs) + 1
    assert bool(docs) == (head is None)  # JSONL streams (keeps what came before); CSV reads whole
    assert got[-1].path.endswith(name) and "Compressed file ended" in got[-1].message


def test_stderr_lists_at_most_fifty_input_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.jsonl").write_text("{bad\n" * 120)
    res = run("scan", "bad.jsonl", "--json", "r.json", "--no-html", "-q")
    lines = res.stderr.splitlines()
    assert res.exit_code == 2 and len(lines) == 51 and lines[-1].startswith("dedupe: ... and 70 more input errors")
    assert len(json.loads((tmp_path / "r.json").read_text())["errors"]) == 120


def test_api_dict_without_id_or_text_is_an_input_error():
    report = scan([{"text": "no id here"}, {"id": "x"}, {"id": "ok", "text": "fine words"}], Config(passages=False))
    assert [d.id for d in report.documents] == ["ok"]
    assert [str(e) for e in report.errors] == ["<0>: missing 'id' in the document dict", "<1>: missing 'text' in the document dict"]


def test_file_name_that_is_not_utf8_is_an_input_error(tmp_path, monkeypatch):
    import os

    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    with open(os.path.join(b"in", b"caf\xe9.txt"), "wb") as f:
        f.write(b"hello there")
    (tmp_path / "in" / "good.txt").write_text("fine words")
    res = run("scan", "in", "--json", "r.json", "--html", "r.html", "-q")
    assert res.exit_code == 2
    assert res.stderr == "dedupe: in/caf\ufffd.txt: file name is not valid UTF-8: rename the file\n"
    assert [d["id"] for d in json.loads((tmp_path / "r.json").read_text())["documents"]] == ["good"]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_hard_wrapped_text_is_not_a_sentence_cut_on_every_line(newline):
    import textwrap

    para = (
        "The foreign minister said on Tuesday that the negotiations with the neighbouring country would "
        "continue for as long as it takes, and that a new round of talks was planned in the capital next "
        "month. Officials confirmed that delegations from both sides were expected to attend the meeting in "
        "the old palace, where the previous round ended without agreement. the vaccine was approved today."
    )
    text = (newline * 2).join(newline.join(textwrap.wrap(para, width)) for width in (60, 72, 78))
    report = scan([("w", text)], Config(passages=False, select=("broken-sentence",)))
    assert len(report.findings) == 3  # only the real lower-case start after a full stop, once per copy
    assert all("the vaccine" in f.text and text[f.start : f.end] == f.text for f in report.findings)


def test_parquet_null_text_and_null_id_are_named_as_such(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    path = tmp_path / "n.parquet"
    pq.write_table(pa.table({"id": [1, 2, None, 4], "text": ["hello world", None, "orphan", "  "]}), path)
    got = list(read_inputs([str(path)]))
    assert [d.id for d in got if isinstance(d, Document)] == ["1", "4"]
    assert [(e.line, e.message) for e in got if isinstance(e, InputError)] == [
        (2, "text field 'text' is null"),
        (3, "missing id field 'id' (set --id-field)"),
    ]
