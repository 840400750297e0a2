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


def test_a_folder_index_is_cached_and_rebuilt_when_an_image_changes(ref_paths, tmp_path, monkeypatch):
    refs, cache = tmp_path / "refs", tmp_path / "cache"
    refs.mkdir()
    for p in ref_paths[:2]:
        (refs / p.name).write_bytes(p.read_bytes())
    (refs / "broken.png").write_bytes(b"not an image")
    built = []
    real_build = matcher.ReferenceIndex.build.__func__
    monkeypatch.setattr(matcher.ReferenceIndex, "build",
                        classmethod(lambda cls, *a, **k: built.append(1) or real_build(cls, *a, **k)))
    first = matcher.ReferenceIndex.build_cached([refs], cache, skip_bad=True)
    second = matcher.ReferenceIndex.build_cached([refs], cache, skip_bad=True)
    assert len(built) == 1 and len(list(cache.glob("index-*.npz"))) == 1
    assert second.version == first.version and second.names == first.names
    assert len(second.skipped) == 1 and "broken.png" in second.skipped[0]     # the reasons are kept too
    # an image replaced (new size and time): built again, under another key
    Image.open(ref_paths[2]).save(refs / ref_paths[0].name)
    third = matcher.ReferenceIndex.build_cached([refs], cache, skip_bad=True)
    assert len(built) == 2 and third.version != first.version
    # a cache folder that cannot be written is no error
    (tmp_path / "ro").write_text("a file where the folder should be")
    assert matcher.ReferenceIndex.build_cached([refs], tmp_path / "ro", skip_bad=True).names == third.names
