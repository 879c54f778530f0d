"""What the browser tests share: Chromium settings, a recorder of what a page did, and the
steps every test repeats. The fixtures built on these are in conftest.py."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page, ViewportSize, expect

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
DESKTOP: ViewportSize = {"width": 1000, "height": 800}
PHONE: ViewportSize = {"width": 375, "height": 740}
FEEDBACK_TABLE = "feedbacklive"  # what the live_host fixture configures
NEGATIVE_TWEET = "@united two hours on the tarmac and still no update. Worst flight ever, so angry."

expect.set_options(timeout=15_000)


class PageRecorder:
    """What a page did: console errors, uncaught exceptions, and every request it sent."""

    def __init__(self, page: Page):
        self.page = page
        self.console_errors: list[str] = []
        self.requests: list = []
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.console_errors.append(f"uncaught: {e}"))
        page.on("request", lambda r: self.requests.append(r))

    def api_calls(self, route: str) -> list:
        return [r for r in self.requests if urlsplit(r.url).path == f"/api/{route}"]

    def foreign_hosts(self) -> set[str]:
        hosts = {urlsplit(r.url).hostname for r in self.requests}
        return {h for h in hosts if h != "127.0.0.1"}


def open_page(browser, request, viewport=DESKTOP, **context_options):
    context = browser.new_context(viewport=viewport, **context_options)
    page = context.new_page()
    recorder = PageRecorder(page)

    def finish():
        try:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        finally:
            context.close()
        assert recorder.foreign_hosts() == set(), "the page must load nothing from another host"

    request.addfinalizer(finish)
    return page, recorder


def predict(page: Page, text: str) -> dict:
    """Type a tweet, press Predict, and return the API's answer once the page shows it."""
    page.get_by_label("Tweet text").fill(text)
    with page.expect_response(lambda r: urlsplit(r.url).path == "/api/predict") as answer:
        page.get_by_role("button", name="Predict").click()
    assert answer.value.status == 200, answer.value.text()
    expect(page.locator("#result")).to_be_visible()
    return answer.value.json()
