"""The workbook pictures in docs/operations.md are renders of the committed local run, and stale
tables fail here (rerun `python -m monitoring.render`)."""

from __future__ import annotations

import json

from monitoring import local_run, render
from monitoring.workbook import PANELS
from predict import drift
from service import telemetry

DOC = render.ROOT / "docs" / "operations.md"


def test_panel_tables_are_those_of_the_committed_local_run():
    committed = json.loads(render.PANELS_FILE.read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(render.panel_tables(local_run.load())))


def test_every_panel_has_a_picture_shown_in_the_operations_doc():
    text = DOC.read_text(encoding="utf-8")
    assert set(render.PANEL_DATA) == {panel.name for panel in PANELS}
    for panel in PANELS:
        image = render.IMAGES / f"workbook_{panel.name}.png"
        assert image.is_file() and f"img/{image.name}" in text, panel.name
    assert "not portal screenshots" in text


def test_local_run_keeps_no_tweet_text_and_carries_the_drift_dimensions():
    rows = local_run.load()
    assert not any("text" in row["customDimensions"] for row in rows)
    served = [row["customDimensions"] for row in rows if row["message"] == telemetry.PREDICTION_SERVED]
    assert served and all(set(drift.DRIFT_FIELDS) <= set(dims) for dims in served)


def test_the_local_drift_shows_in_the_panel_and_fires_the_alert():
    tables = json.loads(render.PANELS_FILE.read_text(encoding="utf-8"))
    daily = [row[0] for row in tables["unknown_words"]["rows"].values()]
    assert daily[-1] > daily[0]
    alert = tables["drift_alert"]
    fires = [row[alert["columns"].index("fires")] for row in alert["rows"].values()]
    first_drift_day = local_run.DRIFT_FROM_DAY
    assert not any(fires[:first_drift_day]) and any(fires[first_drift_day:])


def test_local_evaluation_uses_the_drift_defaults_of_the_script():
    script = (render.ROOT / "monitoring" / "configure_alert.sh").read_text(encoding="utf-8")
    assert f'"${{DRIFT_MAX_RISE:-{render.DRIFT_MAX_RISE}}}"' in script
    assert f'"${{DRIFT_MIN_TWEETS:-{render.DRIFT_MIN_TWEETS}}}"' in script
    assert f'"${{DRIFT_MIN_BASELINE_TWEETS:-{render.DRIFT_MIN_BASELINE_TWEETS}}}"' in script


def test_doc_table_of_the_drift_alert_is_up_to_date():
    tables = json.loads(render.PANELS_FILE.read_text(encoding="utf-8"))
    text = DOC.read_text(encoding="utf-8")
    assert render.doc_with_table(text, tables) == text, "run: python -m monitoring.render"
