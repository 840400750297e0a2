"""Root of the `mamoru` command line."""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Iterator, MutableMapping

import click

from core import __version__


PRIVATE_UMASK = 0o077  # files 0600 and folders 0700: the home holds the database, logs, secrets and evidence


# libraries that talk at INFO about their own work (WeasyPrint's fonts and steps, Alembic's migration context):
# quiet unless -v, so a command prints what Mamoru does, not its libraries' internals
QUIET_LIBRARIES = ("weasyprint", "fontTools", "alembic")


def configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
        stream=sys.stderr,
    )
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else logging.WARNING)


# --- command registration: one line per command, "module:attribute" ------------------------
# Commands are imported when used, not when `mamoru` starts: `mamoru scan` needs only the matcher,
# and the database, web, crawler and worker stacks (SQLAlchemy, FastAPI, Celery, Scrapy...) take
# longer to import than a short clip takes to scan.
COMMANDS = {
    "init": "mamoru.cli.catalog:init",
    "refs": "mamoru.cli.catalog:refs",
    "catalog": "mamoru.cli.catalog:catalog",
    "mentions": "mamoru.cli.mentions:mentions",
    "scan": "mamoru.cli.scan:scan",
    "report": "mamoru.cli.report:report",
    "web": "mamoru.cli.web:web",
    "watch": "mamoru.cli.watch:watch",
    "discover": "mamoru.cli.discover:discover",
    "status": "mamoru.cli.status:status",
    "users": "mamoru.cli.users:users",
    "retry": "mamoru.cli.status:retry",
    "demo": "mamoru.cli.ops:demo",
    "up": "mamoru.cli.ops:up",
    "worker": "mamoru.cli.ops:worker",
    "beat": "mamoru.cli.ops:beat",
    "health": "mamoru.cli.health:health",
    "storage": "mamoru.cli.storage:storage",
    "holders": "mamoru.cli.holders:holders",
    "provenance": "mamoru.cli.provenance:provenance",
    "watermark": "mamoru.cli.provenance:watermark",
    "likeness": "mamoru.cli.likeness:likeness",
    "enforce": "mamoru.cli.enforce:enforce",
    "policy": "mamoru.cli.policy:policy",
    "calibrate": "mamoru.cli.calibrate:calibrate",
}


class LazyCommands(MutableMapping):
    """A group's command table whose entries are "module:attribute" strings until first looked up."""

    def __init__(self, specs: dict[str, str]):
        self._items: dict[str, object] = dict(specs)

    def __getitem__(self, name: str) -> click.Command:
        value = self._items[name]
        if isinstance(value, str):
            module, attr = value.split(":")
            value = self._items[name] = getattr(importlib.import_module(module), attr)
        return value

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._items[name] = command

    def __delitem__(self, name: str) -> None:
        del self._items[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="mamoru")
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail.")
def cli(verbose: bool) -> None:
    """Mamoru (守る): find rights holders' character art in short videos, and report it.

    Settings come from MAMORU_* environment variables and an optional mamoru.toml;
    data (database, media, evidence, reports) lives in MAMORU_HOME (default ./mamoru-data).
    """
    os.umask(PRIVATE_UMASK)
    configure_logging(verbose)


cli.commands = LazyCommands(COMMANDS)


def main() -> None:
    cli(prog_name="mamoru")


if __name__ == "__main__":
    main()
