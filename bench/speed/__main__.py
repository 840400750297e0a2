"""`python -m bench.speed [--quick] [--clips edit,grainy,clean] [--memory]`: time `mamoru scan` on 30 s
1080x1920 H.264 clips against `ffmpeg -threads 1 -i CLIP -f null -` on the same clip in the same run
(both pinned to one CPU with taskset; wall and CPU time, paired and interleaved, the fastest of --repeat
runs): the edit-heavy clip of issue 12 (a new shot every 2-5 s with pan and zoom, a moving
picture-in-picture, a text bar; made with ffmpeg), a grainy high-bitrate slideshow where decoding
dominates, and the same slideshow without grain, cheap to decode, where the analysis does.
Also frames per second, peak memory (and with a 10,000-reference index; `--memory` runs only that),
Hamming-search queries/s."""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "out" / "speed"
REPO = Path(__file__).resolve().parent.parent.parent


def make_clip(path: Path, seconds: int = 30, fps: int = 30, w: int = 1080, h: int = 1920, grain: bool = True) -> Path:
    """A slideshow with slow zooms and a cut every 5 s, one shot showing a reference picture-in-picture.

    grain: film grain, so the bitrate is that of a real short (about 10 Mbit/s); without it the clip is
    a few MB and cheap to decode, which makes the decoder's head start over the analysis small."""
    import cv2
    import skimage

    from bench import synth as S

    if path.exists():
        return path
    data = Path(skimage.__file__).parent / "data"
    shots = ["grass.png", "hubble_deep_field.jpg", "brick.png", "moon.png", "gravel.png", "retina.jpg"]
    imgs = [cv2.resize(cv2.imread(str(data / s), cv2.IMREAD_COLOR), (w, h), interpolation=cv2.INTER_LINEAR) for s in shots]
    coffee = cv2.imread(str(data / "coffee.png"), cv2.IMREAD_COLOR)
    imgs[2] = S.pip(coffee, imgs[2], 0.4, (0.5, 0.3), w=w, h=h)
    per = 5 * fps

    rng = np.random.default_rng(0)
    noise = [rng.normal(0, 4, (h // 2, w // 2, 1)).astype(np.float32) for _ in range(8)]

    def frame(i: int) -> np.ndarray:
        # slow zoom and pan, plus film grain, so the bitrate is that of a real short (about 4 Mbit/s)
        base = imgs[(i // per) % len(imgs)]
        z = 1.0 + 0.15 * (i % per) / per
        M = cv2.getRotationMatrix2D((w / 2 + 20 * np.sin(i / 20), h / 2), 0, z)
        f = cv2.warpAffine(base, M, (w, h), flags=cv2.INTER_LINEAR)
        if not grain:
            return f
        f = f.astype(np.float32) + cv2.resize(noise[i % len(noise)], (w, h), interpolation=cv2.INTER_NEAREST)[..., None]
        return np.clip(f, 0, 255).astype(np.uint8)

    tmp = path.with_suffix(".tmp.mp4")
    S.write_clip(tmp, frame, seconds=seconds, fps=fps, w=w, h=h, crf=23)
    tmp.rename(path)
    return path


EDIT_SHOTS = ["grass.png", "motorcycle_right.png", "hubble_deep_field.jpg", "brick.png", "camera.png",
              "moon.png", "coins.png", "gravel.png", "retina.jpg", "clock_motion.png", "page.png", "cell.png"]


def make_edit_clip(path: Path, seconds: int = 30, fps: int = 30, w: int = 1080, h: int = 1920) -> Path:
    """The edit-heavy clip of issue 12, made by one ffmpeg filter graph: a new shot every 2-5 s (seeded),
    each panning and zooming over a picture (zoompan), a reference picture-in-picture moving across the
    frame all along, a caption bar with text, light grain. No code of the matcher is involved."""
    import skimage

    if path.exists():
        return path
    data = Path(skimage.__file__).parent / "data"
    font = Path(__import__("matplotlib").__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans-Bold.ttf"
    rng = np.random.default_rng(12)
    durations: list[float] = []
    while seconds - sum(durations) > 5:
        durations.append(round(float(rng.uniform(2, min(5, seconds - sum(durations) - 2))) * fps) / fps)
    durations.append(seconds - sum(durations))
    inputs, parts = [], []
    for i, d in enumerate(durations):
        inputs += ["-i", str(data / EDIT_SHOTS[i % len(EDIT_SHOTS)])]
        n = max(1, round(d * fps))
        zin = rng.random() < 0.5
        z = f"min(1+{0.25 / n:.6f}*on,1.25)" if zin else f"max(1.25-{0.25 / n:.6f}*on,1)"
        px, py = rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8)
        parts.append(f"[{i}:v]format=yuv420p,scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h},"
                     f"zoompan=z='{z}':x='(iw-iw/zoom)*({px:.2f}+0.2*on/{n})':y='(ih-ih/zoom)*{py:.2f}':"
                     f"d={n}:s={w}x{h}:fps={fps},setsar=1,format=yuv420p[s{i}]")
    k = len(durations)
    inputs += ["-loop", "1", "-framerate", str(fps), "-t", str(seconds), "-i", str(data / "chelsea.png")]
    g = ";".join(parts) + ";" + "".join(f"[s{i}]" for i in range(k)) + f"concat=n={k}:v=1:a=0[base];"
    g += f"[{k}:v]scale={w * 2 // 5}:-2,setsar=1[pip];"
    g += (f"[base][pip]overlay=x='(W-w)*(0.5+0.45*sin(t*0.7))':y='(H-h)*(0.35+0.25*cos(t*0.45))':shortest=1,"
          f"drawbox=x=0:y=ih*0.78:w=iw:h=ih*0.09:color=black@0.65:t=fill,"
          f"drawtext=fontfile='{font}':text='wait for the end - part 3':fontsize=64:fontcolor=white:"
          f"x=(w-tw)/2:y=h*0.805,noise=alls=5:allf=t,format=yuv420p[v]")
    tmp = path.with_suffix(".tmp.mp4")
    cmd = (["ffmpeg", "-nostdin", "-y", "-v", "error"] + inputs
           + ["-filter_complex", g, "-map", "[v]", "-t", str(seconds), "-r", str(fps), "-c:v", "libx264",
              "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-an", str(tmp)])
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        raise SystemExit(f"bench.speed: could not make the edit-heavy clip: {p.stderr.strip()[-600:]}")
    tmp.rename(path)
    print(f"edit-heavy clip: {len(durations)} shots of {', '.join(f'{d:.1f}' for d in durations)} s, {path}")
    return path


def pinned(cmd: list[str]) -> list[str]:
    return (["taskset", "-c", "0"] + cmd) if shutil.which("taskset") else cmd


# The scan child reports its own peak (VmHWM) on exit: a child's ru_maxrss would include the
# benchmark's own memory, copied at fork before exec.
SCAN_CODE = ("import atexit, os\n"
             "def _hwm():\n"
             "    line = [x for x in open('/proc/self/status') if x.startswith('VmHWM')][0]\n"
             "    open(os.environ['BENCH_HWM'], 'w').write(line.split()[1])\n"
             "atexit.register(_hwm)\n"
             "import sys\n"
             "sys.argv[0] = 'mamoru'\n"
             "from mamoru.cli.main import main\n"   # the `mamoru` console script, lazy commands and all
             "main()\n")


def child_env(hwm: Path) -> dict[str, str]:
    """The timed child's environment: as an installed Mamoru runs, with its modules' bytecode compiled once (pip
    compiles it at install; PYTHONDONTWRITEBYTECODE, set on this machine and by scripts/test.sh, made every `mamoru
    scan` compile every module again, 0.2-0.3 s no user pays), kept under bench/out, not in the source tree. The
    first of the paired runs writes it (`compare` runs one untimed scan first)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "BENCH_HWM": str(hwm), "PYTHONPYCACHEPREFIX": str(OUT / "pycache")}


def timed(cmd: list[str]) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds (user + system), peak RSS (MiB) of the child (0 when it does not
    report it), its stdout. CPU time is what the machine's other work cannot inflate much."""
    hwm = OUT / "hwm.txt"
    hwm.unlink(missing_ok=True)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=REPO, env=child_env(hwm))
    wall = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    if p.returncode:
        raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)}")
    peak = int(hwm.read_text()) // 1024 if hwm.exists() else 0
    return wall, cpu, peak, p.stdout.decode()


def instructions(cmd: list[str]) -> int:
    """Instructions the child executes, counted by valgrind's callgrind: the same count for the same code and input
    whatever else the machine does (time on a shared 2-core machine moves by 10-30 %)."""
    if not shutil.which("valgrind"):
        raise SystemExit("bench.speed --instructions: valgrind is not installed (apt-get install -y valgrind)")
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd], cwd=REPO,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=child_env(OUT / "hwm.txt"))
    found = re.search(r"Collected : (\d+)", p.stderr)
    if p.returncode or not found:
        raise SystemExit(f"bench.speed: callgrind run failed ({p.returncode}): {' '.join(cmd)}: {p.stderr[-400:]}")
    return int(found.group(1))


