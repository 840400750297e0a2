"""Findings said in words for people: what was found, where, how sure; times, views and Japanese text
shown one way on every page. Registered as Jinja filters by the web app (`register`)."""

from __future__ import annotations

import re
from datetime import datetime

from markupsafe import Markup, escape

# the matcher's method names, part by part ("phash+orb-ransac-mirror" = hash, then local features, mirrored)
METHOD_PARTS = {
    "phash": "the whole picture's perceptual hash matched",
    "orb-ransac": "local features matched with a consistent geometry (ORB + RANSAC), so it holds under crops, "
                  "scaling and rotation",
    "orb": "local features matched (ORB)",
    "silhouette": "the character's outline matched",
}
METHOD_TAGS = {"mirror": "mirrored", "upright": "on the frame turned upright", "rectified":
               "on a picture shown in perspective, warped back to a rectangle"}
# the matcher's scores are calibrated to one threshold (matcher.constants.DEFAULT_THRESHOLD = 0.5)
CONFIDENCE = ((0.85, "very likely the reference"), (0.7, "likely the reference"),
              (0.5, "possibly the reference: check the frame"), (0.0, "weak: probably not the reference"))
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f\u3000-\u303f]")


def method_words(method: str | None) -> str:
    """'phash+orb-ransac' -> a sentence on how the match was found."""
    if not method:
        return "method not recorded"
    said = []
    for part in method.split("+"):
        tags = [t for t in METHOD_TAGS if part.endswith("-" + t) or f"-{t}-" in part]
        base = part
        for t in tags:
            base = base.replace("-" + t, "")
        text = METHOD_PARTS.get(base, base)
        said.append(text + "".join(f" ({METHOD_TAGS[t]})" for t in tags))
    return "; then ".join(said) if len(said) > 1 else said[0]


def score_words(score: float | None) -> str:
    """How sure, in words."""
    if score is None:
        return "no score"
    return next(words for floor, words in CONFIDENCE if score >= floor)


def share_words(share: float | None, of: str) -> str:
    """'shares clip 1.0' -> 'the reference is visible in 100 % of the clip'."""
    if share is None:
        return f"share of the {of} unknown"
    if of == "clip":
        return f"the reference is visible in {share:.0%} of the clip"
    return f"{share:.0%} of the reference's picture is visible"


def match_seconds(spans) -> float:  # noqa: ANN001
    """Total length of the matched spans (seconds)."""
    total = 0.0
    for s in spans or []:
        if isinstance(s, dict):
            start, end = s.get("start", 0), s.get("end", 0)
        else:
            start, end = (s.start, s.end) if hasattr(s, "start") else (s[0], s[1])
        total += max(0.0, float(end) - float(start))
    return total


def when(value: datetime | str | None, *, seconds: bool = False) -> str:
    """A time as 'YYYY-MM-DD HH:MM UTC' (no microseconds); 'unknown' when missing."""
    if value is None or value == "":
        return "unknown"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    return value.strftime("%Y-%m-%d %H:%M:%S UTC" if seconds else "%Y-%m-%d %H:%M UTC")


def views(count: int | None) -> str:
    """'1,234 views', or 'views unknown' (never 0 for unknown)."""
    if count is None:
        return "views unknown"
    return f"{count:,} view{'' if count == 1 else 's'}"


def is_japanese(text: str | None) -> bool:
    return bool(text and _JAPANESE.search(str(text)))


def ja(text: str | None) -> Markup:
    """The text escaped, wrapped in <span lang="ja"> when it is Japanese (screen readers switch voice)."""
    if text is None:
        return Markup("")
    if is_japanese(text):
        return Markup('<span lang="ja">%s</span>') % text
    return escape(text)


def detail_items(detail: dict | None) -> list[tuple[str, str]]:
    """An audit event's detail as readable (key, value) pairs: Japanese as written, no JSON escapes."""
    out = []
    for key, value in (detail or {}).items():
        if isinstance(value, (list, tuple)):
            value = ", ".join(_plain(v) for v in value)
        else:
            value = _plain(value)
        out.append((str(key).replace("_", " "), value))
    return out


def _plain(value) -> str:  # noqa: ANN001
    if isinstance(value, dict):
        return ", ".join(f"{k} {_plain(v)}" for k, v in value.items())
    return "none" if value is None else str(value)


def video_words(ref) -> str:  # noqa: ANN001 - a Reference row, a report's reference dict or a signal
    """'Trailer 2 at 01:23' when the reference is a keyframe of a reference video; '' for still art."""
    from core.services.reference_videos import video_json

    if ref is None:
        return ""
    video = ref.get("video") if isinstance(ref, dict) else video_json(ref)
    return (video or {}).get("label") or ""


def register(env) -> None:  # noqa: ANN001
    """Add the filters to a Jinja environment."""
    env.filters.update(method_words=method_words, score_words=score_words, share_words=share_words,
                       match_seconds=match_seconds, when=when, views=views, ja=ja, detail_items=detail_items,
                       video_words=video_words)
    env.tests["japanese"] = is_japanese
