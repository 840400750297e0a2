"""Finding kinds through the real chain: a redis-server and a `celery worker` on 127.0.0.1 fetch (yt-dlp)
clips from a loopback web server and analyze them; each (clip, character) of the holder's catalogue gets one
verdict: a clip whose media carries a signed C2PA "trainedAlgorithmicMedia" claim and a generator watermark,
titled with a character's name, is an `ai_depiction` (its signals: the mention, the manifest's fields, the
watermark's frame); the same media under another title gets that title's characters (a duplicate is linked,
not analysed again, and still gets its own text's verdicts); a clip naming a character with nothing else is
a `mention`, whose action the holder's policy decides (monitor by default)."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from bench.harness import Pipeline
from core.blobstore import open_store
from core.db import session_scope
from core.models import Character, Finding, RightsHolder
from core.services.catalogue import import_catalogue, parse_catalogue
from core.services.watermarks import add_watermark
from bench.provenance import kit
from liveserver import serving_folder

pytestmark = pytest.mark.integration

if shutil.which("redis-server") is None:
    pytest.skip("redis-server is not installed (scripts/setup.sh installs it)", allow_module_level=True)
pytest.importorskip("c2pa")

CATALOGUE = """
works:
  - id: one-piece
    titles: ["ONE PIECE", "ワンピース"]
    characters:
      - {id: luffy, names: ["モンキー・D・ルフィ", "Monkey D. Luffy", "ルフィ", "Luffy"]}
  - id: naruto
    titles: ["NARUTO"]
    characters:
      - {id: naruto, names: ["うずまきナルト", "ナルト", "Naruto"]}
"""


def _kinds(settings, clip_id: int) -> dict[str, Finding]:
    with session_scope(settings) as session:
        rows = session.execute(select(Character.key, Finding).join(Character, Finding.character_id == Character.id)
                               .where(Finding.clip_id == clip_id)).all()
        session.expunge_all()
        return dict(rows)


def test_worker_gives_each_character_one_verdict(tmp_path_factory):
    media = tmp_path_factory.mktemp("site")
    logo = kit.make_logo(media / "genai.png")
    plain = kit.moving_watermark_clip(media / "plain.mp4", logo, seed=5)
    kit.sign(plain, media / "signed.mp4", kit.make_chain(), "video/mp4")
    shutil.copy(media / "signed.mp4", media / "signed-again.mp4")
    kit.moving_watermark_clip(media / "bare.mp4", None, seed=6)
    home = tmp_path_factory.mktemp("kinds") / "home"
    with serving_folder(media) as base, Pipeline(home) as p:
        p.add_references()
        with session_scope(p.settings) as session:
            holder = session.scalar(select(RightsHolder))
            import_catalogue(session, None, holder, parse_catalogue(CATALOGUE))
            add_watermark(session, p.settings, None, name="genai", data=logo.read_bytes())
        signed = p.add_clip(f"{base}/signed.mp4", platform_id="signed", title="Luffy dance")
        again = p.add_clip(f"{base}/signed-again.mp4", platform_id="again", title="ナルトとルフィ")
        bare = p.add_clip(f"{base}/bare.mp4", platform_id="bare", title="ナルトの絵を描いてみた")
        p.start(workers=[("worker", "io,cpu", 2)])
        p.fetch([signed, again, bare])
        states = p.wait_until([signed, again, bare], timeout=300)
        assert {s for s, _, _ in states.values()} == {"done"}, states
        found = {clip_id: _kinds(p.settings, clip_id) for clip_id in (signed, again, bare)}
    assert {k: f.kind for k, f in found[signed].items()} == {"luffy": "ai_depiction"}
    assert {k: f.kind for k, f in found[again].items()} == {"luffy": "ai_depiction", "naruto": "ai_depiction"}
    assert {k: (f.kind, f.action, f.policy_version) for k, f in found[bare].items()} == \
        {"naruto": ("mention", "monitor", 0)}
    luffy = found[signed]["luffy"]
    assert luffy.reference_id is None and luffy.action == "notice" and luffy.policy_version == 0
    signals = {s["type"]: s for s in luffy.signals}
    assert set(signals) == {"mention", "c2pa", "watermark"}
    assert signals["mention"]["text"][signals["mention"]["start"]:signals["mention"]["end"]] == "Luffy"
    assert signals["c2pa"]["claim_generator"] == "TestGen 2.0" and signals["c2pa"]["validation_state"] == "Valid"
    assert signals["watermark"]["name"] == "genai"
    assert open_store(p.settings).get(signals["watermark"]["frame_path"])[:2] == b"\xff\xd8"
