"""The blob store: evidence frames, report files, reference art, published indexes and media in flight,
named by keys such as "evidence/12/3.jpg". Two backends behind one small interface, chosen by
`MAMORU_STORAGE_URL`: a folder (default: the data home, so the relative paths already in the database
are keys as they are) and S3-compatible object storage (boto3).

    store = open_store(settings)
    store.put("evidence/12/3.jpg", jpeg_bytes); store.get("evidence/12/3.jpg")
    with store.local_copy("media/12/media.mp4") as path: ...   # a real file, on any backend
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO
from urllib.parse import parse_qs, urlsplit

from core.config import Settings

# S3 query options of MAMORU_STORAGE_URL (s3://bucket/prefix?endpoint_url=...&region=...)
S3_OPTIONS = ("endpoint_url", "region", "addressing_style")
PRESIGNED_URL_TTL_S = 15 * 60


class BlobError(Exception):
    """A bad key or storage URL, or a store that cannot be reached (one line)."""


class BlobNotFound(BlobError, FileNotFoundError):
    """No blob under that key."""


def check_key(key: str) -> str:
    """A key is a relative POSIX path without '..', empty or absolute parts (no escape from the store)."""
    if not isinstance(key, str) or not key or key.startswith("/") or "\\" in key or "\x00" in key:
        raise BlobError(f"bad blob key {key!r}: a relative path like 'evidence/12/3.jpg'")
    if any(part in ("..", ".", "") for part in key.split("/")):
        raise BlobError(f"bad blob key {key!r}: no '.', '..' or empty parts")
    return key


def _is_key(key: str) -> bool:
    try:
        check_key(key)
        return True
    except BlobError:
        return False


def evidence_key(clip_id: int, name: str) -> str:
    """A clip's evidence file (info JSON, matched frames); the same name its file has in a home."""
    return f"evidence/{clip_id}/{name}"


def media_key(clip_id: int, name: str = "") -> str:
    """Fetched media waiting for its analysis (no NAME: the clip's media folder, for delete_prefix)."""
    return f"media/{clip_id}/{name}" if name else f"media/{clip_id}"


def reference_key(filename: str) -> str:
    return f"references/{filename}"


