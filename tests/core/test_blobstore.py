"""The blob store's two backends keep one contract: a folder (the home) and S3-compatible object storage
(tested against moto's real S3 HTTP server on 127.0.0.1)."""

from __future__ import annotations

import dataclasses

import pytest

from core.blobstore import BlobError, BlobNotFound, FolderBlobStore, S3BlobStore, open_store, store_from_url


@pytest.fixture(params=["folder", "s3"])
def store(request, settings):
    """The same tests on both backends."""
    if request.param == "folder":
        return open_store(settings)
    url = request.getfixturevalue("s3_url")
    return open_store(dataclasses.replace(settings, storage_url=url))


def test_put_get_exists_delete(store):
    key = "evidence/12/3.jpg"
    assert not store.exists(key)
    assert store.put(key, b"\xff\xd8jpeg") == key
    assert store.exists(key) and store.get(key) == b"\xff\xd8jpeg"
    store.put(key, b"second")  # overwrite
    with store.open(key) as fh:
        assert fh.read() == b"second"
    store.delete(key)
    store.delete(key)  # a missing blob is no error
    assert not store.exists(key)
    with pytest.raises(BlobNotFound):
        store.get(key)
    assert store.find(key) is None


def test_files_copies_and_prefixes(store, tmp_path):
    src = tmp_path / "media.mp4"
    src.write_bytes(b"0123456789" * 1000)
    store.put_file("media/7/media.mp4", src)
    store.put("media/7/extra.bin", b"x")
    store.put("media/70/other.bin", b"y")  # a neighbour whose name starts the same: untouched
    with store.local_copy("media/7/media.mp4") as path:
        assert path.name == "media.mp4" and path.read_bytes() == src.read_bytes()
    assert store.copy("media/7/extra.bin", "evidence/8/extra.bin") == "evidence/8/extra.bin"
    assert store.get("evidence/8/extra.bin") == b"x"
    assert store.delete_prefix("media/7") == 2
    assert not store.exists("media/7/media.mp4") and store.get("media/70/other.bin") == b"y"
    with pytest.raises(BlobNotFound):
        with store.local_copy("media/7/media.mp4"):
            pass
    store.check()


def test_check_fails_on_a_store_that_cannot_be_reached(settings, s3_url, tmp_path):
    with pytest.raises(BlobError, match="not a writable folder"):
        store_from_url(str(tmp_path / "missing"), tmp_path).check()
    with pytest.raises(Exception, match="404|Not Found|NoSuchBucket"):
        store_from_url(s3_url.replace("s3://mamoru-", "s3://absent-"), tmp_path).check()


@pytest.mark.parametrize("key", ["", "/etc/passwd", "../x", "a/../../x", "a//b", "a/./b", "dir/", "a\\b"])
def test_keys_cannot_leave_the_store(store, key):
    with pytest.raises(BlobError):
        store.put(key, b"x")
    assert not store.exists(key) and store.find(key) is None


def test_folder_store_is_the_home_so_existing_paths_stay_valid(settings):
    """A home from before the blob store: the relative paths in its database are keys as they are."""
    old = settings.home / "evidence" / "5" / "9.jpg"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"old frame")
    store = open_store(settings)
    assert isinstance(store, FolderBlobStore) and store.get(settings.stored_path(old)) == b"old frame"
    assert store.local_path("evidence/5/9.jpg") == old and store.url("evidence/5/9.jpg") is None


def test_s3_objects_are_real_objects_under_the_prefix(s3_url, s3_endpoint, settings):
    import boto3

    store = store_from_url(s3_url, settings.home)
    assert isinstance(store, S3BlobStore) and store.local_path("a/b") is None
    store.put("reports/x/1.json", b"{}")
    listed = boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(Bucket=store.bucket)
    assert [o["Key"] for o in listed["Contents"]] == ["data/reports/x/1.json"]
    assert not any((settings.home / "reports").rglob("*"))  # nothing written to the local disk
    assert store.url("reports/x/1.json").startswith(s3_endpoint)


@pytest.mark.parametrize(("url", "message"), [
    ("s3:///prefix", "name the bucket"),
    ("s3://bucket/p?endpoint=http://x", "unknown option"),
    ("ftp://host/x", "use a folder"),
])
def test_bad_storage_urls_say_what_is_wrong(url, message, tmp_path):
    with pytest.raises(BlobError, match=message):
        store_from_url(url, tmp_path)


def test_a_folder_url_names_another_folder(tmp_path):
    assert store_from_url(str(tmp_path / "blobs"), tmp_path).root == (tmp_path / "blobs").resolve()
    assert store_from_url(f"file://{tmp_path}/b2", tmp_path).root == (tmp_path / "b2").resolve()
