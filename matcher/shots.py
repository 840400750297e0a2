"""Shots of a reference video and their keyframes: what `mamoru refs add TRAILER.mp4` indexes.

Two passes over the video (bounded memory for an episode): the first looks at tiny thumbnails a few times a
second and finds cuts (a jump in grey level or in colour histogram), the second decodes again and keeps, for
each shot, the usable frame nearest its middle (one more every SHOT_LONG_S of a long shot). Near-black and
near-uniform frames are never keyframes, near-duplicates (a shot cut back to) are kept once, and a video
gives at most SHOT_MAX_KEYFRAMES keyframes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import av
import cv2
import numpy as np
from PIL import Image

from matcher import constants as C
from matcher.errors import VideoError
from matcher.hashing import hex_to_int, phash_hex
from matcher.video import _duration, _one_line, _open, _rotate


@dataclass
class Keyframe:
    t: float               # seconds from the video's start
    shot: int              # index of its shot (0-based)
    rgb: np.ndarray        # uint8 RGB, long side at most SHOT_KEYFRAME_SIDE
    phash: str


@dataclass
class ShotScan:
    duration: float
    width: int
    height: int
    shots: list[tuple[float, float]] = field(default_factory=list)  # (start, end) seconds
    keyframes: list[Keyframe] = field(default_factory=list)


@dataclass
class _Look:
    t: float
    usable: bool


def _look(frame) -> tuple[np.ndarray, np.ndarray]:
    """A 32x32 grey thumbnail (float32) and a normalised 3x16-bin colour histogram of a decoded frame."""
    small = frame.reformat(width=64, height=36, format="rgb24").to_ndarray()
    grey = cv2.resize(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), (32, 32), interpolation=cv2.INTER_AREA)
    hist = np.concatenate([np.bincount(small[:, :, c].ravel() >> 4, minlength=16) for c in range(3)])
    return grey.astype(np.float32), hist.astype(np.float32) / max(1.0, float(hist.sum()) / 3.0)


def _hellinger(a: np.ndarray, b: np.ndarray) -> float:
    """Mean Hellinger distance of the three channels' histograms (0 same, 1 disjoint)."""
    bc = np.sqrt(a * b).reshape(3, 16).sum(axis=1)
    return float(np.sqrt(np.clip(1.0 - bc, 0.0, 1.0)).mean())


def _frames(container):
    stream = container.streams.video[0]
    stream.codec_context.thread_count = C.DECODE_THREADS
    t0 = None
    last_t = 0.0
    fps = float(stream.average_rate or 0) or 25.0
    for frame in container.decode(stream):
        t = last_t + 1.0 / fps if frame.pts is None else float(frame.pts * stream.time_base)
        if t0 is None:
            t0 = t
        last_t = t
        yield round(t - t0, 3), frame


def find_shots(path: str | os.PathLike, sample_fps: float = C.SHOT_SAMPLE_FPS,
               max_seconds: float | None = None) -> tuple[ShotScan, list[_Look]]:
    """Pass one: the shots (cut times) of the video and which looked-at frames could be keyframes; VideoError
    as soon as it plays longer than MAX_SECONDS (whatever its header declares)."""
    path = Path(path)
    container = _open(path)
    looks: list[_Look] = []
    cuts = [0.0]
    try:
        stream = container.streams.video[0]
        width, height = stream.codec_context.width, stream.codec_context.height
        declared = _duration(container, stream)
        prev = None
        next_look = 0.0
        t = 0.0
        try:
            for t, frame in _frames(container):
                if max_seconds is not None and t > max_seconds:
                    raise VideoError(f"{path}: video longer than {max_seconds:.0f} s")
                if t + 1e-6 < next_look:
                    continue
                next_look = t + 1.0 / sample_fps
                grey, hist = _look(frame)
                usable = float(grey.std()) >= C.SHOT_MIN_STD and float(grey.mean()) >= C.SHOT_MIN_MEAN
                if prev is not None and (float(np.abs(grey - prev[0]).mean()) > C.SHOT_CUT_DIFF
                                         or _hellinger(hist, prev[1]) > C.SHOT_CUT_HIST):
                    cuts.append(t)
                prev = (grey, hist)
                looks.append(_Look(t, usable))
        except av.FFmpegError as e:
            if not looks:
                raise VideoError(f"{path}: no decodable video frames ({_one_line(e)})") from None
            raise VideoError(f"{path}: corrupt or truncated video at {t:.2f} s ({_one_line(e)})") from None
    finally:
        container.close()
    if not looks:
        raise VideoError(f"{path}: no decodable video frames (corrupt or truncated)")
    duration = max(declared, looks[-1].t + 1.0 / sample_fps)
    if declared > 2.0 and looks[-1].t < C.TRUNCATED_SHARE * declared - 1.0:
        raise VideoError(f"{path}: truncated video (decoded {looks[-1].t:.2f} s of {declared:.2f} s)")
    bounds = cuts + [duration]
    scan = ShotScan(duration=round(duration, 3), width=width, height=height,
                    shots=[(bounds[i], bounds[i + 1]) for i in range(len(cuts))])
    return scan, looks