def count_instructions(label: str, clip: Path, scan_cmd: list[str]) -> None:
    """`mamoru scan` and `ffmpeg -threads 1` decoding on one clip, in instructions (`instructions`), and their ratio.
    Instructions are not seconds (decoding runs more of them per cycle than Python does): the ratio compares
    versions of the matcher under any load, the timed ratio is the target's."""
    timed(scan_cmd)                    # untimed: compiles the modules' bytecode (child_env)
    ff = instructions(["ffmpeg", "-nostdin", "-v", "error", "-threads", "1", "-i", str(clip), "-f", "null", "-"])
    sc = instructions(scan_cmd)
    print(f"{label}: {clip} ({clip.stat().st_size / 1e6:.1f} MB)\n"
          f"  ffmpeg -threads 1 decode:  {ff / 1e9:7.2f} G instructions\n"
          f"  mamoru scan (4 references): {sc / 1e9:7.2f} G instructions   ratio {sc / ff:.2f}")


def best_of(cmd: list[str], repeat: int) -> tuple[float, float, int, str]:
    """The fastest of `repeat` runs (wall and CPU each), the largest peak memory."""
    runs = [timed(cmd) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs), max(r[2] for r in runs), runs[-1][3]


def _unrelated_descriptors() -> np.ndarray:
    """ORB descriptors of skimage pictures that are neither references nor in the clips: the shape of
    real descriptors (crowded keys, runs of equal bits), which uniform random bytes lack."""
    import cv2
    import skimage

    from matcher.verify import features

    data = Path(skimage.__file__).parent / "data"
    out = []
    for name in ("camera.png", "cell.png", "clock_motion.png", "coins.png", "color.png", "horse.png", "ihc.png",
                 "logo.png", "microaneurysms.png", "motorcycle_left.png", "page.png", "phantom.png", "text.png",
                 "chessboard_GRAY.png"):
        img = cv2.imread(str(data / name), cv2.IMREAD_GRAYSCALE)
        if img is not None:
            img = cv2.resize(img, None, fx=512 / max(img.shape), fy=512 / max(img.shape), interpolation=cv2.INTER_AREA)
            out += [features(img, 700)[1], features(img[:, ::-1].copy(), 700)[1]]
    return np.concatenate(out)


