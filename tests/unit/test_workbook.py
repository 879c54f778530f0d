"""The workbook (monitoring/workbook.json) is generated from the .kql files, and its deployment is
idempotent (monitoring/deploy_workbook.sh, run by the deploy workflow)."""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from monitoring import workbook
from tests.kql_support import MONITORING, ROOT, commands, option

SCRIPT = MONITORING / "deploy_workbook.sh"


def kql_items(document: dict) -> list[dict]:
    return [item for item in document["items"] if item["type"] == 3]


def test_workbook_json_is_generated_from_the_kql_files():
    committed = json.loads(workbook.WORKBOOK_FILE.read_text(encoding="utf-8"))
    assert committed == workbook.build_workbook(), "run: python -m monitoring.workbook"
    assert workbook.main(["--check"]) == 0


def test_every_panel_query_is_a_kql_file_verbatim():
    sources = {path.read_text(encoding="utf-8").strip(): path.name for path in MONITORING.glob("*.kql")}
    items = kql_items(json.loads(workbook.WORKBOOK_FILE.read_text(encoding="utf-8")))
    assert [sources.get(item["content"]["query"]) for item in items] == [p.query_file for p in workbook.PANELS]


def test_panels_are_log_queries_on_application_insights():
    document = workbook.build_workbook()
    assert document["version"] == "Notebook/1.0"
    names = [item["name"] for item in document["items"]]
    assert len(names) == len(set(names))
    for item in kql_items(document):
        content = item["content"]
        assert (content["version"], content["queryType"], content["resourceType"]) == (
            "KqlItem/1.0",
            0,
            "microsoft.insights/components",
        )
        rendered = re.search(r"\|\s*render\s+(\w+)", content["query"])
        if rendered:  # the query's own render and the panel's chart type agree
            assert content["visualization"] == rendered[1], item["name"]


def test_panels_cover_what_operators_asked_for():
    files = {p.query_file for p in workbook.PANELS}
    assert files == {
        "sentiment_mix.kql",
        "rejection_rate_by_model.kql",
        "unknown_word_share.kql",
        "latency_percentiles.kql",
        "feedback_volume.kql",
        "storage_failures_per_hour.kql",
    }


def dry_run(**overrides: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ["PATH"],
        "RESOURCE_GROUP": "rg-tweets",
        "APP_INSIGHTS_NAME": "appi-tweets",
        "LOCATION": "westeurope",
        **overrides,
    }
    return subprocess.run(["bash", str(SCRIPT), "--dry-run"], env=env, capture_output=True, text=True, timeout=30)


def test_deploy_puts_the_workbook_under_a_name_fixed_by_the_app():
    result = dry_run()
    assert result.returncode == 0, result.stderr
    (create,) = [a for a in commands(result.stdout) if a[:5] == ["az", "monitor", "app-insights", "workbook", "create"]]
    assert option(create, "--name") == workbook.workbook_resource_name("rg-tweets", "appi-tweets")
    assert option(create, "--name") != workbook.workbook_resource_name("rg-tweets", "appi-other")
    app_id = option(create, "--source-id")
    assert app_id.endswith("/providers/microsoft.insights/components/appi-tweets")
    sent = json.loads(option(create, "--serialized-data"))
    assert sent == {**workbook.build_workbook(), "fallbackResourceIds": [app_id]}
    assert (option(create, "--kind"), option(create, "--category"), option(create, "--version")) == (
        "shared",
        "workbook",
        "Notebook/1.0",
    )
    assert dry_run().stdout == result.stdout  # a rerun sends the same PUT


@pytest.mark.parametrize("missing", ["RESOURCE_GROUP", "APP_INSIGHTS_NAME", "LOCATION"])
def test_each_setting_is_required(missing):
    env = {"PATH": os.environ["PATH"], "RESOURCE_GROUP": "rg", "APP_INSIGHTS_NAME": "a", "LOCATION": "x"}
    del env[missing]
    result = subprocess.run(["bash", str(SCRIPT), "--dry-run"], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode != 0 and missing in result.stderr


def test_the_deploy_workflow_deploys_the_workbook_and_both_alerts():
    text = (ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8")
    assert "bash monitoring/deploy_workbook.sh" in text
    assert "bash monitoring/configure_alert.sh" in text


def test_a_daily_workflow_refreshes_the_drift_baseline():
    text = (ROOT / ".github" / "workflows" / "drift-baseline.yml").read_text(encoding="utf-8")
    assert "schedule:" in text and "cron:" in text
    assert "run: bash monitoring/configure_alert.sh" in text


def test_script_passes_shellcheck():
    if subprocess.run(["which", "shellcheck"], capture_output=True).returncode:
        pytest.skip("shellcheck is not installed (apt-get install shellcheck)")
    result = subprocess.run(["shellcheck", str(SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
