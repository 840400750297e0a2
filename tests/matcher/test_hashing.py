"""Pinned hashes (as imagehash's test_hash_is_constant): an upgrade that changes them fails here,
because it would silently invalidate every stored reference hash."""

from __future__ import annotations

import cv2
import imagehash
import numpy as np
import pytest
from PIL import Image

import matcher
from matcher.hashing import grey, hamming, int_to_hex, phash_batch, region_hashes

from .conftest import DATA

PINNED = {
    # file: (imagehash pHash, imagehash dHash, batched pHash, batched dHash)
    "astronaut.png": ("c2924c5532bddfc8", "cd8dd91d897293a7", "c2924c5532bddfc8", "dd8dbd0d993295a6"),
    "coffee.png": ("bb8320376c0f3637", "f3e96933160b1b36", "bb8320376c0f3637", "f3e95b331e2b0f36"),
    "chelsea.png": ("b15fe6465121175e", "5414589aab6fa785", "b15fe6465121175e", "54145a9aa94b878f"),
    "rocket.jpg": ("c0371bec1be51267", "e0c0c090909090d1", "c0371bec1be51267", "e0c0c0d0909090d1"),
    "horse.png": ("ad7ad2863235b534", "8921320766627676", "ad7ad2863235b534", "0103320726662672"),
}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_hash_is_constant(name):
    ph, dh, bph, bdh = PINNED[name]
    with Image.open(DATA / name) as im:
        assert matcher.phash_hex(im) == ph
        assert matcher.dhash_hex(im) == dh
    g = grey(cv2.imread(str(DATA / name), cv2.IMREAD_COLOR))
    p, d = region_hashes(g, [(0, 0, g.shape[1], g.shape[0])])
    assert (int_to_hex(p[0]), int_to_hex(d[0])) == (bph, bdh)


def test_phash_hex_reads_back_with_imagehash():
    with Image.open(DATA / "coffee.png") as im:
        h = matcher.phash_hex(im)
        assert imagehash.hex_to_hash(h) == imagehash.phash(im)
        assert len(h) == 16


def test_batched_phash_matches_reference_recipe_bit_for_bit():
    """The batched DCT is the same transform as scipy's (bits equal on a fixed 32x32 input)."""
    from scipy.fftpack import dct

    rng = np.random.default_rng(1)
    imgs = rng.integers(0, 256, (5, 32, 32)).astype(np.float32)
    for img, got in zip(imgs, phash_batch(imgs)):
        low = dct(dct(img, axis=0), axis=1)[:8, :8]
        bits = (low > np.median(low)).flatten()
        want = int("".join("1" if b else "0" for b in bits), 2)
        assert int(got) == want


def test_hamming_counts_bits():
    a = np.array([0, 0xFFFFFFFFFFFFFFFF, 0b1011], np.uint64)
    assert hamming(a, 0).tolist() == [0, 64, 3]


@pytest.mark.parametrize("name", sorted(PINNED))
def test_frame_phash_stays_near_imagehash(name):
    """A keyframe's pHash is computed on a box-reduced frame (cost): on a video-sized frame it stays within 4 bits of
    imagehash's pHash of the same frame (measured on 141 real frames: 116 equal, none over 4)."""
    from matcher.hashing import frame_phash_hex

    bgr = cv2.resize(cv2.imread(str(DATA / name), cv2.IMREAD_COLOR), (540, 960), interpolation=cv2.INTER_LINEAR)
    full = matcher.phash_hex(Image.fromarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)))
    assert hamming(np.uint64(int(frame_phash_hex(grey(bgr)), 16)), np.uint64(int(full, 16))) <= 4
