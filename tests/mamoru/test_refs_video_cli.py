"""`mamoru refs add VIDEO`: told a video by content (any name), listed with its keyframes, retired whole;
bad files give one error line and store nothing."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from core.db import session_scope
from core.models import Reference, ReferenceVideo
from footage import write_episode
from mamoru.cli.main import cli


@pytest.fixture(scope="module")
def trailer(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli-footage") / "trailer"  # no extension: the content decides
    write_episode(path.with_suffix(".mp4"), pictures=("astronaut.png", "coffee.png", "chelsea.png"),
                  black_after=99)
    path.with_suffix(".mp4").rename(path)
    return path


def counts(settings) -> tuple[int, int]:
    with session_scope(settings) as s:
        return (s.scalar(select(func.count()).select_from(ReferenceVideo)),
                s.scalar(select(func.count()).select_from(Reference)))


def test_refs_add_a_video_list_and_retire_it(settings, trailer):
    runner = CliRunner()
    added = runner.invoke(cli, ["refs", "add", str(trailer), "--holder", "Studio", "--work", "Sky Pirates",
                                "--title", "Trailer 2"])
    assert added.exit_code == 0, added.output
    assert "reference video 1 'Trailer 2' added: 7.5 s, 3 keyframes" in added.output
    assert " at 00:01: trailer-at-00m01_2s" in added.output and "index rebuilt: 3 references" in added.output
    listed = runner.invoke(cli, ["refs", "list"])
    assert listed.output.count("[video 1: Trailer 2 at 00:0") == 3, listed.output
    assert "1: Trailer 2 (7.5 s, 3 keyframes)" in runner.invoke(cli, ["refs", "videos"]).output
    retired = runner.invoke(cli, ["refs", "retire-video", "1"])
    assert "retired with 3 keyframes" in retired.output and "index not rebuilt: no references" in retired.output
    assert runner.invoke(cli, ["refs", "list"]).output.startswith("no references yet")


@pytest.mark.parametrize("content, words", [
    (b"hello, not a video\n" * 30, "neither a video nor an image"),
    (b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 4000, "not a readable video"),
    (b"", "neither a video nor an image (empty file)"),
])
def test_bad_files_give_one_line_and_store_nothing(settings, tmp_path, content, words):
    bad = tmp_path / "episode.mp4"
    bad.write_bytes(content)
    result = CliRunner().invoke(cli, ["refs", "add", str(bad), "--holder", "Studio", "--work", "Sky Pirates"])
    assert result.exit_code == 1 and words in result.output, result.output
    assert len(result.output.strip().splitlines()) <= 2  # the progress line, then the one error line
    assert counts(settings) == (0, 0)
