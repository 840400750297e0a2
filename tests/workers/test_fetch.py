"""yt-dlp downloads from a real HTTP server on 127.0.0.1, within the caps and the address rule."""

import dataclasses
import hashlib
import re

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


class _Redirector:
    """Serves 302 to a given address on /go, and an endless body on /endless; counts requests."""

    def __init__(self, host: str, target: str = ""):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.hits = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802
                outer.hits += 1
                if self.path == "/go":
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "video/mp4")
                self.end_headers()
                try:
                    while True:
                        self.wfile.write(b"\0" * 4096)
                        self.wfile.flush()
                        import time

                        time.sleep(0.05)
                except OSError:
                    pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://{host}:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.mark.parametrize("target", ["other-loopback", "http://169.254.169.254/latest/meta-data/"])
def test_each_redirect_hop_obeys_the_address_rule(loopback_settings, tmp_path, target):
    other = _Redirector("127.0.0.2")
    site = _Redirector("127.0.0.1", other.base + "/clip.mp4" if target == "other-loopback" else target)
    try:
        with pytest.raises(FetchError) as err:
            download(site.base + "/go", tmp_path / "dl", loopback_settings)
    finally:
        site.close()
        other.close()
    assert err.value.permanent and err.value.code == "unsafe_url"
    assert "redirect from" in str(err.value) and ("127.0.0.2" in str(err.value) or "169.254" in str(err.value))
    assert other.hits == 0


def test_a_response_that_never_ends_is_cut_at_the_deadline(loopback_settings, tmp_path):
    site = _Redirector("127.0.0.1")
    try:
        with pytest.raises(FetchError) as err:
            download(site.base + "/endless.mp4", tmp_path / "dl", loopback_settings, timeout_s=2)
    finally:
        site.close()
    assert err.value.permanent and err.value.code == "timeout", err.value


def test_prefers_the_best_format_up_to_1080p_portrait_or_landscape(settings, tmp_path):
    import yt_dlp

    from workers.fetch import ytdlp_options

    def fmt(fid, w, h):
        return {"format_id": fid, "url": f"http://127.0.0.1/{fid}.mp4", "ext": "mp4", "width": w, "height": h,
                "vcodec": "avc1", "acodec": "mp4a", "protocol": "http"}

    options = {**ytdlp_options(settings, tmp_path), "simulate": True}
    picked = {}
    for name, formats in {"portrait": [fmt("720p", 720, 1280), fmt("1080p", 1080, 1920), fmt("1440p", 1440, 2560)],
                          "landscape": [fmt("720p", 1280, 720), fmt("1080p", 1920, 1080), fmt("4k", 3840, 2160)],
                          "only-above": [fmt("4k", 2160, 3840), fmt("1440p", 1440, 2560)]}.items():
        with yt_dlp.YoutubeDL(options) as ydl:
            info = ydl.process_video_result({"id": name, "title": name, "formats": formats,
                                             "extractor": "generic", "webpage_url": "http://127.0.0.1/"},
                                            download=False)
        picked[name] = info["format_id"]
    assert picked == {"portrait": "1080p", "landscape": "1080p", "only-above": "1440p"}


def test_dns_rebinding_is_refused_at_connection(site, monkeypatch, settings, tmp_path):
    """The URL check sees a public first answer for the name; the connection reaches loopback: refused
    with one line, as a permanent unsafe_url error (without the connect-time check this downloads)."""
    import ipaddress

    import core.urlsafety as urlsafety

    real = urlsafety._resolve
    monkeypatch.setattr(urlsafety, "_resolve", lambda host: [ipaddress.ip_address("93.184.215.14")]
                        if host == "localhost" else real(host))
    url = f"http://localhost:{site.base_url.rsplit(':', 1)[1]}/v/{CLIPS[0].id}"
    with pytest.raises(FetchError) as err:
        download(url, tmp_path / "dl", settings)
    assert err.value.permanent and err.value.code == "unsafe_url"
    assert re.search(r"refused connection: host localhost is the non-public address (127\.0\.0\.1|::1) ", str(err.value))
    assert "\n" not in str(err.value)
