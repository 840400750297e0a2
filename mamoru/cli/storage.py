"""`mamoru storage push`: move a home's files into the blob store named by MAMORU_STORAGE_URL."""

from __future__ import annotations

from pathlib import Path

import click

from core.config import get_settings


@click.group()
def storage() -> None:
    """The blob store (MAMORU_STORAGE_URL): evidence, reports, reference art, published index, media."""


@storage.command()
@click.option("--from-home", "source", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="The home whose files to copy (default: MAMORU_HOME).")
def push(source: Path | None) -> None:
    """Copy a home's references, evidence, reports and media into the blob store under the names the
    database already uses, then publish the reference index there. Safe to run again."""
    from core.blobstore import BlobError, FolderBlobStore, open_store, push_home

    settings = get_settings()
    home = (source or settings.home).resolve()
    try:
        store = open_store(settings)
        if isinstance(store, FolderBlobStore) and store.root == home:
            raise click.ClickException(f"the blob store is this home's own folder ({home}): nothing to copy; "
                                       "set MAMORU_STORAGE_URL to the new store first")
        counts = push_home(home, store)
    except BlobError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"copied to {store}: " + ", ".join(f"{n} {folder}" for folder, n in counts.items()))
    if counts.get("references"):
        from workers.catalog import rebuild_index

        index = rebuild_index(settings)
        click.echo(f"published reference index {index.version} ({len(index.names)} references)")
