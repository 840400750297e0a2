"""matcher.shots: the shots of a generated landscape episode and one keyframe each, never from black."""

from __future__ import annotations

import pytest

from footage import shot_at, write_episode
from matcher import VideoError, shots


@pytest.fixture(scope="module")
def episode(tmp_path_factory):
    path = tmp_path_factory.mktemp("footage") / "episode.mp4"
    return path, write_episode(path)


def test_one_keyframe_per_shot_inside_it(episode):
    path, truth = episode
    scan = shots.keyframes(path)
    assert abs(scan.duration - truth[-1].end) < 0.3 and (scan.width, scan.height) == (640, 360)
    assert len(scan.shots) >= len(truth)  # the black gap is a shot of its own, giving no keyframe
    found = [shot_at(truth, k.t) for k in scan.keyframes]
    assert found == list(range(len(truth)))  # one per shot, in order
    for k in scan.keyframes:
        s = truth[shot_at(truth, k.t)]
        assert s.start <= k.t < s.end and k.rgb.shape == (360, 640, 3) and k.rgb.std() > 12


def test_the_cap_keeps_keyframes_spread_over_the_video(episode):
    path, truth = episode
    scan = shots.keyframes(path, max_keyframes=3)
    assert len(scan.keyframes) == 3
    assert scan.keyframes[0].t < truth[2].end and scan.keyframes[-1].t >= truth[-3].start


def test_a_shot_cut_back_to_is_kept_once(tmp_path):
    path = tmp_path / "back.mp4"
    write_episode(path, pictures=("astronaut.png", "coffee.png", "astronaut.png"), black_after=99)
    assert len(shots.keyframes(path).keyframes) == 2


@pytest.mark.parametrize("content", [b"", b"not a video at all\n" * 40, b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 300])
def test_bad_files_give_one_clear_error(tmp_path, content):
    path = tmp_path / "bad.mp4"
    path.write_bytes(content)
    with pytest.raises(VideoError) as err:
        shots.keyframes(path)
    assert "\n" not in str(err.value) and str(path) in str(err.value)


def test_a_video_playing_longer_than_allowed_is_refused_while_decoding(episode):
    with pytest.raises(VideoError, match="longer than 4 s"):
        shots.keyframes(episode[0], max_seconds=4)
