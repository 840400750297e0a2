"""The catalogue service: parsing with one-line refusals, idempotent import audited as
catalogue_imported, rows updated in place, works and characters of `refs add` adopted."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.models import AuditEvent, Character, Work
from core.services.catalogue import find_catalogue_character, holder_catalogue, import_catalogue, parse_catalogue
from core.services.errors import Conflict, Invalid
from core.services.holders import get_or_create_character, get_or_create_holder

CATALOGUE = """
holder: Example Studio
works:
  - id: one-piece
    titles: ["ONE PIECE", "ワンピース", "航海王", "원피스"]
    characters:
      - id: luffy
        names: ["モンキー・D・ルフィ", "Monkey D. Luffy", "ルフィ", "Luffy", "路飞", "루피"]
      - id: zoro
        names: ["ロロノア・ゾロ", "Roronoa Zoro", "ゾロ"]
"""


def counts(session):
    return (session.scalar(select(func.count()).select_from(Work)),
            session.scalar(select(func.count()).select_from(Character)))


def test_import_is_idempotent_and_audited(session):
    holder = get_or_create_holder(session, None, "Example Studio")
    data = parse_catalogue(CATALOGUE)
    first = import_catalogue(session, None, holder, data)
    assert (first.works_created, first.characters_created) == (1, 2)
    before = counts(session)
    second = import_catalogue(session, None, holder, parse_catalogue(CATALOGUE))
    assert not second.changed and second.unchanged == 2
    assert counts(session) == before == (1, 2)
    luffy = find_catalogue_character(session, holder, "luffy")
    assert (luffy.name_en, luffy.name_ja, luffy.work.key) == ("Monkey D. Luffy", "モンキー・D・ルフィ", "one-piece")
    assert luffy.aliases[-1] == "루피"
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "catalogue_imported")).all()
    assert len(events) == 2 and events[0].detail["characters_created"] == 2


def test_changed_names_update_rows_in_place(session):
    holder = get_or_create_holder(session, None, "Example Studio")
    import_catalogue(session, None, holder, parse_catalogue(CATALOGUE))
    luffy_id = find_catalogue_character(session, holder, "luffy").id
    changed = parse_catalogue(CATALOGUE.replace('"ゾロ"]', '"ゾロ", "Zoro", "索隆"]'))
    result = import_catalogue(session, None, holder, changed)
    assert (result.characters_updated, result.characters_created) == (1, 0)
    assert find_catalogue_character(session, holder, "luffy").id == luffy_id
    assert "索隆" in find_catalogue_character(session, holder, "zoro").aliases
    dropped = import_catalogue(session, None, holder, parse_catalogue(CATALOGUE.split("      - id: zoro")[0]))
    assert dropped.not_in_file == ["one-piece/zoro"] and counts(session) == (1, 2)  # kept, listed


def test_refs_add_rows_are_adopted(session):
    holder = get_or_create_holder(session, None, "Example Studio")
    made = get_or_create_character(session, None, holder, "ONE PIECE", "Monkey D. Luffy")
    import_catalogue(session, None, holder, parse_catalogue(CATALOGUE))
    assert find_catalogue_character(session, holder, "luffy").id == made.id
    assert counts(session) == (1, 2)
    works = holder_catalogue(session, holder)
    assert works[0]["id"] == "one-piece" and works[0]["characters"][0]["id"] == "luffy"


def test_same_character_id_in_two_works_needs_the_work(session):
    holder = get_or_create_holder(session, None, "Example Studio")
    two = CATALOGUE + """  - id: one-piece-film
    titles: ["ONE PIECE FILM RED"]
    characters:
      - id: luffy
        names: ["Luffy (film)"]
"""
    import_catalogue(session, None, holder, parse_catalogue(two))
    with pytest.raises(Conflict, match="name the work"):
        find_catalogue_character(session, holder, "luffy")
    assert find_catalogue_character(session, holder, "luffy", "one-piece-film").aliases == ["Luffy (film)"]
    assert find_catalogue_character(session, holder, "luffy", "ONE PIECE").work.key == "one-piece"


@pytest.mark.parametrize(("text", "message"), [
    ("works: [", "not valid YAML at line"),
    ("- a\n- b\n", "expected a mapping with a list `works`"),
    ("works:\n  - id: One Piece\n    titles: [x]\n", "must be 1-100 lower-case"),
    ("works:\n  - id: a\n    titles: []\n", "titles: at least one is required"),
    ("works:\n  - id: a\n    titles: [x]\n    characters:\n      - id: b\n", r"\(b\) names: at least one"),
    ("works:\n  - id: a\n    titles: [x]\n  - id: a\n    titles: [y]\n", "given twice"),
    ("works:\n  - id: a\n    titles: [{x: 1}]\n", "expected a list of strings"),
])
def test_bad_files_refused_with_one_line(text, message):
    with pytest.raises(Invalid, match=message) as info:
        parse_catalogue(text, "cat.yaml")
    assert "\n" not in str(info.value) and str(info.value).startswith("cat.yaml")


@pytest.mark.integration
def test_import_on_postgresql(postgres_url, tmp_path):
    from core.config import load_settings
    from core.db import session_scope, upgrade

    settings = load_settings({"MAMORU_HOME": str(tmp_path / "home"), "MAMORU_DATABASE_URL": postgres_url})
    upgrade(settings)
    for _ in range(2):
        with session_scope(settings) as s:
            import_catalogue(s, None, get_or_create_holder(s, None, "Example Studio"), parse_catalogue(CATALOGUE))
    with session_scope(settings) as s:
        assert counts(s) == (1, 2)
        assert find_catalogue_character(s, get_or_create_holder(s, None, "Example Studio"), "zoro").aliases[0] == \
            "ロロノア・ゾロ"
