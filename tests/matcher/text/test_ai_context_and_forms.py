"""Third round of the mentions detector (matcher/text/ai_context.py, ai.py, normalise.py, names.py,
detector.py): AI markers denied in the conjugations of four languages, criticised, asked about or meant as
the game's AI; generator brands written in camel case and AI phrases run together in hashtags; brand names
that are phrases too; hiragana names inside hiragana text; titles with ×; look-alike letters; digits typed
for letters; trade words three words after a name. 62 of the 80 cases fail on the matcher before these rules
(a4ab3b9): the negatives were flagged AI or named, the positives missed; the 18 others are guards that pass
before and after (generators named as such, Nano Banana kept as it was, AI said outside a question or a
denial or in a question that praises, a Korean name with its work named, かかし the scarecrow, なると the fish
cake, 4k60fps, "Luffy character design", LUFFYEdit)."""

from __future__ import annotations

import pytest

from matcher.text import normalise
from tests.matcher.text.posts import ai_flag, chars

WORKS = [
    {"id": "one-piece", "titles": ["ONE PIECE", "ワンピース", "원피스"], "characters": [
        {"id": "luffy", "names": ["ルフィ", "Luffy", "路飞", "루피"]},
        {"id": "zoro", "names": ["ゾロ", "Zoro"]},
        {"id": "chopper", "names": ["チョッパー", "Chopper"]},
        {"id": "nami", "names": ["ナミ", "Nami"]}]},
    {"id": "naruto", "titles": ["NARUTO"], "characters": [
        {"id": "naruto", "names": ["ナルト", "Naruto"]},
        {"id": "kakashi", "names": ["カカシ", "Kakashi"]}]},
    {"id": "demon-slayer", "titles": ["Demon Slayer"], "characters": [
        {"id": "zenitsu", "names": ["Zenitsu", "ぜんいつ"]}]},
    {"id": "kingdom-hearts", "titles": ["Kingdom Hearts"], "characters": [{"id": "sora", "names": ["Sora", "ソラ"]}]},
    {"id": "final-fantasy", "titles": ["Final Fantasy"], "characters": [{"id": "tifa", "names": ["Tifa", "ティファ"]}]},
    {"id": "oshi-no-ko", "titles": ["Oshi no Ko"], "characters": [{"id": "ai-hoshino", "names": ["Ai Hoshino"]}]},
    {"id": "spy-family", "titles": ["SPY×FAMILY"], "characters": [
        {"id": "loid", "names": ["Loid", "黄昏"]}, {"id": "anya", "names": ["Anya"]}]},
]


@pytest.mark.parametrize("post", [
    {"title": "Sanji cooking scene, animated by hand and not with AI"},
    {"title": "Luffy sketch", "description": "I didn't use AI for this one"},
    {"title": "生成AIを使わずに描いたナミ"},
    {"title": "ルフィの作画 AI使ってないです"},
    {"title": "ゾロの絵（AIじゃなくて手描き）"},
    {"title": "纯手绘，没用AI的路飞"},
    {"title": "AI 없이 그린 루피"},
    {"title": "AI slop is ruining anime"},
    {"title": "boycott AI animation", "hashtags": ["onepiece"]},
    {"title": "Is this Luffy clip AI generated?"},
    {"title": "What AI did they use for this Luffy?"},
    {"title": "这个路飞是用AI做的？"},
    {"title": "이거 AI 영상이에요?"},
    {"title": "Luffy vs the CPU AI in Pirate Warriors"},
    {"title": "AI opponents in this game are too easy"},
    {"title": "stopped mid journey to eat"},
    {"title": "minimax tree search in python"},
    {"title": "a stable video at last"},
    {"title": "Using Sora's keyblade against the heartless"},
    {"title": "not made with Kling, every keyframe by hand"},
    {"title": "we refuse to upload AI edits"},
    {"title": "AIっぽいけど全部手描き"},
    {"title": "最初はAIかと思った"},
    {"title": "they said AI but it isn't", "description": "Luffy, all keyframes by me"},
    {"title": "my Zoro looked like AI to my mom"},
    {"title": "大家都以为是AI的索隆"},
    {"title": "AI인줄 알았던 루피"},
    {"title": "we never upload anything AI: Zoro redraw"},
    {"title": "People call it AI but it's not, it's rotoscoping"},
    {"title": "AI HOSHINO dance cover"},
    {"title": "firefly video by the lake"},
    {"title": "Kizuna AI birthday stream"},
    {"title": "ナミの塗り（AIは一切使っていません）"},
    {"title": "AI art is not art: a Zoro redraw"},
    {"title": "Luffy vs the AI in ranked"},
])
def test_ai_denied_criticised_asked_or_another_sense(detector, post):
    assert ai_flag(detector, **post) is False


