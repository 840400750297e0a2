"""Generated reference art for tests (no third-party material): the matcher can index it."""

from __future__ import annotations


def art_png(seed: int = 0, size: tuple[int, int] = (160, 160), fmt: str = "PNG", **save) -> bytes:
    """Generated reference art the matcher can index: coloured shapes on a background (seeded)."""
    import io
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    img = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(img)
    for _ in range(14):
        x0, y0 = rng.randrange(size[0] - 20), rng.randrange(size[1] - 20)
        box = (x0, y0, x0 + rng.randrange(10, 60), y0 + rng.randrange(10, 60))
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour, outline=(0, 0, 0))
    buf = io.BytesIO()
    img.save(buf, format=fmt, **save)
    return buf.getvalue()

