"""The tables (SQLAlchemy 2 declarative). Change them only together with an Alembic revision."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=True), dict: JSON, list: JSON}


class ClipStatus(str, enum.Enum):
    new = "new"
    fetching = "fetching"
    fetched = "fetched"
    analyzing = "analyzing"
    done = "done"
    failed = "failed"
    skipped = "skipped"


TERMINAL_STATUSES = (ClipStatus.done.value, ClipStatus.failed.value, ClipStatus.skipped.value)


class TriageState(str, enum.Enum):
    pending = "pending"
    confirmed = "confirmed"
    dismissed = "dismissed"
    escalated = "escalated"


class Role(str, enum.Enum):
    admin = "admin"
    analyst = "analyst"
    rights_holder = "rights_holder"


class WatchKind(str, enum.Enum):
    search = "search"
    hashtag = "hashtag"
    account = "account"
    feed = "feed"
    sitemap = "sitemap"
    page = "page"


class RightsHolder(Base):
    __tablename__ = "rights_holders"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    contact_email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    works: Mapped[list[Work]] = relationship(back_populates="rights_holder", cascade="all, delete-orphan")


class Work(Base):
    """A franchise (One Piece, Pokémon...), named in English and Japanese; `key` is its catalogue id
    (one-piece) and `titles` every title a catalogue gives (ONE PIECE, ワンピース, 航海王, 원피스)."""

    __tablename__ = "works"
    __table_args__ = (UniqueConstraint("rights_holder_id", "name_en"),
                      Index("ix_works_holder_key", "rights_holder_id", "key", unique=True))
    id: Mapped[int] = mapped_column(primary_key=True)
    rights_holder_id: Mapped[int] = mapped_column(ForeignKey("rights_holders.id", ondelete="CASCADE"))
    name_en: Mapped[str] = mapped_column(String(200))
    name_ja: Mapped[str | None] = mapped_column(String(200))
    key: Mapped[str | None] = mapped_column(String(100))
    titles: Mapped[list | None] = mapped_column()
    rights_holder: Mapped[RightsHolder] = relationship(back_populates="works")
    characters: Mapped[list[Character]] = relationship(back_populates="work", cascade="all, delete-orphan")


class Character(Base):
    """A character of a work, with aliases (kanji, kana, romaji, English, nicknames): every name a
    catalogue gives, expanded to all scripts by matcher.text; `key` is its catalogue id (luffy)."""

    __tablename__ = "characters"
    __table_args__ = (UniqueConstraint("work_id", "name_en"),
                      Index("ix_characters_work_key", "work_id", "key", unique=True))
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(100))
    work_id: Mapped[int] = mapped_column(ForeignKey("works.id", ondelete="CASCADE"))
    name_en: Mapped[str] = mapped_column(String(200))
    name_ja: Mapped[str | None] = mapped_column(String(200))
    aliases: Mapped[list] = mapped_column(default=list)
    work: Mapped[Work] = relationship(back_populates="characters")
    references: Mapped[list[Reference]] = relationship(back_populates="character", cascade="all, delete-orphan")


class Reference(Base):
    """One piece of reference art of one holder's character. The matcher's index names it by id
    (core.services.references.index_key); `name` is for people. Retired art leaves the index, its findings stay."""

    __tablename__ = "references"
    id: Mapped[int] = mapped_column(primary_key=True)
    character_id: Mapped[int] = mapped_column(ForeignKey("characters.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200), unique=True)
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    phash: Mapped[str | None] = mapped_column(String(16))
    dhash: Mapped[str | None] = mapped_column(String(16))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column()
    # a keyframe of a reference video: the video, and the keyframe's time in it (seconds)
    video_id: Mapped[int | None] = mapped_column(ForeignKey("reference_videos.id", ondelete="CASCADE"), index=True)
    video_time_s: Mapped[float | None] = mapped_column(Float)
    character: Mapped[Character] = relationship(back_populates="references")
    video: Mapped[ReferenceVideo | None] = relationship(back_populates="keyframes")


class ReferenceVideo(Base):
    """A holder's reference footage (a trailer, an episode): its shots' keyframes are references of one work
    (and character, when given), each with its time in the video, so a finding names the video and the time."""

    __tablename__ = "reference_videos"
    id: Mapped[int] = mapped_column(primary_key=True)
    rights_holder_id: Mapped[int] = mapped_column(ForeignKey("rights_holders.id", ondelete="CASCADE"), index=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("works.id", ondelete="CASCADE"))
    character_id: Mapped[int | None] = mapped_column(ForeignKey("characters.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)  # of the uploaded file
    duration_s: Mapped[float] = mapped_column(Float)
    path: Mapped[str] = mapped_column(Text)  # blob store key of the video file
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column()
    keyframes: Mapped[list[Reference]] = relationship(back_populates="video", order_by="Reference.video_time_s")


class Watchlist(Base):
    __tablename__ = "watchlists"
    __table_args__ = (UniqueConstraint("rights_holder_id", "platform", "kind", "value"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rights_holder_id: Mapped[int] = mapped_column(ForeignKey("rights_holders.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(Text)
    schedule_minutes: Mapped[int] = mapped_column(Integer, default=360)
    max_duration_s: Mapped[int | None] = mapped_column(Integer, default=180)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # render its pages with Chromium (crawler.render: off by default, it costs a browser)
    render: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    last_run_at: Mapped[datetime | None] = mapped_column()
    last_outcome: Mapped[dict | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Clip(Base):
    __tablename__ = "clips"
    __table_args__ = (UniqueConstraint("platform", "platform_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    platform_id: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(Text)  # canonical URL: the clip's page, handed to yt-dlp's extractors
    page_url: Mapped[str | None] = mapped_column(Text)
    # the video file the crawler found, downloaded instead of the page when no extractor knows the page
    media_url: Mapped[str | None] = mapped_column(Text)
    player_url: Mapped[str | None] = mapped_column(Text)  # the page's player (twitter:player, embedUrl)
    # a post given explicitly whose page showed no video: yt-dlp decides at fetch time
    candidate: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    title: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    uploader_id: Mapped[str | None] = mapped_column(String(200))
    uploader_name: Mapped[str | None] = mapped_column(Text)
    posted_at: Mapped[datetime | None] = mapped_column()
    discovered_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    duration: Mapped[float | None] = mapped_column(Float)
    hashtags: Mapped[list] = mapped_column(default=list)
    view_count: Mapped[int | None] = mapped_column(Integer)
    thumbnail_url: Mapped[str | None] = mapped_column(Text)
    media_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), default=ClipStatus.new.value, index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    reason_code: Mapped[str | None] = mapped_column(String(32), index=True)  # short key of `reason`
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    fetched_at: Mapped[datetime | None] = mapped_column()
    analyzed_at: Mapped[datetime | None] = mapped_column()
    # the task working on the clip and until when: a redelivered copy of it may take over, others wait
    lease_owner: Mapped[str | None] = mapped_column(String(200))  # "<task id> <worker node>"
    lease_until: Mapped[datetime | None] = mapped_column()
    watchlist_id: Mapped[int | None] = mapped_column(ForeignKey("watchlists.id", ondelete="SET NULL"))
    spider: Mapped[str | None] = mapped_column(String(64))
    source_url: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[dict | None] = mapped_column()  # fetch evidence: info JSON path, format, size
    # how the media says it was made (set by analyze): {"ai_generated", "c2pa": {...}, "watermarks": [...]},
    # and "likeness": {character id: [signal]} when the likeness signal is configured
    provenance: Mapped[dict | None] = mapped_column()
    findings: Mapped[list[Finding]] = relationship(back_populates="clip", cascade="all, delete-orphan")


class Media(Base):
    """Downloaded media by content: the first clip to fetch it analyses it for every clip that shares it."""

    __tablename__ = "media"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    clip_id: Mapped[int | None] = mapped_column(ForeignKey("clips.id", ondelete="SET NULL"))
    bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Keyframe(Base):
    __tablename__ = "keyframes"
    __table_args__ = (UniqueConstraint("clip_id", "t"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"), index=True)
    t: Mapped[float] = mapped_column(Float)
    phash: Mapped[str] = mapped_column(String(16))
    thumbnail_path: Mapped[str | None] = mapped_column(Text)


class FindingKind(str, enum.Enum):
    """One verdict per (clip, character), strongest first (core.services.kinds decides it)."""

    copy = "copy"  # the holder's reference art is in the clip
    ai_depiction = "ai_depiction"  # the character is named (or recognised) and the clip says a generator made it
    mention = "mention"  # the character is named, nothing more


class PolicyAction(str, enum.Enum):
    notice = "notice"
    monitor = "monitor"
    tolerate = "tolerate"


class Finding(Base):
    """A character of a holder in a clip: its kind, the signals that made it (`signals`, JSON), the matcher's
    evidence for copies, the holder's policy's action, and the analysts' decision. A copy is one finding
    per (clip, reference); any other kind one per (clip, character) with no reference."""

    __tablename__ = "findings"
    __table_args__ = (UniqueConstraint("clip_id", "reference_id"),
                      Index("ux_findings_clip_character", "clip_id", "character_id", unique=True,
                            sqlite_where=text("reference_id IS NULL"),
                            postgresql_where=text("reference_id IS NULL")))
    id: Mapped[int] = mapped_column(primary_key=True)
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"), index=True)
    reference_id: Mapped[int | None] = mapped_column(ForeignKey("references.id", ondelete="CASCADE"), index=True)
    character_id: Mapped[int | None] = mapped_column(ForeignKey("characters.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default=FindingKind.copy.value, server_default="copy", index=True)
    signals: Mapped[list | None] = mapped_column()  # [{"type": "reference_match" | "mention" | ..., evidence}]
    action: Mapped[str | None] = mapped_column(String(16))  # notice, monitor, tolerate (the holder's policy)
    policy_version: Mapped[int | None] = mapped_column(Integer)  # the policy version that chose `action`
    score: Mapped[float] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(64))
    spans: Mapped[list] = mapped_column(default=list)
    best_t: Mapped[float] = mapped_column(Float)
    best_box: Mapped[list | None] = mapped_column()
    distance: Mapped[int | None] = mapped_column(Integer)  # pHash bits between best frame and reference
    clip_share: Mapped[float | None] = mapped_column(Float)
    reference_share: Mapped[float | None] = mapped_column(Float)
    thumbnail_path: Mapped[str | None] = mapped_column(Text)
    index_version: Mapped[str | None] = mapped_column(String(64))
    # the calibration's input figures for this pair (the matcher's evidence["score"]) and the calibration
    # that turned them into `score`: analysts' decisions on them are what `mamoru calibrate` learns from
    score_evidence: Mapped[dict | None] = mapped_column()
    calibration_id: Mapped[str | None] = mapped_column(String(64))
    # a non-copy finding's rule-based confidence from its signals (core.services.kinds.non_copy_confidence);
    # None for copies, whose `score` is the calibrated probability
    confidence: Mapped[float | None] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(16), default=TriageState.pending.value, index=True)
    analyst_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # where enforcement stands (core.services.enforcement: drafted, sent ... reinstated) and since when
    enforcement_state: Mapped[str | None] = mapped_column(String(16), index=True)
    enforcement_at: Mapped[datetime | None] = mapped_column()
    clip: Mapped[Clip] = relationship(back_populates="findings")
    reference: Mapped[Reference | None] = relationship()
    character: Mapped[Character | None] = relationship()


class HolderPolicy(Base):
    """One version of a rights holder's policy (core.services.policy): rules mapping a finding's kind and
    signals to notice, monitor or tolerate. A change is a new version, never an overwrite."""

    __tablename__ = "holder_policies"
    __table_args__ = (UniqueConstraint("rights_holder_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rights_holder_id: Mapped[int] = mapped_column(ForeignKey("rights_holders.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict] = mapped_column()
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Watermark(Base):
    """A generator's visible watermark (a logo that moves around the frame), registered by a rights holder
    or the admin; found in a clip it is provenance (how the clip was made), never infringing art."""

    __tablename__ = "watermarks"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    rights_holder_id: Mapped[int | None] = mapped_column(ForeignKey("rights_holders.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(Text)  # blob store key of the PNG
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column()  # no longer looked for (kept: findings cite it)


class EnforcementEvent(Base):
    """One step of a finding's enforcement (a state entered: drafted, sent, acknowledged, removed, rejected,
    counter_notice, reinstated), or a re-check visit that changed nothing ("checked"); with who, when, how
    the notice went (channel, the platform's reference number) and the blob key of a visit's evidence."""

    __tablename__ = "enforcement_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # when it happened (a notice: when sent)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    channel: Mapped[str | None] = mapped_column(String(16))  # email, webform, post, api, other
    platform_ref: Mapped[str | None] = mapped_column(String(200))  # the platform's case or ticket number
    note: Mapped[str | None] = mapped_column(Text)
    evidence_key: Mapped[str | None] = mapped_column(Text)  # blob key of a re-check's record
    detail: Mapped[dict | None] = mapped_column()


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("rights_holder_id", "week"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rights_holder_id: Mapped[int] = mapped_column(ForeignKey("rights_holders.id", ondelete="CASCADE"))
    week: Mapped[str] = mapped_column(String(8))  # ISO week, e.g. 2026-W47
    files: Mapped[list] = mapped_column(default=list)  # [{"format", "path", "sha256", "bytes"}]
    generated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReportVersion(Base):
    """One build of a weekly report: its files (blob keys under <holder>/<week>/v<N>/, sha256, bytes), never
    overwritten; `state_as_of` is when the build read the findings (a decision after it makes it stale)."""

    __tablename__ = "report_versions"
    __table_args__ = (UniqueConstraint("report_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    files: Mapped[list] = mapped_column(default=list)
    built_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state_as_of: Mapped[datetime] = mapped_column(default=utcnow)
    generated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    """A user's token for scripts: only its sha256 is kept; scope `read` or `triage`; it expires and can be
    revoked."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # the first characters, to tell tokens apart
    scope: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    last_used_at: Mapped[datetime | None] = mapped_column()


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    rights_holder_id: Mapped[int | None] = mapped_column(ForeignKey("rights_holders.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column()  # set: the account cannot log in
    # bumped by a password change, "log out everywhere" and disabling: older sessions stop working
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class WebSession(Base):
    """A signed-in browser: the cookie holds a random token, the table its sha256 (a leaked table signs
    nobody in), the CSRF token and the account's session version at log-in."""

    __tablename__ = "web_sessions"
    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class LoginThrottle(Base):
    """Failed log-ins per key (a client address, or the sha256 of an attempted e-mail) and the time before
    which the next attempt from that key is not even tried; shared by every web process."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(default=utcnow)
    blocked_until: Mapped[datetime | None] = mapped_column()


class WorkLock(Base):
    """A named lock held in the database (one report build at a time across processes and machines)."""

    __tablename__ = "work_locks"
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column()


class AuditEvent(Base):
    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict | None] = mapped_column()
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class HolderProfile(Base):
    """What a notice needs to say who sends it: the holder's legal identity, contact details and the
    authorised agent acting for it (with the proof of that authority). One per holder."""

    __tablename__ = "holder_profiles"
    rights_holder_id: Mapped[int] = mapped_column(ForeignKey("rights_holders.id", ondelete="CASCADE"),
                                                  primary_key=True)
    legal_name: Mapped[str | None] = mapped_column(String(200))
    legal_name_ja: Mapped[str | None] = mapped_column(String(200))
    representative: Mapped[str | None] = mapped_column(String(200))  # e.g. "代表取締役 山田 太郎"
    representative_title: Mapped[str | None] = mapped_column(String(200))  # e.g. "Representative Director"
    address: Mapped[str | None] = mapped_column(Text)
    address_ja: Mapped[str | None] = mapped_column(Text)
    telephone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(320))
    agent_name: Mapped[str | None] = mapped_column(String(200))
    agent_address: Mapped[str | None] = mapped_column(Text)
    agent_email: Mapped[str | None] = mapped_column(String(320))
    agent_telephone: Mapped[str | None] = mapped_column(String(64))
    authority_proof: Mapped[str | None] = mapped_column(Text)  # e.g. "委任状 2026年4月1日付"
    disclose_name: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class NoticeDraft(Base):
    """A kept notice draft: one (holder, platform, uploader, language) has versions 1, 2, ...; a new draft
    is a new version, never an overwrite. The text and the PDF live in the blob store with their sha256."""

    __tablename__ = "notice_drafts"
    __table_args__ = (UniqueConstraint("rights_holder_id", "platform", "uploader", "lang", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rights_holder_id: Mapped[int] = mapped_column(ForeignKey("rights_holders.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(32))
    uploader: Mapped[str] = mapped_column(String(200))
    lang: Mapped[str] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(Integer)
    finding_ids: Mapped[list] = mapped_column(default=list)
    capture_ids: Mapped[list] = mapped_column(default=list)
    text_key: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64))
    pdf_key: Mapped[str | None] = mapped_column(Text)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PageCapture(Base):
    """The platform page of a clip as it was served at fetch time: a WARC record (and a screenshot when a
    browser is enabled) in the blob store, with their sha256."""

    __tablename__ = "page_captures"
    id: Mapped[int] = mapped_column(primary_key=True)
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    status: Mapped[int | None] = mapped_column(Integer)
    warc_key: Mapped[str] = mapped_column(Text)
    warc_sha256: Mapped[str] = mapped_column(String(64))
    body_sha256: Mapped[str] = mapped_column(String(64))  # the page's bytes as served
    bytes: Mapped[int] = mapped_column(Integer)
    screenshot_key: Mapped[str | None] = mapped_column(Text)
    screenshot_sha256: Mapped[str | None] = mapped_column(String(64))
    captured_at: Mapped[datetime] = mapped_column(default=utcnow)
