"""Alembic migrations create the schema the models describe, on SQLite and on a real PostgreSQL."""

import pytest
from sqlalchemy import create_engine, inspect, text

from core.config import load_settings
from core.db import upgrade
from core.models import Base


def _check_schema(url: str) -> None:
    engine = create_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        with engine.connect() as conn:
            assert conn.execute(text("select version_num from alembic_version")).scalar() is not None
        clip_uniques = {tuple(u["column_names"]) for u in inspect(engine).get_unique_constraints("clips")}
        assert ("platform", "platform_id") in clip_uniques
    finally:
        engine.dispose()


def test_init_creates_and_upgrades_sqlite(tmp_path):
    s = load_settings({"MAMORU_HOME": str(tmp_path / "home")})
    head = upgrade(s)
    assert head and upgrade(s) == head  # idempotent
    _check_schema(s.db_url)


def test_models_match_migrations(tmp_path):
    """A model change without a migration fails here (Alembic autogenerate finds nothing to do)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    s = load_settings({"MAMORU_HOME": str(tmp_path / "home")})
    upgrade(s)
    engine = create_engine(s.db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


@pytest.mark.integration
def test_migrations_on_postgresql(tmp_path, postgres_url):
    s = load_settings({"MAMORU_HOME": str(tmp_path / "home"), "MAMORU_DATABASE_URL": postgres_url})
    upgrade(s)
    _check_schema(postgres_url)
