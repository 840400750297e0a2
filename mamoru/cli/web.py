"""`mamoru web`: the triage desk, rights-holder portal and JSON API (FastAPI under uvicorn)."""

from __future__ import annotations

import click

from core.config import get_settings
from core.db import upgrade


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
        from workers import tasks

        def run_watchlist(watchlist_id: int) -> str:
            task = getattr(tasks, "crawl_watchlist", None) or getattr(tasks, "crawl", None)
            if task is None:
                raise RuntimeError("no crawl task in workers.tasks")
            return str(task.delay(watchlist_id).id)

        hooks["run_watchlist"] = run_watchlist
    except ImportError:
        pass
    return hooks


@click.command()
@click.option("--host", default=None, help="Address to listen on (default: settings web_host, 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default: settings web_port, 8765).")
def web(host: str | None, port: int | None) -> None:
    """Serve the web app: triage desk, rights-holder portal, management pages and /api/."""
    import uvicorn

    from reports.web.app import create_app

    settings = get_settings()
    upgrade(settings)
    app = create_app(settings, **app_hooks())
    host, port = host or settings.web_host, port or settings.web_port
    click.echo(f"Mamoru web app on http://{host}:{port}/ (API docs at /api/docs)")
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)
