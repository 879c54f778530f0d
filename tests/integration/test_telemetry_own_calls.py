"""The exporter's own HTTP calls are not the app's telemetry.

The Azure Monitor exporter polls its control plane (settings.sdk.monitor.azure.com) when it
starts and then hourly, with `requests`; the distro's `requests` instrumentation records that
poll as a dependency of the app, and where the host cannot reach it (no egress, as here) as a
failed dependency with an exception. Operators would read that as a fault of the service.
service/telemetry.py turns the poll off unless APPLICATIONINSIGHTS_CONTROLPLANE_DISABLED is set.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import requests

from tests.fixtures.ingestion import started_trace
from tests.fixtures.live_host import telemetry_host

CONTROL_PLANE = "settings.sdk.monitor.azure.com"


def test_a_host_with_telemetry_sends_nothing_about_the_exporters_own_control_plane(own_ingestion, tmp_path):
    started_at = datetime.now(UTC)
    with telemetry_host(own_ingestion, tmp_path) as host:
        response = requests.post(host.url("/api/predict"), json={"text": "an ordinary tweet"}, timeout=60)
        assert response.status_code == 200, response.text
        started_trace(own_ingestion, since=started_at)
        time.sleep(8)  # the poll runs in the exporter's worker thread right after configuration
    # the host has exited: its spans and logs were flushed on the way out
    kinds = {envelope["name"].rsplit(".", 1)[-1] for envelope in own_ingestion.envelopes}
    assert "Message" in kinds  # the app's own records did arrive
    about_control_plane = [e for e in own_ingestion.envelopes if CONTROL_PLANE in json.dumps(e)]
    assert about_control_plane == [], about_control_plane[:1]
