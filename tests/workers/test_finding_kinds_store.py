"""The analyze glue gives every (clip, character) one verdict from all its signals (workers.signals gathers,
core.services.kinds decides) and the holder's policy's action: names in the text make `mention` findings,
names with AI markers or AI provenance `ai_depiction`, reference art `copy`; a rerun replaces them."""

from __future__ import annotations

from sqlalchemy import select

from core.models import Clip, Finding, Reference, TriageState
from core.services.catalogue import import_catalogue, parse_catalogue
from core.services.holders import get_or_create_holder
from core.services.policy import parse_policy, set_policy
from workers.analyze import store_kinds

CATALOGUE = """
works:
  - id: one-piece
    titles: ["ONE PIECE", "ワンピース"]
    characters:
      - id: luffy
        names: ["モンキー・D・ルフィ", "Monkey D. Luffy", "ルフィ", "Luffy"]
      - id: nami
        names: ["ナミ", "Nami"]
  - id: naruto
    titles: ["NARUTO"]
    characters:
      - id: naruto
        names: ["うずまきナルト", "ナルト", "Naruto"]
"""


def _holder(session, name="Shueisha Demo"):
    holder = get_or_create_holder(session, None, name)
    import_catalogue(session, None, holder, parse_catalogue(CATALOGUE))
    session.flush()
    return holder


def _clip(session, pid, title, **kw):
    clip = Clip(platform="tiktok", platform_id=pid, url=f"http://127.0.0.1/v/{pid}", title=title, **kw)
    session.add(clip)
    session.flush()
    return clip


def _kinds(session, clip):
    rows = session.scalars(select(Finding).where(Finding.clip_id == clip.id)).all()
    return sorted((f.character.key, f.kind, f.action, f.policy_version) for f in rows)


def test_ai_title_makes_two_ai_depictions(session):
    _holder(session)
    clip = _clip(session, "a1", "【AI】ルフィとナルトが踊ってみた #sora2")
    store_kinds(session, clip, [])
    assert _kinds(session, clip) == [("luffy", "ai_depiction", "notice", 0), ("naruto", "ai_depiction", "notice", 0)]
    f = session.scalars(select(Finding).where(Finding.clip_id == clip.id)).first()
    assert f.reference_id is None and f.state == TriageState.pending.value
    mention = next(s for s in f.signals if s["type"] == "mention")
    assert mention["field"] == "title" and mention["text"][mention["start"]:mention["end"]] in ("ルフィ", "ナルト")
    markers = [s for s in f.signals if s["type"] == "ai_marker"]
    assert markers and all(m["text"][m["start"]:m["end"]] for m in markers)


def test_named_only_is_a_mention_and_a_rerun_replaces(session):
    _holder(session)
    clip = _clip(session, "m1", "ナミの絵を描いてみた", hashtags=["ワンピース"])
    store_kinds(session, clip, [])
    assert _kinds(session, clip) == [("nami", "mention", "monitor", 0)]
    clip.title = "ナミの絵を描いてみた (made with Sora)"
    store_kinds(session, clip, [])
    assert _kinds(session, clip) == [("nami", "ai_depiction", "notice", 0)]
    clip.title = "just a sunset"
    clip.hashtags = []
    store_kinds(session, clip, [])
    assert _kinds(session, clip) == []


def test_provenance_alone_makes_ai_depiction(session):
    _holder(session)
    clip = _clip(session, "p1", "Luffy dance", provenance={
        "ai_generated": True, "watermarks": [],
        "c2pa": {"ai_generated": True, "validation_state": "Valid", "claim_generator": "TestGen 2.0",
                 "signer": "Test Signer", "actions": [{"action": "c2pa.created",
                                                       "digital_source_type": "trainedAlgorithmicMedia"}]}})
    store_kinds(session, clip, [])
    (f,) = session.scalars(select(Finding).where(Finding.clip_id == clip.id)).all()
    assert f.kind == "ai_depiction"
    c2pa = next(s for s in f.signals if s["type"] == "c2pa")
    assert c2pa["claim_generator"] == "TestGen 2.0" and c2pa["validation_state"] == "Valid"
    # a tampered manifest's claim decides nothing
    clip.provenance = {"c2pa": {"ai_generated": True, "validation_state": "Invalid"}, "watermarks": []}
    store_kinds(session, clip, [])
    assert _kinds(session, clip) == [("luffy", "mention", "monitor", 0)]


def test_copy_is_strongest_and_carries_the_text_signals(session, settings, art, tmp_path):
    from workers.catalog import add_reference

    holder = _holder(session)
    image = tmp_path / "luffy.png"
    image.write_bytes(art(3))
    add_reference(session, settings, holder=holder.name, work="ONE PIECE", work_ja="ワンピース",
                  character="Monkey D. Luffy", character_ja="モンキー・D・ルフィ", image=image)
    session.flush()
    ref = session.scalar(select(Reference))
    clip = _clip(session, "c1", "Luffy (AI) #sora")
    copy = Finding(clip_id=clip.id, reference_id=ref.id, character_id=ref.character_id, score=0.9, method="phash",
                   spans=[[0, 1]], best_t=0.5)
    session.add(copy)
    session.flush()
    store_kinds(session, clip, [copy])
    rows = session.scalars(select(Finding).where(Finding.clip_id == clip.id)).all()
    assert [(f.kind, f.reference_id, f.action) for f in rows] == [("copy", ref.id, "notice")]
    assert {s["type"] for s in rows[0].signals} >= {"reference_match", "mention", "ai_marker"}


