"""`mamoru health`: exit 0 when this machine's Mamoru can reach what it needs, 1 (with one line per
problem) when not; for systemd, compose and monitoring. `--worker NAME` also asks that Celery worker
to answer a ping over the broker."""

from __future__ import annotations

import json
import sys

import click

from core.config import get_settings

PING_TIMEOUT_S = 5.0


@click.command()
@click.option("--worker", "workers", multiple=True, metavar="NAME",
              help="A worker node that must answer a ping, e.g. io@host (repeatable; '*' for any worker).")
@click.option("--skip", multiple=True, type=click.Choice(["database", "redis", "storage"]),
              help="Leave out a check (e.g. redis on a web-only machine).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of lines.")
def health(workers: tuple[str, ...], skip: tuple[str, ...], as_json: bool) -> None:
    """Check the database, Redis and the blob store (and workers with --worker)."""
    from core.health import CHECKS, run_checks

    settings = get_settings()
    results = run_checks(settings, tuple(name for name in CHECKS if name not in skip))
    for name in workers:
        results[f"worker {name}"] = ping_worker(name)
    if as_json:
        click.echo(json.dumps({"ok": not any(results.values()), "checks": results}))
    else:
        for name, problem in results.items():
            click.echo(f"{name}: {'ok' if problem is None else problem}")
    sys.exit(1 if any(results.values()) else 0)


def ping_worker(name: str) -> str | None:
    """None when the worker NAME ('*': any) answers a broker ping within PING_TIMEOUT_S."""
    from workers.celery import app

    try:
        replies = app.control.ping(destination=None if name == "*" else [name], timeout=PING_TIMEOUT_S)
    except Exception as exc:  # noqa: BLE001
        return f"ping failed: {type(exc).__name__}: {exc}"[:300]
    answered = {node for reply in replies for node in reply}
    if not answered:
        return f"no answer within {PING_TIMEOUT_S:.0f} s"
    return None
