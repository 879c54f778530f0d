"""The deployment package carries the app, its model and its runtime, and nothing of training.

The package is what scripts/build_package.sh builds and .github/workflows/deploy.yml ships.
DEPLOY_PACKAGE_DIR=build/package reuses a package built earlier (CI builds it once, before the
tests); without it the package is built into a temporary folder (15-45 s with a warm pip cache).

    .venv/bin/python -m pytest tests/deploy
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from importlib.machinery import PathFinder
from importlib.metadata import distributions
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]

# What only training needs (requirements-train.txt): distribution names and import names.
TRAINING_DISTRIBUTIONS = {
    "tensorflow",
    "tensorflow-cpu",
    "tensorflow-intel",
    "keras",
    "tf-keras",
    "tf2onnx",
    "mlflow",
    "mlflow-skinny",
    "torch",
    "gensim",
    "scikit-learn",
}
TRAINING_MODULES = ("tensorflow", "keras", "tf_keras", "tf2onnx", "mlflow", "torch", "gensim", "sklearn")

# The Python 3.11 Functions host runs Debian 11: native code linked against a newer glibc fails
# at import in Azure, not here (azure-functions-python-worker#1651).
HOST_GLIBC_MINOR = 31

# Measured 209 MB in November 2026 (onnxruntime and numpy are most of it). Far above this
# means something heavy slipped in; it also slows every cold start.
SIZE_BUDGET_MB = 300


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("DEPLOY_PACKAGE_DIR")
    if given:
        path = Path(given) if Path(given).is_absolute() else ROOT / given
        assert (path / ".python_packages").is_dir(), f"DEPLOY_PACKAGE_DIR={given} is not a built package"
        return path
    path = tmp_path_factory.mktemp("package")
    build = subprocess.run(
        ["bash", str(ROOT / "scripts" / "build_package.sh"), str(path)],
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, f"build_package.sh failed:\n{build.stdout}\n{build.stderr}"
    return path


@pytest.fixture(scope="module")
def site_packages(package: Path) -> Path:
    return package / ".python_packages" / "lib" / "site-packages"


def test_no_training_distribution_is_installed_in_the_package(site_packages: Path) -> None:
    installed = {normalize(dist.metadata["Name"]) for dist in distributions(path=[str(site_packages)])}
    assert installed, "the package has no dependencies at all"
    assert sorted(installed & TRAINING_DISTRIBUTIONS) == []


def test_training_modules_cannot_be_imported_from_the_package(package: Path, site_packages: Path) -> None:
    # The worker imports from the app root and .python_packages; nothing of training may resolve.
    search_path = [str(package), str(site_packages)]
    importable = [name for name in (*TRAINING_MODULES, "model_build") if PathFinder.find_spec(name, search_path)]
    assert importable == []


def test_every_runtime_requirement_is_installed_at_its_pinned_version(site_packages: Path) -> None:
    installed = {normalize(dist.metadata["Name"]): dist.version for dist in distributions(path=[str(site_packages)])}
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        requirement = line.split("#", 1)[0].strip()
        if requirement:
            name, _, version = requirement.partition("==")
            pins[normalize(name)] = version.strip()
    assert pins, "requirements.txt pins nothing"
    assert {name: installed.get(name) for name in pins} == pins


def test_package_carries_the_entry_point_host_settings_and_blueprints(package: Path) -> None:
    for name in ("function_app.py", "host.json", "requirements.txt"):
        assert (package / name).is_file(), f"{name} is not at the root of the package"
    # Every first-party module that function_app.py imports (blueprints, settings) is deployed.
    tree = ast.parse((ROOT / "function_app.py").read_text())
    imported = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    imported |= {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
    }
    first_party = sorted(name for name in imported if (ROOT / name).is_dir() or (ROOT / f"{name}.py").is_file())
    assert first_party, "function_app.py imports no blueprint"
    missing = [name for name in first_party if not ((package / name).is_dir() or (package / f"{name}.py").is_file())]
    assert missing == []


def test_package_carries_every_committed_model_file(package: Path) -> None:
    # The app reads onnx_models/ at run time (MODEL_DIR), so the whole folder must be deployed as is.
    models = ROOT / "onnx_models"
    assert (models / "fasttext_lstm" / "model.onnx").is_file(), "the committed model is missing from the repository"
    for source in (path for path in models.rglob("*") if path.is_file() and "__pycache__" not in path.parts):
        deployed = package / source.relative_to(ROOT)
        assert deployed.is_file(), f"{source.relative_to(ROOT)} is not in the package"
        assert deployed.stat().st_size == source.stat().st_size, f"{deployed} differs from the committed file"


# Runs in a fresh interpreter with no site-packages (-S): only the package's own folders are on
# sys.path, as on the Functions host. Indexes the app, then serves health and one prediction.
SERVE_FROM_PACKAGE = """
import json, sys
sys.path[:0] = [".", ".python_packages/lib/site-packages"]
import azure.functions as func
import function_app
functions = {f.get_function_name(): f.get_user_function() for f in function_app.app.get_functions()}
def call(name, method, url, body=b""):
    response = functions[name](func.HttpRequest(method=method, url=url, body=body,
                                                headers={"Content-Type": "application/json"}))
    return response.status_code, json.loads(response.get_body())
