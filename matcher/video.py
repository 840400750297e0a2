"""Video input (PyAV) and frame selection: scene changes plus at least SAMPLE_FPS frames a second.

Decoding dominates the cost, so: non-reference frames are skipped by the decoder when the stream has
enough frames without them, scene detection looks at tiny grey thumbnails, and only selected frames
are converted to colour at analysis size.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import av
import cv2
import numpy as np

from matcher import constants as C
from matcher.errors import VideoError


@dataclass
class VideoInfo:
    duration: float
    width: int
    height: int
    fps: float
    codec: str


@dataclass
class SelectedFrame:
    t: float
    bgr: np.ndarray       # analysis size, display orientation
    scene_cut: bool


def _one_line(e: BaseException) -> str:
    s = str(e).strip().splitlines()
    return s[0] if s else type(e).__name__


def _open(path: Path) -> av.container.InputContainer:
    if not path.exists():
        raise VideoError(f"{path}: no such file")
    if path.is_dir():
        raise VideoError(f"{path}: is a directory")
    if path.stat().st_size == 0:
        raise VideoError(f"{path}: empty file (0 bytes)")
    try:
        container = av.open(str(path), mode="r", metadata_errors="ignore")
    except av.error.InvalidDataError:
        raise VideoError(f"{path}: not a video FFmpeg can read (invalid data; corrupt, truncated or another format)") from None
    except av.FFmpegError as e:
        raise VideoError(f"{path}: cannot open ({_one_line(e)})") from None
    if not container.streams.video:
        container.close()
        raise VideoError(f"{path}: no video stream (audio-only or not a video)")
    return container


def _rotate(bgr: np.ndarray, rotation: int) -> np.ndarray:
    r = int(round(rotation / 90.0)) % 4
    if r == 1:
        return cv2.rotate(bgr, cv2.ROTATE_90_COUNTERCLOCKWISE)
    if r == 2:
        return cv2.rotate(bgr, cv2.ROTATE_180)
    if r == 3:
        return cv2.rotate(bgr, cv2.ROTATE_90_CLOCKWISE)
    return bgr


def _analysis_size(w: int, h: int, long_side: int) -> tuple[int, int]:
    s = min(1.0, long_side / max(w, h))
    return max(2, int(round(w * s / 2)) * 2), max(2, int(round(h * s / 2)) * 2)


def probe(path: str | os.PathLike) -> VideoInfo:
    path = Path(path)
    with _open(path) as c:
        s = c.streams.video[0]
        return VideoInfo(duration=_duration(c, s), width=s.codec_context.width, height=s.codec_context.height,
                         fps=float(s.average_rate or 0) or 0.0, codec=s.codec_context.name)


def _duration(container, stream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return 0.0


# 8-bit formats whose first plane is the luma: the scene check reads it directly
_LUMA_FIRST = {"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "nv12", "nv21", "gray"}


def _tiny_grey(frame) -> np.ndarray:
    """A 32x32 grey thumbnail of a decoded frame for the scene-cut check (int16).

    Averaged from every fourth pixel of the luma plane, in a fifth of the time swscale takes to
    convert and shrink the whole picture (~0.5 against ~2.4 ms for 1080x1920): the check runs six
    times a second of video, so on a cheaply decoded clip it was a tenth of the scan."""
    if frame.format.name in _LUMA_FIRST:
        p = frame.planes[0]
        y = np.frombuffer(p, np.uint8).reshape(p.height, p.line_size)[:, : p.width]
        k = max(1, min(y.shape) // 128)
        return cv2.resize(y[::k, ::k], (32, 32), interpolation=cv2.INTER_AREA).astype(np.int16)
    return frame.reformat(width=32, height=32, format="gray").to_ndarray().astype(np.int16)


class FrameReader:
    """Iterate the selected frames of a video; after iteration, `duration`, `decoded`, `info` are set."""

    def __init__(self, path: str | os.PathLike, sample_fps: float = C.SAMPLE_FPS, max_frames: int = C.MAX_FRAMES,
                 long_side: int = C.ANALYSIS_LONG_SIDE, threads: int = C.DECODE_THREADS, skip_nonref: bool = True):
        self.path = Path(path)
        self.sample_fps = sample_fps
        self.max_frames = max_frames
        self.long_side = long_side
        self.threads = threads
        self.skip_nonref = skip_nonref
        self.decoded = 0
        self.duration = 0.0
        self.info: VideoInfo | None = None

    def __iter__(self) -> Iterator[SelectedFrame]:
        container = _open(self.path)
        try:
            yield from self._frames(container)
        finally:
            container.close()

    def _frames(self, container) -> Iterator[SelectedFrame]:
        stream = container.streams.video[0]
        cc = stream.codec_context
        cc.thread_count = self.threads
        cc.thread_type = "FRAME" if self.threads != 1 else "SLICE"
        declared = _duration(container, stream)
        fps = float(stream.average_rate or 0) or 0.0
        # Skipping B-frames (I and P frames never reference them in the streams phones and platforms
        # make) removes a third to a half of the decoding; only when frames are dense enough that what
        # is left still gives the sample rate.
        if self.skip_nonref and fps >= 4 * self.sample_fps:
            cc.skip_frame = "BIDIR"
        # no deblocking: a quarter less decoding, and blocking does not move keypoints or hashes
        cc.options = {"skip_loop_filter": "all"}
        self.info = VideoInfo(duration=declared, width=cc.width, height=cc.height, fps=fps, codec=cc.name)
        step = 1.0 / self.sample_fps
        if declared > 0 and declared * self.sample_fps > self.max_frames:
            step = declared / self.max_frames   # a long video spreads its frame budget over all of it
        scene_step = 1.0 / C.SCENE_FPS
        last_sel = -1e9
        last_look = -1e9
        prev_tiny = None
        selected = 0
        t0 = None
        last_t = 0.0
        size = None
        try:
            for frame in container.decode(stream):
                self.decoded += 1
                if frame.pts is None:
                    t = last_t + (1.0 / fps if fps else 0.04)
                else:
                    t = float(frame.pts * stream.time_base)
                if t0 is None:
                    t0 = t
                t -= t0
                last_t = t
                if t - last_look < scene_step * 0.999 and t - last_sel < step * 0.999:
                    continue
                last_look = t
                tiny = _tiny_grey(frame)
                cut = prev_tiny is not None and float(np.abs(tiny - prev_tiny).mean()) > C.SCENE_CUT
                prev_tiny = tiny
                if not cut and t - last_sel < step * 0.999:
                    continue
                if size is None:
                    size = _analysis_size(frame.width, frame.height, self.long_side)
                bgr = frame.reformat(width=size[0], height=size[1], format="bgr24",
                                     interpolation="AREA").to_ndarray()
                rot = getattr(frame, "rotation", 0) or 0
                if rot:
                    bgr = _rotate(bgr, rot)
                last_sel = t
                selected += 1
                yield SelectedFrame(t=round(t, 3), bgr=bgr, scene_cut=cut)
                if selected >= self.max_frames:
                    break
        except av.FFmpegError as e:
            if self.decoded == 0:
                raise VideoError(f"{self.path}: no decodable video frames ({_one_line(e)})") from None
            raise VideoError(f"{self.path}: corrupt or truncated video at {last_t:.2f} s ({_one_line(e)})") from None
        if self.decoded == 0:
            raise VideoError(f"{self.path}: no decodable video frames (corrupt or truncated)")
        frame_dur = 1.0 / fps if fps else 0.0
        self.duration = round(max(last_t + frame_dur, 0.0), 3)
        if declared > 2.0 and selected < self.max_frames and self.duration < C.TRUNCATED_SHARE * declared:
            raise VideoError(f"{self.path}: truncated video (decoded {self.duration:.2f} s of {declared:.2f} s)")
        if declared > 0 and (abs(declared - self.duration) < 0.5 or selected >= self.max_frames):
            self.duration = round(declared, 3)
