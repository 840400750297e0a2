"""Reference videos (issue 12 item 5): a trailer's shots' keyframes become references grouped under the video,
with the art rules of images (one holder, no duplicates), one clear line for bad input with nothing stored, an
audit record, and retiring the video retires its keyframes. On SQLite and PostgreSQL."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from artkit import art_png
from core.config import load_settings
from core.db import session_scope, upgrade
from core.models import AuditEvent, Reference, ReferenceVideo
from core.services.errors import Conflict, Invalid
from core.services.holders import create_holder
from core.services.reference_videos import (
    add_reference_video,
    looks_like_video,
    retire_reference_video,
    restore_reference_video,
    video_json,
    video_time_label,
)
from core.services.references import active_references, add_reference
from footage import shot_at, write_episode
from reports.web.uploads import describe_art, read_footage


@pytest.fixture(scope="module")
def episode(tmp_path_factory):
    path = tmp_path_factory.mktemp("footage") / "trailer-2.mp4"
    return path, write_episode(path, pictures=("astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg"),
                               black_after=1)


def add(session, settings, holder, path, work="Sky Pirates", **kw):
    return add_reference_video(session, settings, None, holder=holder, work=work, path=path, filename=path.name,
                               read_footage=read_footage, describe=describe_art, **kw)


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def check_added(settings, session, episode):
    path, truth = episode
    alpha = create_holder(session, None, "Alpha")
    added = add(session, settings, alpha, path, title="Trailer 2")
    session.commit()
    video = added.video
    assert added.outcome == "added" and video.title == "Trailer 2" and abs(video.duration_s - truth[-1].end) < 0.3
    assert [shot_at(truth, r.video_time_s) for r in added.keyframes] == [0, 1, 2, 3]
    assert all(r.video_id == video.id and r.character.name_en == "Sky Pirates" for r in added.keyframes)
    assert video.character_id is None  # no character given: the work itself stands for one
    store = settings.home_path(video.path)
    assert store.read_bytes() == path.read_bytes()
    assert all(settings.home_path(r.path).is_file() for r in added.keyframes)
    label = video_json(added.keyframes[1])["label"]
    assert label == f"Trailer 2 at {video_time_label(added.keyframes[1].video_time_s)}" and label.endswith("00:03")
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "reference_video_added")).one()
    assert event.object_id == video.id and event.detail["keyframes"] == [r.id for r in added.keyframes]
    return alpha, added


def test_a_video_becomes_keyframe_references_grouped_under_it(settings, session, episode):
    alpha, added = check_added(settings, session, episode)
    again = add(session, settings, alpha, episode[0])
    assert again.outcome == "unchanged" and count(session, ReferenceVideo) == 1
    beta = create_holder(session, None, "Beta")
    with pytest.raises(Conflict, match="another rights holder"):
        add(session, settings, beta, episode[0])


def test_retiring_the_video_retires_its_keyframes(settings, session, episode):
    _, added = check_added(settings, session, episode)
    retire_reference_video(session, None, added.video.id)
    assert active_references(session) == []
    restore_reference_video(session, None, added.video.id)
    assert len(active_references(session)) == len(added.keyframes)


def test_a_reencoded_copy_of_another_holders_footage_is_refused_whole(settings, session, episode, tmp_path):
    import subprocess

    check_added(settings, session, episode)
    copy = tmp_path / "reencoded.mp4"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(episode[0]), "-c:v", "libx264", "-crf", "28",
                    str(copy)], check=True)
    beta = create_holder(session, None, "Beta")
    before = count(session, Reference)
    with pytest.raises(Conflict, match="another rights holder"):
        add(session, settings, beta, copy)
    session.rollback()
    assert count(session, Reference) == before


def test_a_still_already_held_is_left_out_and_said(settings, session, episode):
    path, _ = episode
    alpha = create_holder(session, None, "Alpha")
    still = read_footage(path).keyframes[0][1]
    add_reference(session, settings, None, holder=alpha, work="Sky Pirates", character="Captain", data=still,
                  filename="still.png", describe=describe_art)
    added = add(session, settings, alpha, path)
    assert len(added.keyframes) == 3 and len(added.skipped) == 1 and "already reference" in added.skipped[0]


@pytest.mark.parametrize("content, why", [
    (b"", "empty file"),
    (b"just some text\n" * 50, "not a video"),
    (b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2000, "not a readable video"),
    (art_png(3), "not a video"),
])
def test_bad_input_gives_one_line_and_stores_nothing(settings, session, tmp_path, content, why):
    alpha = create_holder(session, None, "Alpha")
    path = tmp_path / "upload.mp4"
    path.write_bytes(content)
    with pytest.raises(Invalid, match=why) as err:
        add(session, settings, alpha, path)
    assert "\n" not in str(err.value) and str(tmp_path) not in str(err.value)
    session.rollback()
    assert count(session, ReferenceVideo) == 0 and count(session, Reference) == 0


def test_a_truncated_video_is_refused(settings, session, episode, tmp_path):
    alpha = create_holder(session, None, "Alpha")
    cut = tmp_path / "cut.mp4"
    data = episode[0].read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(Invalid, match="not a readable video"):
        add(session, settings, alpha, cut)


def test_a_huge_file_is_refused_before_reading(settings, session, episode):
    alpha = create_holder(session, None, "Alpha")
    with pytest.raises(Invalid, match="larger than"):
        add(session, settings, alpha, episode[0], max_bytes=1024)


def test_looks_like_video_reads_content_not_names():
    assert looks_like_video(b"\x00\x00\x00\x20ftypisom" + b"\x00" * 20)
    assert looks_like_video(b"\x1aE\xdf\xa3" + b"\x00" * 20)
    assert not looks_like_video(art_png(1)[:512]) and not looks_like_video(b"RIFF\x00\x00\x00\x00WEBPVP8 ")


@pytest.mark.integration
def test_reference_videos_on_postgresql(tmp_path, postgres_url, monkeypatch, episode):
    monkeypatch.setenv("MAMORU_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MAMORU_DATABASE_URL", postgres_url)
    settings = load_settings()
    upgrade(settings)
    with session_scope(settings) as session:
        _, added = check_added(settings, session, episode)
        retire_reference_video(session, None, added.video.id)
        session.commit()
        assert active_references(session) == []


def test_a_video_longer_than_allowed_is_refused(settings, session, episode):
    from functools import partial

    alpha = create_holder(session, None, "Alpha")
    with pytest.raises(Invalid, match="video longer than"):
        add_reference_video(session, settings, None, holder=alpha, work="W", path=episode[0], filename="t.mp4",
                            read_footage=partial(read_footage, max_seconds=3), describe=describe_art)
