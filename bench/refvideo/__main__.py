"""Reference-video benchmark (issue 12 item 5): reuploads of a trailer found against its keyframes.

    .venv/bin/python -m bench.refvideo [--clips N] [--seed S]

A landscape 'trailer' (640x360, H.264) of 11 shots made from scikit-image's sample pictures goes through
matcher.shots as `mamoru refs add` does (keyframes -> PNG -> the matcher's index). N reupload clips (360x640,
4 s from a random start) show the centre 30-60 % of its width, mirrored half of the time, on a blurred fill,
a third with a caption bar over a quarter of the picture; N distractor clips are made the same way from another
trailer of other pictures. Prints: reuploads found at the default threshold with a keyframe within one shot of
what they show (and found at a wrong time), distractors flagged, the keyframes taken and the CPU seconds of the
keyframe pass and of the scans, each against the yardstick measured in the same run: `ffmpeg -threads 1 -i
VIDEO -f null -` on the same files (CPU seconds of the child).
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import time
from pathlib import Path

from PIL import Image

import matcher
from matcher import shots
from tests.footage import shot_at, write_episode, write_reupload

OUT = Path(__file__).resolve().parent.parent / "out" / "refvideo"
TRAILER = ("astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg", "motorcycle_left.png",
           "hubble_deep_field.jpg", "ihc.png", "retina.jpg", "camera.png", "coins.png", "moon.png")
OTHER = ("color.png", "logo.png", "clock_motion.png", "phantom.png", "cell.png", "microaneurysms.png",
         "chessboard_RGB.png", "brick.png", "horse.png", "page.png", "grass.png")
SECONDS = 4.0


def child_cpu(cmd: list[str]) -> float:
    """CPU seconds (user + system) of a child command run to its end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def decode_cpu(path: Path) -> float:
    return child_cpu(["ffmpeg", "-hide_banner", "-loglevel", "error", "-threads", "1", "-i", str(path),
                      "-f", "null", "-"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", type=int, default=24, help="reupload clips, and as many distractors (default 24)")
    ap.add_argument("--seed", type=int, default=5, help="seed of the clips' starts and edits")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    trailer, other = OUT / "trailer.mp4", OUT / "other.mp4"
    truth = write_episode(trailer, pictures=TRAILER, black_after=3)
    other_truth = write_episode(other, pictures=OTHER, black_after=99)

    t0 = time.process_time()
    scan = shots.keyframes(trailer)
    t_keys = time.process_time() - t0
    keys = OUT / "keyframes"
    keys.mkdir(exist_ok=True)
    for old in keys.glob("*.png"):
        old.unlink()
    times = {}
    for k in scan.keyframes:
        name = f"kf-{k.t:07.2f}"
        Image.fromarray(k.rgb).save(keys / f"{name}.png")
        times[name] = k.t
    index = matcher.ReferenceIndex.build(sorted(keys.glob("*.png")))
    per_shot = sorted({shot_at(truth, t) for t in times.values()})

    rng = random.Random(args.seed)
    found = wrong_time = flagged = 0
    t_scan = t_decode = 0.0
    misses = []
    for i in range(args.clips):
        for kind, src, src_truth in (("reupload", trailer, truth), ("distractor", other, other_truth)):
            start = round(rng.uniform(0, src_truth[-1].end - SECONDS), 2)
            share, mirror, cover = round(rng.uniform(0.30, 0.60), 2), rng.random() < 0.5, 0.25 if i % 3 == 2 else 0.0
            clip = write_reupload(src, OUT / f"{kind}-{args.seed}-{i}.mp4", start, SECONDS, width_share=share,
                                  mirror=mirror, cover=cover)
            t0 = time.process_time()
            result = matcher.scan_video(clip, index)
            t_scan += time.process_time() - t0
            t_decode += decode_cpu(clip)
            hits = [m for m in result.matches if m.score >= matcher.DEFAULT_THRESHOLD]
            if kind == "distractor":
                flagged += bool(hits)
                continue
            shown = range(shot_at(truth, start) - 1, shot_at(truth, start + SECONDS) + 2)
            if any(shot_at(truth, times[m.reference]) in shown for m in hits):
                found += 1
            else:
                wrong_time += bool(hits)
                misses.append(f"start {start} width {share} mirror {mirror} cover {cover}: "
                              f"{[(m.reference, round(m.score, 2)) for m in result.matches[:2]]}")
    trailer_decode = decode_cpu(trailer)
    print(f"trailer: {truth[-1].end:.1f} s, {len(truth)} shots (+1 black); keyframes {len(scan.keyframes)} "
          f"covering shots {per_shot}")
    print(f"keyframe pass: {t_keys:.2f} CPU s = {t_keys / trailer_decode:.2f}x ffmpeg -threads 1 decode "
          f"({trailer_decode:.2f} s)")
    print(f"reuploads found within one shot: {found}/{args.clips}; found at a wrong time: {wrong_time}; "
          f"distractors flagged: {flagged}/{args.clips} (threshold {matcher.DEFAULT_THRESHOLD})")
    print(f"scan: {t_scan:.2f} CPU s for {2 * args.clips} clips = {t_scan / t_decode:.2f}x ffmpeg -threads 1 "
          f"decode of the same clips ({t_decode:.2f} s)")
    for line in misses:
        print(f"  missed: {line}")


if __name__ == "__main__":
    main()
