"""`mamoru web`: the triage desk, rights-holder portal and JSON API (FastAPI under uvicorn)."""

from __future__ import annotations

import click

from core.config import get_settings
from core.db import upgrade

CRAWL_TASK = "crawl_watchlist"


def app_hooks() -> dict:
    """What the web app may ask of the packages above it (it never imports workers itself)."""
    hooks: dict = {}
    try:
        from workers import catalog
    except ImportError:
        return hooks

    def add_reference(session, settings, **kwargs):  # noqa: ANN001, ANN202
        return catalog.add_reference(session, settings, **kwargs)

    hooks["add_reference"] = add_reference
    hooks["rebuild_index"] = catalog.rebuild_index
    try:
        from workers.celery import make_app
    except ImportError:
        return hooks
    from mamoru.up import find_redis_url

    celery_apps: list = []

    def run_watchlist(watchlist_id: int) -> str:
        # by name on Mamoru's own app (the embedded Redis's URL, password included): the request runs in a
        # thread where Celery's default app, not Mamoru's, is current
        if not celery_apps:
            celery_apps.append(make_app(find_redis_url(get_settings())))
        return str(celery_apps[0].send_task(CRAWL_TASK, args=[watchlist_id]).id)

    hooks["run_watchlist"] = run_watchlist
    return hooks


@click.command()
@click.option("--host", default=None, help="Address to listen on (default: settings web_host, 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default: settings web_port, 8765).")
def web(host: str | None, port: int | None) -> None:
    """Serve the web app: triage desk, rights-holder portal, management pages and /api/."""
    from mamoru.webserver import serve
    from reports.web.app import create_app

    settings = get_settings()
    upgrade(settings)
    app = create_app(settings, **app_hooks())
    host, port = host or settings.web_host, port or settings.web_port
    click.echo(f"Mamoru web app on http://{host}:{port}/ (API docs at /api/docs)")
    serve(app, host, port, settings.trusted_proxies)
