"""The HTML report: structure, escaping, overlapping highlights, the CLI options."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from typer.testing import CliRunner

from dedupe import Config, scan
from dedupe.cli import app
from dedupe.io.writers import html
from dedupe.io.writers.highlight import Mark, segments
from dedupe.model import Finding

ROOT = Path(__file__).resolve().parents[1]
SHARED = (
    "The regional water authority confirmed on Monday that the northern reservoir had fallen to "
    "its lowest level in forty years, and that rationing would begin across three districts next week."
)
EVIL = "<script>alert('x')</script> & <b>bold</b> "


class Page(HTMLParser):
    """Collects elements (tag, attrs), text per element id path, and script contents."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False
        self._stack: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append((tag, a))
        self._in_script = tag == "script"
        if tag not in ("br", "meta", "link", "img", "input"):
            self._stack.append((tag, a))

    def handle_endtag(self, tag):
        self._in_script = False
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)
        self.text.append(data)

    def by_class(self, cls):
        return [a for t, a in self.elements if cls in (a.get("class") or "").split()]


def parse(text: str) -> Page:
    p = Page()
    p.feed(text)
    p.close()
    return p


def make_report(findings=()):
    docs = [
        ("evil", EVIL + "Farmers met to discuss prices. " + SHARED),
        ("plain", SHARED + " A new library opened downtown after delays."),
        ("alone", "Nothing here is shared with any other article in the corpus at all."),
    ]
    r = scan(docs, Config(detect_language=False, rules=False), timestamp=False)
    r.findings = list(findings)
    return r, dict(docs)


def test_document_text_is_escaped():
    report, _ = make_report()
    out = html.render(report)
    page = parse(out)
    # the document's <script> is text, not an element: the page's one script is its own
    assert len(page.scripts) == 1 and "alert" not in page.scripts[0]
    assert not any(t == "b" for t, _ in page.elements)
    body = "".join(page.text)
    assert "<script>alert('x')</script> & <b>bold</b>" in body
    assert "&lt;script&gt;" in out


def test_self_contained_page():
    report, _ = make_report()
    out = html.render(report)
    page = parse(out)
    for tag, attrs in page.elements:
        for key in ("src", "href"):
            value = attrs.get(key)
            if value is not None and tag != "a":
                raise AssertionError(f"external resource {tag} {key}={value}")
            if tag == "a" and value is not None:
                assert value.startswith("#"), value  # links stay inside the page
    assert "<style>" in out and "http://" not in out.replace("http://www.w3.org", "")


def test_overview_lists_documents_pairs_and_parameters():
    report, _ = make_report()
    page = parse(html.render(report))
    text = "".join(page.text)
    for doc in ("evil", "plain", "alone"):
        assert any(a.get("id") == f"doc-{i}" for i in range(3) for _, a in page.elements)
        assert doc in text
    assert "passage_min_words" in text and "threshold" in text
    pair_rows = [a for t, a in page.elements if t == "a" and a.get("href") == "#pair-0"]
    assert len(pair_rows) == 1 and "side by side" in text.lower()


def test_passage_highlights_link_both_sides():
    report, texts = make_report()
    page = parse(html.render(report))
    ids = {a["id"] for _, a in page.elements if "id" in a}
    highlights = [a for t, a in page.elements if t == "a" and "passage" in (a.get("class") or "").split()]
    assert len(highlights) >= 4  # both sides in the document view and in the side-by-side view
    for a in highlights:
        assert a["href"].lstrip("#") in ids  # every highlight links to an existing anchor
        assert a["title"].startswith("Shared with ")
    p = report.passages[0]
    titles = " ".join(a.get("title", "") for a in highlights)
    assert f"Shared with plain (characters {p.b.start}–{p.b.end})" in titles
    assert f"Shared with evil (characters {p.a.start}–{p.a.end})" in titles


def test_findings_and_passages_overlap_correctly():
    report, texts = make_report()
    p = next(x for x in report.passages if x.a.doc == "evil")
    start = p.a.start + 10  # a finding straddling the start... and one inside the passage
    f1 = Finding("test-rule", "warning", "evil", p.a.start - 8, p.a.start + 12, texts["evil"][p.a.start - 8 : p.a.start + 12], "Straddles <the> start")
    f2 = Finding("other-rule", "error", "evil", start, start + 5, texts["evil"][start : start + 5], "Inside")
    report.findings = [f1, f2]
    out = html.render(report)
    page = parse(out)
    both = [a for a in page.by_class("finding") if "passage" in a["class"].split()]
    assert both, "a segment covered by a passage and a finding"
    assert any("test-rule (warning): Straddles <the> start" in a["title"] and "Shared with plain" in a["title"] for a in both)
    assert any("sev-error" in a["class"] for a in both)  # the worst severity wins the colour
    # the rendered document text is the original text exactly once, whatever the segmentation
    section_text = _section_text(out, "doc-0")
    assert texts["evil"] in section_text
    assert "Straddles <the> start" in "".join(page.text)  # finding messages are listed, escaped


def _section_text(out: str, anchor: str) -> str:
    start = out.index(f'id="{anchor}"')
    chunk = out[start : out.index("</section>", start)]
    div = chunk[chunk.index('<div class="text"') :]
    return _without_tags(div)


def _without_tags(div: str) -> str:
    """The text of a rendered document, without the labels of its passage and rule tags."""
    import re

    return "".join(parse(re.sub(r'<a class="tag[^"]*"[^>]*>.*?</a>', "", div)).text)


