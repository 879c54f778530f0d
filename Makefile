# The two commands of the README:
#   make run    start Azurite and the function app on http://127.0.0.1:$(PORT) (Ctrl-C stops both)
#   make test   install what the tests need, then run every test layer (what CI runs)
PORT ?= 7071
PYTHON ?= python3
export NLTK_DATA ?= $(abspath ../shared/data/nltk_data)

RUN_VENV := .venv
TEST_VENV := .venv-train
CLIENT_VENV := .venv-client

.PHONY: run test lint bench lock clean system-deps retrain-local

run: $(RUN_VENV)/.installed node_modules/.installed local.settings.json
	PORT=$(PORT) PYTHON=$(RUN_VENV)/bin/python bash scripts/run_local.sh

test: $(TEST_VENV)/.installed $(CLIENT_VENV)/.installed node_modules/.installed system-deps lint
	$(TEST_VENV)/bin/python -m pytest

lint: $(TEST_VENV)/.installed node_modules/.installed
	$(TEST_VENV)/bin/ruff check .
	$(TEST_VENV)/bin/ruff format --check .
	$(TEST_VENV)/bin/mypy
	bash scripts/lint_workflows.sh

bench: $(TEST_VENV)/.installed node_modules/.installed
	$(TEST_VENV)/bin/python -m bench

# Feedback posted through the local host into Azurite -> export -> candidate on a small data slice
# -> gate decision against the committed champion (docs/operations.md, "Retraining from feedback").
retrain-local: $(TEST_VENV)/.installed node_modules/.installed
	$(TEST_VENV)/bin/python scripts/retrain_local.py

system-deps:
	bash scripts/install_system_deps.sh

# Runtime + test tools only: small and quick to create, enough to serve.
$(RUN_VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	test -x $(RUN_VENV)/bin/python || $(PYTHON) -m venv $(RUN_VENV)
	$(RUN_VENV)/bin/pip install -q --upgrade pip
	$(RUN_VENV)/bin/pip install -q -c constraints.txt -r requirements-dev.txt
	touch $@

# Everything: training (TensorFlow, MLflow, ...) on top of runtime and test tools.
$(TEST_VENV)/.installed: requirements.txt requirements-dev.txt requirements-train.txt constraints.txt
	test -x $(TEST_VENV)/bin/python || $(PYTHON) -m venv $(TEST_VENV)
	$(TEST_VENV)/bin/pip install -q --upgrade pip
	$(TEST_VENV)/bin/pip install -q -c constraints.txt -r requirements-train.txt
	touch $@

# The OpenAPI client generator, in a venv of its own (requirements-client.txt says why and pins it all).
$(CLIENT_VENV)/.installed: requirements-client.txt
	test -x $(CLIENT_VENV)/bin/python || $(PYTHON) -m venv $(CLIENT_VENV)
	$(CLIENT_VENV)/bin/pip install -q --upgrade pip
	$(CLIENT_VENV)/bin/pip install -q -r requirements-client.txt
	touch $@

# Pin the transitive versions of the environment the tests just passed in.
lock: $(TEST_VENV)/.installed
	{ sed -n '1,4p' constraints.txt; $(TEST_VENV)/bin/pip freeze --exclude-editable | grep -v '^torch=='; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

local.settings.json: local.settings.json.template
	test -f $@ || cp $< $@

clean:
	rm -rf $(RUN_VENV) $(TEST_VENV) $(CLIENT_VENV) node_modules .azurite .pytest_cache .mypy_cache test-artifacts
