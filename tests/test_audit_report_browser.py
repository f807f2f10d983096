"""The report in a real browser (Debian's chromium through Playwright): charts drawn, nothing overflowing."""

import shutil

import pytest

from engine.audit import audit
from tests._audit import ALL_FIXTURES, TODAY

pytestmark = pytest.mark.slow  # python -m pytest --all (CI runs it)

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def test_report_renders(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright absent")
    if not shutil.which(CHROMIUM):
        pytest.skip("chromium absent (/usr/bin/chromium)")
    audit(ALL_FIXTURES, tmp_path, jobs=1, today=TODAY)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 800})
            requests = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto((tmp_path / "rapport.html").as_uri())
            assert page.locator("h1").inner_text().startswith("Clauses sociales")
            assert page.locator("svg rect").count() > 3
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            assert [u for u in requests if not u.startswith("file:")] == []
        finally:
            browser.close()
