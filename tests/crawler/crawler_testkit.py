"""Test kit for the crawler tests: a tiny HTTP server on 127.0.0.1 that serves fixture documents, and a runner for crawls in a child
process (Scrapy's reactor cannot restart inside pytest)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl

FILES = Path(__file__).with_name("files")
REPO = Path(__file__).resolve().parents[2]
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=false", "-s", "MAMORU_BACKOFF_BASE=0.05",
        "-s", "MAMORU_BACKOFF_MAX=0.2", "-s", "RETRY_ENABLED=false", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    times: int | None = None  # answer this many times, then fall through to `then`
    then: Route | None = None


class FixtureServer:
    """Routes by path (with query when registered with one); records every request line."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.handlers: dict[str, object] = {}  # path -> fn(query: dict[str, str]) -> Route
        self.header_handlers: dict[str, object] = {}  # path -> fn(query, headers: dict[str, str]) -> Route
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                server.requests.append((self.path, dict(self.headers)))
                path, _, query = self.path.partition("?")
                route = server.routes.get(self.path) or server.routes.get(path)
                if path in server.handlers:
                    route = server.handlers[path](dict(parse_qsl(query)))
                if path in server.header_handlers:  # fn(query, headers) -> Route
                    route = server.header_handlers[path](dict(parse_qsl(query)), dict(self.headers))
                if route is not None and route.times is not None:
                    if route.times <= 0:
                        route = route.then
                    else:
                        route.times -= 1
                if route is None:
                    route = Route(b"not found", 404, "text/plain")
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                for key, value in route.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, *args) -> None:  # noqa: ANN002
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def add(self, path: str, body: bytes | str, content_type: str = "text/html; charset=utf-8", status: int = 200,
            **kwargs) -> None:
        if isinstance(body, str):
            body = body.replace("{base}", self.base).encode("utf-8")
        self.routes[path] = Route(body, status, content_type, **kwargs)

    def add_file(self, path: str, file: Path, content_type: str, substitute: bool = False) -> None:
        body = file.read_bytes()
        if substitute:
            body = body.replace(b"{base}", self.base.encode())
        self.routes[path] = Route(body, 200, content_type)

    def paths(self) -> list[str]:
        return [p for p, _ in self.requests]


def crawl_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAMORU_")}
    env.update({"MAMORU_HOME": str(home), "MAMORU_ALLOWED_PRIVATE_HOSTS": "127.0.0.1", "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


@dataclass
class CrawlResult:
    outcome: dict
    items: list[dict]
    stderr: str
    returncode: int


def run_module(args: list[str], env: dict[str, str], module: str = "crawler.run") -> CrawlResult:
    proc = subprocess.run([sys.executable, "-m", module, *args], env=env, cwd=REPO, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    outcome = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {}
    items = [json.loads(line) for line in lines[:-1] if line.startswith("{")]
    return CrawlResult(outcome, items, proc.stderr, proc.returncode)


