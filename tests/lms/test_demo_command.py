"""``make demo`` runs the web server and the task worker together, and Ctrl+C
stops both: without the worker, certificates would never arrive."""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from honcho.environ import parse_procfile

ROOT = Path(__file__).resolve().parents[2]


def demo_procfile() -> Path:
    """The Procfile that ``make demo`` hands to honcho, read from make's own plan."""
    plan = subprocess.run(
        ["make", "-n", "demo"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    [line] = [line for line in plan.splitlines() if "honcho" in line]
    words = shlex.split(line)
    assert words[-1] == "start", line
    return ROOT / words[words.index("-f") + 1]


def make_demo_plan(**env: str) -> str:
    """What ``make demo`` would run, with ``env`` in place of this shell's
    DEMO_ADDRESS."""
    environment = {k: v for k, v in os.environ.items() if k != "DEMO_ADDRESS"}
    return subprocess.run(
        ["make", "-n", "demo"],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_make_demo_says_where_it_serves():
    """``make demo`` prints the address it serves on: DEMO_ADDRESS's, else
    127.0.0.1:8000."""
    assert "Serving on http://127.0.0.1:8100 " in make_demo_plan(
        DEMO_ADDRESS="127.0.0.1:8100"
    )
    assert "Serving on http://127.0.0.1:8000 " in make_demo_plan()


def test_make_demo_starts_a_task_worker_beside_the_web_server():
    """The demo's Procfile has a web server and a database task worker."""
    processes = parse_procfile(demo_procfile().read_text()).processes
    commands = list(processes.values())
    assert any("manage.py runserver" in command for command in commands), commands
    assert any("manage.py db_worker" in command for command in commands), commands


def test_the_production_procfile_runs_a_worker_too():
    """The one-machine Procfile of the README serves with gunicorn and a worker."""
    processes = parse_procfile((ROOT / "Procfile").read_text()).processes
    assert processes["web"].startswith("gunicorn ")
    assert "manage.py db_worker" in processes["worker"]


def descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid``, with its command line."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: dict[int, str] = {}
    todo = [pid]
    while todo:
        parent = todo.pop()
        for child, its_parent in parents.items():
            if its_parent == parent and child not in found:
                try:
                    command = Path(f"/proc/{child}/cmdline").read_bytes()
                except OSError:
                    continue
                found[child] = command.replace(b"\0", b" ").decode()
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting to be reaped does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.skipif(sys.platform == "win32", reason="process groups")
def test_demo_processes_run_together_and_stop_together_on_ctrl_c(tmp_path):
    """honcho starts both processes of the demo's Procfile; Ctrl+C (SIGINT) stops
    both within seconds, leaving nothing running."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DEMO_ADDRESS": f"127.0.0.1:{port}",
        # The demo's embedded defaults, whatever this shell has configured.
        "TASKS_BACKEND": "database",
        "REDIS_URL": "",
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        "PYTHONUNBUFFERED": "1",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "django_tasks_database", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    demo = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "honcho"),
            "-f",
            str(demo_procfile()),
            "start",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/static/courses/css/lms.css", timeout=2
                ) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "the web server did not start"
                assert demo.poll() is None, demo.stdout.read()
                time.sleep(0.3)
        children = descendants(demo.pid)
        commands = list(children.values())
        assert any("manage.py db_worker" in command for command in commands), commands
        assert any("manage.py runserver" in command for command in commands), commands
    finally:
        os.kill(demo.pid, signal.SIGINT)
        output, _ = demo.communicate(timeout=30)
    # Orphans are reaped by init a moment after they exit.
    deadline = time.monotonic() + 10
    while (
        left := [pid for pid in children if alive(pid)]
    ) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert left == [], (output[-2000:], [children[pid] for pid in left])
