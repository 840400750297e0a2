"""bench.mentions: every labelled set named in SETS loads, its lines have the seven fields, its AI field is
y or n, and its expected characters are ids of the benchmark's catalogue (the scores only, never a post)."""

from __future__ import annotations

import pytest
import yaml

from bench.mentions.dataset import CATALOG, POSTS, SEP, SETS, load_posts


def _catalogue_ids() -> set[str]:
    works = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))["works"]
    return {c["id"] for w in works for c in w["characters"]}


@pytest.mark.parametrize("name", SETS)
def test_set_loads_with_catalogue_ids_and_y_or_n(name):
    posts = load_posts(name)
    assert posts, f"{name} has no posts"
    assert {c for lp in posts for c in lp.characters} <= _catalogue_ids()
    rows = [line for line in (POSTS / f"{name}.txt").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    assert len(rows) == len(posts)
    assert {line.split(SEP)[-1].strip() for line in rows} <= {"y", "n"}


def test_a_label_outside_the_catalogue_is_caught(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text(f"en {SEP} t {SEP} d {SEP} tag {SEP} u {SEP} not-a-character {SEP} n\n", encoding="utf-8")
    assert not {c for lp in load_posts("bad", bad) for c in lp.characters} <= _catalogue_ids()