@pytest.mark.parametrize("post", [
    {"title": "Zoro in PixVerse"},
    {"title": "Nami dancing", "description": "HeyGen avatar test"},
    {"title": "Zenitsu thunderclap", "description": "HiggsField preset"},
    {"title": "Luffy on Mars", "description": "MidJourney stills, animated"},
    {"hashtags": ["madewithveo", "luffy"]},
    {"hashtags": ["generatedwithAI", "zoro"]},
    {"hashtags": ["AIart", "nami"]},
    {"title": "Is this real? No, it's Kling 2.1"},
    {"title": "AIで作ったルフィ"},
    {"title": "Luffy made with Sora 2!!"},
    {"title": "Not gonna lie, AI Luffy looks better than the anime"},
    {"title": "no joke: AI generated Zoro"},
    {"title": "What if AI remade Luffy at Marineford?"},  # a character named (mai12: a lone bare AI needs it)
    {"title": "AI animation, not real footage: Luffy in Tokyo"},
    {"title": "Never thought AI could draw Luffy like this"},
    {"title": "AI Zoro but it's not perfect yet"},
    {"hashtags": ["aiartist", "luffy"]},
    {"title": "Nano Banana made this Zoro figure"},
    {"title": "Zoro goes fishing #ai #onepiece"},
    {"title": "Is this the best AI Luffy ever?"},
])
def test_ai_said(detector, post):
    assert ai_flag(detector, **post) is True


@pytest.mark.parametrize(("post", "expected"), [
    ({"title": "きょうはてぃふぁとあそぶ"}, ["tifa"]),
    ({"title": "るふぃとちょっぱーのぼうけん"}, ["chopper", "luffy"]),  # Chopper (a word) counts with One Piece named
    ({"title": "あさのぜんいつもかわいい"}, ["zenitsu"]),
    ({"title": "はたけのかかしがたおれた"}, []),
    ({"title": "ラーメンのなるとがすき"}, []),
    ({"title": "畑に手作りかかし"}, []),
    ({"title": "Zoro the shelter dog found a home"}, []),
    ({"title": "Naruto Family Karate Dojo"}, []),  # the trade word third after the name
    ({"title": "Kakashi Bros Plumbing LLC"}, []),
    ({"title": "Luffy character design sheet"}, ["luffy"]),
    ({"title": "루피 베이커리 오픈 이벤트"}, []),
    ({"title": "루피 베이커리 먹방", "hashtags": ["원피스"]}, ["luffy"]),  # ambiguous: counts with its work named
    ({"title": "黄昏が好き", "hashtags": ["SPYxFAMILY"]}, ["loid"]),
    ({"title": "our daughter's Anya costume", "hashtags": ["spyxfamily"]}, ["anya"]),
    ({"title": "Nаmі steals the map"}, ["nami"]),  # Cyrillic а and і
    ({"title": "ʟᴜꜰꜰʏ edit"}, ["luffy"]),  # small capitals
    ({"title": "Kakashı sensei"}, ["kakashi"]),  # dotless i
    ({"title": "N4ruto vs K4k4shi"}, ["kakashi", "naruto"]),
    ({"title": "Zoro 4k60fps", "hashtags": ["veo3ai"]}, ["zoro"]),
])
def test_names_in_more_forms(detector, post, expected):
    assert chars(detector, **post) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("#AIart", " ai art "), ("#AIgeneratedVideo", " ai generated video "), ("HUNTERxHUNTER", " hunter x hunter "),
    ("LUFFYEdit", " luffy edit "), ("Ѕаsukе", " sasuke "), ("Zenıtsu", " zenitsu "),
])
def test_normalise_splits_and_letters(text, expected):
    assert normalise(text) == expected
