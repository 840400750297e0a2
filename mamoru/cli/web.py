"""`mamoru web`: the triage desk, rights-holder portal and JSON API (FastAPI under uvicorn)."""

from __future__ import annotations

import click

from core.config import get_settings
from core.db import upgrade


@click.command()
@click.option("--host", default=None, help="Address to listen on (default: settings web_host, 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default: settings web_port, 8765).")
def web(host: str | None, port: int | None) -> None:
    """Serve the web app: triage desk, rights-holder portal, management pages and /api/."""
    from mamoru.webserver import serve
    from reports.web.app import create_app

    settings = get_settings()
    upgrade(settings)
    app = create_app(settings)
    host, port = host or settings.web_host, port or settings.web_port
    click.echo(f"Mamoru web app on http://{host}:{port}/ (API docs at /api/docs)")
    serve(app, host, port, settings.trusted_proxies)
