"""The admin uploads a trailer on the references page (told a video by its content, not its name); a real
analysis of a 9:16 reupload makes a finding whose page, triage row and API answer name the trailer and the time;
retiring the video retires its keyframes; a broken video gives one error line and stores nothing."""

from __future__ import annotations

from urllib.parse import unquote_plus

import pytest
from sqlalchemy import func, select

from core.db import session_scope
from core.models import Clip, Reference, ReferenceVideo
from footage import write_episode, write_reupload

pytestmark = pytest.mark.anyio

PICTURES = ("astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg")


@pytest.fixture(scope="module")
def footage(tmp_path_factory):
    folder = tmp_path_factory.mktemp("web-footage")
    episode = folder / "trailer.mp4"
    write_episode(episode, pictures=PICTURES, black_after=99)
    return episode, write_reupload(episode, folder / "reupload.mp4", 5.5, 3.0)


def analyse(settings, reupload) -> list[int]:
    """The worker's analysis, in this process: the published index, the matcher, the findings stored."""
    from workers.analyze import analyze_file, store_kinds, store_result
    from workers.catalog import rebuild_index

    rebuild_index(settings)
    result, version = analyze_file(reupload, settings)
    with session_scope(settings) as s:
        clip = Clip(platform="web", platform_id="reupload-1", url="https://example.com/v/reupload-1",
                    title="trailer reupload")
        s.add(clip)
        s.flush()
        copies = store_result(s, settings, clip, result, version)
        store_kinds(s, clip, copies)
        return [f.id for f in copies]


async def test_admin_uploads_a_trailer_and_findings_name_it(browser_for, world, settings, footage):
    episode, reupload = footage
    b = await browser_for("admin")
    await b.page("/admin/references")
    holder = str(world.ids.holders[0])
    r = await b.post("/admin/references", data={"holder": holder, "work": "Sky Pirates", "character": ""},
                     files={"image": ("upload.bin", episode.read_bytes(), "application/octet-stream")})
    message = unquote_plus(r.headers["location"])
    assert r.status_code == 303 and "reference video upload added" in message and "4 keyframes" in message, message
    page = (await b.page("/admin/references")).text
    assert 'id="reference-videos"' in page and "upload at 00:0" in page

    finding_ids = analyse(settings, reupload)
    assert finding_ids
    finding = (await b.page(f"/findings/{finding_ids[0]}")).text
    assert 'id="video-label">upload at 00:0' in finding
    api = (await b.page(f"/api/findings/{finding_ids[0]}")).json()
    video = api["reference"]["video"]
    assert video["title"] == "upload" and 2.5 <= video["t"] < 10.0 and video["label"] in finding
    triage = (await b.page(f"/triage?reference={api['reference']['id']}")).text
    assert video["label"] in triage

    r = await b.post("/admin/reference-videos/1/retire")
    assert r.status_code == 303 and "retired+with+4+keyframes" in r.headers["location"]
    with session_scope(settings) as s:
        assert s.scalar(select(func.count()).select_from(Reference).where(Reference.video_id == 1,
                                                                          Reference.retired_at.is_(None))) == 0


async def test_a_broken_video_upload_gives_one_error_and_stores_nothing(browser_for, world, settings, footage):
    b = await browser_for("admin")
    await b.page("/admin/references")
    data = footage[0].read_bytes()
    r = await b.post("/admin/references", data={"holder": str(world.ids.holders[0]), "work": "Sky Pirates"},
                     files={"image": ("trailer.mp4", data[: len(data) // 3], "video/mp4")})
    assert r.status_code == 303 and "error=not+a+readable+video" in r.headers["location"], r.headers["location"]
    with session_scope(settings) as s:
        assert s.scalar(select(func.count()).select_from(ReferenceVideo)) == 0
