"""No byte of a download goes around the address rule: HLS and DASH manifests on an allowed host (the
public stand-in) whose keys and segments sit on a loopback canary that is not allowed. Whatever yt-dlp
would do with them (native fragments, AES-128 keys, delegation to ffmpeg for SAMPLE-AES or live streams),
the canary never sees a connection and the clip fails with one line."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fetch_servers import LoopbackSite  # noqa: E402

from workers.fetch import FetchError, download  # noqa: E402

HLS = "application/vnd.apple.mpegurl"
DASH = "application/dash+xml"


IV = "0x00000000000000000000000000000001"


def hls(canary: str, *, key: str = "", sequence: int = 0, ended: bool = True, segments: str = "") -> str:
    """A media playlist: key and segments on CANARY (segments on SEGMENTS when given)."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:2", f"#EXT-X-MEDIA-SEQUENCE:{sequence}"]
    if key:
        lines.append(f'#EXT-X-KEY:METHOD={key},URI="{canary}/key.bin",IV={IV}')
    for n in range(3):
        lines += ["#EXTINF:2.0,", f"{segments or canary}/seg{n}.ts"]
    if ended:
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def mpd(canary: str, *, live: bool = False) -> str:
    kind = ('type="dynamic" availabilityStartTime="2020-01-01T00:00:00Z" minimumUpdatePeriod="PT2S"'
            if live else 'type="static" mediaPresentationDuration="PT6S"')
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" {kind} minBufferTime="PT2S"
     profiles="urn:mpeg:dash:profile:isoff-live:2011">
 <Period id="0" start="PT0S">
  <AdaptationSet mimeType="video/mp4" contentType="video" segmentAlignment="true">
   <Representation id="v1" bandwidth="200000" width="320" height="240" codecs="avc1.42c00d">
    <BaseURL>{canary}/</BaseURL>
    <SegmentTemplate timescale="1" duration="2" startNumber="1" initialization="init.mp4" media="seg$Number$.m4s"/>
   </Representation>
  </AdaptationSet>
 </Period>
</MPD>
"""


MANIFESTS = {  # name -> (content type, manifest(site base, canary base))
    "hls-aes128": (HLS, lambda s, c: hls(c, key="AES-128")),
    "hls-aes128-key-only": (HLS, lambda s, c: hls(c, key="AES-128", segments=s)),
    "hls-sample-aes": (HLS, lambda s, c: hls(c, key="SAMPLE-AES")),
    "hls-sample-aes-key-only": (HLS, lambda s, c: hls(c, key="SAMPLE-AES", segments=s)),
    "hls-live": (HLS, lambda s, c: hls(c, sequence=4711, ended=False)),
    "hls-plain": (HLS, lambda s, c: hls(c)),
    "dash-static": (DASH, lambda s, c: mpd(c)),
    "dash-live": (DASH, lambda s, c: mpd(c, live=True)),
}


@pytest.fixture
def sites():
    with LoopbackSite("127.0.0.1") as site, LoopbackSite("127.0.0.2") as canary:
        yield site, canary


@pytest.fixture
def public_stand_in(settings):
    """127.0.0.1 plays the public host; 127.0.0.2 (the canary) stays non-public."""
    return dataclasses.replace(settings, allowed_private_hosts=("127.0.0.1",))


@pytest.mark.parametrize("name", sorted(MANIFESTS))
def test_manifest_parts_on_a_private_host_never_fetched(name, sites, public_stand_in, tmp_path):
    site, canary = sites
    content_type, manifest = MANIFESTS[name]
    suffix = ".m3u8" if content_type == HLS else ".mpd"
    url = site.add(f"/clip{suffix}", content_type, manifest(site.base, canary.base))
    for path in ("/key.bin", "/init.mp4", *(f"/seg{n}.ts" for n in range(3)), *(f"/seg{n}.m4s" for n in range(4))):
        canary.add(path, "application/octet-stream", b"\0" * 1024)
        site.add(path, "video/mp2t", b"\0" * 1024)
    with pytest.raises(FetchError) as err:
        download(url, tmp_path / "dl", public_stand_in, timeout_s=30)
    reason = str(err.value)
    assert canary.connections == 0, f"{name}: the canary was reached ({canary.connections} connections): {reason}"
    assert err.value.permanent and reason and "\n" not in reason, reason
    assert site.connections > 0  # the manifest itself was read


def test_a_playlist_served_as_media_is_not_kept(sites, public_stand_in, tmp_path):
    """A 'video' whose bytes are an HLS playlist would make ffmpeg or PyAV (merging, analysing) fetch its
    segments themselves: it is refused as not a video."""
    site, canary = sites
    url = site.add("/clip.mp4", "video/mp4", hls(canary.base))
    with pytest.raises(FetchError) as err:
        download(url, tmp_path / "dl", public_stand_in, timeout_s=30)
    assert err.value.code == "not_video", err.value
    assert canary.connections == 0
    assert not list((tmp_path / "dl").glob("*.mp4"))


def test_aes128_hls_is_decrypted_natively(sites, public_stand_in, tmp_path):
    """With key and segments on the allowed host, AES-128 HLS downloads through yt-dlp's own downloader
    (pycryptodomex decrypts it; without it yt-dlp would hand the stream to ffmpeg, which is refused)."""
    import shutil

    import av
    import subprocess

    from Cryptodome.Cipher import AES
    from Cryptodome.Util.Padding import pad

    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed (it makes the test segment)")
    site, _ = sites
    segment = tmp_path / "seg.ts"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10", "-t", "2",
                    "-c:v", "libx264", "-f", "mpegts", str(segment)], check=True)
    key = bytes(range(16))
    plain = segment.read_bytes()
    cipher = AES.new(key, AES.MODE_CBC, iv=int(IV, 16).to_bytes(16, "big"))
    site.add("/key.bin", "application/octet-stream", key)
    for n in range(3):
        site.add(f"/seg{n}.ts", "video/mp2t", cipher.encrypt(pad(plain, 16)) if n == 0 else b"")
    playlist = hls(site.base, key="AES-128").replace("#EXTINF:2.0,\n" + site.base + "/seg1.ts\n", "")
    url = site.add("/clip.m3u8", HLS, playlist.replace("#EXTINF:2.0,\n" + site.base + "/seg2.ts\n", ""))
    result = download(url, tmp_path / "dl", public_stand_in, timeout_s=30)
    with av.open(str(result.path)) as container:  # decrypted (yt-dlp then remuxes the TS into MP4)
        frames = sum(1 for _ in container.decode(video=0))
    assert frames == 20


@pytest.mark.parametrize("option", [{"external_downloader": "aria2c"}, {"external_downloader": {"m3u8": "ffmpeg"}},
                                    {"hls_prefer_native": False}, {"compat_opts": ["no-direct-merge"]},
                                    {"download_ranges": lambda info, ydl: [{"start_time": 0, "end_time": 1}]}])
def test_options_that_hand_downloads_to_programs_are_refused(option, settings, tmp_path):
    from workers.fetch import GuardedYoutubeDL, _Guard, ytdlp_options

    with pytest.raises(ValueError, match="refused"):
        GuardedYoutubeDL({**ytdlp_options(settings, tmp_path), **option}, _Guard(settings, 10))
