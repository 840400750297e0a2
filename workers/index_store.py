"""The reference index, built once and published to the blob store with its version; every worker on
every machine loads the published one.

Blobs: `indexes/<algorithm>/<version>.npz` (the matcher's index file) and `indexes/<algorithm>/current.json`
(which version is current), written in that order, so a reader never finds a pointer to a missing index.
Builds hold the lock "index-build" (in the database every machine shares, see core.services.locks). A machine keeps the
index it loaded in `<home>/cache/indexes/` (the folder backend loads the blob's own file).
"""

from __future__ import annotations

import json
import logging
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import matcher
from core.blobstore import BlobNotFound, BlobStore, open_store
from core.config import Settings
from core.services.locks import waited
from core.services.references import active_references, reference_id_of_key
from core.services.references import index_key as ref_index_key

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
    """Build the index from every reference not retired (their images read from the blob store), each
    entry named by its reference's id, and publish it, holding the build lock so machines never build at
    the same time. No reference: the published pointer is withdrawn and MatcherError says so."""
    from core.db import session_scope

    store = open_store(settings)
    with waited(settings, BUILD_LOCK):
        with session_scope(settings) as session:
            refs = [(ref.id, ref.path) for ref in active_references(session)]
        if not refs:
            store.delete(POINTER_KEY)  # nothing to match: analysis says so, and matches nothing
            raise matcher.MatcherError("no references to index: add some with `mamoru refs add`")
        index = _build_from_blobs(store, refs)
        publish(settings, index)
    _loaded[index.version] = index
    return index


def _build_from_blobs(store: BlobStore, refs: list[tuple[int, str]]) -> matcher.ReferenceIndex:
    """The index of the references' art, entries named `ref-<id>` through links (or downloads) in a
    private staging folder."""
    with tempfile.TemporaryDirectory(prefix="mamoru-refs-") as tmp:
        paths = []
        for ref_id, key in refs:
            # a path stored absolute (outside the home, before the blob store) is read where it is
            local = Path(key) if Path(key).is_absolute() else store.local_path(key)
            staged = Path(tmp) / f"{ref_index_key(ref_id)}{Path(key).suffix.lower()}"
            if local is not None:
                staged.symlink_to(local.resolve())  # a folder store: the blobs are the files
            else:
                store.download(key, staged)
            paths.append(staged)
        return matcher.ReferenceIndex.build(paths)


def keyed_by_id(index: matcher.ReferenceIndex) -> bool:
    """Whether every entry is named by a reference id (indexes from before were named by file stem)."""
    return all(reference_id_of_key(name) is not None for name in index.names)


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
        if not keyed_by_id(index):
            raise matcher.IndexFileError(f"index {version} names references by file stem (an index from before "
                                         "entries were keyed by reference id)")
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
    with waited(settings, f"{BUILD_LOCK}-check"):
        now = published_version(settings)
        if now is not None and now != seen:
            try:
                index = matcher.ReferenceIndex.load(_local_file(settings, now))
                if keyed_by_id(index):
                    _loaded[now] = index
                    return index
            except (matcher.IndexFileError, BlobNotFound):
                pass
        log.warning("reference index unusable (%s); rebuilding it from the database's references", why)
        return build_and_publish(settings)
