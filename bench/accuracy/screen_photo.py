"""The `screenphoto` family of the ffmpeg pipeline: a phone filming a monitor, a TV or another phone that shows the
art, and a phone's screen recording of a video app playing it. Written from what such clips show:

- the screen is a plane seen in perspective (yaw, pitch, roll of a hand-held phone), with its bezel and the room
  around it, and the hand's shake from frame to frame;
- the screen is a grid of R, G, B sub-pixel stripes with dark gaps between rows; the camera samples that grid at a
  rate of its own, after a lens blur too small to remove it, and the aliasing left is moire (waves and colour
  fringes across the picture);
- an LCD's light: its gamma, a cooler white point than the room's light (the camera's white balance is the room's,
  so the screen reads blue), black that is grey (backlight bleed) and uneven over the panel, and a camera that
  exposes for the room or for the screen (blown highlights, crushed blacks, a low-contrast picture);
- the glass reflects: a soft bright patch (a window, a lamp) and a faint mirror image of the room;
- the panel's refresh and a rolling shutter leave dark bands that roll down the picture; defocus, motion blur and
  sensor noise;
- around a phone's screen, and in a screen recording, the app's UI: status bar, buttons down the right side, the
  uploader's name and a caption, a progress bar.

Drawn with NumPy and Pillow (Pillow's perspective transform samples without area filtering, as a camera's line
skipping does, which is what leaves the moire); no code of the matcher's. One clip is rendered frame by frame and
piped to one `ffmpeg` process encoding as the rest of the pipeline does."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter
from scipy.ndimage import gaussian_filter

from bench.accuracy import artgen

KINDS = ("monitor", "tv", "phone", "recording")   # the screen filmed (or recorded), cycled over a family's clips
USERS = ["@mika.edits", "@daily.clips", "@nori_fan", "@reup.zone", "@weeb_corner"]
CAPTIONS = ["no way this is real", "caught this on tv lol", "my favourite part", "wait for the end",
            "rewatching this again"]


def _srgb_to_linear(x: np.ndarray) -> np.ndarray:
    return np.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4)


def _linear_to_srgb(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0, 1)
    return np.where(x <= 0.0031308, x * 12.92, 1.055 * x ** (1 / 2.4) - 0.055)


# ---- what the screen shows ------------------------------------------------------------------------

def _fitted(art: Image.Image, w: int, h: int) -> Image.Image:
    """The art scaled up or down to fit w x h (a player shows a small picture as large as it fits)."""
    k = min(w / art.width, h / art.height)
    return art.resize((max(1, round(art.width * k)), max(1, round(art.height * k))), Image.BICUBIC)


def player_page(art: Image.Image, w: int, h: int, rng: np.random.Generator) -> Image.Image:
    """A landscape screen playing the art full screen (fitted, black around it), a player's progress bar and
    controls over its foot in half the clips, a browser's tab bar over its top in a quarter."""
    page = Image.new("RGB", (w, h), (0, 0, 0))
    top = int(h * 0.07) if rng.random() < 0.25 else 0
    a = _fitted(art, w, h - top)
    page.paste(a, ((w - a.width) // 2, top + (h - top - a.height) // 2))
    d = ImageDraw.Draw(page)
    if top:
        d.rectangle((0, 0, w, top), fill=(222, 225, 230))
        d.rounded_rectangle((int(w * 0.02), int(top * 0.25), int(w * 0.22), top), 6, fill=(250, 250, 250))
        d.text((int(w * 0.03), int(top * 0.35)), "video - player", fill=(40, 40, 40), font=artgen.font(artgen.BOLD, max(8, top // 3)))
    if rng.random() < 0.5:
        y = int(h * 0.93)
        done = rng.uniform(0.1, 0.9)
        d.rectangle((0, y - int(h * 0.05), w, h), fill=(12, 12, 12))
        d.rectangle((int(w * 0.03), y, int(w * 0.97), y + max(2, h // 160)), fill=(110, 110, 110))
        d.rectangle((int(w * 0.03), y, int(w * (0.03 + 0.94 * done)), y + max(2, h // 160)), fill=(230, 30, 40))
        d.polygon([(int(w * 0.03), y - int(h * 0.04)), (int(w * 0.03), y - int(h * 0.012)),
                   (int(w * 0.05), y - int(h * 0.026))], fill=(240, 240, 240))
    return page


def app_page(art: Image.Image, w: int, h: int, rng: np.random.Generator) -> Image.Image:
    """A phone's portrait screen in a short-video app: the art fitted on black, a status bar, buttons down the
    right side, the uploader's name and a caption at the foot, a progress bar."""
    page = Image.new("RGB", (w, h), (0, 0, 0))
    a = _fitted(art, w, int(h * 0.8))
    page.paste(a, ((w - a.width) // 2, int(h * 0.46) - a.height // 2))
    d = ImageDraw.Draw(page)
    small, big = artgen.font(artgen.BOLD, max(8, w // 24)), artgen.font(artgen.BOLD, max(9, w // 18))
    d.text((int(w * 0.07), int(h * 0.012)), f"{int(rng.integers(7, 12))}:{int(rng.integers(10, 60)):02d}",
           fill=(255, 255, 255), font=small)
    bx = int(w * 0.8)
    d.rectangle((bx, int(h * 0.016), bx + int(w * 0.09), int(h * 0.034)), outline=(255, 255, 255), width=2)
    x1, y1 = bx + int(w * 0.09 * rng.uniform(0.3, 1)) - 3, int(h * 0.034) - 3
    if x1 >= bx + 3 and y1 >= int(h * 0.016) + 3:      # (a screen too small for the battery's charge to show)
        d.rectangle((bx + 3, int(h * 0.016) + 3, x1, y1), fill=(255, 255, 255))
    d.text((int(w * 0.3), int(h * 0.05)), "Following   For You", fill=(235, 235, 235), font=small)
    r = int(w * 0.055)
    for i in range(4):
        cx, cy = int(w * 0.9), int(h * (0.5 + 0.1 * i))
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=[(250, 250, 250), (255, 40, 80), (250, 250, 250), (60, 60, 60)][i])
        d.text((cx - r, cy + r + 2), f"{int(rng.integers(1, 999))}K", fill=(255, 255, 255), font=small)
    d.text((int(w * 0.04), int(h * 0.86)), USERS[int(rng.integers(0, len(USERS)))], fill=(255, 255, 255), font=big)
    d.text((int(w * 0.04), int(h * 0.9)), CAPTIONS[int(rng.integers(0, len(CAPTIONS)))], fill=(235, 235, 235), font=small)
    y = int(h * 0.945)
    d.rectangle((0, y, w, y + 2), fill=(90, 90, 90))
    d.rectangle((0, y, int(w * rng.uniform(0.1, 0.9)), y + 2), fill=(245, 245, 245))
    d.rectangle((0, int(h * 0.955), w, h), fill=(8, 8, 8))
    return page


# ---- the display: sub-pixels, its light ------------------------------------------------------------

def subpixel_texture(page: Image.Image, fill: float) -> np.ndarray:
    """The page as the panel emits it, in linear light: every pixel three texels wide (one R, one G, one B stripe)
    and three high, its last row dark for `1 - fill` of it (the gap between rows); mean light kept."""
    lin = _srgb_to_linear(np.asarray(page, dtype=np.float32) / 255.0)
    h, w, _ = lin.shape
    tex = np.zeros((h * 3, w * 3, 3), np.float32)
    for c in range(3):
        col = np.repeat(np.repeat(lin[..., c], 3, axis=0), 3, axis=1)
        stripe = np.zeros((3, 3), np.float32)
        stripe[:, c] = 3.0
        stripe[2, c] = 3.0 * fill
        tex[..., c] = col * np.tile(stripe, (h, w)) * (3.0 / (2.0 + fill))
    return tex


def display_light(tex: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The panel's light: its white point (cool, against a room lit warmer), its gamma off sRGB's, black that is the
    backlight's bleed, brighter at the panel's centre than at its corners."""
    white = np.array([rng.uniform(0.78, 0.95), rng.uniform(0.9, 1.0), 1.0], np.float32)
    gamma = rng.uniform(0.85, 1.15)
    bleed = rng.uniform(0.005, 0.04)
    h, w, _ = tex.shape
    yy, xx = np.ogrid[-1:1:h * 1j, -1:1:w * 1j]
    uneven = (1.0 - rng.uniform(0.1, 0.3) * (xx ** 2 + yy ** 2) / 2).astype(np.float32)
    return (np.maximum(tex, 0) ** gamma * white + bleed) * uneven[..., None]


# ---- the camera ------------------------------------------------------------------------------

def _rotation(yaw: float, pitch: float, roll: float) -> np.ndarray:
    a, b, c = np.radians([yaw, pitch, roll])
    ry = np.array([[np.cos(a), 0, np.sin(a)], [0, 1, 0], [-np.sin(a), 0, np.cos(a)]])
    rx = np.array([[1, 0, 0], [0, np.cos(b), -np.sin(b)], [0, np.sin(b), np.cos(b)]])
    rz = np.array([[np.cos(c), -np.sin(c), 0], [np.sin(c), np.cos(c), 0], [0, 0, 1]])
    return rz @ rx @ ry


def _persp_coeffs(Hm: np.ndarray) -> tuple:
    """Pillow's PERSPECTIVE coefficients (output pixel -> input pixel) of a homography input -> output."""
    inv = np.linalg.inv(Hm)
    inv = inv / inv[2, 2]
    return tuple(inv.flatten()[:8])


def _warp(channel: np.ndarray, Hm: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    return np.asarray(Image.fromarray(channel, "F").transform(size, Image.PERSPECTIVE, _persp_coeffs(Hm), Image.BILINEAR))


def _quad(Hm: np.ndarray, w: float, h: float, x0: float = 0, y0: float = 0) -> list[tuple[float, float]]:
    pts = np.array([[x0, y0, 1], [x0 + w, y0, 1], [x0 + w, y0 + h, 1], [x0, y0 + h, 1]], float) @ Hm.T
    return [tuple(p[:2] / p[2]) for p in pts]


def _smooth_path(rng: np.random.Generator, n: int, amp: float, fps: float) -> np.ndarray:
    """A hand's drift: a sum of three slow sines of random phase, n samples."""
    t = np.arange(n) / fps
    out = np.zeros(n)
    for f in rng.uniform(0.2, 1.6, 3):
        out += np.sin(2 * np.pi * f * t + rng.uniform(0, 2 * np.pi))
    return amp * out / 3


def motion_blur(img: np.ndarray, px: float) -> np.ndarray:
    """The hand's motion during the exposure (half the frame interval): a horizontal smear of about px pixels."""
    k = int(round(px))
    if k < 2:
        return img
    c = np.cumsum(np.pad(img, ((0, 0), (k // 2 + 1, k - k // 2), (0, 0)), mode="edge"), axis=1)
    return (c[:, k:k + img.shape[1]] - c[:, :img.shape[1]]) / k


def tone(x: np.ndarray, exposure: float, black: float) -> np.ndarray:
    """The camera's response: exposure, a filmic shoulder (highlights roll off, then clip), a black point that
    crushes the darkest tones, the sRGB curve."""
    y = 1.0 - np.exp(-2.2 * np.maximum(x * exposure, 0))
    y = y / (1.0 - np.exp(-2.2))
    return _linear_to_srgb((y - black) / (1.0 - black))


def render_frames(art: Image.Image, room: Image.Image, rng: np.random.Generator, kind: str,
                  w: int, h: int, fps: int, seconds: float):
    """The clip's frames (h x w x 3 uint8) of one kind of KINDS."""
    n = int(round(fps * seconds))
    if kind == "recording":
        page = app_page(art, w, h, rng)
        base = np.asarray(page, np.float32)
        dot = ImageDraw.Draw(page)
        dot.rounded_rectangle((int(w * 0.42), 6, int(w * 0.58), 30), 12, fill=(225, 35, 35))
        rec = np.asarray(page, np.float32)
        for i in range(n):
            yield (rec if (i // fps) % 2 == 0 else base).astype(np.uint8)
        return
    portrait = kind == "phone"
    disp_aspect = rng.uniform(1.9, 2.2) if portrait else 16 / 9
    # screen width in frame widths: a phone held at arm's length, a monitor on a desk, a TV across the room (its
    # sides may leave the frame)
    plane_w = {"phone": (0.5, 0.75), "monitor": (0.8, 1.05), "tv": (0.95, 1.3)}[kind]
    plane_w = rng.uniform(*plane_w)
    screen_px_w = plane_w * w
    # display pixels across: the panel's pitch in the clip 0.6-1.6 camera pixels (moire where the two grids beat)
    dw = int(screen_px_w * rng.uniform(0.65, 1.6))
    dh = int(dw * disp_aspect) if portrait else int(dw / disp_aspect)
    page = app_page(art, dw, dh, rng) if portrait else player_page(art, dw, dh, rng)
    tex = display_light(subpixel_texture(page, rng.uniform(0.5, 0.85)), rng)
    lens = rng.uniform(0.1, 0.4) * tex.shape[1] / screen_px_w      # the lens's blur: camera px -> texels
    tex = gaussian_filter(tex, (lens, lens, 0), mode="nearest", truncate=3.0)
    tw, th = tex.shape[1], tex.shape[0]
    bezel = rng.uniform(0.015, 0.05) * tw          # texels
    bezel_rgb = (rng.uniform(0.005, 0.03) * np.ones(3)).astype(np.float32)
    # the room, behind the screen: the footage, out of focus, dimmer or brighter than the panel
    room_lin = _srgb_to_linear(np.asarray(room.resize((w, h), Image.BICUBIC).filter(ImageFilter.GaussianBlur(rng.uniform(2, 6))),
                                          np.float32) / 255.0) * rng.uniform(0.15, 0.8)
    room_lin *= np.array([1.0, rng.uniform(0.85, 0.97), rng.uniform(0.6, 0.85)], np.float32)   # warm room light
    f = w * rng.uniform(1.1, 1.5)                  # focal length in px (a phone's main camera, portrait)
    yaw0, pitch0, roll0 = rng.uniform(-28, 28), rng.uniform(-16, 16), rng.uniform(-7, 7)
    sx0, sy0 = rng.uniform(-0.06, 0.06), rng.uniform(-0.08, 0.08)
    paths = [_smooth_path(rng, n, a, fps) for a in (2.5, 2.0, 1.2, 0.015, 0.015)]
    # auto-exposure meters the panel's whites: exposed under them (a dim picture) or over them (blown highlights)
    # (metered on the art's own whites, in linear light: a small picture on a black page does not push it up)
    whites = float(np.percentile(_srgb_to_linear(np.asarray(art, np.float32) / 255.0).max(axis=2), 99))
    exposure = rng.uniform(0.5, 1.6) / max(0.1, whites)
    black = rng.uniform(0.0, 0.08)
    blur = rng.uniform(0, 1.4) if rng.random() < 0.5 else 0.0
    band_amp, band_period, band_speed = rng.uniform(0.03, 0.18), rng.uniform(40, 220), rng.uniform(0.2, 1.5)
    # the glass: a soft reflected light (a window, a lamp) and a faint mirror image of the room, in linear light
    glare_c = (rng.uniform(0.1, 0.9) * w, rng.uniform(0.2, 0.8) * h)
    glare_r = (rng.uniform(0.08, 0.3) * w, rng.uniform(0.04, 0.15) * h)
    ys, xs = np.arange(h, dtype=np.float32)[:, None], np.arange(w, dtype=np.float32)[None, :]
    glass = rng.uniform(0.02, 0.25) * np.exp(-(((xs - glare_c[0]) / glare_r[0]) ** 2 + ((ys - glare_c[1]) / glare_r[1]) ** 2) / 2)
    glass = glass[..., None] + rng.uniform(0.01, 0.05) * _srgb_to_linear(
        np.asarray(room.transpose(Image.FLIP_LEFT_RIGHT).resize((w, h)).filter(ImageFilter.GaussianBlur(8)), np.float32) / 255.0)
    noise = rng.uniform(0.004, 0.02)
    planes = [np.ascontiguousarray(tex[..., c]) for c in range(3)]
    lut_x = np.linspace(0, 4, 2048, dtype=np.float32)
    lut = tone(lut_x, exposure, black).astype(np.float32)
    for i in range(n):
        # texels -> plane units (the screen 1 wide, centred) -> camera px
        Hcam = _camera(w, h, f, yaw0 + paths[0][i], pitch0 + paths[1][i], roll0 + paths[2][i],
                       (sx0 + paths[3][i], sy0 + paths[4][i]), plane_w)
        T = Hcam @ np.array([[1 / tw, 0, -0.5], [0, 1 / tw, -0.5 * th / tw], [0, 0, 1]])
        outer = Image.new("L", (w, h), 0)
        ImageDraw.Draw(outer).polygon(_quad(T, tw + 2 * bezel, th + 2 * bezel, -bezel, -bezel), fill=255)
        inner = Image.new("L", (w, h), 0)
        ImageDraw.Draw(inner).polygon(_quad(T, tw, th), fill=255)
        om, im = np.asarray(outer, np.float32)[..., None] / 255, np.asarray(inner, np.float32)[..., None] / 255
        shown = np.stack([_warp(c, T, (w, h)) for c in planes], -1)
        # the refresh seen through a rolling shutter: dark bands rolling down the panel
        bands = 1.0 - band_amp * (0.5 + 0.5 * np.sin(2 * np.pi * (ys / band_period + band_speed * i / fps)))
        frame = room_lin + om * (bezel_rgb - room_lin + glass) + im * (shown * bands[..., None] - bezel_rgb)
        out = lut[np.clip(frame * (len(lut) - 1) / lut_x[-1], 0, len(lut) - 1).astype(np.int32)]
        if blur:
            out = np.asarray(Image.fromarray((out * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(blur)), np.float32) / 255
        out = motion_blur(out, abs(paths[0][min(n - 1, i + 1)] - paths[0][i]) * f / 57.3 / 2)
        out = out + noise * rng.standard_normal((h, w, 1), dtype=np.float32) \
            + noise / 2 * rng.standard_normal((h, w, 3), dtype=np.float32)
        yield (np.clip(out, 0, 1) * 255).astype(np.uint8)


def _camera(w: int, h: int, f: float, yaw: float, pitch: float, roll: float, shift: tuple[float, float],
            plane_w: float) -> np.ndarray:
    """3x3 map from plane units (the screen 1 wide, its centre at 0) to camera px: the plane turned by yaw, pitch and
    roll (degrees) at the distance where, seen square on, it spans plane_w of the frame's width; moved by shift
    (shares of the frame)."""
    z = f / (plane_w * w)                          # distance in plane units
    K = np.array([[f, 0, w / 2 + shift[0] * w], [0, f, h / 2 + shift[1] * h], [0, 0, 1.0]])
    R = _rotation(yaw, pitch, roll)
    return K @ np.column_stack([R[:, 0], R[:, 1], np.array([0.0, 0.0, z])])


def render(out: Path, art: Image.Image, room: Image.Image, rng: np.random.Generator, kind: str,
           w: int, h: int, fps: int, seconds: float) -> None:
    """Render one clip and encode it as the rest of the ffmpeg pipeline does (libx264, veryfast, crf 24)."""
    tmp = out.with_suffix(".tmp.mp4")
    cmd = ["ffmpeg", "-nostdin", "-y", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}",
           "-r", str(fps), "-i", "-", "-c:v", "libx264", "-preset", "veryfast", "-crf", "24", "-pix_fmt", "yuv420p",
           "-an", str(tmp)]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    for fr in render_frames(art, room, rng, kind, w, h, fps, seconds):
        p.stdin.write(fr.tobytes())
    p.stdin.close()
    err = p.stderr.read().decode()
    if p.wait():
        raise RuntimeError(f"ffmpeg failed for {out.name}: {err[-800:]}")
    tmp.rename(out)
