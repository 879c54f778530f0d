"""The local host as a child process on a free port, for tests, benchmarks and screenshots.

One place knows how to start `python -m devhost`, wait until it listens and stop its process group
(SIGINT first, so it shuts down as after Ctrl-C; SIGKILL if it does not within the timeout).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening on {port}")
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listened on {HOST}:{port} within {timeout} s")


def stop_process_group(process: subprocess.Popen | None, timeout: float = 10.0) -> None:
    """SIGINT to the child's process group (started with start_new_session), SIGKILL after timeout."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class HostProcess:
    """`python -m devhost` on a free port with exactly the environment given (no local.settings.json)."""

    def __init__(self, env: dict[str, str], log_path: Path | None = None, timeout: float = 60.0):
        self.env = env
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        self.log_path = log_path  # the host's stdout and stderr, when given
        self._log = open(log_path, "wb") if log_path else None
        self.process = subprocess.Popen(
            [sys.executable, "-m", "devhost", "--host", HOST, "--port", str(self.port), "--settings", os.devnull],
            cwd=ROOT,
            env=env,
            stdout=self._log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for_port(self.port, timeout=timeout, process=self.process)
        except Exception:
            self.stop()
            raise

    def url(self, path: str) -> str:
        return self.base_url + path

    def stop(self) -> None:
        stop_process_group(self.process)
        if self._log is not None:
            self._log.close()

    def __enter__(self) -> HostProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
