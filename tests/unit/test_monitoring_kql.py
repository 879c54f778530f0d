"""The KQL files and the alert script agree with the code that writes the traces.

`AlertFilter` reads the `| where` clauses of the alert's KQL so that tests can evaluate the rule's
condition against the exporter's real envelopes (tests/integration/test_telemetry_wire.py):
the event name lives in the .kql file and in service/telemetry.py, and the tests check they agree.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from service import telemetry

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "monitoring"
ALERT_QUERY = MONITORING / "alert_rejected_predictions.kql"
SCRIPT = MONITORING / "configure_alert.sh"
# Application Insights severityLevel as the traces table holds it. The envelope schema names the
# levels; the OpenTelemetry exporter actually sends the number. Both are accepted here.
SEVERITY_LEVELS = {"Verbose": 0, "Information": 1, "Warning": 2, "Error": 3, "Critical": 4}
EVENT_NAMES = {
    value
    for name, value in vars(telemetry).items()
    if name.isupper() and isinstance(value, str) and name != "LOGGER_NAME"
}

_WHERE = re.compile(r'\|\s*where\s+(?P<lhs>.+?)\s*(?P<op>==|=~)\s*(?P<rhs>"[^"]*"|\d+)\s*')
_DIMENSION = re.compile(r"(?:tostring\()?customDimensions\.(\w+)\)?")
_FIRST_PER = re.compile(r"\|\s*summarize\s+arg_min\(timestamp,\s*\*\)\s+by\s+(?P<column>\w+)")
_PROJECTED = re.compile(r"(?P<column>\w+)\s*=\s*tostring\(customDimensions\.(?P<dimension>\w+)\)")


def severity_number(value: int | str) -> int:
    return value if isinstance(value, int) else SEVERITY_LEVELS[value]


def query_lines(path: Path) -> list[str]:
    return [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.strip().startswith("//")
    ]


@dataclass(frozen=True)
class AlertFilter:
    """The alert query's filters: (field, operator, value) with field 'message', 'severityLevel'
    or a customDimensions key, and the customDimensions key whose distinct values are its rows
    (`summarize arg_min(timestamp, *) by <column projected from that key>`). Any other where or
    summarize clause is refused, so this stays in step with the file."""

    table: str
    clauses: tuple[tuple[str, str, str | int], ...]
    distinct_by: str | None = None

    @classmethod
    def from_file(cls, path: Path = ALERT_QUERY) -> AlertFilter:
        lines = query_lines(path)
        projected = {m["column"]: m["dimension"] for m in _PROJECTED.finditer(" ".join(lines))}
        clauses, distinct_by = [], None
        for line in lines[1:]:
            if line.startswith("| summarize"):
                first = _FIRST_PER.fullmatch(line)
                if not first or first["column"] not in projected:
                    raise ValueError(f"unsupported summarize clause in {path.name}: {line}")
                distinct_by = projected[first["column"]]
                continue
            if not line.startswith("| where"):
                continue
            match = _WHERE.fullmatch(line)
            if not match:
                raise ValueError(f"unsupported where clause in {path.name}: {line}")
            lhs, rhs = match["lhs"], match["rhs"]
            value = rhs.strip('"') if rhs.startswith('"') else int(rhs)
            if lhs in ("message", "severityLevel"):
                field = lhs
            elif dimension := _DIMENSION.fullmatch(lhs):
                field = "customDimensions." + dimension[1]
            else:
                raise ValueError(f"unsupported field in {path.name}: {lhs}")
            clauses.append((field, match["op"], value))
        return cls(table=lines[0], clauses=tuple(clauses), distinct_by=distinct_by)

    @property
    def event_name(self) -> str:
        (value,) = {v for f, _, v in self.clauses if f == "customDimensions.event"}
        return value

    def matches(self, trace: dict) -> bool:
        """Whether an exported MessageData ({message, severityLevel, properties}) passes every clause."""
        for field, op, expected in self.clauses:
            if field == "message":
                actual = trace.get("message")
            elif field == "severityLevel":
                actual = severity_number(trace.get("severityLevel", 1))
            else:
                actual = (trace.get("properties") or {}).get(field.split(".", 1)[1])
            if actual is None:
                return False
            if op == "=~" and str(actual).lower() != str(expected).lower():
                return False
            if op == "==" and actual != expected:
                return False
        return True

    def rows(self, traces: list[dict]) -> list[dict]:
        """The traces the query returns as rows, in order: the matching ones, the first per
        `distinct_by` value. The rule fires on the number of rows."""
        rows, seen = [], set()
        for trace in traces:
            if not self.matches(trace):
                continue
            key = (trace.get("properties") or {}).get(self.distinct_by) if self.distinct_by else len(rows)
            if key not in seen:
                seen.add(key)
                rows.append(trace)
        return rows


def exported_trace(event: str, severity: int | str = "Information", **properties) -> dict:
    return {"message": event, "severityLevel": severity, "properties": {"event": event, **properties}}


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


def run_script(*args: str, env_overrides: dict | None = None, path_prefix: Path | None = None):
    env = {
        "PATH": os.environ["PATH"],
        "RESOURCE_GROUP": "rg-tweets",
        "APP_INSIGHTS_NAME": "appi-tweets",
        "ALERT_EMAILS": "ops@example.com, lead@example.org",
        "LOCATION": "westeurope",
    }
    if path_prefix:
        env["PATH"] = f"{path_prefix}:{env['PATH']}"
    env.update(env_overrides or {})
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=30)


@pytest.fixture
def failing_az(tmp_path) -> Path:
    """An `az` on PATH that fails loudly: a dry run must never call it."""
    fake = tmp_path / "bin" / "az"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'az must not run in a dry run' >&2\nexit 99\n")
    fake.chmod(0o755)
    return fake.parent


def commands(output: str) -> list[list[str]]:
    return [shlex.split(line) for line in output.splitlines() if line.startswith("az ")]


def option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


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
