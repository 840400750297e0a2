"""`mamoru init` and `mamoru refs`: the database and the rights holders' reference art."""

from __future__ import annotations

from pathlib import Path

import click

from core.config import get_settings
from core.db import upgrade
from mamoru.cli.services import service_session


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


def _rebuild() -> None:
    import matcher
    from workers.catalog import rebuild_index

    try:
        index = rebuild_index(get_settings())
    except matcher.MatcherError as exc:
        click.echo(f"index not rebuilt: {exc}", err=True)
        return
    click.echo(f"index rebuilt: {len(index.names)} references, version {index.version}")


@refs.command("add")
@click.option("--holder", required=True, help="Rights holder name (created if new).")
@click.option("--work", "work_name", required=True, help="Work / franchise, English name.")
@click.option("--work-ja", default=None, help="Work name in Japanese.")
@click.option("--character", required=True, help="Character, English name.")
@click.option("--character-ja", default=None, help="Character name in Japanese.")
@click.argument("images", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def refs_add(holder: str, work_name: str, work_ja: str | None, character: str, character_ja: str | None,
             images: tuple[Path, ...]) -> None:
    """Add reference IMAGES (PNG, JPEG, WebP, GIF) for a character, then rebuild the index. Art belongs to
    one holder: an image already held by another, or the same picture re-encoded, is refused."""
    from core.services.holders import get_or_create_holder
    from core.services.references import add_reference
    from reports.web.uploads import describe_art

    with service_session() as (session, settings):
        holder_row = get_or_create_holder(session, None, holder)
        for image in images:
            added = add_reference(session, settings, None, holder=holder_row, work=work_name, character=character,
                                  data=image.read_bytes(), filename=image.name, describe=describe_art,
                                  work_ja=work_ja, character_ja=character_ja)
            ref = added.reference
            click.echo(f"reference {ref.id} {ref.name} {added.outcome}: sha256 {ref.sha256[:12]}… pHash {ref.phash}")
    _rebuild()


@refs.command("list")
@click.option("--all", "show_all", is_flag=True, help="Also list retired references.")
def refs_list(show_all: bool) -> None:
    """List reference art by rights holder, work and character."""
    from core.services.references import list_references

    with service_session() as (session, _):
        rows = [(i["holder"].name, i["work"].name_en, i["character"].name_en, i["reference"].id,
                 i["reference"].name, i["reference"].phash, i["reference"].retired_at is not None)
                for i in list_references(session) if show_all or i["reference"].retired_at is None]
    if not rows:
        click.echo("no references yet: add some with `mamoru refs add`")
    for holder, work, character, ref_id, name, phash, retired in rows:
        suffix = " retired" if retired else ""
        click.echo(f"{ref_id}: {holder} / {work} / {character}: {name} (pHash {phash}){suffix}")


@refs.command("move")
@click.argument("reference_id", type=int)
@click.option("--work", "work_name", required=True, help="Work of the same holder, English name.")
@click.option("--work-ja", default=None)
@click.option("--character", required=True, help="Character, English name.")
@click.option("--character-ja", default=None)
def refs_move(reference_id: int, work_name: str, work_ja: str | None, character: str,
              character_ja: str | None) -> None:
    """Move a reference to another work/character of its holder (audited as a move)."""
    from core.services.references import move_reference

    with service_session() as (session, _):
        ref = move_reference(session, None, reference_id, work=work_name, character=character, work_ja=work_ja,
                             character_ja=character_ja)
        click.echo(f"reference {ref.id} {ref.name} now under {work_name} / {character}")


@refs.command("retire")
@click.argument("reference_id", type=int)
def refs_retire(reference_id: int) -> None:
    """Take a reference out of matching (its findings stay as history), then rebuild the index."""
    from core.services.references import retire_reference

    with service_session() as (session, _):
        ref = retire_reference(session, None, reference_id)
        click.echo(f"reference {ref.id} {ref.name} retired")
    _rebuild()


@refs.command("restore")
@click.argument("reference_id", type=int)
def refs_restore(reference_id: int) -> None:
    """Put a retired reference back into matching, then rebuild the index."""
    from core.services.references import restore_reference

    with service_session() as (session, _):
        ref = restore_reference(session, None, reference_id)
        click.echo(f"reference {ref.id} {ref.name} restored")
    _rebuild()


@refs.command("rebuild")
def refs_rebuild() -> None:
    """Rebuild the matcher's index from the references not retired."""
    upgrade(get_settings())
    _rebuild()
