"""Root of the `mamoru` command line."""

from __future__ import annotations

import logging
import sys

import click

from mamoru import __version__


def configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
        stream=sys.stderr,
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="mamoru")
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail.")
def cli(verbose: bool) -> None:
    """Mamoru (守る): find rights holders' character art in short videos, and report it.

    Settings come from MAMORU_* environment variables and an optional mamoru.toml;
    data (database, media, evidence, reports) lives in MAMORU_HOME (default ./mamoru-data).
    """
    configure_logging(verbose)


# --- command registration: one line per command module --------------------------------------
from mamoru.cli.core import init, refs  # noqa: E402

from mamoru.cli.ops import beat, demo, up, worker  # noqa: E402
from mamoru.cli.report import report  # noqa: E402
from mamoru.cli.web import web  # noqa: E402
from mamoru.cli.watch import watch  # noqa: E402
from mamoru.cli.discover import discover  # noqa: E402
from mamoru.cli.status import retry, status  # noqa: E402

cli.add_command(init)
cli.add_command(refs)
cli.add_command(report)
cli.add_command(web)
cli.add_command(watch)
cli.add_command(discover)
for _command in (status, retry):
    cli.add_command(_command)
for _command in (demo, up, worker, beat):
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="mamoru")


if __name__ == "__main__":
    main()
