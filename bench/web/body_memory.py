"""Resident memory of a real `mamoru web` process before and after a 200 MB anonymous JSON body to
/api/session (the probe of issue 18 saw 447 -> 1,652 MiB). Linux only (reads /proc).

    .venv/bin/python -m bench.web.body_memory [--mb 200] [--chunked]
"""

from __future__ import annotations

import argparse
import http.client
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mamoru.up import free_port, wait_for_port

CHUNK = 1024 * 1024


def rss_mib(pid: int) -> tuple[float, float]:
    """(current, peak) resident set of PID in MiB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def send_body(port: int, megabytes: int, chunked: bool) -> tuple[int | str, float]:
    """POST a JSON body of MEGABYTES to /api/session; (status or error, seconds)."""
    head = b'{"email": "someone@example.org", "password": "'
    total = megabytes * CHUNK
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    start = time.monotonic()
    try:
        conn.putrequest("POST", "/api/session")
        conn.putheader("Content-Type", "application/json")
        if chunked:
            conn.putheader("Transfer-Encoding", "chunked")
        else:
            conn.putheader("Content-Length", str(total))
        conn.endheaders()
        sent = 0
        while sent < total:
            part = head if sent == 0 else b"a" * min(CHUNK, total - sent)
            conn.send(b"%x\r\n%s\r\n" % (len(part), part) if chunked else part)
            sent += len(part)
        if chunked:
            conn.send(b"0\r\n\r\n")
        status: int | str = conn.getresponse().status
    except OSError as exc:  # the server may close the connection once it has answered 413
        try:
            status = conn.getresponse().status
        except Exception:  # noqa: BLE001
            status = type(exc).__name__
    finally:
        conn.close()
    return status, time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--chunked", action="store_true", help="stream the body without Content-Length")
    args = parser.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="mamoru-bodymem-") as home:
        env = {**os.environ, "MAMORU_HOME": home}
        proc = subprocess.Popen([sys.executable, "-m", "mamoru.cli.main", "web", "--port", str(port)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for_port("127.0.0.1", port, timeout=60, proc=proc)
            time.sleep(1)
            before, _ = rss_mib(proc.pid)
            status, seconds = send_body(port, args.mb, args.chunked)
            time.sleep(2)
            after, peak = rss_mib(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(f"{args.mb} MB {'chunked' if args.chunked else 'Content-Length'} body to /api/session: answer {status} "
          f"in {seconds:.1f} s; web process RSS {before:.0f} MiB before, {after:.0f} MiB after, peak {peak:.0f} MiB")


if __name__ == "__main__":
    main()
