"""`mamoru init`, `mamoru catalog` and `mamoru refs`: the database, the holders' catalogues of works and
characters (names in every script), and their reference art."""

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
def catalog() -> None:
    """A holder's works and characters with their names in every script (catalogue files)."""


@catalog.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--holder", default=None, help="Rights holder (created if new); default: the file's `holder:`.")
def catalog_import(file: Path, holder: str | None) -> None:
    """Import FILE (YAML: works with ids and titles, characters with ids and names). Idempotent: the same
    file again changes nothing; works and characters are updated in place, none is deleted."""
    from core.services.catalogue import import_catalogue, parse_catalogue
    from core.services.holders import get_or_create_holder

    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise click.ClickException(f"{file}: not UTF-8 text") from None
    with service_session() as (session, _):
        data = parse_catalogue(text, str(file))
        name = holder or data["holder"]
        if not name:
            raise click.ClickException(f"{file}: no holder: give --holder NAME or a `holder:` line in the file")
        result = import_catalogue(session, None, get_or_create_holder(session, None, name), data)
        click.echo(f"catalogue of {result.holder.name} imported from {file.name}: {result.summary()}")
        if result.not_in_file:
            click.echo(f"note: kept, not in this file: {', '.join(result.not_in_file[:20])}", err=True)


@catalog.command("show")
@click.option("--holder", required=True, help="Rights holder.")
def catalog_show(holder: str) -> None:
    """Print a holder's catalogue (the import file's shape, YAML)."""
    import yaml

    from core.services.catalogue import holder_catalogue
    from core.services.holders import find_holder

    with service_session() as (session, _):
        row = find_holder(session, holder)
        if row is None:
            raise click.ClickException(f"no rights holder named {holder!r}")
        works = holder_catalogue(session, row)
    click.echo(yaml.safe_dump({"holder": holder, "works": works}, allow_unicode=True, sort_keys=False), nl=False)


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
@click.option("--work", "work_name", default=None,
              help="Work / franchise, English name (or catalogue id); optional for a catalogue character id.")
@click.option("--work-ja", default=None, help="Work name in Japanese.")
@click.option("--character", default=None,
              help="Character: a catalogue id (luffy, from `mamoru catalog import`) or an English name; "
                   "required for images, optional for a video.")
