"""Fixtures shared by every test layer; each lives in its own module under tests/fixtures."""

pytest_plugins = [
    "tests.fixtures.azurite",
    "tests.fixtures.ingestion",
    "tests.fixtures.live_host",
    "tests.fixtures.settings",
    "tests.fixtures.shared_data",
]
