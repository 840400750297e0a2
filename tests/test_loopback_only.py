"""Tests never reach the internet: the test process and the Python processes it starts refuse connections beyond
loopback (tests/conftest.py, tests/netguard/sitecustomize.py)."""

from __future__ import annotations

import socket

import pytest


@pytest.mark.parametrize("host", ["93.184.216.34", "10.0.0.1", "2606:2800:220:1:248:1893:25c8:1946"])
def test_a_connection_beyond_loopback_is_refused_at_once(host):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s, pytest.raises(OSError, match="127.0.0.1 only"):
        s.connect((host, 80))


def test_loopback_still_connects():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        socket.create_connection(server.getsockname(), timeout=2).close()


def test_a_child_python_process_is_refused_too():
    """Crawler runs, Celery workers and the CLI run in child processes: tests/netguard/sitecustomize.py guards
    them through the environment the test process hands down."""
    import subprocess
    import sys

    code = "import socket; socket.create_connection(('93.184.216.34', 80), timeout=5)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "tests reach 127.0.0.1 only" in proc.stderr
