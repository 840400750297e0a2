"""Loopback HTTP servers for the fetcher's security tests: a site serving fixed routes, a canary that
counts every TCP connection it accepts, and a body that drips one byte at a time."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Drip:
    """A body of `size` bytes sent one byte every `every_s` seconds (a slow sender)."""

    size: int
    every_s: float


class _CountingServer(ThreadingHTTPServer):
    daemon_threads = True
    connections = 0

    def verify_request(self, request, client_address):  # noqa: ANN001
        self.connections += 1  # counted at accept, before any HTTP is read: ffmpeg's connections count too
        return True


class LoopbackSite:
    """Serves `routes` (path -> (content type, body bytes or Drip)) on HOST; 404 elsewhere."""

    def __init__(self, host: str = "127.0.0.1"):
        self.routes: dict[str, tuple[str, bytes | Drip]] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # noqa: ANN002
                pass

            def do_GET(self):  # noqa: N802
                route = site.routes.get(self.path.split("?")[0])
                if route is None:
                    self.send_error(404)
                    return
                content_type, body = route
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(body.size if isinstance(body, Drip) else len(body)))
                self.end_headers()
                try:
                    if isinstance(body, Drip):
                        for _ in range(body.size):
                            self.wfile.write(b"\0")
                            self.wfile.flush()
                            time.sleep(body.every_s)
                    else:
                        self.wfile.write(body)
                except OSError:
                    pass


        self.httpd = _CountingServer((host, 0), Handler)
        self.base = f"http://{host}:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def connections(self) -> int:
        return self.httpd.connections

    def add(self, path: str, content_type: str, body: bytes | str | Drip) -> str:
        self.routes[path] = (content_type, body.encode() if isinstance(body, str) else body)
        return self.base + path

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> LoopbackSite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