health = call("health", "GET", "/api/health")
prediction = call("predict", "POST", "/api/predict", json.dumps({"text": "lost my bag again, thanks a lot"}).encode())
catch_all = functions["zz_unmatched_route"](func.HttpRequest(method="GET", url="/api/predict", body=b"",
                                                             route_params={"path": "predict"}))
wrong_method = [catch_all.status_code, catch_all.headers.get("Allow"), json.loads(catch_all.get_body())]
training = sorted({m.split(".")[0] for m in sys.modules} & {"tensorflow", "keras", "mlflow", "sklearn", "torch"})
print(json.dumps({"functions": sorted(functions), "health": health, "prediction": prediction,
                  "wrong_method": wrong_method, "training": training}))
"""


def test_the_app_serves_a_prediction_from_the_package_alone(package: Path) -> None:
    # Catches a runtime import missing from requirements.txt (the test venvs have everything),
    # a native library that does not load, or a model file left out.
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("MODEL_", "FEEDBACK_", "APPLICATIONINSIGHTS_", "AzureWebJobs", "PYTHON"))
    }
    env.update(APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL="true", OTEL_EXPERIMENTAL_RESOURCE_DETECTORS="otel")
    run = subprocess.run(
        [sys.executable, "-S", "-c", SERVE_FROM_PACKAGE],
        cwd=package,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert set(result["functions"]) == {
        "predict",
        "health",
        "feedback",
        "openapi",
        "ui_page",
        "ui_asset",
        "zz_unmatched_route",
    }  # six API functions and the catch-all
    assert result["wrong_method"] == [
        405,
        "POST",
        {"error": {"code": "method_not_allowed", "message": "This path accepts POST."}},
    ]
    assert result["health"][0] == 200, result["health"]
    status, body = result["prediction"]
    assert status == 200, body
    assert body["sentiment"] in ("negative", "positive")
    assert result["training"] == []


@pytest.mark.parametrize(
    "path",
    [
        "model_build",
        "requirements-train.txt",
        "requirements-dev.txt",
        "requirements-client.txt",
        "mlflow.db",
        "mlruns",
        "artifacts",
        "data",
        "training_data",
        "tests",
        "docs",
        "scripts",
        "monitoring",
        "devhost",
        "bench",
        ".github",
        ".ci",
        "node_modules",
        ".venv",
        ".venv-train",
        ".venv-client",
        "README.md",
        "local.settings.json",
        "package.json",
        "Makefile",
    ],
)
def test_training_code_tests_and_tooling_stay_out_of_the_package(package: Path, path: str) -> None:
    assert not (package / path).exists()


@pytest.mark.parametrize(
    "path",
    [
        "model_build/train.py",
        "training_data/handwritten_airline.csv",
        "requirements-train.txt",
        "requirements-client.txt",
        "mlflow.db",
        "tests/test_x.py",
        "pyproject.toml",
        ".pre-commit-config.yaml",
        ".mypy_cache/x.json",
    ],
)
def test_funcignore_alone_excludes_training_code_and_tests(path: str, tmp_path: Path) -> None:
    # `func azure functionapp publish` reads .funcignore directly, so the rule must be there, not
    # only in the build script or .gitignore. An empty repository applies .funcignore alone, with
    # the gitignore rules that Core Tools also follows.
    subprocess.run(["git", "init", "--quiet", str(tmp_path)], check=True)
    (tmp_path / ".git" / "info" / "exclude").write_bytes((ROOT / ".funcignore").read_bytes())
    check = subprocess.run(["git", "check-ignore", "--no-index", path], cwd=tmp_path, capture_output=True)
    assert check.returncode == 0, f".funcignore does not exclude {path}"


def test_native_libraries_load_on_the_functions_python_host(site_packages: Path) -> None:
    required = {}
    for library in site_packages.rglob("*.so*"):
        if library.is_file():
            versions = [int(minor) for minor in re.findall(rb"GLIBC_2\.(\d+)", library.read_bytes())]
            if versions:
                required[library.relative_to(site_packages).as_posix()] = max(versions)
    assert required, "no native library found: is onnxruntime missing?"
    too_new = {name: f"2.{minor}" for name, minor in required.items() if minor > HOST_GLIBC_MINOR}
    assert too_new == {}


def test_installed_size_stays_within_budget(package: Path) -> None:
    size_mb = sum(path.stat().st_size for path in package.rglob("*") if path.is_file()) / 1e6
    assert size_mb < SIZE_BUDGET_MB, f"{size_mb:.0f} MB"
