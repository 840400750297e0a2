"""Running Mamoru: `demo`, `up`, `worker`, `beat`."""

from __future__ import annotations

import os
import sys
import time

import click

from core.childproc import child_environ, python_module
from core.config import get_settings


@click.group(invoke_without_command=True)
@click.option("--serve", is_flag=True, help="Keep the demo stack running after the summary (Ctrl-C stops it).")
@click.pass_context
def demo(ctx: click.Context, serve: bool) -> None:
    """Run the whole monitoring job against the demo platform on 127.0.0.1.

    Starts an embedded Redis, a Celery worker and beat, and the demo site; registers a demo rights
    holder, its reference art and a watchlist; crawls, fetches, analyses and reports; prints a summary.
    Running it twice changes no rows. `mamoru demo takedown ID` plays the platform's answer to a notice.
    """
    if ctx.invoked_subcommand is not None:
        return
    import importlib.util

    if importlib.util.find_spec("skimage") is None:
        raise click.ClickException("the demo's sample images come from scikit-image: pip install 'mamoru[demo]'")
    from mamoru.demo.run import run_demo
    from mamoru.up import StackError

    try:
        outcome = run_demo(keep_running=serve)
    except KeyboardInterrupt:
        click.echo("interrupted: every child process was stopped", err=True)
        sys.exit(130)
    except StackError as exc:
        raise click.ClickException(str(exc)) from None
    if not outcome.all_as_expected:
        sys.exit(1)


@demo.command("takedown")
@click.argument("clip_id")
@click.option("--restore", is_flag=True, help="Put the clip back up instead (a reinstatement).")
def demo_takedown(clip_id: str, restore: bool) -> None:
    """Take clip CLIP_ID (v1001 ...) down on the demo platform, as a platform does after a notice: its page
    then answers 410 Gone, and the next re-check of a notice sent for it records the removal. Reaches the
    demo site of this data home (`mamoru demo --serve` running in another terminal, or the next run)."""
    from mamoru.demo.home import MARKER_FILE
    from mamoru.demo.takedowns import TAKEDOWNS_FILE, Takedowns, UnknownClip

    home = get_settings().home
    if not (home / MARKER_FILE).is_file():
        raise click.ClickException(f"{home} is not a demo data home (run `mamoru demo` first, with the same "
                                   "MAMORU_HOME)")
    takedowns = Takedowns(home / TAKEDOWNS_FILE)
    try:
        changed = takedowns.restore(clip_id) if restore else takedowns.take_down(clip_id)
    except UnknownClip as exc:
        raise click.ClickException(str(exc)) from None
    state = "back up (its page answers 200 again)" if restore else "taken down (its page answers 410 Gone)"
    click.echo(f"demo clip {clip_id} {state}{'' if changed else '; it was already'}")


@click.command()
@click.option("--no-beat", is_flag=True, help="Do not start the beat scheduler.")
@click.option("--no-web", is_flag=True, help="Do not start the web app.")
@click.option("--flower", is_flag=True, help="Also start Flower (task monitor) on 127.0.0.1.")
@click.option("--flower-port", default=5555, show_default=True, help="Flower's port on 127.0.0.1.")
@click.option("-c", "--concurrency", default=2, show_default=True, help="Worker processes.")
def up(no_beat: bool, no_web: bool, flower: bool, flower_port: int, concurrency: int) -> None:
    """Run Mamoru on this machine: embedded Redis (unless MAMORU_REDIS_URL is set), worker, beat, web app."""
    import importlib.util

    from core.db import upgrade
    from mamoru.up import FLOWER_PASSWORD_FILE, FLOWER_USER, EmbeddedStack, StackError, redacted

    settings = get_settings()
    upgrade(settings)
    _stop_on_sigterm()
    try:
        with EmbeddedStack(settings) as stack:
            click.echo(f"Redis: {redacted(stack.start_redis())}")
            stack.start_worker(concurrency=concurrency)
            if not no_beat:
                stack.start_beat()
            if not no_web:
                if importlib.util.find_spec("uvicorn") is None:
                    click.echo("web app not started: install the web extra (pip install 'mamoru[web]')", err=True)
                else:
                    click.echo(f"web app: {stack.start_web(settings.web_port)}")
            if flower:
                if stack.start_flower(flower_port) is None:
                    click.echo("Flower not started: pip install flower", err=True)
                else:
                    click.echo(f"Flower: http://127.0.0.1:{flower_port}/ (user {FLOWER_USER}, password in "
                               f"{settings.home / FLOWER_PASSWORD_FILE})")
            click.echo(f"running; logs in {stack.log_dir}; Ctrl-C stops everything")
            while True:
                stack.check_alive()
                time.sleep(1)
    except KeyboardInterrupt:
        click.echo("stopped")
    except StackError as exc:
        raise click.ClickException(str(exc)) from None


def _stop_on_sigterm() -> None:
    """SIGTERM (a service manager, `timeout`) stops the children like Ctrl-C does, instead of orphaning them."""
    import signal

    def _interrupt(signum, frame):  # noqa: ANN001, ANN202
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _interrupt)


def _celery(argv: list[str]) -> None:
    settings = get_settings()
    if not settings.redis_url:
        raise click.ClickException("MAMORU_REDIS_URL is not set: point it at Redis, or use `mamoru up`")
    command = python_module("workers.main", *argv)
    os.execve(command[0], command, child_environ())


@click.command()
@click.option("-Q", "--queues", default="io,cpu", show_default=True, help="Queues to consume (io, cpu).")
@click.option("-c", "--concurrency", default=2, show_default=True, help="Worker processes.")
@click.option("-n", "--name", default="worker", show_default=True,
              help="Node name, unique on this host: a restarted worker of the same name takes back its "
                   "predecessor's unfinished clips at once.")
def worker(queues: str, concurrency: int, name: str) -> None:
    """Run a Celery worker on the Redis at MAMORU_REDIS_URL (fetch, analyze, crawl, report)."""
    _celery(["worker", "-Q", queues, "-c", str(concurrency), "--loglevel", "INFO", "-n", f"{name}@%h"])


@click.command()
def beat() -> None:
    """Run the scheduler: due watchlists every minute, weekly reports Mondays 00:00 UTC."""
    schedule = get_settings().home / "celerybeat-schedule"
    schedule.parent.mkdir(parents=True, exist_ok=True)
    _celery(["beat", "--loglevel", "INFO", "-s", str(schedule)])
