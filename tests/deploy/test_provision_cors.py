"""provision.sh sets CORS with one PATCH of the site configuration carrying only `cors`.

`az functionapp cors add/remove` send the whole site configuration back, which Flex Consumption
refuses (azure-cli#31414); the script must never use them. Runs against tests/deploy/fake_az.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.deploy.fake_az import FUNCTIONAPP_ID
from tests.deploy.test_provision_identity import Provision, option


def cors_patches(runner: Provision) -> list[list[str]]:
    """`az rest` calls on the site configuration (provision.sh also PUTs the feedback table with az rest)."""
    return [call for call in runner.find("rest") if "/config/web" in option(call, "--url")]


@pytest.fixture
def runner(tmp_path: Path) -> Provision:
    return Provision(tmp_path)


def test_cors_is_one_patch_of_config_web_with_only_the_wanted_origins(runner: Provision) -> None:
    runner.run(CORS_ALLOWED_ORIGINS="https://app.example.com, https://admin.example.com:8443")
    patches = cors_patches(runner)
    assert len(patches) == 1
    call = patches[0]
    assert option(call, "--method") == "patch"
    assert option(call, "--url") == f"{FUNCTIONAPP_ID}/config/web?api-version=2024-04-01"
    assert json.loads(option(call, "--body")) == {
        "properties": {"cors": {"allowedOrigins": ["https://app.example.com", "https://admin.example.com:8443"]}}
    }
    assert runner.find("functionapp", "cors") == []


def test_a_second_run_sets_the_same_list_again(runner: Provision) -> None:
    runner.run(CORS_ALLOWED_ORIGINS="https://app.example.com")
    first = cors_patches(runner)
    runner.run(CORS_ALLOWED_ORIGINS="https://app.example.com")
    assert cors_patches(runner) == first


def test_without_cors_origins_the_list_is_left_alone(runner: Provision) -> None:
    runner.run()
    assert cors_patches(runner) == [] and runner.find("functionapp", "cors") == []


@pytest.mark.parametrize("origin", ['https://a.example"],"x":["', "app.example.com", "https://a.example/path"])
def test_an_origin_that_is_not_scheme_host_port_stops_the_script(runner: Provision, origin: str) -> None:
    assert runner.run(expect_success=False, CORS_ALLOWED_ORIGINS=origin) == 2
    assert cors_patches(runner) == []
