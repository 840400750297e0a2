"""yt-dlp downloads from a real HTTP server on 127.0.0.1, within the caps and the address rule."""

import dataclasses
import hashlib

import pytest

from mamoru.demo.catalog import CLIPS
from mamoru.demo.generate import write_clip
from mamoru.demo.server import DemoServer
from workers.fetch import FetchError, download


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    write_clip(CLIPS[0], media / f"{CLIPS[0].id}.mp4")
    with DemoServer(media) as server:
        yield server


@pytest.fixture
def loopback_settings(settings):
    return dataclasses.replace(settings, allowed_private_hosts=("127.0.0.1",))


def test_downloads_page_url_with_evidence(site, loopback_settings, tmp_path):
    result = download(f"{site.base_url}/v/{CLIPS[0].id}", tmp_path / "dl", loopback_settings)
    served = (site.media_dir / f"{CLIPS[0].id}.mp4").read_bytes()
    assert result.sha256 == hashlib.sha256(served).hexdigest()
    assert result.size == len(served)
    assert result.info["title"].startswith(CLIPS[0].title)  # generic extractor: "(1)" of the page's videos
    assert result.info_path.is_file()


def test_loopback_refused_unless_allowlisted(site, settings, tmp_path):
    with pytest.raises(FetchError) as err:
        download(f"{site.base_url}/v/{CLIPS[0].id}", tmp_path / "dl", settings)
    assert err.value.permanent
    assert "127.0.0.1" in str(err.value) and "\n" not in str(err.value)


def test_missing_video_is_a_permanent_one_line_error(site, loopback_settings, tmp_path):
    with pytest.raises(FetchError) as err:
        download(f"{site.base_url}/media/v9999.mp4", tmp_path / "dl", loopback_settings)
    assert err.value.permanent and "404" in str(err.value) and "\n" not in str(err.value)


def test_size_cap(site, loopback_settings, tmp_path):
    tiny = dataclasses.replace(loopback_settings, max_filesize_mb=0)
    with pytest.raises(FetchError, match="size cap"):
        download(f"{site.base_url}/media/{CLIPS[0].id}.mp4", tmp_path / "dl", tiny)