def big_index(real, n_refs: int):
    """The real index padded to n_refs references with made-up keypoints, hashes and thumbnails: the
    same arrays, sizes and search work as n_refs real pictures (building 10,000 real ones takes minutes).
    The made-up descriptors are real ones of unrelated pictures with 45 of their 256 bits flipped, so
    that the approximate search meets the crowded keys real descriptors have."""
    import matcher
    from matcher import constants as C

    rng = np.random.default_rng(0)
    extra = n_refs - len(real.names)
    per_model = C.REF_FEATURES
    n_hash = len(real.phash) // max(1, len(real.names))
    names = real.names + [f"pad{i:05d}" for i in range(extra)]
    sizes = np.vstack([real.sizes, np.tile([[512, 384]], (extra, 1))])
    phash = np.concatenate([real.phash, rng.integers(0, 2**63, extra * n_hash, dtype=np.int64).astype(np.uint64)])
    dhash = np.concatenate([real.dhash, rng.integers(0, 2**63, extra * n_hash, dtype=np.int64).astype(np.uint64)])
    models_per_ref = (len(real.kp_offsets) - 1) // len(real.names)
    hm = np.concatenate([real.hash_model, np.repeat(np.arange(len(real.names), n_refs) * models_per_ref, n_hash)])
    hv = np.concatenate([real.hash_variant, np.tile(np.arange(n_hash), extra)])
    n_kp = extra * models_per_ref * per_model
    kp_xy = np.concatenate([real.kp_xy, rng.uniform(0, 384, (n_kp, 2)).astype(np.float32)])
    base = _unrelated_descriptors()
    pad_desc = np.empty((n_kp, 32), np.uint8)
    for s in range(0, n_kp, 1 << 20):
        e = min(n_kp, s + (1 << 20))
        flips = np.packbits(rng.random((e - s, 256)) < 45 / 256, axis=1)
        pad_desc[s:e] = base[rng.integers(0, len(base), e - s)] ^ flips
    kp_desc = np.concatenate([real.kp_desc, pad_desc])
    offs = np.concatenate([real.kp_offsets, real.kp_offsets[-1] + per_model * np.arange(1, extra * models_per_ref + 1)])
    thumbs = np.concatenate([real.thumbs, rng.integers(0, 256, (extra,) + real.thumbs.shape[1:], dtype=np.uint8)])
    tmasks = np.concatenate([real.thumb_masks, np.full((extra,) + real.thumbs.shape[1:], 255, np.uint8)])
    cov = np.concatenate([real.coverage_full, rng.uniform(0.08, 0.2, extra).astype(np.float32)])
    return matcher.ReferenceIndex(names, sizes, phash, dhash, hm, hv, kp_xy, kp_desc, offs, thumbs, tmasks,
                                  coverage_full=cov)


