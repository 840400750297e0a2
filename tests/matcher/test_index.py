"""The reference index: build, save, load, version, and the Hamming search that must scale to 1M."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import matcher
from matcher.hashing import hamming
from matcher.index import HammingIndex


def test_save_load_round_trip_keeps_names_version_and_results(index, tmp_path):
    p = tmp_path / "refs.npz"
    index.save(p)
    again = matcher.ReferenceIndex.load(p)
    assert again.names == index.names == ["astronaut", "coffee", "chelsea", "rocket"]
    assert again.version == index.version
    assert np.array_equal(again.phash, index.phash)
    assert np.array_equal(again.kp_desc, index.kp_desc)
    assert np.array_equal(again.coverage_full, index.coverage_full)


def test_coverage_full_is_calibrated_per_reference(index):
    # photos keep their keypoints through resampling: their copies' coverage counts fully at COVERAGE_FULL
    assert index.coverage_full.shape == (len(index.names),)
    assert np.all(index.coverage_full >= matcher.constants.COVERAGE_FULL_MIN)
    assert np.all(index.coverage_full <= matcher.constants.COVERAGE_FULL)
    assert index.coverage_full[index.names.index("astronaut")] == pytest.approx(matcher.constants.COVERAGE_FULL)


def test_version_changes_when_content_changes(ref_paths, index):
    other = matcher.ReferenceIndex.build(ref_paths[:3])
    assert other.version != index.version
    same = matcher.ReferenceIndex.build(ref_paths)
    assert same.version == index.version


def test_load_refuses_garbage_with_one_line(tmp_path):
    bad = tmp_path / "x.npz"
    bad.write_bytes(b"not an index")
    with pytest.raises(matcher.MatcherError) as e:
        matcher.ReferenceIndex.load(bad)
    assert "not a matcher index" in str(e.value) and "\n" not in str(e.value)
    with pytest.raises(matcher.MatcherError, match="no such index file"):
        matcher.ReferenceIndex.load(tmp_path / "missing.npz")


def test_duplicate_stems_are_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    Image.new("RGB", (64, 64), "red").save(tmp_path / "a" / "x.png")
    Image.new("RGB", (64, 64), "blue").save(tmp_path / "b" / "x.jpg")
    with pytest.raises(matcher.MatcherError, match="two references are named 'x'"):
        matcher.ReferenceIndex.build([tmp_path / "a" / "x.png", tmp_path / "b" / "x.jpg"])


def test_hamming_index_agrees_with_brute_force():
    rng = np.random.default_rng(0)
    hashes = rng.integers(0, 2**63, 20000, dtype=np.int64).astype(np.uint64)
    idx = HammingIndex(hashes)
    queries = hashes[[5, 777, 19999]] ^ np.uint64(0b10110)  # 3 bits away from stored hashes
    for q, (rows, dists) in zip(queries, idx.query(queries, max_distance=5, top=4)):
        d = hamming(hashes, q)
        assert rows[0] == int(np.argmin(d)) and dists[0] == 3
        assert set(rows.tolist()) == set(np.flatnonzero(d <= 5).tolist())
    rows, dists = idx.nearest(queries)
    assert dists.tolist() == [3, 3, 3] and rows.tolist() == [5, 777, 19999]


def test_unreadable_references_are_skipped_when_asked(tmp_path):
    Image.new("RGB", (64, 64), "red").save(tmp_path / "good.png")
    (tmp_path / "bad.png").write_bytes(b"\x89PNG nope")
    idx = matcher.ReferenceIndex.build([tmp_path], skip_bad=True)
    assert idx.names == ["good"] and len(idx.skipped) == 1 and "bad.png" in idx.skipped[0]
    with pytest.raises(matcher.MatcherError):
        matcher.ReferenceIndex.build([tmp_path])
