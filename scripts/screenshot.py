"""Regenerate the seeds' HTML report and its screenshot (``reports/screenshot.png``).

    python scripts/screenshot.py [--out reports/screenshot.png]

Scans ``seeds/`` exactly like ``dedupe scan seeds/`` (writing ``reports/report.json`` and
``reports/report.html``), opens the HTML in headless Chromium (Debian's ``chromium``, driven
by Playwright; never ``playwright install``) and saves a screenshot of the side-by-side view
of the first pair of documents that share passages, preceded by the document table.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """The system Chromium, or None."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def launch(playwright):
    """A headless system Chromium browser (Playwright)."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Regenerate reports/report.html and reports/screenshot.png from seeds/.")
    ap.add_argument("--out", default=str(ROOT / "reports" / "screenshot.png"))
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from dedupe.cli import main as dedupe_main

    os.chdir(ROOT)  # relative paths in the committed report, whatever the checkout's location
    try:
        dedupe_main(["scan", "seeds/", "--json", "reports/report.json",
                     "--html", "reports/report.html", "--no-timestamp", "-q"])
    except SystemExit as e:
        if e.code:
            return int(e.code)
    if chromium_path() is None:
        sys.stderr.write("screenshot: chromium not found (apt-get install chromium)\n")
        return 2
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, device_scale_factor=1)
        page.goto((ROOT / "reports" / "report.html").as_uri())
        # every text laid out now, so that nothing above the view changes size while it is taken
        page.add_style_tag(content="section.document { content-visibility: visible; }")
        pair = page.locator("details.pair").first
        # open the view, and scroll each column so that its first shared passage is near the top
        pair.evaluate(
            """view => (view.open = true) && view.querySelectorAll('.sides > div').forEach(col => {
                const hl = col.querySelector('.hl.passage');
                if (hl) col.scrollTop = hl.offsetTop - 80;  // offsetTop is relative to the column (position: relative)
            })"""
        )
        pair.screenshot(path=args.out)
        browser.close()
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
