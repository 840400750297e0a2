"""`mamoru init` and `mamoru refs`: the database and the rights holders' reference art."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from core.config import get_settings
from core.db import session_scope, upgrade
from core.models import Character, Reference, RightsHolder, Work


@click.command()
def init() -> None:
    """Create or upgrade the database (Alembic migrations) and the data home."""
    settings = get_settings()
    head = upgrade(settings)
    click.echo(f"database ready at revision {head}: {settings.db_url}")
    click.echo(f"data home: {settings.home}")


@click.group()
def refs() -> None:
    """Manage reference art (rights holder -> work -> character -> images)."""


@refs.command("add")
@click.option("--holder", required=True, help="Rights holder name (created if new).")
@click.option("--work", "work_name", required=True, help="Work / franchise, English name.")
@click.option("--work-ja", default=None, help="Work name in Japanese.")
@click.option("--character", required=True, help="Character, English name.")
@click.option("--character-ja", default=None, help="Character name in Japanese.")
@click.argument("images", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def refs_add(holder: str, work_name: str, work_ja: str | None, character: str, character_ja: str | None,
             images: tuple[Path, ...]) -> None:
    """Add reference IMAGES (PNG, JPEG, WebP, GIF) for a character, then rebuild the index."""
    from workers.catalog import add_reference, rebuild_index

    settings = get_settings()
    upgrade(settings)
    with session_scope(settings) as session:
        for image in images:
            ref = add_reference(session, settings, holder=holder, work=work_name, work_ja=work_ja,
                                character=character, character_ja=character_ja, image=image)
            click.echo(f"reference {ref.name}: sha256 {ref.sha256[:12]}… pHash {ref.phash}")
    index = rebuild_index(settings)
    click.echo(f"index rebuilt: {len(index.names)} references, version {index.version}")


@refs.command("list")
def refs_list() -> None:
    """List reference art by rights holder, work and character."""
    settings = get_settings()
    upgrade(settings)
    with session_scope(settings) as session:
        rows = session.execute(
            select(RightsHolder.name, Work.name_en, Character.name_en, Reference.name, Reference.phash)
            .join(Work, Work.rights_holder_id == RightsHolder.id)
            .join(Character, Character.work_id == Work.id)
            .join(Reference, Reference.character_id == Character.id)
            .order_by(RightsHolder.name, Work.name_en, Character.name_en, Reference.name)
        ).all()
    if not rows:
        click.echo("no references yet: add some with `mamoru refs add`")
    for holder, work, character, name, phash in rows:
        click.echo(f"{holder} / {work} / {character}: {name} (pHash {phash})")
