"""The crawler's constants, in one place."""

from __future__ import annotations

# Fields of one clip item, in the order `mamoru discover --json` prints them.
# `media_url` is the video file the crawler found (what the fetcher downloads when the page is not a
# yt-dlp extractor's), `player_url` the page's player; `candidate` marks a post given explicitly whose
# page showed no video (yt-dlp decides at fetch time); `skip_reason` says why it will not be fetched.
ITEM_FIELDS = (
    "platform", "platform_id", "canonical_url", "page_url", "media_url", "player_url", "title", "description",
    "uploader_id", "uploader_name", "published_at", "duration", "hashtags", "view_count", "thumbnail_url",
    "source_url", "candidate", "skip_reason",
)
# Provenance carried on the item but not printed by discover.
PROVENANCE_FIELDS = ("watchlist_id", "spider")

DEFAULT_MAX_DURATION_S = 180  # the "short" filter's default; YouTube Shorts run up to 3 minutes
YOUTUBE_SHORTS_MAX_S = 180
# YouTube Data API v3 quota costs in units (developers.google.com/youtube/v3/determine_quota_cost).
YOUTUBE_UNITS = {"search.list": 100, "videos.list": 1}
YOUTUBE_SEARCH_MAX_PAGES = 2  # 50 results a page; each page costs 100 units
MAX_FOLLOWED_LINKS = 50  # pages followed from one feed/listing to look for videos

# Query parameters that only track who shared what; dropped from canonical URLs.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "igsh", "si", "feature", "ref", "ref_src",
    "ref_url", "is_from_webapp", "sender_device", "sender_web_id", "share_app_id", "share_item_id",
    "share_link_id", "social_sharing", "spm_id_from", "vd_source", "from_spmid", "share_source",
    "share_medium", "share_plat", "share_session_id", "share_tag", "share_from", "unique_k", "bbid", "ts",
    "cp", "_r", "_t", "mc_cid", "mc_eid", "_hsenc", "_hsmi",
})
TRACKING_PREFIXES = ("utm_", "share_", "pk_", "mtm_")

# Schemes never taken as media or pages.
UNSAFE_MEDIA_SCHEMES = ("blob:", "data:", "javascript:", "about:", "file:", "mailto:")

# Backoff on HTTP 429 and platform "rate limited" answers.
BACKOFF_BASE_S = 5.0
BACKOFF_MAX_S = 120.0
BACKOFF_MAX_TRIES = 3

# Bidi embeddings/overrides (U+202A..U+202E) and isolates (U+2066..U+2069): stripped from crawled text,
# since they make a title read differently from what it is (a regex character class).
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"

ROBOTS_CODE = "robots"  # reason code of a clip skipped because robots.txt forbids its page or file
EXPLICIT_META = "mamoru_explicit"  # request meta: the URL the user gave (kind page), not one found
