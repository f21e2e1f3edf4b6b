"""``cmgis app`` as a service runs it: SIGTERM stops the Streamlit child and frees the port."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from cmgis.cli.core import app_command

REPO_ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return bool(r.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_app_hides_error_details_from_users() -> None:
    cmd = app_command(8501)
    assert cmd[cmd.index("--client.showErrorDetails") + 1] == "none"


def test_sigterm_stops_the_streamlit_child_and_frees_the_port(tmp_path: Path) -> None:
    port = _free_port()
    env = dict(os.environ, CMGIS_DB=str(tmp_path / "cmgis.sqlite"))
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT / "src"), str(REPO_ROOT)])
    proc = subprocess.Popen(
        [sys.executable, "-m", "cmgis.cli.main", "app", "--port", str(port)],
        cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not _healthy(port):
            assert proc.poll() is None, "cmgis app exited before serving"
            assert time.monotonic() < deadline, "the app did not start"
            time.sleep(0.3)
        children = _children(proc.pid)
        assert children, "no Streamlit child process"
        proc.send_signal(signal.SIGTERM)  # to cmgis app only, as systemd's KillMode=mixed
        assert proc.wait(timeout=15) == 0
        deadline = time.monotonic() + 5
        while (_port_in_use(port) or any(_alive(c) for c in children)) and (
            time.monotonic() < deadline
        ):
            time.sleep(0.2)
        assert not any(_alive(c) for c in children), "the Streamlit child is still running"
        assert not _port_in_use(port), f"port {port} is still held"
    finally:
        with contextlib.suppress(ProcessLookupError):  # also a child left behind by a failure
            os.killpg(proc.pid, signal.SIGKILL)
