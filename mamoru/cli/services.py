"""How CLI commands call the use cases: one committed session per command, refusals as one error line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.orm import Session

from core.config import Settings, get_settings
from core.db import session_scope, upgrade
from core.services.errors import ServiceError


@contextmanager
def service_session() -> Iterator[tuple[Session, Settings]]:
    """A session that commits on success; a ServiceError becomes a click error (exit 1, nothing stored)."""
    settings = get_settings()
    upgrade(settings)
    try:
        with session_scope(settings) as session:
            yield session, settings
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None


def run_service(action):  # noqa: ANN001, ANN201
    """ACTION(session) in one committed service session; what it returns (a refusal: one error line)."""
    with service_session() as (session, _settings):
        return action(session)
