"""KQL and alert-script helpers shared by the unit and integration tests.

`AlertFilter` reads the `| where` clauses of the alert's KQL so that tests can evaluate the rule's
condition against the exporter's real envelopes (tests/integration/test_telemetry_wire.py).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

from service import telemetry

ROOT = Path(__file__).resolve().parents[1]
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


def commands(output: str) -> list[list[str]]:
    return [shlex.split(line) for line in output.splitlines() if line.startswith("az ")]


def option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]