def test_segments_split_at_every_boundary():
    segs = segments("0123456789", [Mark(2, 6, "p"), Mark(4, 8, "f"), Mark(4, 6, "g"), Mark(9, 20, "h"), Mark(3, 3, "e")])
    assert "".join(s.text for s in segs) == "0123456789"
    assert [(s.start, s.end, s.marks) for s in segs] == [
        (0, 2, ()),
        (2, 4, ("p",)),
        (4, 6, ("p", "f", "g")),
        (6, 8, ("f",)),
        (8, 9, ()),
        (9, 10, ("h",)),
    ]


def test_cli_writes_html_by_default_and_honours_options(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    seeds = str(ROOT / "seeds")
    res = runner.invoke(app, ["scan", seeds, "--no-language", "-q"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "reports" / "report.html").is_file()
    page = parse((tmp_path / "reports" / "report.html").read_text(encoding="utf-8"))
    assert len(page.by_class("passage")) > 4
    # the minimum is the evidence a pair needs: at 26 one of the two sharing pairs keeps it
    res = runner.invoke(app, ["scan", seeds, "--no-language", "-q", "--html", "x.html", "--min-passage-words", "26"])
    assert res.exit_code == 0
    few = parse((tmp_path / "x.html").read_text(encoding="utf-8"))
    assert 0 < len(few.by_class("tag")) < len(page.by_class("tag"))
    res = runner.invoke(app, ["scan", seeds, "--no-language", "-q", "--no-html", "--no-passages", "--json", "y.json"])
    assert res.exit_code == 0
    assert not (tmp_path / "y.html").exists()
    import json

    assert json.loads((tmp_path / "y.json").read_text())["passages"] == []


def test_large_corpus_page_shows_only_documents_of_interest():
    from dedupe import Config, scan
    from dedupe.io.writers.html import render

    shared = ("the regional council voted on Tuesday to close the old harbour bridge for repairs "
              "that engineers say will take at least eighteen months to complete")
    texts = [("a", f"Morning news. {shared}. Traffic will be diverted."),
             ("b", f"In other news, {shared}, a spokesman said.")]
    texts += [(f"other{i}", f"Unrelated story number {i} about gardening and the weather in spring.")
              for i in range(4)]
    report = scan(texts, Config(detect_language=False, rules=False))
    assert report.passages
    page = render(report, max_documents=3)
    assert "4 others are in the JSON report only" in page
    assert 'id="doc-0"' in page and 'id="doc-1"' in page
    assert "Unrelated story number" not in page


def test_controls_bidi_and_parameters_last():
    rtl = "ab\u202ecd"
    docs = [(rtl, "Null \x00 and escape \x1b[31m here. " + SHARED), ("plain", SHARED + " More text follows here.")]
    out = html.render(scan(docs, Config(detect_language=False, rules=False), timestamp=False))
    assert "\x00" not in out and "\x1b" not in out
    assert "\u2400" in out and "\u241b[31m" in out  # shown as symbols, one for one
    assert f"<bdi>{rtl}</bdi>" in out  # the id cannot reorder the text around it
    assert '<div class="text" dir="auto">' in out
    assert out.index('id="parameters"') > out.index('id="pairs"')  # the first screen is the overview


def test_caps_say_what_was_left_out(monkeypatch):
    monkeypatch.setattr(html, "MAX_PASSAGES_PER_DOCUMENT", 1)
    monkeypatch.setattr(html, "MAX_SIDE_BY_SIDE", 1)
    monkeypatch.setattr(html, "MAX_PAIR_ROWS", 1)
    monkeypatch.setattr(html, "MAX_SHARED_WITH", 1)
    other = "Officials at the port said the new cranes would double the number of ships handled each day from spring."
    docs = [("a", SHARED + " " + other), ("b", SHARED + " Then b."), ("c", "Start of c. " + other)]
    report = scan(docs, Config(detect_language=False, rules=False), timestamp=False)
    assert len(report.passages) == 2
    out = html.render(report)
    assert out.count('class="pair"') == 1  # one side-by-side view
    assert "1 more document pairs share text" in out
    assert "1 more pairs are in the JSON report only" in out
    assert "1 more are in the JSON report only" in out  # a's second passage
    assert "and 1 more" in out  # a shares with two documents, one is named


def test_template_compiled_once_into_the_cache_renders_as_the_template(tmp_path, monkeypatch):
    """The page from the template's code kept in the cache (jinja2's bytecode cache) equals the
    one jinja2 makes from the template; without a writable cache it is compiled as before."""
    report, _ = make_report([Finding(rule="stray-token", severity="warning", doc="plain", start=0, end=3, text="The",
                                     message="m <b>", confidence=0.5)])
    view = html._view(report, html.MAX_DOCUMENTS)
    fresh = html._env().get_template(html.TEMPLATE).render(**view)
    monkeypatch.setenv("DEDUPE_CACHE_DIR", str(tmp_path / "cache"))
    try:
        for _ in range(2):  # compiled and kept, then read from the cache in a new process's place
            html._template.cache_clear()
            assert html._template().render(**view) == fresh
            assert len(list((tmp_path / "cache" / "jinja2").glob("*.cache"))) == 1
        blocker = tmp_path / "file"
        blocker.write_text("")
        monkeypatch.setenv("DEDUPE_CACHE_DIR", str(blocker / "cache"))  # under a file: cannot be made
        html._template.cache_clear()
        assert html._template().render(**view) == fresh
    finally:
        html._template.cache_clear()
