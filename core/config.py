"""Settings: one object read from `MAMORU_*` environment variables and an optional `mamoru.toml`.

Precedence: environment > TOML file > defaults. The TOML file is `$MAMORU_CONFIG`, else `./mamoru.toml`
when it exists; its keys are the field names below (lower case, without the `MAMORU_` prefix).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ENV_PREFIX = "MAMORU_"
PLATFORMS = ("youtube", "tiktok", "instagram", "x", "niconico", "bilibili")


@dataclass(frozen=True)
class Settings:
    """Everything configurable, in one place. Paths are absolute once loaded."""

    home: Path = Path("mamoru-data")
    database_url: str = ""  # empty: SQLite in the home
    redis_url: str = ""  # empty: the embedded redis-server started by `mamoru up` / `mamoru demo`
    storage_url: str = ""  # blob store (core.blobstore): empty = the home folder; or s3://bucket/prefix?endpoint_url=
    allowed_private_hosts: tuple[str, ...] = ()  # hosts or CIDRs exempt from the public-address rule
    user_agent: str = "Mamoru/0.1 (+{contact_url})"
    contact_url: str = "https://github.com/mamoru-project/mamoru"
    # fetch caps
    max_filesize_mb: int = 200
    max_duration_s: int = 600
    max_height: int = 1080
    keep_media: bool = False
    # page capture as evidence (workers.capture): the clip's page as served, kept as a WARC record at fetch
    # time; a screenshot too when a browser is enabled (Playwright + Chromium, the `capture` extra)
    capture_pages: bool = True
    capture_screenshots: bool = False
    # worker timings (seconds); the fault tests shorten them
    task_time_limit_s: int = 20 * 60  # hard limit: a task's worker process is killed after this long
    fetch_timeout_s: int = 0  # one whole download; 0: 10 min, or less to fit inside the task's soft limit
    crawl_timeout_s: int = 15 * 60  # one watchlist crawl (a child process)
    stall_after_s: int = 30 * 60  # a clip waiting this long with no task on it is queued again
    retry_backoff_s: float = 5.0  # first retry of a transient failure after about this long (doubling, jittered)
    # matching
    match_threshold: float | None = None  # None: the matcher's calibrated default
    analyze_fps: float = 1.0
    c2pa_trust_anchors: Path | None = None  # PEM of root certificates: C2PA manifests signed under them are "Trusted"
    # likeness (matcher.likeness, off while likeness_model is empty): an ONNX image-embedding model the user
    # gives, pinned by sha256; never downloaded. Its input (square side, RGB mean/std on 0..1) and output name.
    likeness_model: Path | None = None
    likeness_sha256: str = ""
    likeness_input_size: int = 224
    likeness_mean: tuple[float, ...] = (0.485, 0.456, 0.406)
    likeness_std: tuple[float, ...] = (0.229, 0.224, 0.225)
    likeness_output: str = ""  # empty: the model's first output
    likeness_margin: float | None = None  # None: the margin calibrated for the model (matcher.likeness)
    # web
    web_host: str = "127.0.0.1"
    web_port: int = 8765
    public_url: str = ""  # the address people use, e.g. https://mamoru.example.org behind a TLS proxy
    secure_cookies: bool = False  # Secure cookies (sent over HTTPS only); on anyway when public_url is https
    allowed_hosts: tuple[str, ...] = ()  # Host names the web app answers besides loopback, web_host, public_url's
    trusted_proxies: tuple[str, ...] = ()  # addresses of the TLS proxy whose X-Forwarded-For names the client
    # platform hosts (pages/feeds and APIs), overridable so tests point spiders at 127.0.0.1
    youtube_api_key: str = ""
    youtube_daily_quota: int = 10000
    platform_base_urls: dict[str, str] = field(default_factory=dict)
    platform_api_urls: dict[str, str] = field(default_factory=dict)

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'core.db'}"

    @property
    def cookie_secure(self) -> bool:
        return self.secure_cookies or self.public_url.lower().startswith("https://")

    @property
    def web_allowed_hosts(self) -> tuple[str, ...]:
        """Host header values the web app answers (a request naming another host gets 400)."""
        from urllib.parse import urlsplit

        hosts = ["127.0.0.1", "localhost", "::1", self.web_host, *self.allowed_hosts]
        if self.public_url:
            hosts.append(urlsplit(self.public_url).hostname or "")
        return tuple(dict.fromkeys(h for h in hosts if h and h not in ("0.0.0.0", "::")))

    @property
    def media_dir(self) -> Path:
        return self.home / "media"

    @property
    def evidence_dir(self) -> Path:
        return self.home / "evidence"

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports"

    @property
    def references_dir(self) -> Path:
        return self.home / "references"

    @property
    def index_path(self) -> Path:
        """The index file of homes from before the blob store (workers.index_store publishes it there now)."""
        return self.home / "references.idx"

    def stored_path(self, path: Path | str) -> str:
        """How a file is named in the database: relative to the home when inside it (so a home can be
        moved or restored elsewhere), else absolute."""
        absolute = Path(path).resolve()
        return absolute.relative_to(self.home).as_posix() if absolute.is_relative_to(self.home) else str(absolute)

    def home_path(self, stored: str | None) -> Path | None:
        """The file a database path names (relative ones are in the home; absolute ones stay)."""
        return self.home / stored if stored else None

    def ensure_dirs(self) -> None:
        """Make the home (0700: only its owner reads the database, logs and secrets) and its folders."""
        for path in (self.home, self.media_dir, self.evidence_dir, self.reports_dir, self.references_dir):
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.home.chmod(0o700)


DEFAULT_BASE_URLS = {
    "youtube": "https://www.youtube.com",
    "tiktok": "https://www.tiktok.com",
    "instagram": "https://www.instagram.com",
    "x": "https://x.com",
    "niconico": "https://www.nicovideo.jp",
    "bilibili": "https://www.bilibili.com",
}
DEFAULT_API_URLS = {
    "youtube": "https://www.googleapis.com/youtube/v3",
    "tiktok": "https://www.tiktok.com/api",
    "instagram": "https://www.instagram.com/api/v1",
    "x": "https://api.x.com",
    "niconico": "https://snapshot.search.nicovideo.jp/api/v2/snapshot",
    "bilibili": "https://api.bilibili.com",
}


OPTIONAL_PATHS = {"c2pa_trust_anchors", "likeness_model"}
OPTIONAL_NUMBERS = {"match_threshold", "likeness_margin"}


def _coerce(raw: object, default: object, name: str) -> object:
    """Turn a string (env) or TOML value into the type of the field's default."""
    if isinstance(default, bool):
        if isinstance(raw, bool):
            return raw
        value = str(raw).strip().lower()
        if value in {"1", "true", "yes", "on"}:
            return True
        if value in {"0", "false", "no", "off", ""}:
            return False
        raise ValueError(f"setting {name}: expected true/false, got {raw!r}")
    if isinstance(default, tuple):
        items = raw if isinstance(raw, (list, tuple)) else str(raw).split(",")
        values = tuple(str(v).strip() for v in items if str(v).strip())
        if default and all(isinstance(v, float) for v in default):
            try:
                return tuple(float(v) for v in values)
            except ValueError:
                raise ValueError(f"setting {name}: expected numbers separated by commas, got {raw!r}") from None
        return values
    if isinstance(default, Path) or (default is None and name in OPTIONAL_PATHS):
        return Path(str(raw)).expanduser() if str(raw).strip() else None
    try:
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float) or (default is None and name in OPTIONAL_NUMBERS):
            return None if str(raw).strip() == "" else float(raw)
    except ValueError:
        raise ValueError(f"setting {name}: expected a number, got {raw!r}") from None
    return str(raw)


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build Settings from defaults, the TOML file and the environment."""
    env = dict(os.environ if env is None else env)
    values: dict[str, object] = {}
    toml_path = Path(env.get("MAMORU_CONFIG", "mamoru.toml"))
    if toml_path.is_file():
        with toml_path.open("rb") as fh:
            values.update(tomllib.load(fh))
    defaults = Settings()
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    for name in fields:
        key = ENV_PREFIX + name.upper()
        if key in env:
            values[name] = env[key]
    base_urls = dict(DEFAULT_BASE_URLS)
    api_urls = dict(DEFAULT_API_URLS)
    base_urls.update(values.pop("platform_base_urls", {}) or {})
    api_urls.update(values.pop("platform_api_urls", {}) or {})
    for platform in PLATFORMS:
        base = env.get(f"{ENV_PREFIX}{platform.upper()}_BASE_URL")
        api = env.get(f"{ENV_PREFIX}{platform.upper()}_API_URL")
        if base:
            base_urls[platform] = base.rstrip("/")
        if api:
            api_urls[platform] = api.rstrip("/")
    kwargs: dict[str, object] = {}
    for name, raw in values.items():
        if name not in fields:
            raise ValueError(f"unknown setting {name!r} in {toml_path}")
        kwargs[name] = _coerce(raw, getattr(defaults, name), name)
    home = Path(kwargs.get("home", defaults.home)).expanduser().resolve()  # type: ignore[arg-type]
    kwargs["home"] = home
    return Settings(**kwargs, platform_base_urls=base_urls, platform_api_urls=api_urls)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once; tests call `get_settings.cache_clear()`)."""
    return load_settings()
