"""Sample data for tests, benchmarks and screenshots: holders, art, clips and findings (with hostile text).

Images are drawn here with Pillow (no downloaded art). Nothing outside tests/bench/demo should call this.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw
from sqlalchemy import insert
from sqlalchemy.orm import Session

from core.config import Settings
from core.models import Character, Clip, Finding, Reference, RightsHolder, Work
from reports.build import IsoWeek

HOSTILE_TITLE = '<script>alert("pwned")</script><b>bold</b> =HYPERLINK("http://evil.example","x")'
HOSTILE_UPLOADER = "=cmd|' /C calc'!A0 <img src=x onerror=alert(1)>"
PLATFORMS = ("tiktok", "youtube", "instagram")


@dataclass
class SampleIds:
    holders: list[int] = field(default_factory=list)
    works: list[int] = field(default_factory=list)
    characters: list[int] = field(default_factory=list)
    references: list[int] = field(default_factory=list)
    clips: list[int] = field(default_factory=list)
    findings: dict[str, list[int]] = field(default_factory=dict)  # by state


def draw_reference(path: Path, seed: int, size: int = 256) -> Path:
    """A simple 'character': coloured face with eyes, different per seed."""
    rnd = random.Random(seed)
    img = Image.new("RGB", (size, size), tuple(rnd.randrange(150, 255) for _ in range(3)))
    d = ImageDraw.Draw(img)
    colour = tuple(rnd.randrange(0, 160) for _ in range(3))
    d.ellipse((size * 0.15, size * 0.15, size * 0.85, size * 0.85), fill=colour)
    for ex in (0.35, 0.6):
        d.ellipse((size * ex, size * 0.35, size * (ex + 0.08), size * 0.45), fill=(255, 255, 255))
    d.arc((size * 0.3, size * 0.45, size * 0.7, size * 0.7), 20, 160, fill=(255, 255, 255), width=4)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)
    return path


def draw_frame(path: Path, reference: Path, box: tuple[int, int, int, int], size=(360, 640)) -> Path:
    """A vertical video frame with the reference pasted at `box` (x, y, w, h), outlined in red as the
    analyser draws the matched region on the evidence thumbnail it keeps."""
    frame = Image.new("RGB", size, (30, 40, 60))
    d = ImageDraw.Draw(frame)
    for y in range(0, size[1], 40):
        d.line((0, y, size[0], y + 20), fill=(50, 70, 90), width=3)
    with Image.open(reference) as ref:
        frame.paste(ref.convert("RGB").resize((box[2], box[3])), box[:2])
    d.rectangle((box[0], box[1], box[0] + box[2], box[1] + box[3]), outline=(255, 0, 0), width=4)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.save(path, quality=85)
    return path


def seed_sample(session: Session, settings: Settings, *, week: str = "2026-W47", holder_names=None,
                per_state=None, images: bool = True) -> SampleIds:
    """Two holders (or `holder_names`), one work and two characters each, clips and findings in `week`
    (and a few in the weeks before), including hostile titles and uploader names."""
    holder_names = holder_names or ("Kumo Studio 雲スタジオ", "Other Holder")
    per_state = per_state or {"confirmed": 3, "pending": 2, "dismissed": 1, "escalated": 1}
    wk = IsoWeek.parse(week)
    ids = SampleIds()
    n_clip = 0
    for h_index, name in enumerate(holder_names):
        holder = RightsHolder(name=name, contact_email=f"legal{h_index}@holder.example")
        session.add(holder)
        session.flush()
        ids.holders.append(holder.id)
        work = Work(rights_holder_id=holder.id, name_en=f"Sky Pirates {h_index}", name_ja=f"空の海賊{h_index}")
        session.add(work)
        session.flush()
        ids.works.append(work.id)
        refs = []
        for c_index, (en, ja) in enumerate((("Hana", "ハナ"), ("Taro <i>", "太郎"))):
            ch = Character(work_id=work.id, name_en=en, name_ja=ja, aliases=[ja, en.lower()])
            session.add(ch)
            session.flush()
            ids.characters.append(ch.id)
            stem = f"h{holder.id}-c{ch.id}-ref"
            path = settings.references_dir / f"{stem}.png"
            if images:
                draw_reference(path, seed=holder.id * 10 + c_index)
            digest = hashlib.sha256(path.read_bytes() if images else stem.encode()).hexdigest()
            ref = Reference(character_id=ch.id, name=stem, path=settings.stored_path(path), sha256=digest,
                            phash=f"{holder.id:04x}{ch.id:04x}deadbeef", width=256, height=256)
            session.add(ref)
            session.flush()
            refs.append(ref)
            ids.references.append(ref.id)
        for state, count in per_state.items():
            for i in range(count):
                n_clip += 1
                platform = PLATFORMS[n_clip % len(PLATFORMS)]
                hostile = i == 0
                created = wk.start + timedelta(days=1 + i % 5, hours=n_clip % 12)
                clip = Clip(
                    platform=platform, platform_id=f"v{holder.id}x{n_clip}",
                    url=f"https://www.{platform}.example/v/{holder.id}x{n_clip}",
                    page_url=f"https://www.{platform}.example/@u{i}/video/{n_clip}",
                    title=HOSTILE_TITLE if hostile else f"Clip {n_clip} 踊ってみた",
                    uploader_id=f"@uploader{i % 2}",
                    uploader_name=HOSTILE_UPLOADER if hostile else f"Uploader {i % 2} ユーザー",
                    posted_at=created - timedelta(days=2), discovered_at=created - timedelta(hours=3),
                    duration=30.0, view_count=1000 * (n_clip + 1),
                    media_sha256=hashlib.sha256(f"media{n_clip}".encode()).hexdigest(), status="done",
                )
                session.add(clip)
                session.flush()
                ids.clips.append(clip.id)
                ref = refs[n_clip % len(refs)]
                box = (60, 200, 240, 240)
                thumb = settings.evidence_dir / f"clip{clip.id}" / f"frame-{ref.id}.jpg"
                if images:
                    draw_frame(thumb, settings.home_path(ref.path), box)
                finding = Finding(
                    clip_id=clip.id, reference_id=ref.id, score=0.6 + 0.05 * (n_clip % 8), method="phash+orb",
                    spans=[[3.0, 7.5], [12.0, 14.0]], best_t=4.0, best_box=list(box), distance=8,
                    clip_share=0.2, reference_share=0.9, thumbnail_path=settings.stored_path(thumb) if images else None,
                    state=state, created_at=created, decided_at=created if state != "pending" else None,
                    note=None,
                )
                session.add(finding)
                session.flush()
                ids.findings.setdefault(state, []).append(finding.id)
        # history for the trend chart: a few confirmed findings in each of the previous weeks
        for back in range(1, 4):
            n_clip += 1
            created = wk.shift(-back).start + timedelta(days=2)
            clip = Clip(platform="tiktok", platform_id=f"old{holder.id}x{n_clip}",
                        url=f"https://www.tiktok.example/v/old{n_clip}", title=f"old {n_clip}",
                        uploader_id="@old", uploader_name="Old uploader", discovered_at=created,
                        view_count=10, status="done")
            session.add(clip)
            session.flush()
            session.add(Finding(clip_id=clip.id, reference_id=refs[0].id, score=0.7, method="phash",
                                spans=[[0, 1]], best_t=0.5, state="confirmed", created_at=created))
    session.flush()
    return ids


def bulk_findings(session: Session, reference_ids: list[int], n: int, *, week: str = "2026-W47",
                  spread_weeks: int = 1, state_weights=None, seed: int = 7, batch: int = 5000) -> None:
    """Insert `n` clips with one finding each, fast (Core bulk inserts), spread over the last weeks."""
    rnd = random.Random(seed)
    wk = IsoWeek.parse(week)
    states = list((state_weights or {"confirmed": 5, "pending": 3, "dismissed": 1, "escalated": 1}).items())
    names, weights = [s for s, _ in states], [w for _, w in states]
    base = session.execute(insert(Clip).values(platform="bulk", platform_id="base", url="https://b.example/0")
                           .returning(Clip.id)).scalar_one()
    done = 0
    while done < n:
        m = min(batch, n - done)
        start_id = base + done + 1
        clips, findings = [], []
        for k in range(m):
            cid = start_id + k
            created = wk.shift(-rnd.randrange(spread_weeks)).start + timedelta(seconds=rnd.randrange(7 * 86400))
            platform = PLATFORMS[cid % 3]
            clips.append({"id": cid, "platform": platform, "platform_id": f"b{cid}", "url": f"https://{platform}.example/v/{cid}",
                          "title": f"bulk clip {cid}", "uploader_id": f"@u{cid % 997}", "uploader_name": f"user {cid % 997}",
                          "discovered_at": created, "last_seen_at": created, "status_changed_at": created,
                          "view_count": rnd.randrange(100, 10**6), "status": "done", "hashtags": [], "attempts": 0,
                          "media_sha256": f"{cid:064x}", "posted_at": created - timedelta(days=1)})
            state = rnd.choices(names, weights)[0]
            findings.append({"clip_id": cid, "reference_id": reference_ids[cid % len(reference_ids)],
                             "score": round(rnd.uniform(0.4, 1.0), 3), "method": "phash", "spans": [[1.0, 3.0]],
                             "best_t": 2.0, "state": state, "created_at": created, "updated_at": created,
                             "decided_at": created if state != "pending" else None})
        session.execute(insert(Clip), clips)
        session.execute(insert(Finding), findings)
        done += m
    session.flush()


def now_in(week: str) -> datetime:
    """A moment inside `week` (Wednesday noon UTC)."""
    return IsoWeek.parse(week).start + timedelta(days=2, hours=12)
