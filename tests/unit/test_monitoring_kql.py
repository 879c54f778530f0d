"""The KQL files and the alert script agree with the code that writes the traces.

`AlertFilter` reads the `| where` clauses of the alert's KQL so that tests can evaluate the rule's
condition against the exporter's real envelopes (tests/integration/test_telemetry_wire.py):
the event name lives in the .kql file and in service/telemetry.py, and the tests check they agree.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from service import telemetry
from tests.kql_support import (
    ALERT_QUERY,
    EVENT_NAMES,
    MONITORING,
    SCRIPT,
    SEVERITY_LEVELS,
    AlertFilter,
    commands,
    exported_trace,
    option,
    query_lines,
    run_script,
)


def test_alert_query_counts_the_stable_rejection_event():
    alert = AlertFilter.from_file()
    assert alert.table == "traces"
    assert alert.event_name == telemetry.PREDICTION_REJECTED
    assert ("severityLevel", "==", SEVERITY_LEVELS["Warning"]) in alert.clauses


def test_alert_filter_counts_rejections_and_nothing_else():
    alert = AlertFilter.from_file()
    assert alert.matches(exported_trace("prediction_rejected", "Warning", prediction_id="x"))
    # The Functions host's copy of the same log line has no custom dimension "event".
    assert not alert.matches({"message": "prediction_rejected", "severityLevel": "Warning", "properties": {}})
    assert not alert.matches(exported_trace("feedback_stored", "Information"))
    assert not alert.matches(exported_trace("prediction_rejected", "Information"))
    assert alert.matches(exported_trace("prediction_rejected", 2))  # what the exporter sends
    assert not alert.matches(exported_trace("prediction_rejected", 1))


def test_alert_counts_each_rejected_prediction_once():
    # A rejection traced twice (the storage race in docs/operations.md) is one row, not two.
    alert = AlertFilter.from_file()
    assert alert.distinct_by == "prediction_id"
    twice, once = (exported_trace("prediction_rejected", 2, prediction_id=p) for p in ("a", "b"))
    assert alert.rows([twice, twice, once, twice]) == [twice, once]


def test_every_query_uses_event_names_that_the_code_writes():
    files = sorted(MONITORING.glob("*.kql"))
    assert {f.name for f in files} >= {
        "alert_rejected_predictions.kql",
        "rejected_predictions.kql",
        "rejection_rate.kql",
        "prediction_latency.kql",
        "sentiment_mix.kql",
    }
    for path in files:
        lines = query_lines(path)
        assert lines[0] == "traces", path.name
        text = " ".join(lines)
        assert text.count("(") == text.count(")"), path.name
        used = set(re.findall(r'customDimensions\.event\)\s*==\s*"(\w+)"', text))
        assert used and used <= EVENT_NAMES, (path.name, used)


@pytest.fixture
def failing_az(tmp_path) -> Path:
    """An `az` on PATH that fails loudly: a dry run must never call it."""
    fake = tmp_path / "bin" / "az"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'az must not run in a dry run' >&2\nexit 99\n")
    fake.chmod(0o755)
    return fake.parent


def one_line_query() -> str:
    return " ".join(" ".join(query_lines(ALERT_QUERY)).split())


def test_dry_run_prints_the_rule_and_the_action_group(failing_az):
    result = run_script("--dry-run", path_prefix=failing_az)
    assert result.returncode == 0, result.stderr
    argvs = commands(result.stdout)
    group = next(a for a in argvs if a[:4] == ["az", "monitor", "action-group", "create"])
    rule = next(a for a in argvs if a[:4] == ["az", "monitor", "scheduled-query", "create"])
    emails = [group[i + 2 : i + 4] for i, token in enumerate(group) if token == "--action"]
    assert [e[1] for e in emails] == ["ops@example.com", "lead@example.org"]
    assert all(group[i + 1] == "email" for i, token in enumerate(group) if token == "--action")
    assert option(group, "--resource-group") == "rg-tweets"
    assert option(rule, "--window-size") == "5m"
    assert option(rule, "--evaluation-frequency") == "1m"
    assert option(rule, "--condition") == "count 'RejectedPredictions' >= 3"
    assert option(rule, "--condition-query") == "RejectedPredictions=" + one_line_query()
    assert option(rule, "--location") == "westeurope"
    assert option(rule, "--scopes").endswith("/providers/microsoft.insights/components/appi-tweets")
    assert option(rule, "--action-groups").endswith("/actionGroups/" + option(group, "--name"))


def test_dry_run_is_repeatable():
    assert run_script("--dry-run").stdout == run_script("--dry-run").stdout


def test_real_run_passes_the_ids_from_azure_along(tmp_path):
    """With a recording `az` standing in for Azure: the ids flow from the lookups into the rule."""
    log = tmp_path / "az.log"
    fake = tmp_path / "bin" / "az"
    fake.parent.mkdir()
    fake.write_text(
        "#!/usr/bin/env bash\n"
        f"printf '%q ' \"$@\" >> {log}; echo >> {log}\n"
        'case "$1 $2 $3" in\n'
        '  "resource show --resource-group") echo /subscriptions/s1/resourceGroups/rg-tweets/providers/'
        "microsoft.insights/components/appi-tweets ;;\n"
        '  "monitor action-group create") echo /subscriptions/s1/ag-id ;;\n'
        '  "monitor app-insights query") printf "2500\\n0.081\\n" ;;\n'  # tweets, 28-day baseline
        "esac\n"
    )
    fake.chmod(0o755)
    result = run_script(path_prefix=fake.parent)
    assert result.returncode == 0, result.stderr
    argvs = [shlex.split(line) for line in log.read_text().splitlines()]
    assert [a[:3] for a in argvs] == [
        ["resource", "show", "--resource-group"],
        ["monitor", "action-group", "create"],
        ["extension", "add", "--name"],
        ["monitor", "scheduled-query", "create"],
        ["extension", "add", "--name"],
        ["monitor", "app-insights", "query"],
        ["monitor", "scheduled-query", "create"],
    ]
    rule = argvs[3]
    assert (
        option(rule, "--scopes")
        == "/subscriptions/s1/resourceGroups/rg-tweets/providers/microsoft.insights/components/appi-tweets"
    )
    assert option(rule, "--action-groups") == "/subscriptions/s1/ag-id"


@pytest.mark.parametrize("missing", ["RESOURCE_GROUP", "APP_INSIGHTS_NAME", "ALERT_EMAILS", "LOCATION"])
def test_each_setting_is_required(missing, failing_az):
    result = run_script("--dry-run", env_overrides={missing: None}, path_prefix=failing_az)
    assert result.returncode != 0 and missing in result.stderr


@pytest.mark.parametrize("emails", ["not-an-address", " , ", "ops@example.com,bad"])
def test_bad_email_lists_are_refused(emails, failing_az):
    result = run_script("--dry-run", env_overrides={"ALERT_EMAILS": emails}, path_prefix=failing_az)
    assert result.returncode == 2, result.stdout


def test_script_passes_shellcheck():
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed (apt-get install shellcheck)")
    result = subprocess.run(["shellcheck", str(SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
