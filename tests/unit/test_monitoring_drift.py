"""The drift alert (configure_alert.sh + alert_unknown_word_drift.kql + unknown_word_baseline.kql)
and the drift queries agree with the names predict/drift.py writes on `prediction_served`."""

from __future__ import annotations

import re
import shlex

import pytest

from predict import drift
from service import telemetry
from tests.kql_support import MONITORING, commands, option, query_lines, run_script

DRIFT_QUERIES = ("unknown_word_share.kql", "unknown_word_baseline.kql", "alert_unknown_word_drift.kql")
_DIMENSION = re.compile(r"customDimensions\.(\w+)")


def one_line(name: str) -> str:
    return " ".join(" ".join(query_lines(MONITORING / name)).split())


@pytest.mark.parametrize("name", DRIFT_QUERIES)
def test_drift_queries_read_the_dimensions_the_code_writes(name):
    text = one_line(name)
    assert f'customDimensions.event) == "{telemetry.PREDICTION_SERVED}"' in text
    assert f"customDimensions.{drift.UNKNOWN_WORD_SHARE}" in text
    assert f"toint(customDimensions.{drift.TOKEN_COUNT}) > 0" in text  # tweets with no token left out
    assert set(_DIMENSION.findall(text)) <= {"event", *drift.DRIFT_FIELDS}


def drift_rule(result) -> list[str]:
    assert result.returncode == 0, result.stderr
    return next(
        a
        for a in commands(result.stdout)
        if a[:4] == ["az", "monitor", "scheduled-query", "create"]
        and option(a, "--name") == "tweet-sentiment-unknown-word-drift"
    )


def test_drift_rule_uses_the_query_file_with_the_baseline_and_threshold_filled_in(failing_az):
    result = run_script(
        "--dry-run", env_overrides={"DRIFT_BASELINE": "0.081", "DRIFT_MAX_RISE": "0.07"}, path_prefix=failing_az
    )
    rule = drift_rule(result)
    expected = (
        one_line("alert_unknown_word_drift.kql")
        .replace("{baseline}", "0.081")
        .replace("{max_rise}", "0.07")
        .replace("{min_tweets}", "100")
    )
    assert "{" not in expected
    assert option(rule, "--condition-query") == "UnknownWordDrift=" + expected
    assert option(rule, "--condition") == "count 'UnknownWordDrift' > 0"
    assert option(rule, "--window-size") == "1d" and option(rule, "--evaluation-frequency") == "1d"
    group = next(a for a in commands(result.stdout) if a[:4] == ["az", "monitor", "action-group", "create"])
    assert option(rule, "--action-groups").endswith("/actionGroups/" + option(group, "--name"))
    # A given baseline is not measured.
    assert not any(a[:4] == ["az", "monitor", "app-insights", "query"] for a in commands(result.stdout))


def test_baseline_is_measured_over_29_days_with_the_baseline_query(failing_az):
    argvs = commands(run_script("--dry-run", path_prefix=failing_az).stdout)
    (measure,) = [a for a in argvs if a[:4] == ["az", "monitor", "app-insights", "query"]]
    assert option(measure, "--analytics-query") == one_line("unknown_word_baseline.kql")
    assert option(measure, "--offset") == "29d"


def recording_az(tmp_path, baseline_answer: str):
    log = tmp_path / "az.log"
    fake = tmp_path / "bin" / "az"
    fake.parent.mkdir()
    fake.write_text(
        "#!/usr/bin/env bash\n"
        f"printf '%q ' \"$@\" >> {log}; echo >> {log}\n"
        'case "$1 $2 $3" in\n'
        '  "resource show --resource-group") echo /subscriptions/s1/appi ;;\n'
        '  "monitor action-group create") echo /subscriptions/s1/ag-id ;;\n'
        f'  "monitor app-insights query") printf {shlex.quote(baseline_answer)} ;;\n'
        "esac\n"
    )
    fake.chmod(0o755)
    return fake.parent, log


def test_measured_baseline_goes_into_the_rule(tmp_path):
    path, log = recording_az(tmp_path, "2500\\n0.081\\n")
    result = run_script(path_prefix=path, env_overrides={"DRIFT_MAX_RISE": "0.04"})
    assert result.returncode == 0, result.stderr
    rule = shlex.split(log.read_text().splitlines()[-1])
    assert option(rule, "--name") == "tweet-sentiment-unknown-word-drift"
    assert "baseline = todouble(0.081), max_rise = todouble(0.04)" in option(rule, "--condition-query")
    assert option(rule, "--action-groups") == "/subscriptions/s1/ag-id"
    assert "baseline 0.081 over 2500 tweets" in result.stdout


def test_too_few_tweets_for_a_baseline_leave_the_drift_rule_alone(tmp_path):
    path, log = recording_az(tmp_path, "12\\n0.2\\n")
    result = run_script(path_prefix=path)
    assert result.returncode == 0, result.stderr
    rules = [line for line in log.read_text().splitlines() if line.startswith("monitor scheduled-query create")]
    assert len(rules) == 1 and "tweet-sentiment-rejected-predictions" in rules[0]
    assert "not changed: 12 tweets" in result.stdout


@pytest.mark.parametrize(
    "setting, value",
    [("DRIFT_MAX_RISE", "five"), ("DRIFT_MAX_RISE", "1.5"), ("DRIFT_BASELINE", "-0.1"), ("DRIFT_MIN_TWEETS", "1e3")],
)
def test_bad_drift_settings_are_refused(setting, value, failing_az):
    result = run_script("--dry-run", env_overrides={setting: value}, path_prefix=failing_az)
    assert result.returncode == 2 and setting in result.stderr


@pytest.fixture
def failing_az(tmp_path):
    fake = tmp_path / "bin" / "az"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'az must not run in a dry run' >&2\nexit 99\n")
    fake.chmod(0o755)
    return fake.parent
