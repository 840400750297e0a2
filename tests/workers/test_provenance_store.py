"""The analyze glue records a clip's provenance (C2PA summary, registered watermarks with their evidence
frame) on the clip, for the finding kinds to read; a rerun replaces it."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from core.blobstore import open_store
from core.models import Clip
from core.services.watermarks import add_watermark
from bench.provenance import kit
from workers.analyze import inspect_provenance, store_provenance

pytest.importorskip("c2pa")


def test_signed_watermarked_clip_recorded(settings, session, tmp_path):
    logo = kit.make_logo(tmp_path / "genai.png")
    add_watermark(session, settings, None, name="genai", data=logo.read_bytes())
    plain = kit.moving_watermark_clip(tmp_path / "plain.mp4", logo, seed=7)
    signed = kit.sign(plain, tmp_path / "signed.mp4", kit.make_chain(), "video/mp4")
    clip = Clip(platform="web", platform_id="p1", url="http://127.0.0.1/v/p1")
    session.add(clip)
    session.flush()
    record = store_provenance(session, settings, clip, inspect_provenance(signed, settings, session))
    session.commit()
    stored = session.scalar(select(Clip.provenance).where(Clip.id == clip.id))
    assert stored == record and "file" not in stored
    assert stored["ai_generated"] and stored["c2pa"]["claim_generator"] == "TestGen 2.0"
    assert stored["c2pa"]["validation_state"] == "Valid"
    hit = stored["watermarks"][0]
    assert hit["name"] == "genai" and hit["moved"]
    assert hit["frame_path"] == f"evidence/{clip.id}/watermark-genai.jpg"
    assert open_store(settings).get(hit["frame_path"])[:2] == b"\xff\xd8"
    json.dumps(stored)
    # a rerun on media without either replaces the record
    bare = kit.moving_watermark_clip(tmp_path / "bare.mp4", None, seed=7)
    store_provenance(session, settings, clip, inspect_provenance(bare, settings, session))
    session.commit()
    again = session.scalar(select(Clip.provenance).where(Clip.id == clip.id))
    assert again["watermarks"] == [] and not again["c2pa"]["present"] and not again["ai_generated"]


def test_trust_anchors_setting(mamoru_env, tmp_path, monkeypatch):
    from core.config import load_settings
    from core.db import session_scope, upgrade

    chain = kit.make_chain()
    anchors = tmp_path / "roots.pem"
    anchors.write_bytes(chain.root_pem)
    monkeypatch.setenv("MAMORU_C2PA_TRUST_ANCHORS", str(anchors))
    s = load_settings()
    upgrade(s)
    signed = kit.sign(kit.make_jpeg(tmp_path / "a.jpg"), tmp_path / "s.jpg", chain, "image/jpeg")
    with session_scope(s) as session:
        assert inspect_provenance(signed, s, session).c2pa.validation_state == "Trusted"
