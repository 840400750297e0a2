"""Hamming search over 64-bit hashes: the reference index's exact search and the sibling grouping's."""

from __future__ import annotations

import numpy as np

from matcher import constants as C
from matcher.hashing import hamming


class HammingIndex:
    """Vectorised Hamming search (xor + popcount over uint64). Large indexes are also filed by the four
    16-bit quarters of each hash (multi-index hashing): a hash within distance r of a query agrees with
    it to within r // 4 bits on some quarter, so only those buckets are compared, with the same result
    as comparing every hash."""

    MULTI_INDEX_ABOVE = 100_000   # hashes from which the quarter buckets pay (below, one xor pass is faster)

    def __init__(self, hashes: np.ndarray):
        self.hashes = np.ascontiguousarray(hashes, dtype=np.uint64)
        self._quarters: list[tuple[np.ndarray, np.ndarray]] | None = None
        self._flips: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.hashes)

    def _within(self, q: np.ndarray, max_distance: int) -> np.ndarray | None:
        """Rows within max_distance of q, ascending; None when a full pass is cheaper."""
        r = max_distance // 4
        if len(self.hashes) < self.MULTI_INDEX_ABOVE or r > 3:
            return None
        if self._quarters is None:
            quarters = self.hashes.view(np.uint16).reshape(-1, 4)
            self._quarters = []
            for k in range(4):
                order = np.argsort(quarters[:, k], kind="stable")
                # the hashes in bucket order too: a bucket's hashes are then read in one run
                self._quarters.append((order.astype(np.int32), self.hashes[order],
                                       np.r_[0, np.cumsum(np.bincount(quarters[:, k], minlength=65536))]))
        if r not in self._flips:
            self._flips[r] = np.flatnonzero(np.bitwise_count(np.arange(65536, dtype=np.uint16)) <= r)
        flips = self._flips[r]
        hits = []
        for k, key in enumerate(np.asarray(q, np.uint64).reshape(1).view(np.uint16).tolist()):
            order, bucketed, starts = self._quarters[k]
            keys = flips ^ key
            lo = starts[keys]
            lens = starts[keys + 1] - lo
            n = int(lens.sum())
            if n:
                pos = np.repeat(lo - (np.cumsum(lens) - lens), lens) + np.arange(n)
                pos = pos[hamming(bucketed[pos], q) <= max_distance]
                hits.append(order[pos])
        # a row near the query on two quarters is found twice
        return np.unique(np.concatenate(hits)).astype(np.int64) if hits else np.empty(0, np.int64)

    def query(self, queries: np.ndarray, max_distance: int, top: int = C.HASH_TOP) -> list[tuple[np.ndarray, np.ndarray]]:
        """For each query hash: (row indices, distances) within max_distance, nearest first, at most `top` (more
        when rows tie with the top-th)."""
        out = []
        if len(self.hashes) == 0:
            return [(np.empty(0, np.int64), np.empty(0, np.uint8)) for _ in queries]
        for q in np.asarray(queries, dtype=np.uint64):
            rows = self._within(q, max_distance)
            if rows is None:
                d = hamming(self.hashes, q)
                rows = np.flatnonzero(d <= max_distance)
                d = d[rows]
            else:
                d = hamming(self.hashes[rows], q)
            if len(rows) > top:
                # every row tied with the top-th is kept: which of them a cut keeps would follow the order of
                # the index (the cards of one deck hash alike), not the content
                keep = d <= np.partition(d, top - 1)[top - 1]
                rows, d = rows[keep], d[keep]
            order = np.argsort(d, kind="stable")
            out.append((rows[order], d[order]))
        return out

    def nearest(self, queries: np.ndarray, chunk: int = 64) -> tuple[np.ndarray, np.ndarray]:
        """Nearest row and its distance for each query (batched: chunk x N distance blocks)."""
        q = np.asarray(queries, dtype=np.uint64)
        rows = np.empty(len(q), np.int64)
        dist = np.empty(len(q), np.uint8)
        for i in range(0, len(q), chunk):
            block = hamming(self.hashes[None, :], q[i:i + chunk, None])
            rows[i:i + chunk] = block.argmin(axis=1)
            dist[i:i + chunk] = block[np.arange(len(block)), rows[i:i + chunk]]
        return rows, dist
