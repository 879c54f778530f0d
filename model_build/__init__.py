"""Training side of the tweet sentiment service (never deployed): `python -m model_build --help`."""
