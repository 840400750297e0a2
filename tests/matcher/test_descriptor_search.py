"""The index's descriptor searches: the exact one gives cv2.BFMatcher's matches, the approximate one
(large indexes) finds most of them."""

import cv2
import numpy as np

from matcher.index import HammingMatcher, LshDescriptorIndex


def _descriptors(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (n, 32), dtype=np.uint8)


def test_exact_search_is_bfmatcher_ties_included():
    train = _descriptors(300, 1)
    # near copies of some train rows, duplicates (ties) and random queries
    query = np.concatenate([train[:50] ^ np.uint8(1), train[10:20], _descriptors(100, 2), train[:5]])
    train = np.concatenate([train, train[:20]])       # exact duplicates: tie-breaking matters
    ours = HammingMatcher().knnMatch(query, train, k=2)
    theirs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(query, train, k=2)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert [(m.queryIdx, m.trainIdx, m.distance) for m in a] == [(m.queryIdx, m.trainIdx, m.distance) for m in b]


def test_nearest_and_rival_is_a_full_distance_table_read_plainly():
    # five references (runs) in three labels (a sibling group of two, one of two, one alone), with duplicate rows
    # within a run (a twin at the best's distance), across runs of one label and across labels (ties)
    rng = np.random.default_rng(7)
    base = _descriptors(60, 8)
    runs = [base[:20], np.concatenate([base[20:30], base[:3]]), base[30:40], np.concatenate([base[40:50], base[40:42]]),
            np.concatenate([base[50:60], base[30:33]])]
    labels = np.array([0, 0, 1, 1, 2])
    train = np.concatenate(runs)
    starts = np.cumsum([0] + [len(r) for r in runs[:-1]])
    flips = (rng.random((80, 32)) < 0.04).astype(np.uint8) * rng.integers(1, 256, (80, 32), dtype=np.uint8)
    query = np.concatenate([train[rng.integers(0, len(train), 80)] ^ flips, _descriptors(20, 9), base[:3], base[40:42]])
    i1, d1, twin, rival = HammingMatcher().nearest_and_rival(query, train, starts, labels)
    table = np.unpackbits(query[:, None, :] ^ train[None, :, :], axis=2).sum(axis=2)    # (Q, T)
    run_of = np.repeat(np.arange(len(runs)), [len(r) for r in runs])
    for q in range(len(query)):
        best = int(np.argmin(table[q]))                       # the first of equal rows
        same = (run_of == run_of[best]) & (np.arange(len(train)) != best)
        other = labels[run_of] != labels[run_of[best]]
        assert (i1[q], d1[q]) == (best, table[q, best])
        assert twin[q] == (table[q, same].min() if same.any() else 1024)
        assert rival[q] == (table[q, other].min() if other.any() else 1024)


def test_exact_search_edge_cases():
    hm = HammingMatcher()
    zeros, ones = np.zeros((3, 32), np.uint8), np.full((2, 32), 255, np.uint8)
    i1, d1, i2, d2 = hm.knn2(zeros, ones)
    assert d1.tolist() == [256] * 3 and d2.tolist() == [256] * 3      # every bit differs: no wrap-around
    assert [len(p) for p in hm.knnMatch(zeros, ones[:1], k=2)] == [1, 1, 1]
    assert hm.knnMatch(zeros[:0], ones) == []


def test_approximate_search_finds_near_copies():
    rng = np.random.default_rng(3)
    train = _descriptors(50_000, 4)
    rows = rng.choice(len(train), 500, replace=False)
    # flip 20 of 256 bits: a close ORB match
    query = train[rows].copy()
    for q in query:
        bits = rng.choice(256, 20, replace=False)
        np.bitwise_xor.at(q, bits // 8, (1 << (bits % 8)).astype(np.uint8))
    i1, d1, i2, d2 = LshDescriptorIndex(train).knn2(query)
    found = i1 == rows
    assert found.mean() > 0.9
    assert (d1[found] == 20).all() and (d2[found] > d1[found]).all()


def test_multi_index_hamming_search_equals_a_full_pass():
    from matcher.index import HammingIndex

    rng = np.random.default_rng(5)
    hashes = rng.integers(0, 2**63, 150_000, dtype=np.int64).astype(np.uint64)
    # near copies (a few bits flipped) so that every radius has hits, and duplicates (ties)
    flips = np.array([sum(1 << int(b) for b in rng.choice(64, k, replace=False)) for k in rng.integers(0, 14, 300)],
                     np.uint64)
    hashes[:300] = hashes[300:600] ^ flips
    queries = np.concatenate([hashes[300:340], rng.integers(0, 2**63, 20, dtype=np.int64).astype(np.uint64)])
    fast = HammingIndex(hashes)
    slow = HammingIndex(hashes)
    slow.MULTI_INDEX_ABOVE = 10**9
    for radius in (3, 8, 10, 12, 15, 20):
        for top in (1, 8, 1000):
            for (r1, d1), (r2, d2) in zip(fast.query(queries, radius, top), slow.query(queries, radius, top)):
                assert r1.tolist() == r2.tolist() and d1.tolist() == d2.tolist()
