"""Twelfth round: the Cyrillic small ka (к) and palochka (ӏ) are drawn as Latin k and l (Unicode's confusables) and
are folded as the other Cyrillic lookalikes are (Ѕаѕuке: Cyrillic Ѕ, а, ѕ, к, е). Fails on 03b0e76."""

from __future__ import annotations

from matcher.text.normalise import normalise, normalise_mapped


def test_cyrillic_ka_and_palochka_fold_to_latin():
    assert normalise("Ѕаѕuке") == " sasuke "
    assert normalise("Ӏuffy") == " luffy "
    assert normalise_mapped("Ѕаѕuке")[0].strip() == "sasuke"