def _wanted_times(scan: ShotScan, looks: list[_Look], cap: int) -> list[tuple[float, int]]:
    """(time, shot) of the keyframes to keep: per shot the usable look nearest its middle (of each
    SHOT_LONG_S window of a long shot), evenly thinned to SHOT_MAX_KEYFRAMES."""
    wanted = []
    for shot, (start, end) in enumerate(scan.shots):
        if end - start < C.SHOT_MIN_LEN_S:
            continue
        inside = [lk.t for lk in looks if start <= lk.t < end and lk.usable]
        windows = max(1, int((end - start) // C.SHOT_LONG_S))
        width = (end - start) / windows
        for w in range(windows):
            middle = start + (w + 0.5) * width
            near = [t for t in inside if start + w * width <= t < start + (w + 1) * width]
            if near:
                wanted.append((min(near, key=lambda t: abs(t - middle)), shot))
    if len(wanted) > cap:
        picks = np.linspace(0, len(wanted) - 1, cap).round().astype(int)
        wanted = [wanted[i] for i in sorted(set(picks.tolist()))]
    return wanted


def _rgb(frame) -> np.ndarray:
    s = min(1.0, C.SHOT_KEYFRAME_SIDE / max(frame.width, frame.height))
    w, h = max(2, int(round(frame.width * s))), max(2, int(round(frame.height * s)))
    rgb = frame.reformat(width=w, height=h, format="rgb24", interpolation="AREA").to_ndarray()
    rot = getattr(frame, "rotation", 0) or 0
    return _rotate(rgb, rot) if rot else rgb


def keyframes(path: str | os.PathLike, max_keyframes: int = C.SHOT_MAX_KEYFRAMES,
              max_seconds: float | None = None) -> ShotScan:
    """The video's shots and their keyframes, at most MAX_KEYFRAMES (VideoError for a file that is no
    readable video, or plays longer than MAX_SECONDS)."""
    path = Path(path)
    scan, looks = find_shots(path, max_seconds=max_seconds)
    wanted = _wanted_times(scan, looks, max(1, max_keyframes))
    kept: list[int] = []
    container = _open(path)
    try:
        i = 0
        for t, frame in _frames(container):
            if i >= len(wanted):
                break
            if t + 1e-6 < wanted[i][0]:
                continue
            rgb = _rgb(frame)
            ph = phash_hex(Image.fromarray(rgb))
            bits = hex_to_int(ph)
            if all(bin(bits ^ k).count("1") > C.SHOT_DUP_BITS for k in kept):
                kept.append(bits)
                scan.keyframes.append(Keyframe(t=t, shot=wanted[i][1], rgb=rgb, phash=ph))
            i += 1
    except av.FFmpegError as e:
        raise VideoError(f"{path}: corrupt video ({_one_line(e)})") from None
    finally:
        container.close()
    return scan
