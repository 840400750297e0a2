"""Findings in words: method, score and shares explained; times, views and Japanese shown one way."""

from __future__ import annotations

from datetime import UTC, datetime

from reports import wording


def test_methods_are_explained():
    said = wording.method_words("phash+orb-ransac")
    assert "perceptual hash" in said and "RANSAC" in said and "then" in said
    assert "mirrored" in wording.method_words("orb-ransac-mirror")
    assert "perspective" in wording.method_words("phash-rectified")
    assert wording.method_words("something-new") == "something-new"  # unknown names are shown as they are


def test_scores_and_shares_in_words():
    assert wording.score_words(0.93) == "very likely the reference"
    assert "check the frame" in wording.score_words(0.55)
    assert wording.share_words(1.0, "clip") == "the reference is visible in 100% of the clip"
    assert wording.share_words(0.25, "reference") == "25% of the reference's picture is visible"
    assert wording.share_words(None, "clip") == "share of the clip unknown"
    assert wording.match_seconds([[3.0, 7.5], {"start": 12, "end": 14}]) == 6.5


def test_times_views_and_japanese():
    t = datetime(2026, 11, 20, 10, 15, 42, 123456, tzinfo=UTC)
    assert wording.when(t) == "2026-11-20 10:15 UTC" and wording.when(None) == "unknown"
    assert wording.when(t, seconds=True) == "2026-11-20 10:15:42 UTC"
    assert wording.views(None) == "views unknown" and wording.views(0) == "0 views"
    assert wording.views(1234) == "1,234 views"
    assert str(wording.ja("踊ってみた <b>")) == '<span lang="ja">踊ってみた &lt;b&gt;</span>'
    assert str(wording.ja("Hana")) == "Hana"
    assert wording.detail_items({"name": "法務部", "files": ["a", "b"]}) == [("name", "法務部"), ("files", "a, b")]
