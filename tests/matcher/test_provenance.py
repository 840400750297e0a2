"""Provenance: C2PA manifests of files signed here with a throw-away CA, and generator watermarks that
wander around clips made here; a watermark is provenance, never a finding of art."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from mamoru.cli.provenance import provenance
from matcher.provenance import WatermarkTemplate, inspect_file, read_manifest
from matcher.provenance.watermark import WatermarkError

from bench.provenance import kit

pytest.importorskip("c2pa")


@pytest.fixture(scope="module")
def chain():
    return kit.make_chain()


@pytest.fixture(scope="module")
def material(tmp_path_factory, chain):
    d = tmp_path_factory.mktemp("provenance")
    jpeg = kit.make_jpeg(d / "plain.jpg")
    clip = kit.moving_watermark_clip(d / "plain.mp4", None, seconds=1.0)
    logo = kit.make_logo(d / "genai.png")
    other = kit.make_logo(d / "vidgen.png", text="VIDGEN")
    return {
        "plain_jpg": jpeg,
        "ai_jpg": kit.sign(jpeg, d / "ai.jpg", chain, "image/jpeg"),
        "camera_mp4": kit.sign(clip, d / "camera.mp4", chain, "video/mp4", source_type=kit.CAPTURED,
                               generator="PhoneCam"),
        "ai_mp4": kit.sign(clip, d / "ai.mp4", chain, "video/mp4"),
        "logo": logo, "other_logo": other,
        "wm_clip": kit.moving_watermark_clip(d / "wm.mp4", logo, seed=2),
        "wm_faint": kit.moving_watermark_clip(d / "wm_faint.mp4", logo, width_share=0.18, opacity=0.5, seed=4),
        "wm_big": kit.moving_watermark_clip(d / "wm_big.mp4", logo, width_share=0.45, seed=3),
        "no_wm": kit.moving_watermark_clip(d / "no_wm.mp4", None, seed=2),
        "dir": d,
    }


def test_signed_ai_image(material, chain):
    m = read_manifest(material["ai_jpg"])
    assert m.present and m.manifests == 1
    assert m.claim_generator == "TestGen 2.0"
    assert (m.signer, m.signer_org) == ("Test Generator Signer", "Test Generator Inc")
    assert m.actions == [{"action": "c2pa.created", "digital_source_type": "trainedAlgorithmicMedia",
                          "software_agent": "TestGen"}]
    assert m.ai_generated
    # intact, but signed under a root nobody configured: Valid, and c2pa says why it is not Trusted
    assert m.validation_state == "Valid" and "signingCredential.untrusted" in m.validation_codes
    trusted = read_manifest(material["ai_jpg"], trust_anchors_pem=chain.root_pem.decode())
    assert trusted.validation_state == "Trusted"
    json.dumps(m.to_dict())


def test_signed_video_camera_and_ai(material):
    cam = inspect_file(material["camera_mp4"])
    assert cam.c2pa.present and cam.c2pa.claim_generator == "PhoneCam 2.0"
    assert cam.c2pa.actions[0]["digital_source_type"] == "digitalCapture"
    assert not cam.c2pa.ai_generated and not cam.ai_generated
    ai = inspect_file(material["ai_mp4"])
    assert ai.c2pa.ai_generated and ai.ai_generated and ai.c2pa.validation_state == "Valid"


def test_no_manifest_and_tampered(material, tmp_path):
    plain = read_manifest(material["plain_jpg"])
    assert not plain.present and plain.error is None and plain.validation_state is None
    data = bytearray(material["ai_jpg"].read_bytes())
    data[-200] ^= 0xFF  # one byte of the picture changed after signing
    tampered = tmp_path / "tampered.jpg"
    tampered.write_bytes(bytes(data))
    result = inspect_file(tampered)
    assert result.c2pa.present and result.c2pa.validation_state == "Invalid"
    assert "assertion.dataHash.mismatch" in result.c2pa.validation_codes
    assert result.c2pa.ai_generated and not result.ai_generated  # a broken claim decides nothing


def test_moving_watermark_found_as_provenance(material):
    templates = [WatermarkTemplate.from_file(material["logo"]), WatermarkTemplate.from_file(material["other_logo"])]
    for clip in ("wm_clip", "wm_faint", "wm_big"):
        result = inspect_file(material[clip], templates)
        assert [w.name for w in result.watermarks] == ["genai"], clip  # not the other logo sharing its glyph
        hit = result.watermarks[0]
        assert hit.moved and hit.frames >= 3 and hit.frame_share >= 0.5, (clip, hit)
        assert hit.score >= 0.7 and hit.frame_jpeg[:2] == b"\xff\xd8"
        assert len({tuple(e["box"][:2]) for e in hit.track}) >= 3  # seen at several places
        assert result.ai_generated and not result.c2pa.present
        json.dumps(result.to_dict())
    assert inspect_file(material["no_wm"], templates).watermarks == []


def test_watermark_box_is_where_the_logo_is(material):
    result = inspect_file(material["wm_clip"], [WatermarkTemplate.from_file(material["logo"])])
    first = [e for e in result.watermarks[0].track if e["t"] < 1.0]
    assert first, result.watermarks[0].track
    x, y, w, h = first[0]["box"]  # the kit's first place: (6 %, 8 %) of 360x640; the logo trimmed of its margin
    assert abs(x - 24) <= 8 and abs(y - 55) <= 10 and 70 <= w <= 105


def test_blank_template_refused(tmp_path):
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("RGBA", (80, 40), (0, 0, 0, 0)).save(blank)
    with pytest.raises(WatermarkError, match="blank"):
        WatermarkTemplate.from_file(blank)


def test_cli_json_one_object_per_file(material, mamoru_env):
    missing = material["dir"] / "missing.mp4"
    r = CliRunner().invoke(provenance, [str(material["ai_mp4"]), str(material["wm_clip"]), str(missing),
                                        "--watermark", str(material["logo"]), "--json"])
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.output.strip().splitlines()]
    assert [row["file"] for row in rows] == [str(material["ai_mp4"]), str(material["wm_clip"]), str(missing)]
    assert list(rows[0]) == ["file", "ai_generated", "c2pa", "watermarks", "frames_searched", "error"]
    assert rows[0]["ai_generated"] and rows[0]["c2pa"]["claim_generator"] == "TestGen 2.0"
    assert rows[1]["watermarks"][0]["name"] == "genai" and rows[1]["watermarks"][0]["moved"]
    assert rows[2]["error"] and "no such file" in rows[2]["error"] and not rows[2]["ai_generated"]


def test_unreadable_and_unsupported_files(tmp_path):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(bytes(range(256)) * 8)
    webm = tmp_path / "clip.webm"
    webm.write_bytes(b"\x1a\x45\xdf\xa3" + b"\x00" * 64)
    for path, message in ((junk, "C2PA could not read it"), (webm, "a format C2PA cannot carry")):
        m = read_manifest(path)
        assert not m.present and m.validation_state is None and message in m.error and "\n" not in m.error