def hamming_qps(n: int, queries: int = 200) -> float:
    from matcher.index import HammingIndex

    rng = np.random.default_rng(1)
    idx = HammingIndex(rng.integers(0, 2**63, n, dtype=np.int64).astype(np.uint64))
    q = rng.integers(0, 2**63, queries, dtype=np.int64).astype(np.uint64)
    idx.query(q[:5], 10)
    t = time.perf_counter()
    idx.query(q, 10)
    return queries / (time.perf_counter() - t)


def ffmpeg_cmd(clip: Path) -> list[str]:
    return pinned(["ffmpeg", "-nostdin", "-v", "error", "-threads", "1", "-i", str(clip), "-f", "null", "-"])


def compare(label: str, clip: Path, scan_cmd: list[str], index, repeat: int) -> tuple[float, float]:
    """ffmpeg and `mamoru scan` on one clip, interleaved, the fastest of `repeat` runs of each."""
    import matcher

    ff, sc = [], []
    timed(pinned(scan_cmd))            # untimed: compiles the modules' bytecode (child_env), warms the file cache
    for _ in range(repeat):
        ff.append(timed(ffmpeg_cmd(clip)))
        sc.append(timed(pinned(scan_cmd)))
    t_ff, c_ff = min(r[0] for r in ff), min(r[1] for r in ff)
    t_scan, c_scan, rss = min(r[0] for r in sc), min(r[1] for r in sc), max(r[2] for r in sc)
    row = json.loads(sc[-1][3].strip().splitlines()[-1])
    # in-process: the library alone, without interpreter start-up and imports
    t, c = time.perf_counter(), time.process_time()
    res = matcher.scan_video(clip, index)
    t_lib, c_lib = time.perf_counter() - t, time.process_time() - c
    print(f"{label}: {clip} ({clip.stat().st_size / 1e6:.1f} MB)")
    print(f"  ffmpeg -threads 1 decode:   {t_ff:6.2f} s  (CPU {c_ff:5.2f} s)")
    print(f"  mamoru scan (one CPU):      {t_scan:6.2f} s  (CPU {c_scan:5.2f} s)   ratio {t_scan / t_ff:.2f}  "
          f"(CPU ratio {c_scan / c_ff:.2f})   peak RSS {rss} MiB   {row['frames']} frames sampled, "
          f"matches {[m['reference'] for m in row['matches']]}")
    print(f"  scan_video in-process:      {t_lib:6.2f} s  (CPU {c_lib:5.2f} s)   ratio {t_lib / t_ff:.2f}  "
          f"(CPU ratio {c_lib / c_ff:.2f})   "
          f"{res.decoded} frames decoded ({res.decoded / t_lib:.0f} fps), {res.frames} sampled ({res.frames / t_lib:.1f} fps), "
          f"{res.tracked} of them carried over by motion tracking")
    return t_ff, c_ff


def profile(clip: Path, index) -> None:
    """Cumulative seconds of the matcher's own functions (and OpenCV's heaviest calls) on one clip."""
    import cProfile
    import pstats

    import matcher

    prof = cProfile.Profile(time.process_time)     # CPU seconds: wall time on a shared machine says little
    prof.runcall(matcher.scan_video, clip, index)
    stats = pstats.Stats(prof).stats
    total = max(v[3] for v in stats.values())
    rows = [(v[3], v[1], f"{Path(f).parent.name}/{Path(f).name}:{fn}" if f != "~" else fn)
            for (f, _, fn), v in stats.items() if "/matcher/" in f or (f == "~" and v[3] > 0.03 * total)]
    print(f"  where the time goes (cProfile, {total:.2f} CPU s in all; cumulative, nested):")
    for cum, calls, name in sorted(rows, reverse=True)[:18]:
        print(f"    {cum:6.2f} s {100 * cum / total:4.0f} %  {calls:6d} calls  {name}")


