"""Thirteenth round of the mentions detector, the AI flag: what an AI marker speaks of when no generator made the clip.
An act with AI banned at the end of its clause (AIに描かせるのは禁止です); AI used on existing audio (AIでボーカル抜き, "AI
vocal separation"); AI or a generator that made only the thumbnail ("only the thumb is Midjourney"); a singer called
AI (歌手のAIさんの新曲: every bare AI of the post, its #AI too, is the singer); generative AI as a topic (生成AIについて
思うこと, "thoughts about AI art"); "made with AI" followed by a treatment ("subtitles made with AI translation"). The
negatives fail on 7da128e unless marked as guards; the claims are guards."""

from __future__ import annotations

import pytest

from tests.matcher.text.posts import ai_flag

WORKS = [
    {"id": "one-piece", "titles": ["ONE PIECE", "ワンピース"], "characters": [
        {"id": "luffy", "names": ["ルフィ", "Luffy"]}]},
    {"id": "naruto", "titles": ["NARUTO"], "characters": [
        {"id": "naruto", "names": ["うずまきナルト", "Naruto"]}]},
]


@pytest.mark.parametrize("post", [
    {"title": "AIにルフィを描かせるのは禁止です", "hashtags": ["#ワンピース"]},
    {"title": "AIでナルトを作ったりするのは禁止でお願いします"},
    {"title": "AIでボーカル抜きしてワンピースOP弾いた", "description": "ギターは自分で弾いてます"},
    {"title": "used AI vocal separation, then played the NARUTO theme on piano"},
    {"title": "made this Luffy thumbnail with AI, animation is hand drawn", "description": "only the thumb is Midjourney"},
    {"title": "ルフィの手描きアニメ", "description": "サムネはMidjourneyで作りました、本編は手描き"},
    {"title": "AI 新曲 2026ver 歌ってみた", "description": "歌手のAIさんの名曲カバー", "hashtags": ["#AI", "#歌ってみた"]},
    {"title": "生成AIについて思うこと【雑談】", "description": "絵描きとして不安です", "hashtags": ["#生成AI", "#雑談"]},
    {"title": "my honest thoughts about AI art", "hashtags": ["#aiart"]},
    {"title": "Luffy's face in ep 1000", "description": "clip from the anime, subtitles made with AI translation"},
])
def test_no_clip_made(detector, post):
    assert not ai_flag(detector, **post)


@pytest.mark.parametrize("post", [
    {"title": "AIで作ったルフィ、転載禁止です"},  # guard: reposting banned, the AI said
    {"title": "AIで作ったナルト転載禁止"},  # guard: no の/こと before 禁止, what is banned is the reposting
    {"title": "Luffy dance", "description": "thumbnail by me, video made with Kling"},  # guard
    {"title": "AIさんに作ってもらったルフィ", "hashtags": ["#AI"]},  # guard: AI as the maker, an honorific in jest
    {"title": "Naruto made with AI, subtitles added by me"},  # guard: a comma ends the marker's clause
    {"title": "【AI】ルフィとナルトが踊ってみた #sora2"},  # guard
    {"title": "AI Luffy sings", "description": "AI voice cover"},  # guard
])
def test_clip_made(detector, post):
    assert ai_flag(detector, **post)
