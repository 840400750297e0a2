"""Registered watermarks: checked, stored in the blob store, listed, refused with one line; `mamoru
provenance` looks for them by default."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from core.blobstore import open_store
from core.services.errors import Conflict, Invalid
from core.services.holders import create_holder
from core.services.watermarks import add_watermark, list_watermarks, watermark_templates
from mamoru.cli.main import cli
from bench.provenance import kit


def test_add_list_and_templates(settings, session, tmp_path):
    logo = kit.make_logo(tmp_path / "genai.png").read_bytes()
    holder = create_holder(session, None, "Studio A")
    row = add_watermark(session, settings, None, name="genai", data=logo, holder=holder)
    assert row.path.startswith("watermarks/genai-") and open_store(settings).get(row.path) == logo
    admin = add_watermark(session, settings, None, name="vidgen",
                          data=kit.make_logo(tmp_path / "v.png", text="VIDGEN").read_bytes())
    assert [(w.name, h) for w, h in list_watermarks(session)] == [("genai", "Studio A"), ("vidgen", None)]
    assert admin.rights_holder_id is None
    assert [(t.name, t.holder, t.png == logo) for t in watermark_templates(session, settings)][0] == \
        ("genai", "Studio A", True)
    with pytest.raises(Conflict, match="already registered as watermark 'genai'"):
        add_watermark(session, settings, None, name="again", data=logo)
    with pytest.raises(Conflict, match="named 'genai'"):
        add_watermark(session, settings, None, name="genai", data=kit.make_logo(tmp_path / "x.png", "X").read_bytes())
    with pytest.raises(Invalid, match="name"):
        add_watermark(session, settings, None, name="../evil", data=logo)
    jpeg = kit.make_jpeg(tmp_path / "w.jpg").read_bytes()
    with pytest.raises(Invalid, match="PNG"):
        add_watermark(session, settings, None, name="jpeg", data=jpeg)
    from PIL import Image, ImageDraw

    strip = tmp_path / "strip.png"
    img = Image.new("RGBA", (120, 16), (0, 0, 0, 0))
    ImageDraw.Draw(img).text((2, 2), "made with AI", fill=(255, 255, 255, 255))
    img.save(strip)
    assert add_watermark(session, settings, None, name="strip", data=strip.read_bytes()).height == 16
    with pytest.raises(Invalid, match="readable image"):
        add_watermark(session, settings, None, name="junk", data=b"not a png at all" * 10)


def test_cli_add_list_and_provenance_uses_registered(mamoru_env, tmp_path):
    runner = CliRunner()
    logo = kit.make_logo(tmp_path / "genai.png")
    clip = kit.moving_watermark_clip(tmp_path / "wm.mp4", logo, seed=5)
    r = runner.invoke(cli, ["watermark", "list"])
    assert r.exit_code == 0 and "no watermarks yet" in r.output
    r = runner.invoke(cli, ["watermark", "add", "genai", str(logo), "--holder", "Nobody"])
    assert r.exit_code == 1 and "no rights holder 'Nobody'" in r.output
    r = runner.invoke(cli, ["watermark", "add", "genai", str(logo)])
    assert r.exit_code == 0 and "watermark 1 genai added" in r.output, r.output
    r = runner.invoke(cli, ["watermark", "list"])
    assert "1: genai (admin)" in r.output
    r = runner.invoke(cli, ["provenance", str(clip), "--json"])
    assert r.exit_code == 0, r.output
    row = json.loads(r.output)
    assert [w["name"] for w in row["watermarks"]] == ["genai"] and row["ai_generated"]
    r = runner.invoke(cli, ["provenance", str(clip), "--json", "--no-registered"])
    assert json.loads(r.output)["watermarks"] == []
    blank = tmp_path / "blank.png"
    from PIL import Image

    Image.new("RGBA", (64, 40), (0, 0, 0, 0)).save(blank)
    r = runner.invoke(cli, ["watermark", "add", "blank", str(blank)])
    assert r.exit_code == 1 and "blank" in r.output and len(r.output.strip().splitlines()) == 1


def test_cli_retire_and_restore(mamoru_env, tmp_path):
    runner = CliRunner()
    logo = kit.make_logo(tmp_path / "genai.png")
    assert runner.invoke(cli, ["watermark", "add", "genai", str(logo)]).exit_code == 0
    r = runner.invoke(cli, ["watermark", "retire", "genai"])
    assert r.exit_code == 0 and "watermark genai retired" in r.output
    assert runner.invoke(cli, ["watermark", "list"]).output.strip().endswith("retired")
    clip = kit.moving_watermark_clip(tmp_path / "wm.mp4", logo, seed=5)
    assert json.loads(runner.invoke(cli, ["provenance", str(clip), "--json"]).output)["watermarks"] == []
    assert "restored" in runner.invoke(cli, ["watermark", "retire", "genai", "--restore"]).output
    assert not runner.invoke(cli, ["watermark", "list"]).output.strip().endswith("retired")
    r = runner.invoke(cli, ["watermark", "retire", "nope"])
    assert r.exit_code == 1 and "no watermark named 'nope'" in r.output
    assert runner.invoke(cli, ["watermark", "retire", "--help"]).exit_code == 0
