"""Tests never reach the internet, in any process: the test process (tests/conftest.py) and every Python process
it starts (crawler runs, Celery workers, the CLI) refuse connections beyond loopback, at once and in one line.

tests/conftest.py puts this folder first on PYTHONPATH, so a child Python imports this module at start-up
(`site` imports `sitecustomize`), and patches socket.connect when MAMORU_TEST_LOOPBACK_ONLY is set."""

from __future__ import annotations

import ipaddress
import os
import socket


def loopback_only(connect):
    """socket.connect for a test process: loopback and local sockets only (a test that tries another host says so
    in one line instead of waiting on a remote host)."""

    def guarded(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            try:
                ok = ipaddress.ip_address(host.split("%")[0]).is_loopback
            except ValueError:
                ok = host == "localhost"
            if not ok:
                raise OSError(f"tests reach 127.0.0.1 only: a connection to {host}:{address[1]} was refused")
        return connect(sock, address)
    return guarded


def install() -> None:
    socket.socket.connect = loopback_only(socket.socket.connect)
    socket.socket.connect_ex = loopback_only(socket.socket.connect_ex)


if os.environ.get("MAMORU_TEST_LOOPBACK_ONLY") == "1":
    install()
