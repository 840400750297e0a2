"""`mamoru storage push` moves a one-machine home to object storage: every file the database names is
then read from there under the same name, and the reference index is published."""

from __future__ import annotations

import dataclasses

from click.testing import CliRunner
from sqlalchemy import select

from core.blobstore import open_store
from core.config import get_settings
from core.models import Finding, Reference
from mamoru.cli.main import cli
from mamoru.demo.catalog import DEMO_HOLDER, REFERENCES
from workers import index_store
from workers.catalog import add_reference


def test_push_copies_the_home_and_publishes_the_index(settings, session, s3_url, monkeypatch):
    for ref in REFERENCES:
        add_reference(session, settings, holder=DEMO_HOLDER, work=ref.work, character=ref.character, image=ref.path)
    (settings.home / "evidence" / "4").mkdir(parents=True)
    (settings.home / "evidence" / "4" / "2.jpg").write_bytes(b"frame")
    session.commit()
    monkeypatch.setenv("MAMORU_STORAGE_URL", s3_url)
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["storage", "push"])
    assert result.exit_code == 0, result.output
    assert f"{len(REFERENCES)} references, 1 evidence" in result.output and "published reference index" in result.output
    moved = dataclasses.replace(settings, storage_url=s3_url)
    store = open_store(moved)
    assert store.get("evidence/4/2.jpg") == b"frame"
    assert all(store.exists(path) for path in session.scalars(select(Reference.path)))
    assert index_store.published_version(moved) is not None
    assert CliRunner().invoke(cli, ["storage", "push"]).exit_code == 0  # again: the same blobs


def test_push_into_the_home_itself_is_refused(settings):
    result = CliRunner().invoke(cli, ["storage", "push"])
    assert result.exit_code != 0 and "nothing to copy" in result.output
