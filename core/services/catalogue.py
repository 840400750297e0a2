"""A holder's catalogue from a file: works (titles in every script) and characters (names in every script),
imported idempotently (the same file twice changes nothing), audited as `catalogue_imported`; and the
watchlists a catalogue implies (`add_catalogue_watchlists`), made through the watchlist service within
each platform's quota. The expansion of names into forms and search terms is matcher.text's: callers pass
it in (core imports nothing of ours).

File shape (YAML; `holder` optional when the caller names one)::

    holder: Example Studio
    works:
      - id: one-piece
        titles: ["ONE PIECE", "ワンピース", "航海王", "원피스"]
        characters:
          - id: luffy
            names: ["モンキー・D・ルフィ", "Monkey D. Luffy", "ルフィ", "Luffy", "路飞", "루피"]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core.config import Settings
from core.models import Character, RightsHolder, Watchlist, Work
from core.services.audit import record
from core.services.errors import Conflict, Invalid, NotFoundError
from core.services.holders import MAX_NAME_CHARS, clean_name
from core.targets import TARGETS, UnsupportedTarget, check_target

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_WORKS = 2000
MAX_CHARACTERS = 20000
MAX_NAMES = 100  # per character or work
KEY = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")
CATALOGUE_KINDS = ("search", "hashtag")
CATALOGUE_MAX_PER_PLATFORM = 100  # watchlists a holder keeps on one platform from its catalogue
YOUTUBE_UNITS_PER_SEARCH = 100  # a YouTube Data API search page (crawler/quota.py counts the same)


def parse_catalogue(text: str, source: str = "catalogue") -> dict:
    """The catalogue in TEXT (YAML or JSON), checked: {"holder": str | None, "works": [{"id", "titles",
    "characters": [{"id", "names"}]}]}, names trimmed and without repeats; Invalid with one line otherwise."""
    import yaml

    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise Invalid(f"{source}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise Invalid(f"{source}: not valid YAML{where}") from None
    if not isinstance(data, dict) or not isinstance(data.get("works"), list):
        raise Invalid(f"{source}: expected a mapping with a list `works`")
    if len(data["works"]) > MAX_WORKS:
        raise Invalid(f"{source}: more than {MAX_WORKS} works")
    holder = clean_name(data.get("holder"), "the holder", required=False) if data.get("holder") else None
    works, work_keys, total = [], set(), 0
    for i, work in enumerate(data["works"], 1):
        where = f"{source}: works[{i}]"
        if not isinstance(work, dict):
            raise Invalid(f"{where}: expected a mapping with id, titles and characters")
        key = _new_key(work.get("id"), where, work_keys, "work id {!r} given twice")
        titles = _names(work.get("titles"), f"{where} ({key}) titles", required=True)
        chars, char_keys = [], set()
        for j, char in enumerate(work.get("characters") or [], 1):
            cwhere = f"{where} ({key}) characters[{j}]"
            if not isinstance(char, dict):
                raise Invalid(f"{cwhere}: expected a mapping with id and names")
            ckey = _new_key(char.get("id"), cwhere, char_keys, "character id {!r} given twice in " + key)
            chars.append({"id": ckey, "names": _names(char.get("names"), f"{cwhere} ({ckey}) names", required=True)})
        total += len(chars)
        if total > MAX_CHARACTERS:
            raise Invalid(f"{source}: more than {MAX_CHARACTERS} characters")
        works.append({"id": key, "titles": titles, "characters": chars})
    return {"holder": holder, "works": works}


def _key(value, where: str) -> str:
    key = str(value if value is not None else "").strip()
    if not KEY.fullmatch(key):
        raise Invalid(f"{where}: id {key[:60]!r} must be 1-100 lower-case letters, digits, '.', '_' or '-'")
    return key


def _new_key(value, where: str, seen: set[str], twice: str) -> str:
    """The id VALUE, checked, and added to SEEN; Invalid(TWICE) when SEEN holds it already."""
    key = _key(value, where)
    if key in seen:
        raise Invalid(f"{where}: {twice.format(key)}")
    seen.add(key)
    return key


def _names(value, where: str, *, required: bool) -> list[str]:
    if value is None or value == []:
        if required:
            raise Invalid(f"{where}: at least one is required")
        return []
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise Invalid(f"{where}: expected a list of strings")
    if len(value) > MAX_NAMES:
        raise Invalid(f"{where}: more than {MAX_NAMES}")
    out: list[str] = []
    for v in value:
        name = clean_name(str(v), where)
        if name not in out:
            out.append(name)
    return out


@dataclass
class ImportResult:
    holder: RightsHolder
    works_created: int = 0
    works_updated: int = 0
    characters_created: int = 0
    characters_updated: int = 0
    unchanged: int = 0
    not_in_file: list[str] = field(default_factory=list)  # characters kept in the database, absent here

    @property
    def changed(self) -> bool:
        return bool(self.works_created or self.works_updated or self.characters_created or self.characters_updated)

    def summary(self) -> str:
        return (f"{self.works_created} works created, {self.works_updated} updated; {self.characters_created} "
                f"characters created, {self.characters_updated} updated; {self.unchanged} unchanged")


def _latin(name: str) -> bool:
    return all(ord(c) < 0x250 for c in unicodedata.normalize("NFKC", name))


def _japanese(name: str) -> bool:
    return any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in name)


def _english_name(names: list[str], key: str) -> str:
    return next((n for n in names if _latin(n)), key)[:MAX_NAME_CHARS]


def _japanese_name(names: list[str]) -> str | None:
    return next((n for n in names if _japanese(n) and any("\u3040" <= c <= "\u30ff" for c in n)),
                next((n for n in names if _japanese(n)), None))


def import_catalogue(session: Session, actor_id: int | None, holder: RightsHolder, catalogue: dict) -> ImportResult:
    """Create or update HOLDER's works and characters from a parse_catalogue() result. Rows are found by
    catalogue id (or, for works and characters added before with `refs add`, by English name) and updated
    in place: references keep pointing at them. Characters absent from the file are kept (listed)."""
    result = ImportResult(holder)
    in_file: set[tuple[str, str]] = set()
    for work_data in catalogue["works"]:
        work, created = _upsert_work(session, holder, work_data)
        if created:
            result.works_created += 1
        elif session.is_modified(work):
            result.works_updated += 1
        for char_data in work_data["characters"]:
            in_file.add((work_data["id"], char_data["id"]))
            char, created = _upsert_character(session, work, char_data)
            if created:
                result.characters_created += 1
            elif session.is_modified(char):
                result.characters_updated += 1
            else:
                result.unchanged += 1
    session.flush()
    for key, wkey in session.execute(select(Character.key, Work.key).join(Work).where(
            Work.rights_holder_id == holder.id, Character.key.is_not(None))):
        if (wkey, key) not in in_file:
            result.not_in_file.append(f"{wkey}/{key}")
    record(session, actor_id, "catalogue_imported", "rights_holder", holder.id,
           works=len(catalogue["works"]), characters=len(in_file), works_created=result.works_created,
           works_updated=result.works_updated, characters_created=result.characters_created,
           characters_updated=result.characters_updated)
    return result


def _upsert_work(session: Session, holder: RightsHolder, data: dict) -> tuple[Work, bool]:
    return _upsert(session, Work, Work.rights_holder_id, holder.id, data["id"], data["titles"], "titles")


def _upsert_character(session: Session, work: Work, data: dict) -> tuple[Character, bool]:
    return _upsert(session, Character, Character.work_id, work.id, data["id"], data["names"], "aliases")


def _upsert(session: Session, model, parent, parent_id: int, key: str, names: list[str], names_attr: str):
    """(row, created): MODEL's row under PARENT == PARENT_ID with catalogue id KEY, else the row of its
    English name without an id (made by `refs add`: adopted), else a new one; its names set to NAMES."""
    name_en = _english_name(names, key)
    row = session.scalar(select(model).where(parent == parent_id, model.key == key)) or session.scalar(
        select(model).where(parent == parent_id, model.name_en == name_en, model.key.is_(None)))
    created = row is None
    if created:
        if session.scalar(select(model.id).where(parent == parent_id, model.name_en == name_en)):
            name_en = f"{name_en} ({key})"[:MAX_NAME_CHARS]  # another id already has this English name
        row = model(key=key, name_en=name_en, name_ja=_japanese_name(names), **{parent.key: parent_id})
        session.add(row)
    if row.key != key:
        row.key = key
    if list(getattr(row, names_attr) or []) != names:
        setattr(row, names_attr, list(names))
    if row.name_ja is None and _japanese_name(names):
        row.name_ja = _japanese_name(names)
    if created:
        session.flush()  # its id, for the characters under it (an update is flushed with the import)
    return row, created


def holder_catalogue(session: Session, holder: RightsHolder) -> list[dict]:
    """HOLDER's works and characters in the catalogue file's shape (what matcher.text reads); works and
    characters made by `refs add` only appear with their English and Japanese names."""
    works = []
    for work in session.scalars(select(Work).where(Work.rights_holder_id == holder.id).order_by(Work.id)):
        titles = list(work.titles or []) or [n for n in (work.name_en, work.name_ja) if n]
        chars = [{"id": c.key or _slug(c.name_en, c.id),
                  "names": list(c.aliases or []) or [n for n in (c.name_en, c.name_ja) if n]}
                 for c in session.scalars(select(Character).where(Character.work_id == work.id)
                                          .order_by(Character.id))]
        works.append({"id": work.key or _slug(work.name_en, work.id), "titles": titles, "characters": chars})
    return works


def _slug(name: str, row_id: int) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKC", name).casefold()).strip("-")[:80]
    return slug or f"id-{row_id}"


def find_catalogue_character(session: Session, holder: RightsHolder, key: str,
                             work_key: str | None = None) -> Character | None:
    """HOLDER's character whose catalogue id is KEY (in the work WORK_KEY, an id or English name, when
    given; Conflict when two works have it and none is named), or None."""
    stmt = select(Character).join(Work).where(Work.rights_holder_id == holder.id, Character.key == key.strip())
    if work_key:  # the work's catalogue id or its English name
        stmt = stmt.where(or_(Work.key == work_key.strip(), Work.name_en == " ".join(work_key.split())))
    found = list(session.scalars(stmt))
    if len(found) > 1:
        raise Conflict(f"character id {key!r} is in {len(found)} works of {holder.name}: name the work (its id)")
    return found[0] if found else None


# --- watchlists from the catalogue ----------------------------------------------------------------------
@dataclass
class CatalogueWatchlists:
    created: list[Watchlist] = field(default_factory=list)
    existing: list[tuple[str, str, str]] = field(default_factory=list)  # (platform, kind, value) already watched
    over_quota: list[tuple[str, str, str]] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)  # "platform kind: why"


Terms = Callable[[list[dict], bool], list[tuple[str, str]]]  # (works, ai) -> [(kind, value)] best first


def platform_quota(settings: Settings, platform: str, every_minutes: int) -> int:
    """How many catalogue watchlists a holder may keep on PLATFORM: YouTube's daily API units divided by
    what one watchlist spends a day (a search page per run); elsewhere CATALOGUE_MAX_PER_PLATFORM."""
    if platform == "youtube":
        runs_a_day = max(1, (24 * 60) // max(1, every_minutes))
        return max(0, int(settings.youtube_daily_quota) // (YOUTUBE_UNITS_PER_SEARCH * runs_a_day))
    return CATALOGUE_MAX_PER_PLATFORM


def add_catalogue_watchlists(session: Session, settings: Settings, actor_id: int | None, *, holder: RightsHolder,
                             platforms: list[str], terms: Terms, ai: bool = False,
                             every_minutes: int | None = None) -> CatalogueWatchlists:
    """Search and hashtag watchlists for every expanded name of HOLDER's catalogue (TERMS makes them,
    best first; AI: combined with AI terms) on each platform that has those kinds, through the watchlist
    service, without duplicates and within each platform's quota (existing watchlists count)."""
    from core.services.watchlists import DEFAULT_EVERY_MINUTES, add_watchlist

    every = every_minutes or DEFAULT_EVERY_MINUTES
    works = holder_catalogue(session, holder)
    if not any(w["characters"] for w in works):
        raise NotFoundError(f"{holder.name} has no characters: import a catalogue first (`mamoru catalog import`)")
    wanted = terms(works, ai)
    out = CatalogueWatchlists()
    for platform in platforms:
        if platform not in TARGETS:
            raise Invalid(f"unknown platform {platform!r}")
        kinds = []
        for kind in CATALOGUE_KINDS:
            try:
                check_target(platform, kind, "x")
                kinds.append(kind)
            except UnsupportedTarget as exc:
                out.unsupported.append(str(exc))
        if not kinds:
            continue
        existing = {(k, _same(v)) for k, v in session.execute(
            select(Watchlist.kind, Watchlist.value).where(Watchlist.rights_holder_id == holder.id,
                                                          Watchlist.platform == platform))}
        room = platform_quota(settings, platform, every) - session.scalar(
            select(func.count()).select_from(Watchlist).where(Watchlist.rights_holder_id == holder.id,
                                                              Watchlist.platform == platform))
        for kind, value in wanted:
            if kind not in kinds:
                continue
            if (kind, _same(value)) in existing:
                out.existing.append((platform, kind, value))
                continue
            if room <= 0:
                out.over_quota.append((platform, kind, value))
                continue
            out.created.append(add_watchlist(session, settings, actor_id, holder=holder, platform=platform,
                                             kind=kind, value=value, every_minutes=every))
            existing.add((kind, _same(value)))
            room -= 1
    return out


def _same(value: str) -> str:
    return unicodedata.normalize("NFKC", value).lstrip("#").casefold().strip()


def catalogue_character_ids(session: Session, holder: RightsHolder) -> dict[tuple[str, str], int]:
    """{(work id, character id) as holder_catalogue() names them: the Character row's id}."""
    out = {}
    for work in session.scalars(select(Work).where(Work.rights_holder_id == holder.id)):
        wkey = work.key or _slug(work.name_en, work.id)
        for c in session.scalars(select(Character).where(Character.work_id == work.id)):
            out[(wkey, c.key or _slug(c.name_en, c.id))] = c.id
    return out
