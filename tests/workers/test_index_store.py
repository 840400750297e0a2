"""The reference index is built once, published (versioned) to the blob store, and loaded by every worker
from there: another machine with its own empty home loads the same index without the reference files."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

import matcher
from core.blobstore import open_store
from core.db import upgrade
from core.models import Reference
from core.services.locks import LockTimeout, waited
from core.services.references import index_key
from mamoru.demo.catalog import DEMO_HOLDER, REFERENCES
from workers import index_store
from workers.catalog import add_reference, rebuild_index


def add_demo_references(session, settings) -> None:
    for ref in REFERENCES:
        add_reference(session, settings, holder=DEMO_HOLDER, work=ref.work, character=ref.character, image=ref.path)
    session.commit()


def test_another_machine_loads_the_index_published_to_object_storage(settings, session, s3_url, tmp_path):
    first = dataclasses.replace(settings, storage_url=s3_url)
    add_demo_references(session, first)
    assert not any((settings.home / "references").iterdir())  # the art went to the object store
    built = rebuild_index(first)
    assert index_store.published_version(first) == built.version

    second = dataclasses.replace(first, home=tmp_path / "machine-2")  # no shared disk
    index_store._loaded.clear()  # a worker process of its own
    loaded = index_store.load(second)
    ids = session.scalars(select(Reference.id)).all()
    assert loaded.version == built.version and sorted(loaded.names) == sorted(index_key(i) for i in ids)
    assert (second.home / "cache" / "indexes" / f"{built.version}.npz").is_file()
    assert index_store.load(second) is loaded  # the pointer unchanged: nothing downloaded again


def test_a_home_from_before_publishing_gets_its_index_published(settings, session):
    add_demo_references(session, settings)
    matcher.ReferenceIndex.build([r.path for r in REFERENCES]).save(settings.index_path)  # the old file
    assert index_store.published_version(settings) is None
    index = index_store.load(settings)
    assert index_store.published_version(settings) == index.version
    assert open_store(settings).exists(index_store.index_key(index.version))


def test_no_index_anywhere_says_how_to_make_one(settings):
    with pytest.raises(FileNotFoundError, match="mamoru refs add"):
        index_store.load(settings)


HOLD_LOCK = """
import sys, time
from core.config import load_settings
from core.services.locks import waited
with waited(load_settings(), "index-build"):
    print("held", flush=True)
    time.sleep(float(sys.argv[1]))
"""


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_build_lock_is_held_across_processes(settings, request, monkeypatch, database):
    """Another process holding the build lock in the shared database keeps this one out until it lets go."""
    if database == "postgresql":
        url = request.getfixturevalue("postgres_url")
        monkeypatch.setenv("MAMORU_DATABASE_URL", url)
        settings = dataclasses.replace(settings, database_url=url)
        upgrade(settings)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, "3"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with pytest.raises(LockTimeout, match="index-build"):
            with waited(settings, "index-build", wait_s=1):
                pass
        with waited(settings, "index-build", wait_s=10):  # taken once the holder lets go (3 s)
            assert time.monotonic() - started > 2.5
    finally:
        holder.wait(10)
