"""Caps on crawled text, shared by the crawler's pipeline and the reports (one place for both)."""

from __future__ import annotations

TITLE_MAX = 300  # characters of a clip's title
UPLOADER_MAX = 200  # characters of an uploader's name or id
DESCRIPTION_MAX = 5000  # characters of a clip's description
