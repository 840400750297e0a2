"""A member's variant that is not indexed, told apart where the deck's cards differ (matcher/siblings.py
`_zone_mismatch`; branch sib8): four cards of one layout are indexed (their pictures, names, pips and numbers
differ). A clip of a card's '+1' version (the same picture and text; the name with '+1', fewer pips lit, other
numbers) is closer to that card than to any other member everywhere, and the picture, most of the ink that tells the
deck's cards apart, is the card's own: judged over all the discriminating pixels at once the name, pips and numbers
that are not the card's are a small share, and the variant kept the card's score (main d2ba62f: 1.0). Judged zone by
zone (the name, the picture, the pips, each number), the name and the pips show it is not the card.

Here the '+1' lies where the other members' longer names have letters (SWORD+1 over SHIELD's and POTION's last
letters), as in sibdev's card0_item13. A '+1' past every member's name (SHIELD+1) lies where the whole deck agrees, on
the plain title band, which the sibling check never judges and the detail check reads as words laid over the picture
(a caption): not caught, and not asserted here.

The cards are drawn here with OpenCV; none of the art comes from the benchmark's generators. Scores are
`matcher.scan_video`'s on clips written with bench.synth.write_clip."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

import matcher
from bench import synth
from tests.matcher.conftest import item_picture, saved
from tests.matcher.test_lone_siblings import CLEARLY_BELOW

ITEMS = {  # name -> (the picture's colour, its shape, how many pips are lit)
    "sword": ((200, 200, 230), "bar", 4),
    "shield": ((160, 60, 60), "disc", 5),
    "potion": ((150, 40, 110), "flask", 2),
    "staff": ((40, 160, 200), "cross", 3),
}


def card(item: str, plus: int = 0) -> np.ndarray:
    """A card (BGR, 366x512) of one layout: dark rim, lilac body, a title band with the item's name (with '+PLUS'
    when PLUS), a picture of rays with the item's shape, a row of five pips (the item's count lit gold, one fewer per
    PLUS), two numbers, a text box with the item's text. PLUS draws the card's '+1' version: its picture and text
    kept, its name, pips and numbers not."""
    colour, shape, lit = ITEMS[item]
    w, h = 366, 512
    img = np.full((h, w, 3), (210, 160, 175), np.uint8)
    cv2.rectangle(img, (0, 0), (w - 1, h - 1), (40, 30, 30), 6)
    cv2.rectangle(img, (24, 22), (w - 25, 74), (40, 80, 40), -1)
    name = item.upper() + (f"+{plus}" if plus else "")
    cv2.putText(img, name, (36, 62), cv2.FONT_HERSHEY_SIMPLEX, 1.3, (240, 240, 240), 3, cv2.LINE_AA)
    x0, y0, x1, y1 = 24, 88, w - 25, 290
    item_picture(img, (x0, y0, x1, y1), colour, shape)
    cv2.rectangle(img, (x0, y0), (x1, y1), (40, 150, 200), 2)
    for k in range(5):
        on = k < lit - plus
        cv2.circle(img, (48 + 34 * k, 318), 13, (60, 190, 230) if on else (110, 110, 120), -1, cv2.LINE_AA)
        cv2.circle(img, (48 + 34 * k, 318), 13, (40, 30, 30), 2, cv2.LINE_AA)
    rng = np.random.default_rng(sum(map(ord, item)) + 1000 * plus)
    for k in range(2):
        cv2.putText(img, str(int(rng.integers(100, 999))), (40 + 170 * k, 372), cv2.FONT_HERSHEY_SIMPLEX, 1.2,
                    (50, 40, 40), 3, cv2.LINE_AA)
    cv2.rectangle(img, (24, 392), (w - 25, 488), (245, 238, 242), -1)
    cv2.rectangle(img, (24, 392), (w - 25, 488), (90, 60, 80), 2)
    rng = np.random.default_rng(sum(map(ord, item)))
    for line in range(3):
        x = 36
        while x < w - 60:
            n = int(rng.integers(8, 24))
            cv2.line(img, (x, 414 + 26 * line), (min(x + n, w - 40), 414 + 26 * line), (70, 60, 60), 4)
            x += n + int(rng.integers(6, 12))
    return img


def _scores(d, idx, name: str, picture: np.ndarray) -> dict[str, float]:
    frame = np.full((640, 360, 3), 30, np.uint8)
    pic = cv2.resize(picture, (330, 462), interpolation=cv2.INTER_AREA)
    frame[89:89 + 462, 15:15 + 330] = pic
    p = d / f"{name}.mp4"
    synth.write_clip(p, [frame], seconds=2.0, fps=6, w=360, h=640)
    return {m.reference: m.score for m in matcher.scan_video(p, idx, threshold=0).matches}


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    d = tmp_path_factory.mktemp("zones")
    idx = matcher.ReferenceIndex.build(saved(d, {f"card_{item}": card(item) for item in ITEMS}))
    assert len(idx.siblings_of(0)) == len(ITEMS) - 1, "the four cards of one layout form a sibling group"
    return d, idx


@pytest.mark.parametrize("item", list(ITEMS))
def test_the_card_itself_keeps_its_score(deck, item):
    d, idx = deck
    scores = _scores(d, idx, f"true_{item}", card(item))
    assert scores.get(f"card_{item}", 0.0) >= matcher.DEFAULT_THRESHOLD, scores


@pytest.mark.parametrize("item", ["staff", pytest.param("sword", marks=pytest.mark.xfail(strict=True, reason=(
    "still weak: the zones are judged only in a clean copy (SIB_ZONE_CLEAN: cards filmed off a screen leave a corner "
    "index off), and some frames' hits on SWORD+1 have an error on the card's ink of 0.28, over it")))])
def test_a_cards_plus_one_version_not_indexed_falls_clearly_below(deck, item):
    d, idx = deck
    scores = _scores(d, idx, f"plus_{item}", card(item, plus=1))
    assert max(scores.values(), default=0.0) < matcher.DEFAULT_THRESHOLD - CLEARLY_BELOW, scores


def test_a_box_over_a_logos_thin_bar_is_not_another_member(tmp_path):
    """A box of footage over the right half of a logo's thin bar (main's cover_00 logo0): the bar's covered part, too
    thin to be found laid over, is a zone of the group's discriminating ink that shows none of the logo; it is covered
    (SIB_ZONE_COVERED), not another member's, and the logo keeps its score (main 6357356: 0.232)."""
    from PIL import Image

    from bench.accuracy import artgen

    logos = {f"logo{k}": artgen.logo(k) for k in (0, 2)}
    paths = []
    for name, im in logos.items():
        paths.append(tmp_path / f"{name}.png")
        im.save(paths[-1])
    idx = matcher.ReferenceIndex.build(paths)
    assert idx.siblings_of(0), "two logos of one layout form a sibling group"
    plate = Image.new("RGBA", (360, 640), (196, 196, 190, 255))
    plate.alpha_composite(logos["logo0"].resize((340, 170), Image.LANCZOS), (10, 240))
    frame = cv2.cvtColor(np.asarray(plate.convert("RGB")), cv2.COLOR_RGB2BGR)
    # the box: the right half of the bar and the end of the word mark under footage (a brick wall drawn here)
    box = frame[250:400, 250:360]
    box[:] = (70, 70, 80)
    box[::14] = (150, 150, 150)
    box[:, ::22] = (150, 150, 150)
    clip = tmp_path / "logo_bar_covered.mp4"
    synth.write_clip(clip, [frame], seconds=2.0, fps=6, w=360, h=640)
    scores = {m.reference: m.score for m in matcher.scan_video(clip, idx, threshold=0).matches}
    assert scores.get("logo0", 0.0) >= matcher.DEFAULT_THRESHOLD, scores
    assert scores.get("logo2", 0.0) < matcher.DEFAULT_THRESHOLD - CLEARLY_BELOW, scores