def test_policy_decides_the_action_with_its_version(session):
    holder = _holder(session)
    policy = set_policy(session, None, holder, parse_policy("""
allow_uploaders: [{platform: tiktok, uploader: "@official_op"}]
rules:
  - {kind: mention, commercial: true, action: notice}
  - {kind: mention, action: tolerate}
  - {kind: [copy, ai_depiction], action: notice}
"""))
    assert policy.version == 1
    fan = _clip(session, "f1", "ルフィ描いてみた")
    shop = _clip(session, "s1", "ルフィ アクスタ 販売中 link in bio")
    official = _clip(session, "o1", "【AI】ルフィ #sora2", uploader_id="official_op")
    for clip in (fan, shop, official):
        store_kinds(session, clip, [])
    assert _kinds(session, fan) == [("luffy", "mention", "tolerate", 1)]
    assert _kinds(session, shop) == [("luffy", "mention", "notice", 1)]
    assert _kinds(session, official) == [("luffy", "ai_depiction", "tolerate", 1)]
    signals = session.scalars(select(Finding.signals).where(Finding.clip_id == shop.id)).one()
    assert {s.get("marker") for s in signals if s["type"] == "commercial"} >= {"sale_ja", "link_in_bio"}


def test_likeness_with_ai_markers_makes_ai_depiction(session, settings, tmp_path):
    """With a likeness model set (a tiny ONNX model built here), a new drawing of a character in a clip
    whose text says AI made it is an ai_depiction of that character, with the likeness as its signal."""
    import dataclasses
    import hashlib

    import cv2
    import pytest

    pytest.importorskip("onnxruntime")
    from core.blobstore import open_store
    from core.models import Character, Work
    from tests.matcher.test_likeness import DESIGNS, SIDE, build_model, draw
    from workers.signals import likeness_signals

    holder = _holder(session)
    model = build_model(tmp_path / "tiny.onnx")
    configured = dataclasses.replace(settings, likeness_model=model, likeness_input_size=SIDE,
                                     likeness_sha256=hashlib.sha256(model.read_bytes()).hexdigest(),
                                     likeness_mean=(0.5, 0.5, 0.5), likeness_std=(0.25, 0.25, 0.25),
                                     likeness_output="embedding")
    store = open_store(settings)
    ids = {}
    for key in ("luffy", "naruto", "sasuke"):
        character = session.scalar(select(Character).join(Work).where(Work.rights_holder_id == holder.id,
                                                                        Character.key == key))
        if character is None:
            character = Character(work_id=session.scalar(select(Work.id).where(Work.key == "naruto")), key=key,
                                  name_en=key.title(), aliases=[key.title()])
            session.add(character)
            session.flush()
        ids[key] = character.id
        for seed in range(4):
            png = cv2.imencode(".png", draw(DESIGNS[key], seed))[1].tobytes()
            path = store.put(f"references/test-{key}-{seed}.png", png)
            session.add(Reference(character_id=character.id, name=f"{key}-{seed}", path=path,
                                  sha256=hashlib.sha256(png).hexdigest()))
    session.flush()
    drawing = tmp_path / "new.png"
    cv2.imwrite(str(drawing), draw(DESIGNS["naruto"], 205))
    likeness = likeness_signals(session, configured, drawing)
    assert list(likeness) == [ids["naruto"]] and likeness[ids["naruto"]][0]["character"] == "Naruto"
    assert likeness_signals(session, settings, drawing) == {}  # off without a model
    clip = _clip(session, "l1", "dance #sora2 #aiart")
    store_kinds(session, clip, [], likeness)
    (f,) = session.scalars(select(Finding).where(Finding.clip_id == clip.id)).all()
    assert (f.character_id, f.kind) == (ids["naruto"], "ai_depiction")
    assert {s["type"] for s in f.signals} == {"likeness", "ai_marker"}
    linked = _clip(session, "l3", "another dance #aiart",
                   provenance={"likeness": {str(k): v for k, v in likeness.items()}})  # as the analysis records it
    store_kinds(session, linked, [])
    assert [(f.character_id, f.kind) for f in session.scalars(select(Finding).where(Finding.clip_id == linked.id))] \
        == [(ids["naruto"], "ai_depiction")]
    quiet = _clip(session, "l2", "a quiet walk")
    store_kinds(session, quiet, [], likeness)
    assert _kinds(session, quiet) == []  # a likeness alone, with no AI signal, is no finding


def test_a_new_policy_applied_to_pending_findings(session):
    from core.services.policy import apply_policy
    from core.services.triage import decide

    holder = _holder(session)
    fan = _clip(session, "fa1", "ルフィ描いてみた")
    shop = _clip(session, "sh1", "ナミ アクスタ 販売中")
    for clip in (fan, shop):
        store_kinds(session, clip, [])
    decided = session.scalar(select(Finding.id).where(Finding.clip_id == shop.id))
    decide(session, None, [decided], "confirm", "")
    set_policy(session, None, holder, parse_policy("rules: [{kind: mention, action: tolerate}]"))
    assert apply_policy(session, None, holder) == {"tolerate": 1}
    assert _kinds(session, fan) == [("luffy", "mention", "tolerate", 1)]
    assert _kinds(session, shop) == [("nami", "mention", "monitor", 0)]  # decided: kept as decided
