"""AI markers per character and the non-copy confidence through the analyze glue (workers.signals finds the
names and markers in the clip's fields, core.services.kinds decides): a marker in a sentence naming one
character makes only that one an ai_depiction; a post label or file-level provenance makes every named
character one; each non-copy finding stores its confidence, copies none."""

from __future__ import annotations

from sqlalchemy import select

from core.models import Finding
from core.services.kinds import CONFIDENCE_WEIGHTS
from tests.workers.test_finding_kinds_store import _clip, _holder, _kinds
from workers.analyze import store_kinds


def _by_character(session, clip) -> dict[str, Finding]:
    return {f.character.key: f for f in session.scalars(select(Finding).where(Finding.clip_id == clip.id))}


def test_a_sentence_marker_makes_only_its_character_ai(session):
    _holder(session)
    clip = _clip(session, "s1", "Luffy fan art I drew by hand. Naruto made with Sora")
    store_kinds(session, clip, [])
    assert [(k, kind) for k, kind, *_ in _kinds(session, clip)] == [("luffy", "mention"), ("naruto", "ai_depiction")]
    found = _by_character(session, clip)
    (marker,) = [s for s in found["naruto"].signals if s["type"] == "ai_marker"]
    assert marker["scope"] == "sentence" and marker["character_ids"] == [found["naruto"].character_id]
    assert not [s for s in found["luffy"].signals if s["type"] == "ai_marker"]
    assert (found["luffy"].action, found["naruto"].action) == ("monitor", "notice")


def test_japanese_sentences_and_post_labels(session):
    _holder(session)
    clip = _clip(session, "s2", "ルフィ描いてみた。ナルトはAI生成")
    store_kinds(session, clip, [])
    assert [(k, kind) for k, kind, *_ in _kinds(session, clip)] == [("luffy", "mention"), ("naruto", "ai_depiction")]
    for pid, title, tags in (("s3", "【AI】ルフィ描いてみた。ナルト手描き", []),
                             ("s4", "Luffy by hand. Naruto too", ["sora2"]),
                             ("s5", "Made with Sora ✨", ["luffy", "naruto"])):
        clip = _clip(session, pid, title, hashtags=tags)
        store_kinds(session, clip, [])
        assert [(k, kind) for k, kind, *_ in _kinds(session, clip)] == \
            [("luffy", "ai_depiction"), ("naruto", "ai_depiction")], title


def test_file_level_provenance_speaks_of_every_character(session):
    _holder(session)
    clip = _clip(session, "s6", "Luffy fan art I drew by hand. Naruto made with Sora", provenance={
        "watermarks": [{"name": "genai", "score": 0.9, "frames": 5, "best_t": 1.0}], "c2pa": {}})
    store_kinds(session, clip, [])
    assert {kind for _, kind, *_ in _kinds(session, clip)} == {"ai_depiction"}
    luffy = _by_character(session, clip)["luffy"]
    assert [s["type"] for s in luffy.signals] == ["mention", "watermark"]


def test_confidence_stored_from_fields_work_and_ai(session):
    _holder(session)
    plain = _clip(session, "c1", "ナミの絵を描いてみた")
    named = _clip(session, "c2", "ナミの絵を描いてみた #ワンピース", hashtags=["ナミ", "ワンピース"])
    ai = _clip(session, "c3", "ナミの絵を描いてみた #sora2", hashtags=["ナミ", "ワンピース"])
    for clip in (plain, named, ai):
        store_kinds(session, clip, [])
    (p,), (n,), (a,) = (list(_by_character(session, c).values()) for c in (plain, named, ai))
    assert p.confidence == CONFIDENCE_WEIGHTS["named_in_title"]
    mention = next(s for s in n.signals if s["type"] == "mention")
    assert mention["also_in"] == ["hashtags"] and mention["work_named"] is True
    assert (p.kind, n.kind, a.kind) == ("mention", "mention", "ai_depiction")
    assert p.confidence < n.confidence < a.confidence < 1


def test_a_name_that_is_the_title_does_not_name_the_work_twice(session):
    _holder(session)
    alone = _clip(session, "w1", "Naruto dance")
    both = _clip(session, "w2", "ナルト dance #NARUTO")
    for clip in (alone, both):
        store_kinds(session, clip, [])
    (a,), (b,) = (list(_by_character(session, c).values()) for c in (alone, both))
    assert next(s for s in a.signals if s["type"] == "mention")["work_named"] is False
    assert next(s for s in b.signals if s["type"] == "mention")["work_named"] is True
