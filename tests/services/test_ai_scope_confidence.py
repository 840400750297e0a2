"""Which characters a text AI marker speaks of (core.services.kinds.marker_scope: file-level evidence and post
labels for every character, a marker in a sentence that names characters for those only) and the non-copy
findings' rule-based confidence (non_copy_confidence: a noisy-OR of documented weights, with its parts)."""

from __future__ import annotations

import pytest

from core.services.kinds import (
    CONFIDENCE_WEIGHTS,
    marker_scope,
    non_copy_confidence,
    sentence_bounds,
    verdicts,
)

LUFFY, NARUTO = 1, 2


def _at(text: str, word: str) -> list[tuple[int, int]]:
    start = text.index(word)
    return [(start, start + len(word))]


def _scope(field: str, texts: dict, marker: str, names: dict[int, tuple[str, str]]):
    names_at = {cid: [(f, *_at(texts[f], w)[0])] for cid, (f, w) in names.items()}
    return marker_scope(field, texts, _at(texts[field], marker), names_at)


@pytest.mark.parametrize(("title", "marker", "expected"), [
    # a sentence that names characters: the marker speaks of those only
    ("Luffy fan art I drew by hand. Naruto made with Sora", "Sora", [NARUTO]),
    ("ルフィ描いてみた。ナルトはAI生成", "AI生成", [NARUTO]),
    ("Luffy by hand | Naruto via Sora", "Sora", [NARUTO]),
    ("Luffy and Naruto made with Sora", "Sora", [LUFFY, NARUTO]),
    # post labels: tags and brackets, or a sentence naming nobody
    ("【AI】ルフィ描いてみた。ナルト手描き", "AI", None),
    ("Luffy by hand. Naruto too #sora2", "sora2", None),
    ("Luffy by hand. Naruto too. Made with Sora", "Sora", None),
])
def test_marker_scope_in_the_title(title, marker, expected):
    names = {LUFFY: ("title", "Luffy" if "Luffy" in title else "ルフィ"),
             NARUTO: ("title", "Naruto" if "Naruto" in title else "ナルト")}
    assert _scope("title", {"title": title}, marker, names) == expected


def test_marker_in_the_hashtags_or_the_uploader_name_labels_the_post():
    texts = {"title": "Luffy by hand. Naruto too", "hashtags": "#sora #anime", "uploader_name": "Sora AI Studio"}
    names = {LUFFY: ("title", "Luffy"), NARUTO: ("title", "Naruto")}
    assert _scope("hashtags", texts, "sora", names) is None
    assert _scope("uploader_name", texts, "Sora AI", names) is None


def test_a_marker_without_a_place_labels_the_post():
    assert marker_scope("description", {"description": "x"}, [], {LUFFY: [("description", 0, 1)]}) is None


def test_an_initial_does_not_end_a_sentence():
    text = "Monkey D. Luffy made with Sora. Naruto drawn by hand."
    lo, hi = sentence_bounds(text, text.index("Sora"))
    assert text[lo:hi] == "Monkey D. Luffy made with Sora"
    names = {LUFFY: ("description", "Luffy"), NARUTO: ("description", "Naruto")}
    assert _scope("description", {"description": text}, "Sora", names) == [LUFFY]


def test_verdicts_apply_a_sentence_marker_only_to_its_characters():
    scoped = {"type": "ai_marker", "marker": "sora", "scope": "sentence", "character_ids": [NARUTO]}
    out = {v.character_id: v.kind for v in verdicts({LUFFY: [{"type": "mention"}], NARUTO: [{"type": "mention"}]},
                                                   [scoped])}
    assert out == {LUFFY: "mention", NARUTO: "ai_depiction"}
    post = {"type": "ai_marker", "marker": "sora", "scope": "post"}
    old = {"type": "ai_marker", "marker": "sora"}  # stored before scopes: the whole post, as before
    c2pa = {"type": "c2pa", "validation_state": "Valid"}
    for clip_signal in (post, old, c2pa):
        kinds = {v.kind for v in verdicts({LUFFY: [{"type": "mention"}], NARUTO: [{"type": "mention"}]},
                                          [scoped, clip_signal])}
        assert kinds == {"ai_depiction"}


def test_confidence_is_a_noisy_or_of_documented_parts():
    title = {"type": "mention", "field": "title", "alias": "ルフィ", "work": "one-piece", "also_in": [],
             "work_named": False}
    alone = non_copy_confidence("mention", [title])
    assert alone["value"] == CONFIDENCE_WEIGHTS["named_in_title"]
    assert [p["evidence"] for p in alone["parts"]] == ["named_in_title"] and "not a calibrated" in alone["label"]
    richer = non_copy_confidence("mention", [{**title, "also_in": ["hashtags"], "work_named": True}])
    w = CONFIDENCE_WEIGHTS
    expected = 1 - (1 - w["named_in_title"]) * (1 - w["named_in_hashtags"]) * (1 - w["work_named"])
    assert richer["value"] == pytest.approx(expected, abs=1e-4) and richer["value"] > alone["value"]
    described = non_copy_confidence("mention", [{**title, "field": "description"}])
    assert described["value"] < alone["value"]


def test_ai_evidence_raises_an_ai_depiction_and_counts_once_per_kind():
    title = {"type": "mention", "field": "title", "alias": "ルフィ"}
    marker = {"type": "ai_marker", "field": "hashtags", "alias": "#sora2", "scope": "post"}
    tagged = non_copy_confidence("ai_depiction", [title, marker, {**marker, "alias": "#aiart"}])
    assert [p["evidence"] for p in tagged["parts"]] == ["named_in_title", "ai_marker_post"]
    c2pa = non_copy_confidence("ai_depiction", [title, marker, {"type": "c2pa", "claim_generator": "Gen"}])
    sentence = non_copy_confidence("ai_depiction", [title, {**marker, "scope": "sentence"}])
    assert c2pa["value"] > sentence["value"] > tagged["value"]
    # AI evidence counts only for an ai_depiction; a commercial hint never counts (it is the policy's)
    assert non_copy_confidence("mention", [title, marker, {"type": "commercial"}])["value"] == \
        CONFIDENCE_WEIGHTS["named_in_title"]


def test_a_copy_has_no_confidence_its_score_is_the_calibrated_one():
    out = non_copy_confidence("copy", [{"type": "reference_match", "score": 0.9}])
    assert out["value"] is None and out["parts"] == []
