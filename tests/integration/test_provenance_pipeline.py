"""Provenance through the real chain: a redis-server and a `celery worker` on 127.0.0.1 fetch (yt-dlp) a
signed, watermarked clip from a loopback web server and analyze it; the clip records its C2PA summary and
the registered watermark, with the watermark's frame kept as evidence."""

from __future__ import annotations

import shutil

import pytest

from bench.harness import Pipeline
from core.blobstore import open_store
from core.db import session_scope
from core.services.watermarks import add_watermark
from bench.provenance import kit
from liveserver import serving_folder

pytestmark = pytest.mark.integration

if shutil.which("redis-server") is None:
    pytest.skip("redis-server is not installed (scripts/setup.sh installs it)", allow_module_level=True)
pytest.importorskip("c2pa")


def test_worker_records_provenance(tmp_path_factory):
    media = tmp_path_factory.mktemp("site")
    logo = kit.make_logo(media / "genai.png")
    plain = kit.moving_watermark_clip(media / "plain.mp4", logo, seed=11)
    kit.sign(plain, media / "signed.mp4", kit.make_chain(), "video/mp4")
    home = tmp_path_factory.mktemp("prov") / "home"
    with serving_folder(media) as base, Pipeline(home) as p:
        p.add_references()
        with session_scope(p.settings) as session:
            add_watermark(session, p.settings, None, name="genai", data=logo.read_bytes())
        signed_id = p.add_clip(f"{base}/signed.mp4", platform_id="signed")
        plain_id = p.add_clip(f"{base}/plain.mp4", platform_id="plain")
        p.start(workers=[("worker", "io,cpu", 2)])
        p.fetch([signed_id, plain_id])
        states = p.wait_until([signed_id, plain_id], timeout=300)
        assert {s for s, _, _ in states.values()} == {"done"}, states
        signed, plain_clip = p.clip(signed_id), p.clip(plain_id)
    prov = signed.provenance
    assert prov["ai_generated"] and prov["c2pa"]["present"] and prov["c2pa"]["validation_state"] == "Valid"
    assert prov["c2pa"]["claim_generator"] == "TestGen 2.0"
    assert prov["c2pa"]["actions"][0]["digital_source_type"] == "trainedAlgorithmicMedia"
    assert [w["name"] for w in prov["watermarks"]] == ["genai"] and prov["watermarks"][0]["moved"]
    assert open_store(p.settings).get(prov["watermarks"][0]["frame_path"])[:2] == b"\xff\xd8"
    # the same pictures without a manifest: the watermark alone says how it was made
    assert not plain_clip.provenance["c2pa"]["present"] and plain_clip.provenance["watermarks"]
    assert p.findings(signed_id) == []  # a watermark is provenance, never a finding of art