class BlobStore:
    """The interface every backend keeps; keys are checked with `check_key`."""

    name = "abstract"

    def put(self, key: str, data: bytes) -> str:
        """Store DATA under KEY atomically (readers see the old blob or the new one) and return KEY."""
        raise NotImplementedError

    def put_file(self, key: str, path: Path) -> str:
        """Store the file at PATH under KEY (a no-op when PATH is already that blob's file)."""
        raise NotImplementedError

    def get(self, key: str) -> bytes:
        raise NotImplementedError

    def open(self, key: str) -> BinaryIO:
        """A readable binary stream of the blob (close it)."""
        raise NotImplementedError

    def exists(self, key: str) -> bool:
        """Whether a blob is stored under KEY (False for anything that is not a key)."""
        raise NotImplementedError

    def delete(self, key: str) -> None:
        """Remove the blob; a missing one is not an error."""
        raise NotImplementedError

    def delete_prefix(self, prefix: str) -> int:
        """Remove every blob under the folder-like PREFIX ("media/12"); returns how many went."""
        raise NotImplementedError

    def find(self, key: str | None) -> bytes | None:
        """The blob's bytes, or None when KEY is empty, not a key (an absolute path) or names no blob."""
        try:
            return self.get(key) if key else None
        except BlobError:
            return None

    def local_path(self, key: str) -> Path | None:
        """The blob's own file when the backend is a folder, else None."""
        return None

    def url(self, key: str) -> str | None:
        """A time-limited URL to the blob for object storage, else None (serve `local_path`)."""
        return None

    def copy(self, source: str, key: str) -> str:
        return self.put(key, self.get(source))

    @contextlib.contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        """A real file holding the blob for the duration of the block: the blob's own file on a folder
        backend, a temporary download (same file name, removed afterwards) otherwise."""
        own = self.local_path(key)
        if own is not None:
            if not own.is_file():
                raise BlobNotFound(f"no blob {key!r} in {self}")
            yield own
            return
        with tempfile.TemporaryDirectory(prefix="mamoru-blob-") as tmp:
            path = Path(tmp) / PurePosixPath(key).name
            self.download(key, path)
            yield path

    def download(self, key: str, dest: Path) -> Path:
        """Copy the blob to the file DEST (written whole, then renamed)."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.part")
        with self.open(key) as src, tmp.open("wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
        tmp.replace(dest)
        return dest

    def check(self) -> None:
        """Raise when the store cannot be reached (health checks: cheap, writes nothing)."""
        raise NotImplementedError


class FolderBlobStore(BlobStore):
    """Blobs are files under ROOT (the data home by default): key "evidence/12/3.jpg" is ROOT/evidence/12/3.jpg."""

    name = "folder"

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()

    def __str__(self) -> str:
        return f"folder {self.root}"

    def local_path(self, key: str) -> Path:
        return self.root / check_key(key)

    def check(self) -> None:
        if not self.root.is_dir() or not os.access(self.root, os.W_OK | os.X_OK):
            raise BlobError(f"{self}: not a writable folder")

    def put(self, key: str, data: bytes) -> str:
        path = self.local_path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        return key

    def put_file(self, key: str, path: Path) -> str:
        target = self.local_path(key)
        if Path(path).resolve() == target:
            return key
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
        shutil.copyfile(path, tmp)
        tmp.replace(target)
        return key

    def get(self, key: str) -> bytes:
        try:
            return self.local_path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            raise BlobNotFound(f"no blob {key!r} in {self}") from None

    def open(self, key: str) -> BinaryIO:
        try:
            return self.local_path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError):
            raise BlobNotFound(f"no blob {key!r} in {self}") from None

    def exists(self, key: str) -> bool:
        return _is_key(key) and self.local_path(key).is_file()

    def delete(self, key: str) -> None:
        self.local_path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> int:
        folder = self.local_path(prefix.rstrip("/"))
        if not folder.is_dir():
            return 0
        count = sum(1 for p in folder.rglob("*") if p.is_file())
        shutil.rmtree(folder, ignore_errors=True)
        return count


class S3BlobStore(BlobStore):
    """Blobs are objects in BUCKET under PREFIX, on AWS S3 or any S3-compatible server (MinIO, Ceph,
    Garage...). Credentials come the usual boto3 ways (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a
    profile, an instance role)."""

    name = "s3"

    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str | None = None, region: str | None = None,
                 addressing_style: str = "path") -> None:
        try:
            import boto3
            from botocore.config import Config
        except ImportError:
            raise BlobError("MAMORU_STORAGE_URL is s3://...: install the s3 extra (pip install 'mamoru[s3]')") from None
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint_url = endpoint_url
        config = Config(s3={"addressing_style": addressing_style}, retries={"max_attempts": 5, "mode": "standard"},
                        connect_timeout=10, read_timeout=60)
        self.client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region, config=config)

    def __str__(self) -> str:
        where = f" at {self.endpoint_url}" if self.endpoint_url else ""
        return f"s3://{self.bucket}/{self.prefix}{where}"

    def check(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)  # raises on a wrong endpoint, bucket or credentials

    def _key(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    @staticmethod
    def _missing(exc: Exception) -> bool:
        code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
        return code in ("404", "NoSuchKey", "NotFound")

    def put(self, key: str, data: bytes) -> str:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)
        return key

    def put_file(self, key: str, path: Path) -> str:
        self.client.upload_file(str(path), self.bucket, self._key(key))
        return key

    def get(self, key: str) -> bytes:
        with contextlib.closing(self.open(key)) as body:
            return body.read()

    def open(self, key: str) -> BinaryIO:
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        except ClientError as exc:
            if self._missing(exc):
                raise BlobNotFound(f"no blob {key!r} in {self}") from None
            raise

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        if not _is_key(key):
            return False
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
            return True
        except ClientError as exc:
            if self._missing(exc):
                return False
            raise

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def delete_prefix(self, prefix: str) -> int:
        folder = self._key(prefix.rstrip("/")) + "/"
        count = 0
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=folder):
            keys = [{"Key": obj["Key"]} for obj in page.get("Contents", [])]
            if keys:
                self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys, "Quiet": True})
                count += len(keys)
        return count

    def copy(self, source: str, key: str) -> str:
        self.client.copy_object(Bucket=self.bucket, Key=self._key(key),
                                CopySource={"Bucket": self.bucket, "Key": self._key(source)})
        return key

    def download(self, key: str, dest: Path) -> Path:
        if not self.exists(key):
            raise BlobNotFound(f"no blob {key!r} in {self}")
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.part")
        self.client.download_file(self.bucket, self._key(key), str(tmp))
        tmp.replace(dest)
        return dest

    def url(self, key: str) -> str:
        return self.client.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": self._key(key)},
                                                  ExpiresIn=PRESIGNED_URL_TTL_S)


def store_from_url(url: str, home: Path) -> BlobStore:
    """The store a MAMORU_STORAGE_URL names: empty (the home), a folder path or file:// URL, or
    s3://bucket[/prefix][?endpoint_url=http://host:9000&region=eu-west-1&addressing_style=path]."""
    url = (url or "").strip()
    if not url:
        return FolderBlobStore(home)
    parts = urlsplit(url)
    if parts.scheme == "s3":
        if not parts.netloc:
            raise BlobError(f"MAMORU_STORAGE_URL {url!r}: name the bucket, as in s3://bucket/prefix")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        unknown = sorted(set(query) - set(S3_OPTIONS))
        if unknown:
            raise BlobError(f"MAMORU_STORAGE_URL: unknown option(s) {unknown}; known: {', '.join(S3_OPTIONS)}")
        return S3BlobStore(parts.netloc, parts.path, endpoint_url=query.get("endpoint_url"),
                           region=query.get("region"), addressing_style=query.get("addressing_style", "path"))
    if parts.scheme == "file":
        return FolderBlobStore(Path(parts.path))
    if parts.scheme:
        raise BlobError(f"MAMORU_STORAGE_URL {url!r}: use a folder, file:///folder or s3://bucket/prefix")
    return FolderBlobStore(Path(url).expanduser())


HOME_FOLDERS = ("references", "evidence", "reports", "media")  # what a home kept before the blob store


def push_home(home: Path, store: BlobStore) -> dict[str, int]:
    """Copy the files of a home's blob folders into STORE under the keys the database already names
    (their paths relative to the home); returns how many files per folder. Safe to run again."""
    home = Path(home).resolve()
    counts: dict[str, int] = {}
    for folder in HOME_FOLDERS:
        counts[folder] = 0
        for path in sorted((home / folder).rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                store.put_file(path.relative_to(home).as_posix(), path)
                counts[folder] += 1
    return counts


_stores: dict[tuple[str, str, int], BlobStore] = {}


def open_store(settings: Settings) -> BlobStore:
    """The process's store for these settings (one client kept per storage URL and home)."""
    ident = (settings.storage_url, str(settings.home), os.getpid())  # boto3 clients are not shared across forks
    if ident not in _stores:
        _stores[ident] = store_from_url(settings.storage_url, settings.home)
    return _stores[ident]