@click.option("--character-ja", default=None, help="Character name in Japanese.")
@click.option("--title", default=None, help="Title of a reference video (default: its file name).")
@click.argument("images", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def refs_add(holder: str, work_name: str | None, work_ja: str | None, character: str | None,
             character_ja: str | None, title: str | None, images: tuple[Path, ...]) -> None:
    """Add reference IMAGES (PNG, JPEG, WebP, GIF) for a character, or a reference VIDEO (a trailer, an
    episode: told by its content) of a work, whose shots' keyframes become references grouped under it; then
    rebuild the index. Art belongs to one holder: an image already held by another, or the same picture
    re-encoded, is refused."""
    from core.services.catalogue import find_catalogue_character
    from core.services.holders import get_or_create_holder
    from core.services.reference_videos import looks_like_video
    from core.services.references import add_reference
    from reports.web.uploads import describe_art

    with service_session() as (session, settings):
        holder_row = get_or_create_holder(session, None, holder)
        known = find_catalogue_character(session, holder_row, character, work_name) if character else None
        if known is not None:  # a catalogue id: the character (and its work) by their stored names
            work_name, character = known.work.name_en, known.name_en
        elif not work_name:
            raise click.ClickException(f"{character!r} is no catalogue character id of {holder_row.name}: "
                                       f"give --work and the character's English name" if character else
                                       "give --work (and --character for images)")
        for image in images:
            with image.open("rb") as fh:
                if looks_like_video(fh.read(512)):
                    _add_video(session, settings, holder_row, work_name, character, title, work_ja, image)
                    continue
            if not character:
                raise click.ClickException(f"{image.name}: {_not_a_video(image)}")
            added = add_reference(session, settings, None, holder=holder_row, work=work_name, character=character,
                                  data=image.read_bytes(), filename=image.name, describe=describe_art,
                                  work_ja=work_ja, character_ja=character_ja)
            ref = added.reference
            click.echo(f"reference {ref.id} {ref.name} {added.outcome}: sha256 {ref.sha256[:12]}… pHash {ref.phash}")
    _rebuild()


def _not_a_video(path: Path) -> str:
    """Why a file given without --character cannot be added: no video, and an image needs a character."""
    from core.services.errors import Invalid
    from core.services.references import check_image

    try:
        check_image(path.read_bytes())
    except Invalid as exc:
        return f"neither a video nor an image ({exc})"
    return "give --character for reference images"


def _add_video(session, settings, holder_row, work_name: str, character: str | None, title: str | None,  # noqa: ANN001
               work_ja: str | None, video: Path) -> None:
    from core.services.reference_videos import add_reference_video, video_time_label
    from reports.web.uploads import describe_art, read_footage

    click.echo(f"{video.name}: finding shots and keyframes…", err=True)
    added = add_reference_video(session, settings, None, holder=holder_row, work=work_name, character=character,
                                title=title, work_ja=work_ja, path=video, filename=video.name,
                                read_footage=read_footage, describe=describe_art)
    v = added.video
    click.echo(f"reference video {v.id} {v.title!r} {added.outcome}: {v.duration_s:.1f} s, "
               f"{len(added.keyframes)} keyframes, sha256 {v.sha256[:12]}…")
    for ref in added.keyframes:
        click.echo(f"  reference {ref.id} at {video_time_label(ref.video_time_s)}: {ref.name}")
    for why in added.skipped:
        click.echo(f"  left out {why}", err=True)


@refs.command("list")
@click.option("--all", "show_all", is_flag=True, help="Also list retired references.")
def refs_list(show_all: bool) -> None:
    """List reference art by rights holder, work and character (a video's keyframes name it and the time)."""
    from core.services.reference_videos import video_json
    from core.services.references import list_references

    with service_session() as (session, _):
        rows = [(i["holder"].name, i["work"].name_en, i["character"].name_en, i["reference"].id,
                 i["reference"].name, i["reference"].phash, i["reference"].retired_at is not None,
                 video_json(i["reference"]))
                for i in list_references(session) if show_all or i["reference"].retired_at is None]
    if not rows:
        click.echo("no references yet: add some with `mamoru refs add`")
    for holder, work, character, ref_id, name, phash, retired, video in rows:
        suffix = (f" [video {video['id']}: {video['label']}]" if video else "") + (" retired" if retired else "")
        click.echo(f"{ref_id}: {holder} / {work} / {character}: {name} (pHash {phash}){suffix}")


@refs.command("videos")
@click.option("--all", "show_all", is_flag=True, help="Also list retired videos.")
def refs_videos(show_all: bool) -> None:
    """List reference videos (trailers, episodes) with their keyframe counts."""
    from core.services.reference_videos import list_reference_videos

    with service_session() as (session, _):
        videos = [(v.id, v.title, v.duration_s, len(v.keyframes), v.retired_at is not None)
                  for v in list_reference_videos(session) if show_all or v.retired_at is None]
    if not videos:
        click.echo("no reference videos yet: add one with `mamoru refs add VIDEO --holder H --work W`")
    for video_id, title, duration, keyframes, retired in videos:
        click.echo(f"{video_id}: {title} ({duration:.1f} s, {keyframes} keyframes){' retired' if retired else ''}")


@refs.command("retire-video")
@click.argument("video_id", type=int)
def refs_retire_video(video_id: int) -> None:
    """Take a reference video and all its keyframes out of matching, then rebuild the index."""
    from core.services.reference_videos import retire_reference_video

    with service_session() as (session, _):
        video = retire_reference_video(session, None, video_id)
        click.echo(f"reference video {video.id} {video.title!r} retired with {len(video.keyframes)} keyframes")
    _rebuild()


@refs.command("restore-video")
@click.argument("video_id", type=int)
def refs_restore_video(video_id: int) -> None:
    """Put a retired reference video and its keyframes back into matching, then rebuild the index."""
    from core.services.reference_videos import restore_reference_video

    with service_session() as (session, _):
        video = restore_reference_video(session, None, video_id)
        click.echo(f"reference video {video.id} {video.title!r} restored with {len(video.keyframes)} keyframes")
    _rebuild()


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
