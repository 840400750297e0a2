"""What the demo platform serves: its rights holder, references, and clips with ground truth."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import skimage

SKIMAGE_DATA = Path(skimage.__file__).with_name("data")
CATALOGUE_FILE = Path(__file__).with_name("catalogue.yaml")  # the demo holder's works and characters by name
DEMO_HOLDER = "Demo Rights Holder K.K."
# the demo holder's notice profile (fictional: example.* addresses, a 0000 number), so that its notices are
# complete (core.services.holder_profiles)
DEMO_PROFILE = {
    "legal_name": "Demo Rights Holder K.K.", "legal_name_ja": "デモ権利者株式会社",
    "representative": "代表取締役 見本 太郎", "representative_title": "Representative Director",
    "address": "1-1 Mihon-cho, Chiyoda-ku, Tokyo 100-0000, Japan (fictional)",
    "address_ja": "〒100-0000 東京都千代田区見本町1-1（架空）", "telephone": "+81 3-0000-0000",
    "email": "legal@demo-holder.example", "agent_name": "Demo IP Law Office (fictional)",
    "agent_address": "2-2 Mihon-cho, Chiyoda-ku, Tokyo 100-0000, Japan", "agent_email": "ip@demo-law.example",
    "agent_telephone": "+81 3-0000-0001", "authority_proof": "委任状（2026年4月1日付、架空）",
    "disclose_name": True,
}


@dataclass(frozen=True)
class DemoReference:
    name: str
    image: str  # file in skimage/data
    work: str
    work_ja: str
    character: str
    character_ja: str

    @property
    def path(self) -> Path:
        return SKIMAGE_DATA / self.image


@dataclass(frozen=True)
class DemoClip:
    """One clip of the demo site; `shows` names the reference it shows (None: unrelated); `named` the
    findings its text makes without reference art: (character id of catalogue.yaml, kind)."""

    id: str
    title: str
    uploader: str
    family: str
    image: str
    shows: str | None
    hashtags: tuple[str, ...] = field(default=())
    caption: str | None = None
    named: tuple[tuple[str, str], ...] = field(default=())


REFERENCES = (
    DemoReference("astronaut", "astronaut.png", "Space Pioneers", "宇宙の開拓者", "Commander Eileen", "アイリーン司令官"),
    DemoReference("rocket", "rocket.jpg", "Space Pioneers", "宇宙の開拓者", "Falcon", "ファルコン"),
    DemoReference("coffee", "coffee.png", "Café Tales", "カフェ物語", "Latte", "ラテ"),
    DemoReference("chelsea", "chelsea.png", "Café Tales", "カフェ物語", "Chelsea the Cat", "猫のチェルシー"),
)

CLIPS = (
    DemoClip("v1001", "宇宙の開拓者 AI remake full scene", "sora_fan", "full", "astronaut.png", "astronaut",
             ("宇宙の開拓者", "sora")),
    DemoClip("v1002", "Latte close-up (AI) #カフェ物語", "clipfarm", "crop", "coffee.png", "coffee",
             ("カフェ物語", "ai")),
    DemoClip("v1003", "reacting to Chelsea the Cat", "react_guy", "pip", "chelsea.png", "chelsea",
             ("reaction",)),
    DemoClip("v1004", "Falcon launch but mirrored", "mirrorman", "mirror", "rocket.jpg", "rocket",
             ("宇宙の開拓者",)),
    DemoClip("v1005", "Commander Eileen says hi", "sora_fan", "caption", "astronaut.png", "astronaut",
             ("sora", "anime"), caption="AI generated #sora"),
    DemoClip("v2001", "my camera vlog", "daily_vlogs", "full", "camera.png", None, ("vlog",)),
    DemoClip("v2002", "deep space timelapse", "astro_club", "full", "hubble_deep_field.jpg", None, ("space",)),
    DemoClip("v2003", "<script>alert('x')</script>=HYPERLINK(\"http://evil\") ../../etc/passwd", "<b>troll</b>",
             "full", "retina.jpg", None, ("medical",)),
    DemoClip("v3001", "【AI】ルフィとナルトが踊ってみた #sora2", "ai_dance_lab", "full", "coins.png", None,
             ("sora2", "AI動画"), named=(("luffy", "ai_depiction"), ("naruto", "ai_depiction"))),
    DemoClip("v3002", "ナルトの絵を描いてみた", "sketch_daily", "full", "moon.png", None, ("絵描きさんと繋がりたい",),
             named=(("naruto", "mention"),)),
)
