"""`mamoru status` and `mamoru retry`: what the pipeline is doing, and failed clips queued again."""

from __future__ import annotations

import json

import click

from core.config import get_settings


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def status(as_json: bool) -> None:
    """Queue depths, clips per state, last runs, failures by reason, clips in progress."""
    from rich.console import Console
    from rich.table import Table

    from core.db import upgrade
    from mamoru.up import find_redis_url, redacted
    from workers.status import pipeline_status

    settings = get_settings()
    upgrade(settings)
    redis_url = find_redis_url(settings)
    report = pipeline_status(settings, redis_url)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    console = Console()
    queues = report["queues"]
    if not queues:
        console.print("queues: no Redis known (set MAMORU_REDIS_URL, or start `mamoru up`)")
    elif all(v is None for v in queues.values()):
        console.print(f"queues: Redis at {redacted(redis_url)} is not answering")
    else:
        console.print("queues: " + ", ".join(f"{k} {v}" for k, v in queues.items()) + f"  ({redacted(redis_url)})")
    console.print("clips: " + ", ".join(f"{k} {v}" for k, v in report["clips"].items()))
    console.print(f"last fetch: {report['last_fetch_at'] or '-'}; last analysis: {report['last_analysis_at'] or '-'}")
    if report["failures"]:
        table = Table(title="failed and skipped clips by reason")
        for column in ("status", "reason", "clips", "example"):
            table.add_column(column)
        for row in report["failures"]:
            table.add_row(row["status"], row["reason_code"], str(row["clips"]), row["example"] or "")
        console.print(table)
    if report["watchlists"]:
        table = Table(title="watchlists: last runs")
        for column in ("id", "target", "enabled", "last run", "outcome"):
            table.add_column(column)
        for row in report["watchlists"]:
            table.add_row(str(row["id"]), row["target"], "yes" if row["enabled"] else "no",
                          row["last_run_at"] or "never", row["last_outcome"] or "-")
        console.print(table)
    if report["in_progress"]:
        table = Table(title="clips in progress (oldest first)")
        for column in ("clip", "status", "attempts", "worker", "since", "note"):
            table.add_column(column)
        for row in report["in_progress"]:
            table.add_row(str(row["clip"]), row["status"], str(row["attempts"]), row["worker"] or "-",
                          row["since"] or "-", row["reason"] or "")
        console.print(table)


@click.command()
@click.option("--failed", "failed", is_flag=True, required=True, help="Retry failed clips.")
@click.option("--reason", default=None, help="Only clips with this reason code (see `mamoru status`), "
                                              "or whose reason contains this text.")
@click.option("--skipped", is_flag=True, help="Also retry skipped clips (over a cap, refused address...).")
@click.option("--clip", "clip_ids", type=int, multiple=True, help="Only this clip id (repeatable).")
def retry(failed: bool, reason: str | None, skipped: bool, clip_ids: tuple[int, ...]) -> None:
    """Put failed clips back in the queue with a fresh attempt count."""
    from core.db import upgrade
    from mamoru.up import find_redis_url
    from workers.status import reset_for_retry

    settings = get_settings()
    upgrade(settings)
    ids = reset_for_retry(settings, reason_code=reason, include_skipped=skipped, clip_ids=list(clip_ids) or None)
    if not ids:
        click.echo("no clip to retry")
        return
    redis_url = find_redis_url(settings)
    try:
        if not redis_url:
            raise RuntimeError("no Redis known")
        from workers.celery import make_app

        app = make_app(redis_url)
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=2)
            for clip_id in ids:
                app.send_task("fetch_clip", args=[clip_id], connection=conn)
        click.echo(f"{len(ids)} clips queued for fetch again: {ids}")
    except Exception as exc:  # noqa: BLE001
        click.echo(f"{len(ids)} clips reset to new ({exc}); the next `mamoru beat` sweep queues them", err=True)
