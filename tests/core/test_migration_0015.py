"""Revision 0015 adds findings.confidence and watermarks.retired_at, and gives the non-copy findings made
before it their confidence from the signals they carry (copies keep none)."""

import pytest
from sqlalchemy import create_engine, text

from core.config import load_settings
from core.db import alembic_config, upgrade
from core.services.kinds import CONFIDENCE_WEIGHTS

SIGNALS = '[{"type": "mention", "field": "title", "alias": "Luffy"}]'


def _before_and_after(url: str) -> dict[str, float | None]:
    from alembic import command

    command.upgrade(alembic_config(url), "0013")
    engine = create_engine(url)
    with engine.begin() as conn:
        holder = conn.execute(text("insert into rights_holders (name, created_at) values ('H', current_timestamp) "
                                   "returning id")).scalar()
        work = conn.execute(text("insert into works (rights_holder_id, name_en) values (:h, 'W') returning id"),
                            {"h": holder}).scalar()
        character = conn.execute(text("insert into characters (work_id, name_en, aliases) values (:w, 'C', '[]') "
                                      "returning id"),
                                 {"w": work}).scalar()
        for n, kind in enumerate(("mention", "copy")):
            clip = conn.execute(text("insert into clips (platform, platform_id, url, status, discovered_at, "
                                     "last_seen_at, hashtags, attempts, status_changed_at) values ('tiktok', :p, "
                                     "'http://x/1', 'done', current_timestamp, current_timestamp, '[]', 0, "
                                     "current_timestamp) returning id"), {"p": str(n)}).scalar()
            conn.execute(text("insert into findings (clip_id, character_id, kind, signals, score, method, spans, best_t, "
                              "state, created_at, updated_at) values (:c, :ch, :k, :s, 0.5, 'm', '[]', 0, 'pending', "
                              "current_timestamp, current_timestamp)"),
                         {"c": clip, "ch": character, "k": kind, "s": SIGNALS})
    engine.dispose()
    command.upgrade(alembic_config(url), "head")
    engine = create_engine(url)
    with engine.connect() as conn:
        out = dict(conn.execute(text("select kind, confidence from findings")).all())
    engine.dispose()
    return out


def test_backfill_on_sqlite(tmp_path):
    s = load_settings({"MAMORU_HOME": str(tmp_path / "home")})
    s.ensure_dirs()
    assert _before_and_after(s.db_url) == {"mention": CONFIDENCE_WEIGHTS["named_in_title"], "copy": None}
    assert upgrade(s) == "0015"


@pytest.mark.integration
def test_backfill_on_postgresql(postgres_url):
    assert _before_and_after(postgres_url) == {"mention": CONFIDENCE_WEIGHTS["named_in_title"], "copy": None}
