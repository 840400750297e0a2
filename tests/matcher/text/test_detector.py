"""The mentions detector on the edge cases the issue names: boundaries, kana neighbours, common words,
titles, AI markers and their negations."""

from __future__ import annotations

import pytest

from matcher.text import MentionDetector

WORKS = [
    {"id": "one-piece", "titles": ["ONE PIECE", "ワンピース", "航海王", "원피스"], "characters": [
        {"id": "luffy", "names": ["モンキー・D・ルフィ", "Monkey D. Luffy", "ルフィ", "Luffy", "路飞", "루피"]},
        {"id": "zoro", "names": ["ロロノア・ゾロ", "Zoro", "ゾロ"]},
        {"id": "nami", "names": ["ナミ", "Nami", "나미"]}]},
    {"id": "naruto", "titles": ["NARUTO", "ナルト"], "characters": [
        {"id": "naruto", "names": ["うずまきナルト", "Naruto", "ナルト", "鸣人"]}]},
    {"id": "zelda", "titles": ["The Legend of Zelda", "Zelda", "ゼルダの伝説"], "characters": [
        {"id": "link", "names": ["Link", "リンク"]}]},
    {"id": "kingdom-hearts", "titles": ["Kingdom Hearts", "キングダムハーツ"], "characters": [
        {"id": "sora", "names": ["Sora", "ソラ"]}]},
    {"id": "super-mario", "titles": ["Super Mario"], "characters": [{"id": "mario", "names": ["Mario", "マリオ"]}]},
]


@pytest.fixture(scope="module")
def detector():
    return MentionDetector(WORKS)


def chars(detector, **post):
    return sorted(m.character for m in detector.detect(post).characters)


def test_the_issue_example(detector):
    out = detector.detect({"id": "x", "title": "【AI】ルフィとナルトが踊ってみた #sora2"}).to_json()
    assert [c["character"] for c in out["characters"]] == ["luffy", "naruto"]
    assert out["characters"][0] == {"character": "luffy", "work": "one-piece", "alias": "ルフィ", "field": "title"}
    assert out["ai"]["generated"] is True
    assert {m["marker"] for m in out["ai"]["markers"]} == {"ai", "sora"}
    assert set(out) == {"id", "works", "characters", "ai"}


@pytest.mark.parametrize("title", ["my fluffy cat", "tsunami warning", "Zorro returns", "link in bio!",
                                   "ドルフィンショー", "ツナミ", "なみの音", "リンクはプロフから"])
def test_hard_negatives(detector, title):
    assert chars(detector, title=title) == []


@pytest.mark.parametrize(("post", "expected"), [
    ({"title": "Luffy gear 5"}, ["luffy"]),
    ({"title": "ＬＵＦＦＹ"}, ["luffy"]),
    ({"title": "L.u.f.f.y"}, ["luffy"]),
    ({"title": "Lu\u200bffy"}, ["luffy"]),
    ({"hashtags": ["OnePieceLuffy"]}, ["luffy"]),
    ({"hashtags": ["monkeydluffy"]}, ["luffy"]),
    ({"title": "ルフィコスプレ"}, ["luffy"]),
    ({"title": "루피가 최고"}, ["luffy"]),
    ({"uploader_name": "ナミ推し"}, ["nami"]),
])
def test_names_as_uploaders_write_them(detector, post, expected):
    assert chars(detector, **post) == expected


def test_common_word_names_need_their_work(detector):
    assert chars(detector, title="Link vs Ganon", hashtags=["zelda"]) == ["link"]
    assert chars(detector, title="Link vs Ganon") == []
    assert chars(detector, title="Sora and Riku", description="Kingdom Hearts 3") == ["sora"]
    assert chars(detector, title="Sora is a bird") == []


def test_a_title_alone_is_the_work(detector):
    out = detector.detect({"title": "ワンピース 最新話の感想"})
    assert out.works == ["one-piece"] and out.characters == []
    out = detector.detect({"title": "Super Mario movie"})
    assert out.works == ["super-mario"] and out.characters == []


def test_field_and_alias_reported(detector):
    out = detector.detect({"title": "cool edit", "description": "", "hashtags": ["ゾロ"], "uploader_name": ""})
    assert [(m.character, m.alias, m.field) for m in out.characters] == [("zoro", "ゾロ", "hashtags")]


@pytest.mark.parametrize(("post", "generated"), [
    ({"title": "made with Sora 2"}, True),
    ({"hashtags": ["sora2"]}, True),
    ({"title": "Veo 3 test"}, True),
    ({"title": "Kling AI dance"}, True),
    ({"title": "生成AIで作った"}, True),
    ({"title": "AI生成视频"}, True),
    ({"title": "AI 생성 영상"}, True),
    ({"hashtags": ["aiart"]}, True),
    ({"hashtags": ["AI"]}, True),
    ({"title": "Sora and Riku"}, False),
    ({"title": "そらがきれい 空"}, False),
    ({"title": "walking the runway"}, False),
    ({"title": "pika pika!"}, False),
    ({"title": "Ai Hoshino cover"}, False),
    ({"title": "AI学習禁止"}, False),
    ({"description": "no AI, hand drawn"}, False),
    ({"title": "不是AI"}, False),
])
def test_ai_markers(detector, post, generated):
    assert detector.detect(post).ai_generated is generated


@pytest.mark.parametrize(("tags", "expected", "generated"), [
    (["luffyedit"], ["luffy"], False),
    (["luffyxzoro"], ["luffy", "zoro"], False),
    (["onepieceluffy"], ["luffy"], False),
    (["fluffydog"], [], False),
    (["marionette"], [], False),
    (["aiartcommunity"], [], True),
    (["sora2video"], [], True),
    (["klingon"], [], False),
])
def test_names_and_markers_run_together_in_hashtags(detector, tags, expected, generated):
    out = detector.detect({"hashtags": tags})
    assert sorted(m.character for m in out.characters) == expected
    assert out.ai_generated is generated


@pytest.mark.parametrize(("post", "generated"), [
    ({"title": "Is this AI? No, it's real footage"}, False),
    ({"title": "is this ai or real??"}, False),
    ({"title": "AI or real? a balloon at the parade"}, False),
    ({"title": "これってAI？", "description": "本物の映像です"}, False),
    ({"title": "这是AI吗？"}, False),
    ({"title": "이거 AI인가요?"}, False),
    ({"title": "Is this AI? Yes, made with Kling"}, True),  # a generator named as such still counts
])
def test_a_question_whether_it_is_ai_is_no_marker(detector, post, generated):
    assert detector.detect(post).ai_generated is generated


@pytest.mark.parametrize(("post", "expected"), [
    ({"title": "L U F F Y x Z O R O"}, ["luffy", "zoro"]),
    ({"title": "Zo_ro and Lu-ffy"}, ["luffy", "zoro"]),
    ({"title": "Na-ru-to vs Zo-ro"}, ["naruto", "zoro"]),
    ({"hashtags": ["lu_ffy"]}, ["luffy"]),
    ({"title": "Lu.ffy gear 5"}, ["luffy"]),
])
def test_names_split_in_letters_or_syllables(detector, post, expected):
    assert chars(detector, **post) == expected
