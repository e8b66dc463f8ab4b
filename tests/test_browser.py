"""The seeds' HTML report in a real browser (headless system Chromium via Playwright):
passage highlights are present and visible. Skipped, with the reason, when Chromium or
Playwright is missing (``.ci/run`` installs Chromium; Playwright is in the ``test`` extra)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dedupe import Config, scan
from dedupe.io.writers import html
from scripts.screenshot import chromium_path, launch

ROOT = Path(__file__).resolve().parents[1]

if chromium_path() is None:
    pytest.skip("chromium is not installed (apt-get install chromium); browser test skipped", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install '.[test]')")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    docs = [(p.name, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    report = scan(docs, Config(detect_language=False, rules=False), timestamp=False)
    out = tmp_path_factory.mktemp("html") / "report.html"
    html.write(report, str(out))
    with sync_api.sync_playwright() as p:
        browser = launch(p)
        pg = browser.new_page(viewport={"width": 1280, "height": 900})
        requests = []
        pg.on("request", lambda r: requests.append(r.url))
        pg.goto(out.as_uri())
        pg.requests = requests
        yield pg, report
        browser.close()


def test_passage_highlights_are_visible(page):
    pg, report = page
    highlights = pg.locator("#documents a.hl.passage")
    n = highlights.count()
    assert n >= 2 * len(report.passages)  # every passage on both sides (possibly split by findings)
    for i in range(n):
        el = highlights.nth(i)
        el.scroll_into_view_if_needed()
        box = el.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0
        style = el.evaluate(
            "e => { const s = getComputedStyle(e); return [s.display, s.visibility, s.opacity, s.backgroundColor]; }"
        )
        assert style[0] != "none" and style[1] == "visible" and float(style[2]) > 0
        assert style[3] not in ("rgba(0, 0, 0, 0)", "transparent")  # actually highlighted


def test_highlight_text_is_the_passage(page):
    pg, report = page
    texts = {Path(p.name).name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))}
    for n, p in enumerate(report.passages):
        shown = "".join(pg.locator(f'#documents a.hl.passage[data-passages~="{n}"]').all_text_contents())
        assert texts[p.a.doc][p.a.start : p.a.end] in shown


def test_clicking_a_highlight_goes_to_the_other_copy(page):
    pg, report = page
    first = pg.locator("#documents a.hl.passage").first
    target = first.get_attribute("href")
    first.click()
    assert pg.evaluate("location.hash") == target
    assert pg.locator(target).bounding_box() is not None


def test_no_external_requests(page):
    pg, _ = page
    assert all(u.startswith("file://") for u in pg.requests), pg.requests