def memory_only(scan_cmd: list[str], big: Path, n_big: int, clip: Path) -> None:
    """Peak memory of a fresh `mamoru scan` child with the big index: its own VmHWM, and ru_maxrss of
    the waited-for children (which counts the largest child, here the scan)."""
    wall, cpu, peak, out = timed(pinned(scan_cmd + [str(big), str(clip), "--json"]))
    maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    row = json.loads(out.strip().splitlines()[-1])
    print(f"mamoru scan, {n_big:,} references, {clip.name}: peak memory {peak} MiB (VmHWM of the scan process; "
          f"ru_maxrss of children {maxrss} MiB), {wall:.2f} s, matches {[m['reference'] for m in row['matches']]}")


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.speed", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="1,000 references instead of 10,000 for the memory run")
    ap.add_argument("--clip", type=Path, default=None, help="another clip instead of the two generated ones")
    ap.add_argument("--repeat", type=int, default=2, help="runs of each timing; the fastest counts (default 2)")
    ap.add_argument("--profile", action="store_true", help="also print where scan_video spends its time on each clip")
    ap.add_argument("--clips", default="edit,grainy,clean",
                    help="which generated clips to time, comma-separated (default: edit,grainy,clean)")
    ap.add_argument("--memory", action="store_true",
                    help="only the peak memory of `mamoru scan` with 10,000 references (--quick: 1,000), in a child")
    ap.add_argument("--instructions", action="store_true",
                    help="count instructions (valgrind's callgrind) of `mamoru scan` and of ffmpeg's decoding instead of "
                         "timing them: the same figures under any load, to compare two versions (slow: ~50x)")
    args = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    import matcher
    import skimage

    OUT.mkdir(parents=True, exist_ok=True)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})     # the in-process runs on the same single CPU
    makers = {
        "edit": lambda: ("edit-heavy clip (issue 12: a shot every 2-5 s, pan and zoom, moving PiP, text bar)",
                         make_edit_clip(OUT / "edit_heavy_1080x1920_30s_v2.mp4")),
        "grainy": lambda: ("grainy clip (high bitrate)", make_clip(OUT / "clip_1080x1920_30s_v2.mp4")),
        "clean": lambda: ("clean clip (low bitrate, cheap to decode)",
                          make_clip(OUT / "clip_1080x1920_30s_clean.mp4", grain=False)),
    }
    wanted = [c.strip() for c in args.clips.split(",") if c.strip()]
    unknown = [c for c in wanted if c not in makers]
    if unknown:
        ap.error(f"unknown clip {unknown[0]!r}; choose from {', '.join(makers)}")
    if args.clip:
        clips = [("clip", args.clip)]
    elif args.memory:
        clips = [makers["edit"]()]
    else:
        clips = [makers[c]() for c in wanted]
    data = Path(skimage.__file__).parent / "data"
    idx = matcher.ReferenceIndex.build([data / n for n in ("astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg")])
    small = OUT / "index_4.npz"
    idx.save(small)
    n_big = 1000 if args.quick else 10000
    big = OUT / f"index_{n_big}_v2.npz"      # v2: made-up descriptors shaped like real ones
    try:
        stale = matcher.ReferenceIndex.load(big).names[:4] != idx.names
    except matcher.MatcherError:       # missing, or built by another algorithm version
        stale = True
    if stale:
        big_index(idx, n_big).save(big)
    scan_cmd = [sys.executable, "-c", SCAN_CODE, "scan", "--refs"]
    if args.memory:
        memory_only(scan_cmd, big, n_big, clips[0][1])
        return
    if args.instructions:
        for label, clip in clips:
            count_instructions(label, clip, scan_cmd + [str(small), str(clip), "--json"])
        return
    base = None
    for label, clip in clips:
        t_ff = compare(label, clip, scan_cmd + [str(small), str(clip), "--json"], idx, args.repeat)
        base = base or (clip, t_ff)
        if args.profile:
            profile(clip, idx)
    clip, (t_ff, c_ff) = base
    t_big, c_big, rss_big, out_big = best_of(pinned(scan_cmd + [str(big), str(clip), "--json"]), args.repeat)
    row = json.loads(out_big.strip().splitlines()[-1])
    print(f"mamoru scan, {n_big} references, first clip: {t_big:6.2f} s  (CPU {c_big:5.2f} s)   ratio {t_big / t_ff:.2f}  "
          f"(CPU ratio {c_big / c_ff:.2f})   peak RSS {rss_big} MiB   matches {[m['reference'] for m in row['matches']]}")
    for n in (10_000, 100_000, 1_000_000):
        print(f"Hamming search, {n:>9,} hashes: {hamming_qps(n):10,.0f} queries/s (one query at a time, radius 10)")


if __name__ == "__main__":
    main()
