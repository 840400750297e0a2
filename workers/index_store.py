"""The reference index, built once and published to the blob store with its version; every worker on
every machine loads the published one.

Blobs: `indexes/<algorithm>/<version>.npz` (the matcher's index file) and `indexes/<algorithm>/current.json`
(which version is current), written in that order, so a reader never finds a pointer to a missing index.
Builds hold the lock "index-build" (Redis across machines, see core.coordination). A machine keeps the
index it loaded in `<home>/cache/indexes/` (the folder backend loads the blob's own file).
"""

from __future__ import annotations

import json
import logging
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

import matcher
from core.blobstore import BlobNotFound, BlobStore, open_store
from core.config import Settings
from core.coordination import exclusive
from core.models import Reference

log = logging.getLogger(__name__)

BUILD_LOCK = "index-build"
INDEX_PREFIX = f"indexes/{matcher.ALGORITHM_VERSION}"  # workers of another matcher version keep their own
POINTER_KEY = f"{INDEX_PREFIX}/current.json"

_loaded: dict[str, matcher.ReferenceIndex] = {}  # version -> index, in this process


def index_key(version: str) -> str:
    return f"{INDEX_PREFIX}/{version}.npz"


def published_version(settings: Settings) -> str | None:
    """The version of the published index, or None when none is."""
    try:
        return json.loads(open_store(settings).get(POINTER_KEY))["version"]
    except BlobNotFound:
        return None
    except (ValueError, KeyError, TypeError):
        log.warning("published index pointer %s is unreadable; treating the index as missing", POINTER_KEY)
        return None


def publish(settings: Settings, index: matcher.ReferenceIndex) -> str:
    """Put INDEX in the blob store and make it the current one; returns its version."""
    store = open_store(settings)
    with tempfile.TemporaryDirectory(prefix="mamoru-index-") as tmp:
        path = Path(tmp) / "index.npz"
        index.save(path)
        store.put_file(index_key(index.version), path)
    pointer = {"version": index.version, "algorithm": matcher.ALGORITHM_VERSION, "references": len(index.names),
               "published_at": datetime.now(UTC).isoformat()}
    store.put(POINTER_KEY, json.dumps(pointer).encode())
    log.info("published reference index %s (%d references)", index.version, len(index.names))
    return index.version


def build_and_publish(settings: Settings) -> matcher.ReferenceIndex:
    """Build the index from every reference in the database (their images read from the blob store)
    and publish it, holding the build lock so machines never build at the same time."""
    from core.db import session_scope

    with exclusive(settings, BUILD_LOCK):
        with session_scope(settings) as session:
            keys = list(session.scalars(select(Reference.path).order_by(Reference.name)))
        index = _build_from_blobs(open_store(settings), keys)
        publish(settings, index)
    _loaded[index.version] = index
    return index


def _build_from_blobs(store: BlobStore, keys: list[str]) -> matcher.ReferenceIndex:
    # a path stored absolute (outside the home, before the blob store) is read where it is
    local = [Path(k) if Path(k).is_absolute() else store.local_path(k) for k in keys]
    if all(p is not None for p in local):
        return matcher.ReferenceIndex.build(local)  # a folder store: the blobs are the files
    with tempfile.TemporaryDirectory(prefix="mamoru-refs-") as tmp:
        paths = [store.download(k, Path(tmp) / str(i) / Path(k).name) for i, k in enumerate(keys)]
        return matcher.ReferenceIndex.build(paths)


def load(settings: Settings) -> matcher.ReferenceIndex:
    """The published index (reloaded when another one is published; workers never restart for it).
    A damaged one, or none published while an old home's `references.idx` exists, is rebuilt once."""
    version = published_version(settings)
    if version is None:
        if settings.index_path.exists():  # a home from before the blob store: publish what it has
            log.info("no published reference index; rebuilding it from the database's references")
            return _rebuild_once(settings, None, "no published index")
        raise FileNotFoundError("no reference index published: add references with `mamoru refs add`")
    if version in _loaded:
        return _loaded[version]
    try:
        index = matcher.ReferenceIndex.load(_local_file(settings, version))
    except (matcher.IndexFileError, BlobNotFound) as exc:
        return _rebuild_once(settings, version, exc)
    _loaded.clear()  # one index per process: the old one's memory maps go with it
    _loaded[version] = index
    log.info("loaded reference index %s: %d references", version, len(index.names))
    return index


def _local_file(settings: Settings, version: str) -> Path:
    """The index file on this machine: the blob's own file (folder store) or a cached download."""
    store = open_store(settings)
    own = store.local_path(index_key(version))
    if own is not None:
        return own
    cache = settings.home / "cache" / "indexes"
    path = cache / f"{version}.npz"
    if not path.is_file():
        store.download(index_key(version), path)
        for old in cache.glob("*.npz"):
            if old != path:
                old.unlink(missing_ok=True)  # an older version (mapped files stay readable until closed)
    return path


def _rebuild_once(settings: Settings, seen: str | None, why: object) -> matcher.ReferenceIndex:
    """Rebuild the index, unless another machine published a usable one while this one waited."""
    with exclusive(settings, f"{BUILD_LOCK}-check"):
        now = published_version(settings)
        if now is not None and now != seen:
            try:
                index = matcher.ReferenceIndex.load(_local_file(settings, now))
                _loaded[now] = index
                return index
            except (matcher.IndexFileError, BlobNotFound):
                pass
        log.warning("reference index unusable (%s); rebuilding it from the database's references", why)
        return build_and_publish(settings)
