"""Reach (issue 16 item 7): the PDF report is tagged (PDF/UA-1), and the command line stays quiet about its
libraries (no WeasyPrint INFO lines for a report, no Alembic lines when `mamoru web` starts) unless -v."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.db import session_scope
from reports import write_weekly_report
from reports.sample import seed_sample

WEEK = "2026-W47"
MAMORU = [sys.executable, "-c", "from mamoru.cli.main import main; main()"]


def test_the_pdf_report_is_tagged(settings):
    with session_scope(settings) as s:
        ids = seed_sample(s, settings, images=False)
    files = write_weekly_report(settings, ids.holders[0], WEEK, formats=("pdf",))
    pdf = settings.home_path(files[0]["path"])
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    meta = subprocess.run(["pdfinfo", "-meta", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "pdfuaid" in meta  # the PDF/UA identification in the XMP metadata


def test_a_report_prints_no_weasyprint_lines(settings):
    with session_scope(settings) as s:
        seed_sample(s, settings, images=False)
    run = subprocess.run([*MAMORU, "report", "--holder", "Kumo Studio 雲スタジオ", "--week", WEEK, "--format", "pdf"],
                         capture_output=True, text=True, env=os.environ.copy(), timeout=300)
    assert run.returncode == 0, run.stderr
    assert "weasyprint" not in run.stderr.lower() and "fonttools" not in run.stderr.lower(), run.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_web(verbose: bool, home: Path) -> tuple[str, str]:
    """`mamoru web` on a free port in a fresh HOME (its migrations run) until it says where it listens; its
    stdout and stderr."""
    args = [*MAMORU, *(["-v"] if verbose else []), "web", "--port", str(free_port())]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "MAMORU_HOME": str(home)})
    try:
        deadline = time.monotonic() + 120
        line = ""
        while time.monotonic() < deadline and "Mamoru web app on" not in line:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
        assert "Mamoru web app on" in line, proc.stderr.read()
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    return line + out, err


def test_web_start_prints_no_alembic_lines_unless_verbose(settings, tmp_path):
    _, quiet = start_web(False, tmp_path / "quiet-home")
    assert "alembic" not in quiet.lower(), quiet
    _, loud = start_web(True, tmp_path / "loud-home")  # the same start with -v shows the migrations
    assert "alembic" in loud.lower(), loud
