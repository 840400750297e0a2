"""The demo platform serves the documents a short-video site serves, and the clips it promises."""

import json
import urllib.error
import re
import urllib.request
import xml.etree.ElementTree as ET

import av
import pytest

from mamoru.demo.catalog import CLIPS
from mamoru.demo.generate import FPS, HEIGHT, SECONDS, WIDTH, compose_frame, write_clip
from mamoru.demo.server import DemoServer


def get(url: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return resp.headers["Content-Type"], resp.read()


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo-media")
    write_clip(CLIPS[0], folder / f"{CLIPS[0].id}.mp4")
    return folder


def test_generated_clip_is_vertical_h264(media):
    with av.open(str(media / f"{CLIPS[0].id}.mp4")) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (WIDTH, HEIGHT)
        assert stream.codec_context.name == "h264"
        assert sum(1 for _ in container.decode(stream)) == FPS * SECONDS


def test_frames_show_their_family():
    by_family = {c.family: c for c in CLIPS if c.shows}
    full = compose_frame(by_family["full"], 0.0)
    assert full.size == (WIDTH, HEIGHT)
    assert full.getpixel((WIDTH // 2, 5)) == (0, 0, 0)  # letterbox
    mirror_clip = by_family["mirror"]
    assert compose_frame(mirror_clip, 0.0).tobytes() != compose_frame(
        type(mirror_clip)(**{**mirror_clip.__dict__, "family": "full"}), 0.0).tobytes()


def test_site_documents(media):
    with DemoServer(media) as site:
        ctype, robots = get(site.base_url + "/robots.txt")
        assert f"Sitemap: {site.base_url}/sitemap.xml" in robots.decode()
        ctype, page = get(f"{site.base_url}/v/{CLIPS[0].id}")
        html = page.decode()
        assert f'<meta property="og:video" content="{site.base_url}/media/{CLIPS[0].id}.mp4">' in html
        ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
        assert ld["@type"] == "VideoObject" and ld["identifier"] == CLIPS[0].id and ld["duration"] == "PT4S"
        _, feed = get(site.base_url + "/feed.rss")
        items = ET.fromstring(feed).findall("./channel/item")
        assert [i.findtext("link") for i in items] == [f"{site.base_url}/v/{c.id}" for c in CLIPS]
        _, sitemap = get(site.base_url + "/sitemap.xml")
        assert len(ET.fromstring(sitemap)) == len(CLIPS)
        ctype, body = get(f"{site.base_url}/media/{CLIPS[0].id}.mp4")
        assert ctype == "video/mp4" and body[4:8] == b"ftyp"
        _, tag = get(site.base_url + "/tag/" + urllib.request.quote("カフェ物語"))
        assert "/v/v1002" in tag.decode()


def test_hostile_title_is_escaped_in_pages(media):
    hostile = next(c for c in CLIPS if "<script>" in c.title)
    with DemoServer(media) as site:
        _, page = get(f"{site.base_url}/v/{hostile.id}")
        head, _, _ = page.decode().partition('<script type="application/ld+json">')
        assert "<script>alert" not in head and "&lt;script&gt;" in head
        with pytest.raises(urllib.error.HTTPError):
            get(site.base_url + "/media/..%2F..%2Fetc%2Fpasswd")


def test_a_clip_taken_down_answers_410_and_leaves_the_listings(tmp_path):
    clip = CLIPS[0].id
    state = tmp_path / "takedowns.json"
    with DemoServer(tmp_path, takedowns=state) as site:
        assert get(f"{site.base_url}/v/{clip}")[0].startswith("text/html")
        req = urllib.request.Request(f"{site.base_url}/admin/takedown/{clip}", method="POST")
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert json.loads(resp.read()) == {"clip": clip, "down": True, "changed": True}
        for path in (f"/v/{clip}", f"/media/{clip}.mp4"):
            with pytest.raises(urllib.error.HTTPError) as gone:
                get(site.base_url + path)
            assert gone.value.code == 410
        _, feed = get(site.base_url + "/feed.rss")
        assert f"/v/{clip}<" not in feed.decode() and f"/v/{CLIPS[1].id}<" in feed.decode()
        assert json.loads(state.read_text()) == [clip]  # shared with `mamoru demo takedown`
        with pytest.raises(urllib.error.HTTPError) as unknown:
            urllib.request.urlopen(urllib.request.Request(f"{site.base_url}/admin/takedown/nope", method="POST"))
        assert unknown.value.code == 404
        urllib.request.urlopen(urllib.request.Request(f"{site.base_url}/admin/restore/{clip}", method="POST"))
        assert get(f"{site.base_url}/v/{clip}")[0].startswith("text/html")


def test_demo_takedown_command(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from core.config import get_settings
    from mamoru.cli.main import cli
    from mamoru.demo.home import MARKER_FILE

    home = tmp_path / "home"
    monkeypatch.setenv("MAMORU_HOME", str(home))
    get_settings.cache_clear()
    runner = CliRunner()
    refused = runner.invoke(cli, ["demo", "takedown", CLIPS[0].id])
    assert refused.exit_code == 1 and "not a demo data home" in refused.output
    home.mkdir()
    (home / MARKER_FILE).write_text("demo\n")
    done = runner.invoke(cli, ["demo", "takedown", CLIPS[0].id])
    assert done.exit_code == 0 and "taken down (its page answers 410 Gone)" in done.output
    assert json.loads((home / "demo-takedowns.json").read_text()) == [CLIPS[0].id]
    bad = runner.invoke(cli, ["demo", "takedown", "v9"])
    assert bad.exit_code == 1 and "no demo clip 'v9'" in bad.output and len(bad.output.strip().splitlines()) == 1
    with DemoServer(tmp_path, takedowns=home / "demo-takedowns.json") as site:
        with pytest.raises(urllib.error.HTTPError) as gone:
            get(f"{site.base_url}/v/{CLIPS[0].id}")
        assert gone.value.code == 410
    assert runner.invoke(cli, ["demo", "takedown", "--restore", CLIPS[0].id]).exit_code == 0
    assert json.loads((home / "demo-takedowns.json").read_text()) == []
    get_settings.cache_clear()
