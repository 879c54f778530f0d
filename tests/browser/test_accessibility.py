"""axe-core (the engine behind Lighthouse's accessibility audit) on the page, in each state a user
sees: empty, with a result and its feedback buttons, after feedback, and with an error shown.

    .venv-train/bin/python -m pytest -m browser tests/browser/test_accessibility.py

axe-core is injected from node_modules (package.json pins it); nothing is fetched from a CDN.
Violations of impact "serious" or "critical" fail the test, with axe's own description of each.
The page's Content-Security-Policy forbids injected scripts (as it should), so these pages are
opened with Playwright's `bypass_csp`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import DESKTOP, NEGATIVE_TWEET, PHONE, open_page, predict

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def axe_violations(page: Page) -> list[dict]:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make test does)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       targets: v.nodes.map(n => n.target.join(" "))}));
    }""")
    return [v for v in result if v["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['impact']}: {v['id']} ({v['help']}) at {v['targets']}" for v in violations)


def audited_page(browser, request, viewport=DESKTOP):
    page, _ = open_page(browser, request, viewport=viewport, bypass_csp=True)
    return page


def test_empty_page_has_no_serious_violations(live_host, browser, request):
    page = audited_page(browser, request)
    page.goto(live_host.url("/api/ui"))
    expect(page.locator("#model-version")).not_to_contain_text("checking")
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_result_and_feedback_states_have_no_serious_violations(live_host, azurite, browser, request):
    page = audited_page(browser, request)
    page.goto(live_host.url("/api/ui"))
    predict(page, NEGATIVE_TWEET)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    page.locator("#feedback-no").click()
    expect(page.locator("#feedback-message")).not_to_be_empty()
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_error_state_on_a_phone_has_no_serious_violations(live_host, browser, request):
    page = audited_page(browser, request, viewport=PHONE)
    page.goto(live_host.url("/api/ui"))
    page.get_by_role("button", name="Predict").click()  # empty text: the page explains
    violations = axe_violations(page)
    assert violations == [], describe(violations)
