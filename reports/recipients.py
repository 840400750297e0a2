"""Who receives a notice on each platform: reports/recipients.yaml (agent or webform, the fields that form
asks for, whether the entry was checked on the platform's own pages)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml

RECIPIENTS_FILE = Path(__file__).with_name("recipients.yaml")
FALLBACK = "web"


@lru_cache(maxsize=1)
def load_recipients() -> dict:
    data = yaml.safe_load(RECIPIENTS_FILE.read_text(encoding="utf-8"))
    platforms = data.get("platforms") if isinstance(data, dict) else None
    if not isinstance(platforms, dict) or FALLBACK not in platforms:
        raise ValueError(f"{RECIPIENTS_FILE}: needs a 'platforms' mapping with a '{FALLBACK}' entry")
    return data


def recipient_for(platform: str, clip_url: str | None = None) -> dict:
    """The platform's entry, or the fallback addressed to the operator of the clip's host."""
    data = load_recipients()
    known = platform in data["platforms"]
    entry = dict(data["platforms"][platform if known else FALLBACK])
    host = urlsplit(clip_url or "").netloc or platform
    for key in ("name_en", "name_ja"):
        entry[key] = str(entry.get(key, platform)).replace("{host}", host)
    entry["platform"] = platform
    entry["known"] = known
    entry["checked"] = data.get("checked")
    entry.setdefault("verified", False)
    entry.setdefault("fields", [])
    return entry
