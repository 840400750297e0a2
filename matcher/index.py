"""The reference index: hashes (Hamming search) and ORB keypoints of every reference, in one file.

The file is a NumPy .npz without pickles; `version` is a digest of its content and of the algorithm
version, so a worker reloads when it changes and an index built by another algorithm is refused.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import tempfile
from itertools import repeat
from pathlib import Path
from typing import Iterable, NamedTuple, Sequence

import cv2
import numpy as np

# FAISS's loader logs at INFO which of its builds it tried: not news to a `mamoru scan` user
logging.getLogger("faiss.loader").setLevel(logging.WARNING)
import faiss  # noqa: E402

from matcher import constants as C
from matcher import siblings
from matcher.errors import IndexFileError, MatcherError
from matcher.hamming_index import HammingIndex
from matcher.hashing import grey, region_hashes
from matcher.references import hash_variants, load_reference
from matcher.see_through import art_features
from matcher.verify import features, thumbnail_of, verify

# one core per clip, as decoding (DECODE_THREADS): workers run clips side by side
faiss.omp_set_num_threads(C.SEARCH_THREADS)

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff"}


class DescriptorMatch(NamedTuple):
    """What verify reads of a cv2.DMatch (built ten times faster than one)."""
    queryIdx: int
    trainIdx: int
    distance: float


class HammingMatcher:
    """Exact nearest descriptors by Hamming distance: cv2.BFMatcher(NORM_HAMMING)'s results, ties broken the
    same way (lowest train row first). The nearest few come from FAISS's exact binary search (its popcount
    kernels; a fifth of the time NumPy's popcount took, and this OpenCV build has none in its baseline); whole
    distance tables (`distances`) from NumPy's popcount, block by block."""

    CHUNK = 1 << 18              # query rows x train rows per block: the temporaries stay in cache

    @staticmethod
    def _nearest(query: np.ndarray, train: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """FAISS's exact k nearest train rows of each query row -> (distances, rows), (Q, k) each, sorted by
        distance then row (the first of equal rows: train is scanned in order and a tie never displaces one
        kept), row -1 where train has fewer than k rows."""
        ix = faiss.IndexBinaryFlat(256)
        ix.add(np.ascontiguousarray(train, dtype=np.uint8))
        return ix.search(np.ascontiguousarray(query, dtype=np.uint8), k)

    def _chunks(self, query: np.ndarray, train: np.ndarray):
        """Yield (first query row, end row, distances to every train row (uint16; the caller may write into it))
        block by block: the one loop of XOR and popcount over the four 64-bit words of each descriptor."""
        nq, nt = len(query), len(train)
        q = np.ascontiguousarray(query, dtype=np.uint8).view(np.uint64)          # (Q, 4)
        t = np.ascontiguousarray(np.ascontiguousarray(train, dtype=np.uint8).view(np.uint64).T)  # (4, T)
        step = max(1, min(nq, self.CHUNK // nt))
        x = np.empty((step, nt), np.uint64)
        a = np.empty((step, nt), np.uint8)
        c = np.empty((step, nt), np.uint8)
        d = np.empty((step, nt), np.uint16)     # 256 (every bit differs) does not fit a uint8
        for s in range(0, nq, step):
            e = min(nq, s + step)
            dn, xn, an, cn = d[:e - s], x[:e - s], a[:e - s], c[:e - s]

            def count(w: int, out: np.ndarray) -> np.ndarray:
                np.bitwise_xor(q[s:e, w, None], t[w][None, :], out=xn)
                return np.bitwise_count(xn, out=out)

            # counts are uint8 (popcount's own type: writing them into uint16 cast them through a buffer); three
            # words' at most 192 bits still fit, the fourth is added in uint16
            count(0, an)
            an += count(1, cn)
            an += count(2, cn)
            np.add(an, count(3, cn), out=dn, dtype=np.uint16)
            yield s, e, dn

    def knn2(self, query: np.ndarray, train: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """-> (best row, its distance, second row, its distance) per query; the second is -1 / 256 when
        train has a single row."""
        nq, nt = len(query), len(train)
        if nq == 0 or nt == 0:
            return (np.zeros(0 if nt == 0 else nq, np.int64), np.full(nq, 256, np.int64),
                    np.full(nq, -1, np.int64), np.full(nq, 256, np.int64))
        D, I = self._nearest(query, train, 2)
        d2 = np.where(I[:, 1] >= 0, D[:, 1], 256)
        return I[:, 0].astype(np.int64), D[:, 0].astype(np.int64), I[:, 1].astype(np.int64), d2.astype(np.int64)

    def nearest_and_rival(self, query: np.ndarray, train: np.ndarray, starts: np.ndarray, labels: np.ndarray
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The nearest of train rows that come in runs, one a reference (each starts at a row of STARTS), the runs
        of one label consecutive (LABELS: one per run) -> (best row, its distance, the distance of the nearest
        other row of the best's run, the distance of the nearest row of another label), 1024 where there is
        none. The nearest two of each run: the best is the nearest of the runs' nearest (the first run on a tie,
        so the lowest row), its twin its run's second, the rival the nearest of the other labels' runs."""
        nq, nt = len(query), len(train)
        runs = len(starts)
        if nq == 0 or nt == 0:
            return np.zeros(nq, np.int64), np.full(nq, 256, np.int64), np.full(nq, 1024, np.int64), np.full(nq, 1024, np.int64)
        ends = np.r_[starts[1:], nt]
        near = np.empty((nq, runs), np.int64)
        row = np.empty((nq, runs), np.int64)
        second = np.empty((nq, runs), np.int64)
        for r, (s, e) in enumerate(zip(starts, ends)):
            D, I = self._nearest(query, train[s:e], 2)
            near[:, r], row[:, r] = D[:, 0], I[:, 0] + s
            second[:, r] = np.where(I[:, 1] >= 0, D[:, 1], 1024)
        q = np.arange(nq)
        best = near.argmin(axis=1)
        labels = np.asarray(labels)
        rivals = np.where(labels[None, :] != labels[best][:, None], near, 1024)
        return row[q, best], near[q, best], second[q, best], rivals.min(axis=1)

    def distances(self, query: np.ndarray, train: np.ndarray) -> np.ndarray:
        """Every Hamming distance, query rows x train rows (uint16)."""
        d = np.zeros((len(query), len(train)), np.uint16)
        if len(query) == 0 or len(train) == 0:
            return d
        for s, e, dn in self._chunks(query, train):
            d[s:e] = dn
        return d

    def knnMatch(self, query: np.ndarray, train: np.ndarray, k: int = 2) -> list[list[DescriptorMatch]]:
        """cv2.DescriptorMatcher.knnMatch(query, train, k) for k <= 2."""
        if k > 2:
            raise ValueError("HammingMatcher finds the nearest two at most")
        if len(query) == 0:
            return []
        i1, d1, i2, d2 = self.knn2(query, train)
        if len(train) == 0:
            return [() for _ in range(len(query))]
        # matches built by map/zip in C: a list comprehension of NamedTuples costs as much as the search
        q = range(len(query))
        first = map(tuple.__new__, repeat(DescriptorMatch), zip(q, i1.tolist(), d1.astype(float).tolist()))
        if k == 1 or len(train) == 1:
            return [(m,) for m in first]
        second = map(tuple.__new__, repeat(DescriptorMatch), zip(q, i2.tolist(), d2.astype(float).tolist()))
        return list(zip(first, second))


class LshDescriptorIndex:
    """Approximate nearest two of binary descriptors (ORB, 256 bits) by Hamming distance, for large
    indexes: table t files every descriptor under its bytes 2t and 2t+1 (16 bits, disjoint between
    tables, so the tables fail independently); a query is compared exactly with the descriptors that
    share one of its keys. Built in a fraction of a second (a sort per table), ~40 ns a candidate to
    query, and it finds ~90 % of the exact search's ratio-test matches at 16 tables (FLANN's LSH with
    6 tables and multi-probe: 95 %, but 2 s to build and ~0.4 ms a query, so it saw 300 descriptors
    a frame where this sees all of them)."""

    def __init__(self, desc: np.ndarray, tables: int = C.LSH_TABLES, order: np.ndarray | None = None):
        """order: the tables' row order as an index file stores it (memory-mapped: no sorting at load)."""
        self.desc = np.ascontiguousarray(desc, dtype=np.uint8)
        n = len(self.desc)
        self.tables = min(16, tables)
        keys = self.desc.view(np.uint16)                               # (N, 16) byte pairs
        self.order = np.empty(self.tables * n, np.int32) if order is None else order
        self.starts = np.empty((self.tables, 65537), np.int64)
        for t in range(self.tables):
            k = np.ascontiguousarray(keys[:, t])    # a strided column sorts a third slower than its copy
            if order is None:
                self.order[t * n:(t + 1) * n] = np.argsort(k, kind="stable")
            self.starts[t, 0] = 0
            np.cumsum(np.bincount(k, minlength=65536), out=self.starts[t, 1:])
            self.starts[t] += t * n
        # real descriptors crowd some keys (flat patches give runs of equal bits): a bucket far fuller
        # than the mean says little and would cost most of the search, so it is left out of its table
        # (its descriptors stay reachable through the other tables)
        self.bucket_cap = max(64, C.LSH_BUCKET_CAP * n // 65536)
        self.ends = self.starts[:, 1:].copy()
        full = (self.ends - self.starts[:, :-1]) > self.bucket_cap
        self.ends[full] = self.starts[:, :-1][full]

    def knn2(self, query: np.ndarray, labels: np.ndarray | None = None, refs: np.ndarray | None = None
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Like HammingMatcher.knn2 over the candidates; a query without any: row -1, distance 256. With LABELS
        and REFS (one each per indexed row), like HammingMatcher.nearest_and_rival: (best row, its distance,
        the distance of the nearest other row of its reference, of the nearest row of another label), 1024
        for none."""
        q = np.ascontiguousarray(query, dtype=np.uint8)
        nq = len(q)
        none = np.uint64(1024 << 32)
        qk = q.view(np.uint16)[:, : self.tables].astype(np.int64)       # (Q, T)
        tab = np.arange(self.tables)[None, :]
        lo = self.starts[tab, qk].ravel()
        lens = self.ends[tab, qk].ravel() - lo
        total = int(lens.sum())
        per_q = lens.reshape(nq, self.tables).sum(axis=1)              # query-major: segments per query
        qid = np.repeat(np.arange(nq), per_q)
        pos = np.repeat(lo - (np.cumsum(lens) - lens), lens) + np.arange(total)
        rows = self.order[pos]
        # np.take (not [rows]) and np.repeat (not [qid]): row gathers four times faster
        x = np.take(self.desc.view(np.uint64), rows, axis=0, mode="clip")
        np.bitwise_xor(x, np.repeat(q.view(np.uint64), per_q, axis=0), out=x)
        # the four words' counts added column by column: NumPy's sum over a 4-long last axis costs
        # as much as the gather, this a sixth of it
        c = np.bitwise_count(x)
        key = c[:, 0].astype(np.uint64)
        for w in range(1, 4):
            key += c[:, w]
        key <<= np.uint64(32)
        key |= rows.astype(np.uint64)
        has = per_q > 0
        seg = (np.cumsum(per_q) - per_q)[has]
        best = np.full(nq, none, np.uint64)
        second = np.full(nq, none, np.uint64)
        twin = np.full(nq, none, np.uint64)
        if total:
            best[has] = np.minimum.reduceat(key, seg)
            # the same row found through two tables is one candidate, not its own runner-up
            if labels is None:
                second[has] = np.minimum.reduceat(np.where(key == best[qid], none, key), seg)
            else:
                best_row = (best & np.uint64(0xFFFFFFFF)).astype(np.int64)
                best_label = np.take(labels, np.minimum(best_row, len(labels) - 1))
                other = np.take(labels, rows) != np.repeat(best_label, per_q)
                best_ref = np.take(refs, np.minimum(best_row, len(refs) - 1))
                own = (np.take(refs, rows) == np.repeat(best_ref, per_q)) & (key != best[qid])
                twin[has] = np.minimum.reduceat(np.where(own, key, none), seg)
                second[has] = np.minimum.reduceat(np.where(other, key, none), seg)
        row, dist = _row_and_distance(best)
        if labels is not None:
            return row, dist, (twin >> np.uint64(32)).astype(np.int64), (second >> np.uint64(32)).astype(np.int64)
        return (row, dist, *_row_and_distance(second))


def _row_and_distance(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A search key (distance << 32 | row) -> (row, distance): row -1 and distance 256 where there is none."""
    dist = (key >> np.uint64(32)).astype(np.int64)
    row = (key & np.uint64(0xFFFFFFFF)).astype(np.int64)
    row[dist > 256] = -1
    return row, np.minimum(dist, 256)


def _collect(paths: Iterable[str | os.PathLike]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix.lower() in IMAGE_SUFFIXES and q.is_file()))
        else:
            out.append(p)
    return out


def _memmap_npz_member(path: Path, name: str) -> np.ndarray:
    """Map an array stored uncompressed in an .npz without reading it: pages load on use, so an index
    of 10,000 references costs memory only for the candidates a clip touches."""
    import zipfile

    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(f"{name}.npy")
        if info.compress_type != zipfile.ZIP_STORED:
            with zf.open(info) as f:
                return np.lib.format.read_array(f, allow_pickle=False)
        with open(path, "rb") as raw:
            raw.seek(info.header_offset)
            local = raw.read(30)
            n_name, n_extra = int.from_bytes(local[26:28], "little"), int.from_bytes(local[28:30], "little")
            start = info.header_offset + 30 + n_name + n_extra
            raw.seek(start)
            version = np.lib.format.read_magic(raw)
            reader = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, fortran, dtype = reader(raw)
            data_start = raw.tell()
    if not shape or int(np.prod(shape)) == 0:
        return np.zeros(shape, dtype)
    return np.memmap(path, dtype=dtype, mode="r", offset=data_start, shape=shape, order="F" if fortran else "C")


def _gather_rows(arr: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """arr[starts[i]:starts[i] + counts[i]] for every i, concatenated. From a memory map, read with
    pread: fancy indexing would fault in (and count in the process's memory) the pages around every
    row, most of a 10,000-reference file for the head of each reference's list."""
    counts = np.asarray(counts, np.int64)
    starts = np.asarray(starts, np.int64)
    if not isinstance(arr, np.memmap) or arr.filename is None or not arr.flags.c_contiguous:
        rows = np.repeat(starts - np.r_[0, np.cumsum(counts)[:-1]], counts) + np.arange(int(counts.sum()))
        return np.ascontiguousarray(arr[rows])
    row_bytes = arr.itemsize * int(np.prod(arr.shape[1:]))
    out = np.empty((int(counts.sum()),) + arr.shape[1:], arr.dtype)
    buf = memoryview(out.reshape(-1).view(np.uint8))
    ends = np.cumsum(counts * row_bytes).tolist()
    offsets = (arr.offset + starts * row_bytes).tolist()
    fd = os.open(arr.filename, os.O_RDONLY)
    try:
        at = 0
        for off, end in zip(offsets, ends):
            if os.preadv(fd, [buf[at:end]], off) != end - at:
                raise IndexFileError(f"{arr.filename}: truncated index file")
            at = end
    finally:
        os.close(fd)
    return out


def _coverage_full(grey_ref: np.ndarray, k_xy: np.ndarray, k_desc: np.ndarray) -> float:
    """The coverage a clean copy of a reference reaches (its own art scaled, softened, verified against
    it), capped at COVERAGE_FULL, floored at COVERAGE_FULL_MIN. Most art reaches the cap; art whose
    keypoints do not survive resampling (a sprite's pixel staircase, thin lines, a tiled logo) reaches
    a fraction of it, and its copies' coverage is judged against that."""
    if len(k_xy) < C.MIN_INLIERS:
        return C.COVERAGE_FULL
    h, w = grey_ref.shape[:2]
    s = C.COVERAGE_SELF_SCALE
    img = cv2.resize(grey_ref, (max(8, round(w * s)), max(8, round(h * s))), interpolation=cv2.INTER_LINEAR)
    img = cv2.GaussianBlur(img, (0, 0), C.COVERAGE_SELF_BLUR)
    pad = C.COVERAGE_SELF_PAD
    img = cv2.copyMakeBorder(img, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=128)
    f_xy, f_desc = features(img, C.REF_FEATURES)
    v = verify(f_xy, f_desc, 0, k_xy, k_desc, (w, h), (img.shape[1], img.shape[0]), HammingMatcher())
    cov = 0.0 if v is None else v.coverage
    return float(np.clip(cov, C.COVERAGE_FULL_MIN, C.COVERAGE_FULL))


class ReferenceIndex:
    """Everything scan_video needs about the references; build from images, save, load."""

    def __init__(self, names: list[str], sizes: np.ndarray, phash: np.ndarray, dhash: np.ndarray,
                 hash_model: np.ndarray, hash_variant: np.ndarray, kp_xy: np.ndarray, kp_desc: np.ndarray,
                 kp_offsets: np.ndarray, thumbs: np.ndarray, thumb_masks: np.ndarray, version: str | None = None,
                 coverage_full: np.ndarray | None = None, colour_thumbs: np.ndarray | None = None,
                 sibling_group: np.ndarray | None = None, sharp_thumbs: np.ndarray | None = None,
                 sharp_row: np.ndarray | None = None):
        self.names = list(names)
        self.sizes = np.asarray(sizes, np.int32).reshape(-1, 2)          # (R, 2) feature-scale (w, h)
        self.phash = np.asarray(phash, np.uint64)
        self.dhash = np.asarray(dhash, np.uint64)
        self.hash_model = np.asarray(hash_model, np.int32)                # ref * 2 + mirrored
        self.hash_variant = np.asarray(hash_variant, np.int16)
        self.kp_xy = kp_xy if isinstance(kp_xy, np.memmap) else np.asarray(kp_xy, np.float32).reshape(-1, 2)
        self.kp_desc = kp_desc if isinstance(kp_desc, np.memmap) else np.asarray(kp_desc, np.uint8).reshape(-1, 32)
        self.kp_offsets = np.asarray(kp_offsets, np.int64)               # (2R + 1,) model m -> rows
        # thumbnails, like keypoints, may be memory-mapped: read only for the references a clip touches
        self.thumbs = thumbs if isinstance(thumbs, np.memmap) else np.asarray(thumbs, np.uint8).reshape(-1, C.THUMB_SIDE, C.THUMB_SIDE)
        self.thumb_masks = (thumb_masks if isinstance(thumb_masks, np.memmap)
                            else np.asarray(thumb_masks, np.uint8).reshape(-1, C.THUMB_SIDE, C.THUMB_SIDE))
        # per reference: the coverage at which a copy's coverage counts fully (what a clean copy of it
        # reaches, at most COVERAGE_FULL); None (an index made without it) = COVERAGE_FULL for all
        self.coverage_full = (np.full(len(self.names), C.COVERAGE_FULL, np.float32) if coverage_full is None
                              else np.asarray(coverage_full, np.float32).reshape(-1))
        # per reference: a small colour thumbnail and its sibling group (-1: none; see matcher.siblings)
        n = len(self.names)
        self.colour_thumbs = (np.broadcast_to(np.zeros((1, C.SIB_SIDE, C.SIB_SIDE, 3), np.uint8), (n, C.SIB_SIDE, C.SIB_SIDE, 3))
                              if colour_thumbs is None
                              else colour_thumbs if isinstance(colour_thumbs, np.memmap)
                              else np.asarray(colour_thumbs, np.uint8).reshape(n, C.SIB_SIDE, C.SIB_SIDE, 3))
        self.sibling_group = (np.full(n, -1, np.int32) if sibling_group is None
                              else np.asarray(sibling_group, np.int32).reshape(-1))
        # per opaque member of a sibling group: a sharper colour thumbnail (SIB_SHARP_SIDE), row SHARP_ROW[ref] of SHARP_THUMBS
        # (-1: none kept, a reference with no sibling): the detail check reads fine detail on it (another expression of
        # a face, too small to tell at SIB_SIDE; matcher.detail_check)
        side = C.SIB_SHARP_SIDE
        self.sharp_thumbs = (np.zeros((0, side, side, 3), np.uint8) if sharp_thumbs is None
                             else sharp_thumbs if isinstance(sharp_thumbs, np.memmap)
                             else np.asarray(sharp_thumbs, np.uint8).reshape(-1, side, side, 3))
        self.sharp_row = (np.full(n, -1, np.int32) if sharp_row is None else np.asarray(sharp_row, np.int32).reshape(-1))
        self.hash_index = HammingIndex(self.phash)
        self.dhash_index = HammingIndex(self.dhash)
        self.version = version or self._digest()
        # the coarse search runs over the strongest VOTE_FEATURES keypoints of each model (in memory);
        # verification reads a candidate's full list (memory-mapped from the file when loaded)
        counts = np.diff(self.kp_offsets)
        per_model = min(C.VOTE_PER_MODEL, max(C.VOTE_MIN_PER_MODEL, C.VOTE_BUDGET // max(1, len(counts))))
        take = np.minimum(counts, per_model)
        self._vote_rows = (np.repeat(self.kp_offsets[:-1] - np.r_[0, np.cumsum(take)[:-1]], take)
                           + np.arange(int(take.sum()))).astype(np.int64)
        self._vote_desc = _gather_rows(self.kp_desc, self.kp_offsets[:-1], take)
        self.vote_subset = bool((take < counts).any())
        self._kp_model = np.repeat(np.arange(len(counts), dtype=np.int32), take)
        self._hamming = HammingMatcher()
        self._bf = self._hamming      # what scan.py hands verify() as its matcher (knnMatch)
        self._lsh: LshDescriptorIndex | None = None
        self._name_rank: np.ndarray | None = None
        self._labels: np.ndarray | None = None
        self._vote_refs: np.ndarray | None = None
        self._runs: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
        self._group_rows: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        # the approximate search's tables are saved with a large index (sorting them cost a scan 0.4 s); what
        # they were built over, so a file saved under other vote constants is sorted again, not misread
        self._lsh_key = [int(len(self._vote_desc)), int(C.LSH_TABLES), int(per_model)]
        self._lsh_order: np.ndarray | None = None
        self.skipped: list[str] = []

    # --- building -------------------------------------------------------------------------------
    @classmethod
    def build(cls, paths: Sequence[str | os.PathLike], skip_bad: bool = False) -> "ReferenceIndex":
        """Index image files (or folders of them); the reference name is the file stem.

        skip_bad: leave out images that cannot be read (their one-line reasons end in `skipped`)
        instead of raising ReferenceImageError."""
        files = _collect(paths)
        if not files:
            raise MatcherError("no reference images given")
        names, sizes, ph, dh, hm, hv, xy, desc, offsets = [], [], [], [], [], [], [], [], [0]
        cov_full: list[float] = []
        thumbs, tmasks, cthumbs = [], [], []
        seen: set[str] = set()
        skipped: list[str] = []
        read: list = []                    # the file of each reference indexed
        for path in files:
            try:
                ref = load_reference(path)
            except MatcherError as e:
                if not skip_bad:
                    raise
                skipped.append(str(e))
                continue
            if ref.name in seen:
                raise MatcherError(f"two references are named {ref.name!r}: names are file stems and must be unique")
            seen.add(ref.name)
            read.append(path)
            r = len(names)
            names.append(ref.name)
            h, w = ref.bgr.shape[:2]
            sizes.append((w, h))
            g = grey(ref.bgr)
            gm = g[:, ::-1].copy()
            th, tm = thumbnail_of(g, ref.mask if ref.mask.min() == 0 else None)
            thumbs.append(th)
            tmasks.append(tm)
            cthumbs.append(siblings.colour_thumb(ref.bgr))
            variants = hash_variants(ref.bgr)
            for mirrored in (False, True):
                img = gm if mirrored else g
                boxes = [b for (_, b, m) in variants if m == mirrored]
                codes = [c for (c, _, m) in variants if m == mirrored]
                p, d = region_hashes(img, boxes)
                ph.extend(p.tolist()); dh.extend(d.tolist())
                hm.extend([r * 2 + int(mirrored)] * len(boxes)); hv.extend(codes)
                mask = ref.mask[:, ::-1].copy() if mirrored else ref.mask
                k_xy, k_desc = art_features(img, mask, C.REF_FEATURES)
                xy.append(k_xy); desc.append(k_desc)
                offsets.append(offsets[-1] + len(k_xy))
                if not mirrored:
                    cov_full.append(_coverage_full(img, k_xy, k_desc))
        if not names:
            raise MatcherError("no readable reference images: " + "; ".join(skipped[:3]))
        idx = cls(names, np.array(sizes), np.array(ph, np.uint64), np.array(dh, np.uint64), np.array(hm),
                   np.array(hv), np.concatenate(xy), np.concatenate(desc), np.array(offsets), np.array(thumbs),
                   np.array(tmasks), coverage_full=np.array(cov_full, np.float32), colour_thumbs=np.array(cthumbs))
        whole = (idx.hash_variant == 0) & ((idx.hash_model & 1) == 0)   # each reference's unmirrored whole-image hash
        idx.sibling_group = siblings.find_groups(idx.colour_thumbs, idx.sizes, idx.phash[whole][np.argsort(idx.hash_model[whole])],
                                                 idx.thumb_masks)
        # the opaque members of a sibling group read again for their sharper thumbnails (kept for those only: a few; a
        # transparent one's opaque mask is kept at THUMB_SIDE only, too coarse to judge its pixels at that side)
        opaque = np.array([int(np.min(m)) >= 128 for m in idx.thumb_masks], bool).reshape(-1)
        grouped = np.flatnonzero((idx.sibling_group >= 0) & opaque)
        idx.sharp_row = np.full(len(names), -1, np.int32)
        idx.sharp_row[grouped] = np.arange(len(grouped), dtype=np.int32)
        idx.sharp_thumbs = np.array([siblings.sharp_thumb(load_reference(read[r]).bgr) for r in grouped], np.uint8).reshape(
            -1, C.SIB_SHARP_SIDE, C.SIB_SHARP_SIDE, 3)
        idx.version = idx._digest()
        idx.skipped = skipped
        return idx

    def _digest(self) -> str:
        h = hashlib.sha256()
        h.update(f"{C.INDEX_FORMAT}/{C.INDEX_FORMAT_VERSION}/{C.ALGORITHM_VERSION}".encode())
        h.update(json.dumps(self.names).encode())
        for a in (self.sizes, self.phash, self.dhash, self.hash_model, self.hash_variant, self.kp_xy,
                  self.kp_desc, self.kp_offsets, self.thumbs, self.thumb_masks, self.coverage_full,
                  self.colour_thumbs, self.sibling_group, self.sharp_thumbs, self.sharp_row):
            h.update(np.ascontiguousarray(a).tobytes())
        return f"{C.ALGORITHM_VERSION}-{h.hexdigest()[:16]}"

    # --- persistence -----------------------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> None:
        """Write atomically (temp file + rename) so a worker never loads half a file."""
        path = Path(path)
        meta = {"format": C.INDEX_FORMAT, "format_version": C.INDEX_FORMAT_VERSION,
                "algorithm": C.ALGORITHM_VERSION, "version": self.version, "names": self.names,
                "skipped": self.skipped}
        extra = {}
        if len(self._vote_desc) > C.LSH_ABOVE:
            extra["lsh_order"] = np.asarray(self._lsh_search().order, np.int32)
            meta["lsh"] = self._lsh_key
        buf = io.BytesIO()
        np.savez(buf, **extra, meta=np.frombuffer(json.dumps(meta).encode(), np.uint8), sizes=self.sizes,
                 phash=self.phash, dhash=self.dhash, hash_model=self.hash_model, hash_variant=self.hash_variant,
                 kp_xy=self.kp_xy, kp_desc=self.kp_desc, kp_offsets=self.kp_offsets, thumbs=self.thumbs,
                 thumb_masks=self.thumb_masks, coverage_full=self.coverage_full, colour_thumbs=self.colour_thumbs,
                 sibling_group=self.sibling_group, sharp_thumbs=self.sharp_thumbs, sharp_row=self.sharp_row)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".index-", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(buf.getvalue())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "ReferenceIndex":
        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as z:
                meta = json.loads(bytes(z["meta"]).decode())
                arrays = {k: z[k] for k in ("sizes", "phash", "dhash", "hash_model", "hash_variant",
                                            "kp_offsets")}
                # (an index of an older algorithm has none: the version check below refuses it)
                for k in ("coverage_full", "sibling_group", "sharp_row"):
                    arrays[k] = z[k] if k in z.files else None
            for k in ("kp_xy", "kp_desc", "thumbs", "thumb_masks", "colour_thumbs"):
                arrays[k] = _memmap_npz_member(path, k)
            # (an index of an older format has none: the format check below refuses it)
            arrays["sharp_thumbs"] = _memmap_npz_member(path, "sharp_thumbs") if arrays["sharp_row"] is not None else None
        except FileNotFoundError:
            raise IndexFileError(f"{path}: no such index file") from None
        except (OSError, ValueError, KeyError, json.JSONDecodeError) as e:
            raise IndexFileError(f"{path}: not a matcher index ({type(e).__name__})") from None
        if meta.get("format") != C.INDEX_FORMAT or meta.get("format_version") != C.INDEX_FORMAT_VERSION:
            raise IndexFileError(f"{path}: not a matcher index of format version {C.INDEX_FORMAT_VERSION}")
        if meta.get("algorithm") != C.ALGORITHM_VERSION:
            raise IndexFileError(f"{path}: built by matcher algorithm {meta.get('algorithm')}, this is "
                                 f"{C.ALGORITHM_VERSION}; rebuild the index")
        idx = cls(meta["names"], version=meta["version"], **arrays)
        idx.skipped = list(meta.get("skipped", []))
        if meta.get("lsh") == idx._lsh_key:
            try:
                idx._lsh_order = _memmap_npz_member(path, "lsh_order")
            except (OSError, ValueError, KeyError):
                idx._lsh_order = None          # sorted again on first use
        return idx

    @classmethod
    def build_cached(cls, paths: Sequence[str | os.PathLike], cache_dir: str | os.PathLike,
                     skip_bad: bool = False) -> "ReferenceIndex":
        """build(paths), kept in cache_dir under a key of the algorithm version and each image file's
        path, size and modification time: a folder of references scanned again is loaded, not rebuilt
        (building costs ~25 ms a reference, most of a short clip's scan with a few dozen of them).
        A cache that cannot be written is no error: the index is built each time then."""
        files = _collect(paths)
        h = hashlib.sha256(f"{C.INDEX_FORMAT}/{C.INDEX_FORMAT_VERSION}/{C.ALGORITHM_VERSION}/{skip_bad}\n".encode())
        try:
            for f in files:
                st = f.stat()
                h.update(f"{f.resolve()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        except OSError:
            return cls.build(files, skip_bad=skip_bad)     # a missing file: build() says which, in one line
        cache = Path(cache_dir) / f"index-{h.hexdigest()[:24]}.npz"
        try:
            return cls.load(cache)
        except IndexFileError:
            pass
        idx = cls.build(files, skip_bad=skip_bad)
        try:
            idx.save(cache)
        except OSError:
            pass
        return idx

    # --- access ----------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.names)

    def model_features(self, model: int) -> tuple[np.ndarray, np.ndarray]:
        a, b = self.kp_offsets[model], self.kp_offsets[model + 1]
        return np.asarray(self.kp_xy[a:b]), np.ascontiguousarray(self.kp_desc[a:b])

    def coverage_full_of(self, model: int) -> float:
        return float(self.coverage_full[model >> 1])

    def thumb(self, model: int) -> tuple[np.ndarray, np.ndarray]:
        """Grey thumbnail and mask of a model (the mirrored model's are flipped)."""
        r = model >> 1
        if model & 1:
            return self.thumbs[r][:, ::-1], self.thumb_masks[r][:, ::-1]
        return self.thumbs[r], self.thumb_masks[r]

    def siblings_of(self, ref: int) -> list[int]:
        """The other references of ref's sibling group (near-duplicates found at index time)."""
        return siblings.members(self.sibling_group, ref)

    def match_frame(self, frame_desc: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Nearest index keypoint of each frame descriptor that passes the ratio test
        -> (frame rows, index rows, model of each). One search serves votes and verification."""
        empty = np.empty(0, np.int64)
        if len(frame_desc) == 0 or len(self._vote_desc) < 2:
            return empty, empty, empty
        query = frame_desc[: C.VOTE_QUERY]
        # the ratio test's rival is the nearest keypoint of another label: another reference (either way round
        # is one) or, for a member of a sibling group, another group. The cards of one deck share their corners
        # and frame, and such a keypoint counts for the group whichever member the order of the index lists first
        if len(self._vote_desc) > C.LSH_ABOVE:
            labels = self._vote_labels()
            i1, d1, d_twin, d_other = self._lsh_search().knn2(query, labels, self._vote_refs)
        else:
            perm, desc, starts, run_labels = self._label_runs()
            i1, d1, d_twin, d_other = self._hamming.nearest_and_rival(query, desc, starts, run_labels)
            i1 = perm[i1]
        found = i1 >= 0
        ma = self._kp_model[np.maximum(i1, 0)]
        ga = self.sibling_group[ma >> 1]
        # a runner-up of the best's own reference strictly nearer than any other label is no rival (a symmetric
        # keypoint's mirror twin; a tie is not decided by which row comes first). Another member of the best's
        # group is no rival either, but no licence: a corner-like keypoint of footage that happens to lie near
        # two cards' keypoints would pass for every card of the deck
        ok = found & ((d1 < C.RATIO * d_other) | (d_twin < d_other)) & (d1 <= C.MAX_DESC_DISTANCE)
        q = np.flatnonzero(ok)
        rows, models = self._vote_rows[i1[q]], ma[q].astype(np.int64)
        shared = ga[q] >= 0
        if shared.any():
            q, rows, models = self._group_pairs(query, q, rows, models, d1[q], shared)
        return q.astype(np.int64), rows, models

    def _group_pairs(self, query: np.ndarray, q: np.ndarray, rows: np.ndarray, models: np.ndarray,
                     d1: np.ndarray, shared: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A frame keypoint paired with a reference of a sibling group is paired with every other member
        that holds it too (its nearest keypoint within VOTE_SHARED_SLACK bits of the best distance): which
        member the index search names among identical keypoints depends on the order of the index (the
        lowest row wins a tie), and the member shown loses the pairs its precheck and votes need. Each
        member's pairs are then what they would be were it indexed alone with its group; the detail that
        differs decides between them later (matcher.siblings)."""
        out_q, out_r, out_m = [q], [rows], [models]
        groups = self.sibling_group[models >> 1]
        for g in np.unique(groups[shared]):
            sel = np.flatnonzero(groups == g)
            g_rows, g_models, starts = self._group_vote_rows(int(g))
            d = self._hamming.distances(query[q[sel]], self._vote_desc[g_rows])           # (S, G)
            # nearest row of each member model: distance and column packed in one key, min per model segment
            key = (d.astype(np.int64) << 32) | np.arange(len(g_rows), dtype=np.int64)[None, :]
            best = np.minimum.reduceat(key, starts, axis=1)                               # (S, models)
            dist, col = best >> 32, best & 0xFFFFFFFF
            seg_model = g_models[starts]
            take = ((dist <= (d1[sel, None] + C.VOTE_SHARED_SLACK)) & (dist <= C.MAX_DESC_DISTANCE)
                    & ((seg_model[None, :] >> 1) != (models[sel, None] >> 1)))
            # one pair per other member: its nearer model (the lower one on a tie)
            dist_t = np.where(take, dist, 1 << 20)
            ref_of = seg_model >> 1
            for r in np.unique(ref_of[(seg_model >> 1) >= 0]):
                cols = np.flatnonzero(ref_of == r)
                k = cols[np.argmin(dist_t[:, cols], axis=1)]
                hit = take[np.arange(len(sel)), k]
                if hit.any():
                    out_q.append(q[sel[hit]])
                    out_r.append(self._vote_rows[g_rows[col[np.flatnonzero(hit), k[hit]]]])
                    out_m.append(g_models[col[np.flatnonzero(hit), k[hit]]].astype(np.int64))
        q_all, r_all, m_all = np.concatenate(out_q), np.concatenate(out_r), np.concatenate(out_m)
        order = np.lexsort((m_all, q_all))
        return q_all[order], r_all[order], m_all[order]

    def _vote_labels(self) -> np.ndarray:
        """Per coarse-search row: its reference's sibling group, or a label of its reference's own."""
        if self._labels is None:
            ref = self._vote_refs = self._kp_model >> 1
            g = self.sibling_group[ref]
            self._labels = np.where(g >= 0, g, int(self.sibling_group.max(initial=-1)) + 1 + ref).astype(np.int64)
        return self._labels

    def _label_runs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The coarse-search rows in runs, one a reference (its rows in order), the runs of one label together ->
        (that order, their descriptors in it, where each reference's run starts, each run's label)."""
        if self._runs is None:
            # ordered by name within a label, and labels by their first name: of rows tied at the nearest
            # distance, the search names the same one whatever the order of the index (its reference's own
            # runner-up decides the ratio test)
            labels = self._vote_labels()
            rank = self._names_rank()
            ref = self._kp_model >> 1
            first = np.full(int(labels.max(initial=0)) + 1, len(rank), np.int64)
            np.minimum.at(first, labels, rank[ref])
            perm = np.lexsort((np.arange(len(ref)), rank[ref], first[labels]))
            ref = ref[perm]
            starts = np.r_[0, np.flatnonzero(np.diff(ref)) + 1].astype(np.int64)
            desc = (self._vote_desc if np.array_equal(perm, np.arange(len(perm)))
                    else np.ascontiguousarray(self._vote_desc[perm]))
            self._runs = (perm, desc, starts, labels[perm][starts])
        return self._runs

    def _group_vote_rows(self, g: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The coarse search's rows of sibling group g's members (model by model), their models, and where each
        model's rows start."""
        if g not in self._group_rows:
            refs = np.flatnonzero(self.sibling_group == g)
            ms = np.sort(np.concatenate([refs * 2, refs * 2 + 1]))
            rows = np.flatnonzero(np.isin(self._kp_model, ms))
            m = self._kp_model[rows]
            starts = np.r_[0, np.flatnonzero(np.diff(m)) + 1]
            self._group_rows[g] = (rows, m, starts)
        return self._group_rows[g]

    def top_models(self, votes: np.ndarray, n: int = C.VERIFY_TOP, at_least: int = C.VOTE_MIN) -> list[int]:
        """The n most voted models with at least AT_LEAST votes, at most VERIFY_GROUP_TOP of one sibling group
        (its members share the votes of the keypoints they share, and would crowd out the other references
        of a montage); a tie goes to the reference name first (then unmirrored first), never to the position
        in the index: the cards of one deck tie on the keypoints they share, and a verdict must not depend
        on the order they were indexed in."""
        rank = self._names_rank()
        votes = np.asarray(votes)
        models = np.flatnonzero(votes >= at_least)
        out: list[int] = []
        per_group: dict[int, set[int]] = {}
        for m in models[np.lexsort((models & 1, rank[models >> 1], -votes[models]))].tolist():
            g = int(self.sibling_group[m >> 1])
            if g >= 0:
                members = per_group.setdefault(g, set())
                if m >> 1 not in members and len(members) >= C.VERIFY_GROUP_TOP:
                    continue
                members.add(m >> 1)
            out.append(m)
            if len(out) >= n:
                break
        return out

    def _names_rank(self) -> np.ndarray:
        """Each reference's rank by name (unique, and the same whatever the order of the index)."""
        if self._name_rank is None:
            self._name_rank = np.argsort(np.argsort(np.array(self.names, dtype=object), kind="stable"), kind="stable")
        return self._name_rank

    def _lsh_search(self) -> LshDescriptorIndex:
        if self._lsh is None:
            order = self._lsh_order
            ok = order is not None and order.shape == (C.LSH_TABLES * len(self._vote_desc),)
            self._lsh = LshDescriptorIndex(self._vote_desc, order=order if ok else None)
        return self._lsh

    def keypoint_votes(self, frame_desc: np.ndarray) -> np.ndarray:
        """Ratio-test nearest-neighbour votes of a frame's descriptors per model -> (2R,) votes."""
        return self.votes(self.match_frame(frame_desc))

    def votes(self, matched: tuple[np.ndarray, np.ndarray, np.ndarray], where: np.ndarray | None = None) -> np.ndarray:
        """Votes per model of match_frame's pairs (those WHERE is true): a frame keypoint paired with k members
        of a sibling group gives each 1/k. The members hold all of its pairs for verification, but the deck
        does not outvote the other references for having six cards that share a corner."""
        q, _, m = matched
        w = 1.0 / np.bincount(q)[q] if len(q) else np.empty(0)
        if where is not None:
            m, w = m[where], w[where]
        return np.bincount(m, weights=w, minlength=len(self.kp_offsets) - 1)
