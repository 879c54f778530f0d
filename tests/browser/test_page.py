"""The page in headless Chromium against the local host, real Azurite and a local ingestion endpoint.

    .venv-train/bin/python -m pytest -m browser tests/browser

Uses the Debian Chromium (/usr/bin/chromium) through the Python Playwright client; nothing is
downloaded. Every test fails if the page asks any host other than 127.0.0.1 for anything.
Screenshots land in test-artifacts/ (gitignored).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from azure.data.tables import TableClient
from playwright.sync_api import Page, expect

from service.telemetry import PREDICTION_REJECTED
from tests.browser.pages import ARTIFACTS, FEEDBACK_TABLE, NEGATIVE_TWEET, PHONE, open_page, predict
from tests.fixtures.live_host import LiveHost, host_environment

pytestmark = pytest.mark.browser


def stored_feedback(azurite, prediction_id: str) -> list[dict]:
    with TableClient.from_connection_string(azurite.connection_string, table_name=FEEDBACK_TABLE) as table:
        return list(table.query_entities("RowKey eq @id", parameters={"id": prediction_id}))


def assert_result_shown(page: Page, prediction: dict) -> None:
    label = "Positive" if prediction["sentiment"] == "positive" else "Negative"
    expect(page.locator("#result-label")).to_have_text(label)
    percent = page.locator("#result-probability").inner_text()
    shown = float(re.search(r"([\d.]+)%", percent).group(1))
    assert abs(shown - prediction["probability"] * 100) <= 0.6, percent
    bar_width = page.locator("#meter-fill").evaluate("e => e.style.width")
    assert abs(float(bar_width.rstrip("%")) - prediction["probability"] * 100) < 0.01
    # the marker shows the model's own threshold, which the API reports
    marker = page.locator("#meter-threshold").evaluate("e => e.style.left")
    assert abs(float(marker.rstrip("%")) - prediction["threshold"] * 100) < 0.01


def test_page_loads_with_no_console_errors_and_the_limit_from_health(live_host, desktop):
    page, recorder = desktop
    page.goto(live_host.url("/api/ui"))
    limit = page.request.get(live_host.url("/api/health")).json()["limits"]["max_text_chars"]
    expect(page).to_have_title(re.compile("Tweet sentiment"))
    expect(page.locator("#char-count")).to_have_text(f"0 / {limit:,} characters")
    expect(page.locator("#model-version")).not_to_have_text(re.compile("checking|not available"))
    page.wait_for_load_state("networkidle")
    assert recorder.console_errors == []
    assert page.locator("#service-notice").inner_text() == ""
    for name in ("Tweet text",):
        expect(page.get_by_label(name)).to_be_visible()


def test_rejected_prediction_is_stored_and_reaches_telemetry(live_host, azurite, ingestion, desktop):
    page, recorder = desktop
    page.goto(live_host.url("/api/ui"))
    prediction = predict(page, NEGATIVE_TWEET)
    assert_result_shown(page, prediction)
    page.screenshot(path=str(ARTIFACTS / "page-desktop-result.png"), full_page=True)

    page.get_by_role("button", name="No").click()
    confirmation = page.locator("#feedback-message")
    expect(confirmation).to_contain_text("Thanks — your answer was recorded")
    expect(page.locator("#feedback-reference")).to_have_text(prediction["prediction_id"])
    expect(page.get_by_role("button", name="New prediction")).to_be_focused()
    page.screenshot(path=str(ARTIFACTS / "page-desktop-recorded.png"), full_page=True)

    [entity] = stored_feedback(azurite, prediction["prediction_id"])
    assert entity["is_correct"] is False
    assert entity["text"] == NEGATIVE_TWEET and entity["sentiment"] == prediction["sentiment"]
    sent = recorder.api_calls("feedback")[0].post_data_json
    assert sent == {
        "prediction_id": prediction["prediction_id"],
        "text": NEGATIVE_TWEET,
        "sentiment": prediction["sentiment"],
        "probability": prediction["probability"],
        "model_version": prediction["model_version"],
        "is_correct": False,
    }
    [trace] = ingestion.wait_for_traces(
        lambda t: (
            t.get("message") == PREDICTION_REJECTED
            and t.get("properties", {}).get("prediction_id") == prediction["prediction_id"]
        )
    )
    assert trace["severityLevel"] in (2, "Warning")  # Application Insights: 2 is Warning

    page.get_by_role("button", name="New prediction").click()
    expect(page.locator("#result")).to_be_hidden()
    expect(page.get_by_label("Tweet text")).to_have_value("")
    expect(page.get_by_label("Tweet text")).to_be_focused()


def test_empty_text_asks_for_a_tweet_and_sends_nothing(live_host, desktop):
    page, recorder = desktop
    page.goto(live_host.url("/api/ui"))
    for text in ("", "   \n  "):
        page.get_by_label("Tweet text").fill(text)
        page.get_by_role("button", name="Predict").click()
        expect(page.get_by_role("alert").filter(has_text="Type or paste a tweet first")).to_be_visible()
        expect(page.get_by_label("Tweet text")).to_have_attribute("aria-invalid", "true")
        expect(page.get_by_label("Tweet text")).to_be_focused()
    assert recorder.api_calls("predict") == []


def test_too_long_text_is_counted_and_not_sent(live_host, desktop):
    page, recorder = desktop
    page.goto(live_host.url("/api/ui"))
    expect(page.locator("#model-version")).not_to_have_text("checking…")
    limit = page.request.get(live_host.url("/api/health")).json()["limits"]["max_text_chars"]
    text = "Delayed again. " * (limit // 15) + "x" * (limit % 15 + 3)  # limit + 3 characters
    page.get_by_label("Tweet text").fill(text)
    counter = page.locator("#char-count")
    expect(counter).to_have_text(f"{limit + 3:,} / {limit:,} characters – 3 too many")
    expect(counter).to_have_class(re.compile("counter-over"))
    expect(page.locator("#form-message")).to_have_text(f"Too long: the limit is {limit:,} characters.")
    page.get_by_role("button", name="Predict").click()
    expect(page.locator("#form-message")).to_contain_text("Remove 3 to continue")
    assert recorder.api_calls("predict") == []

    page.get_by_label("Tweet text").press("End")
    for _ in range(3):
        page.get_by_label("Tweet text").press("Backspace")
    expect(counter).to_have_text(f"{limit:,} / {limit:,} characters")
    expect(page.locator("#form-message")).to_have_text("")


def test_a_413_from_the_service_is_shown_in_plain_words(live_host, desktop):
    """Should the page believe a larger limit than the service enforces, the service's 413 still reads well."""
    page, _ = desktop
    real_limit = page.request.get(live_host.url("/api/health")).json()["limits"]["max_text_chars"]

    def report_a_larger_limit(route):
        health = route.fetch().json()
        health["limits"]["max_text_chars"] = real_limit * 2
        route.fulfill(json=health)

    page.route("**/api/health", report_a_larger_limit)
    page.goto(live_host.url("/api/ui"))
    expect(page.locator("#char-count")).to_have_text(f"0 / {real_limit * 2:,} characters")
    page.get_by_label("Tweet text").fill("late " * (real_limit // 5 + 1))
    with page.expect_response(lambda r: urlsplit(r.url).path == "/api/predict") as answer:
        page.get_by_role("button", name="Predict").click()
    assert answer.value.status == 413
    expect(page.locator("#form-message")).to_have_text(
        f"This text is too long for the model. Shorten it to {real_limit:,} characters or fewer."
    )
    expect(page.locator("#char-count")).to_contain_text(f" / {real_limit:,} characters")  # corrected
    expect(page.get_by_label("Tweet text")).to_have_attribute("aria-invalid", "true")


def test_emoji_count_as_one_character_like_the_service_counts(live_host, desktop):
    page, _ = desktop
    page.goto(live_host.url("/api/ui"))
    page.get_by_label("Tweet text").fill("✈️🙂")  # 3 code points: plane, variation selector, smiley
    expect(page.locator("#char-count")).to_have_text(re.compile(r"^3 / "))


def test_service_unavailable_is_explained_for_a_missing_model_and_for_no_connection(browser, request, tmp_path):
    """A real host without a model answers 503; once stopped, the browser cannot connect at all."""
    host = LiveHost(host_environment(MODEL_DIR=str(tmp_path / "no-model")), tmp_path / "devhost.log")
    try:
        page, _ = open_page(browser, request)
        page.goto(host.url("/api/ui"))
        expect(page.locator("#service-notice")).to_contain_text("The model is not available right now")
        page.get_by_label("Tweet text").fill(NEGATIVE_TWEET)
        with page.expect_response(lambda r: urlsplit(r.url).path == "/api/predict") as answer:
            page.get_by_role("button", name="Predict").click()
        assert answer.value.status == 503
        alert = page.locator("#form-message")
        expect(alert).to_contain_text("The prediction service is not available right now")
        expect(alert).to_contain_text("seconds")  # from Retry-After
        expect(page.locator("#result")).to_be_hidden()
        expect(page.get_by_label("Tweet text")).to_have_attribute("aria-invalid", "false")  # not the text's fault
        expect(page.get_by_role("button", name="Predict")).to_be_enabled()
        page.screenshot(path=str(ARTIFACTS / "page-model-unavailable.png"), full_page=True)

        host.stop()
        page.get_by_role("button", name="Predict").click()
        expect(alert).to_contain_text("We could not reach the service")
        expect(page.get_by_role("button", name="Predict")).to_be_enabled()
    finally:
        host.stop()


def test_storage_down_keeps_the_answer_and_retry_records_it(live_host, azurite, desktop):
    page, recorder = desktop
    page.goto(live_host.url("/api/ui"))
    prediction = predict(page, "Thank you for the lovely crew and a great flight!")
    azurite.stop()
    try:
        page.get_by_role("button", name="No").click()
        error = page.locator("#feedback-error")
        expect(error).to_contain_text("your answer “No” could not be saved right now", timeout=40_000)
        expect(error).to_contain_text("It was kept")
        retry = page.get_by_role("button", name="Retry")
        expect(retry).to_be_visible()
        expect(retry).to_be_focused()
        expect(page.locator("#feedback-message")).to_have_text("")
        page.screenshot(path=str(ARTIFACTS / "page-storage-down.png"), full_page=True)
    finally:
        azurite.start()
    assert stored_feedback(azurite, prediction["prediction_id"]) == []

    retry.click()
    expect(page.locator("#feedback-message")).to_contain_text("Thanks — your answer was recorded", timeout=40_000)
    expect(retry).to_be_hidden()
    [entity] = stored_feedback(azurite, prediction["prediction_id"])
    assert entity["is_correct"] is False
    bodies = [r.post_data_json for r in recorder.api_calls("feedback")]
    assert len(bodies) == 2 and bodies[0] == bodies[1]  # the retry sends the kept answer unchanged


def test_phone_screen_has_no_horizontal_scroll(live_host, browser, request):
    page, _ = open_page(browser, request, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.goto(live_host.url("/api/ui"))

    def assert_fits():
        width = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
        assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px screen"

    assert_fits()
    prediction = predict(page, NEGATIVE_TWEET + " " + "#" + "x" * 120)  # a long unbroken hashtag
    assert_result_shown(page, prediction)
    assert_fits()
    for name in ("Yes", "No", "New prediction"):
        box = page.get_by_role("button", name=name).bounding_box()
        assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.screenshot(path=str(ARTIFACTS / "page-phone.png"), full_page=True)
    page.get_by_label("Tweet text").fill("x" * 1500)
    assert_fits()


def test_keyboard_only_flow(live_host, azurite, desktop):
    page, _ = desktop
    page.goto(live_host.url("/api/ui"))
    expect(page.locator("#model-version")).not_to_have_text("checking…")
    text_box = page.get_by_label("Tweet text")
    page.keyboard.press("Tab")
    expect(text_box).to_be_focused()
    page.keyboard.type("Lost my bag again")
    page.keyboard.press("Shift+Enter")  # a new line, not a prediction
    page.keyboard.type("and nobody answers")
    expect(text_box).to_have_value("Lost my bag again\nand nobody answers")
    expect(page.locator("#result")).to_be_hidden()

    page.keyboard.press("Enter")
    expect(page.locator("#result-title")).to_be_focused()
    expect(page.locator("#announcer")).to_contain_text("Result:")
    page.keyboard.press("Tab")
    yes = page.get_by_role("button", name="Yes")
    expect(yes).to_be_focused()
    outline = yes.evaluate("e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth")
    assert outline.startswith("solid") and outline != "solid 0px", "keyboard focus must be visible"
    page.keyboard.press("Space")
    expect(page.locator("#feedback-message")).to_contain_text("Thanks — your answer was recorded")
    expect(page.get_by_role("button", name="New prediction")).to_be_focused()
    page.keyboard.press("Enter")
    expect(text_box).to_be_focused()
    expect(text_box).to_have_value("")

    page.keyboard.type("Thank you, wonderful crew")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#result-title")).to_be_focused()


def test_a_missing_function_key_is_explained(live_host, desktop):
    """Azure answers 401 with an empty body when the key is missing or wrong (the local host checks none)."""
    page, _ = desktop
    page.route("**/api/predict", lambda route: route.fulfill(status=401, body=""))
    page.goto(live_host.url("/api/ui"))
    page.get_by_label("Tweet text").fill("great flight")
    page.get_by_role("button", name="Predict").click()
    expect(page.locator("#form-message")).to_contain_text("This page needs an access key")
    expect(page.locator("#form-message")).to_contain_text("?code=")


def test_function_key_from_the_page_url_is_sent_as_a_header(live_host, desktop):
    page, recorder = desktop
    page.goto(live_host.url("/api/ui?code=local-test-key"))
    predict(page, "great flight")
    [call] = recorder.api_calls("predict")
    assert call.headers.get("x-functions-key") == "local-test-key"
    assert "code=" not in call.url
    leaks = [(r.url, r.headers["referer"]) for r in recorder.requests if "code=" in r.headers.get("referer", "")]
    assert leaks == [], "the key must never leak as a Referer"
