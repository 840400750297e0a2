"""`mamoru catalog import`, `mamoru mentions`, `mamoru refs add --character <catalogue id>` and
`mamoru watch add --from-catalog` on a real database in a temporary home."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import select

from artkit import art_png
from core.db import session_scope
from core.models import Character, Reference, Watchlist
from mamoru.cli.main import cli

CATALOGUE = """holder: Example Studio
works:
  - id: one-piece
    titles: ["ONE PIECE", "ワンピース", "航海王", "원피스"]
    characters:
      - id: luffy
        names: ["モンキー・D・ルフィ", "Monkey D. Luffy", "ルフィ", "Luffy", "路飞", "루피"]
  - id: naruto
    titles: ["NARUTO", "ナルト"]
    characters:
      - id: naruto
        names: ["うずまきナルト", "Naruto Uzumaki", "ナルト", "Naruto"]
"""


def write_catalogue(tmp_path, text=CATALOGUE):
    path = tmp_path / "catalogue.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_catalog_import_twice_changes_nothing(settings, tmp_path):
    path = write_catalogue(tmp_path)
    runner = CliRunner()
    first = runner.invoke(cli, ["catalog", "import", str(path)])
    assert first.exit_code == 0, first.output
    assert "2 works created" in first.output and "2 characters created" in first.output
    second = runner.invoke(cli, ["catalog", "import", str(path)])
    assert second.exit_code == 0 and "0 works created, 0 updated; 0 characters created, 0 updated; 2 unchanged" \
        in second.output
    shown = runner.invoke(cli, ["catalog", "show", "--holder", "Example Studio"])
    assert "luffy" in shown.output and "ルフィ" in shown.output


def test_catalog_import_bad_file_one_line(settings, tmp_path):
    path = write_catalogue(tmp_path, "works:\n  - id: Bad Id\n    titles: [x]\n")
    result = CliRunner().invoke(cli, ["catalog", "import", str(path)])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "must be 1-100 lower-case" in result.output
    nameless = write_catalogue(tmp_path, "works:\n  - id: a\n    titles: [x]\n")
    result = CliRunner().invoke(cli, ["catalog", "import", str(nameless)])
    assert result.exit_code == 1 and "no holder" in result.output


def test_mentions_json_lines(tmp_path):
    path = write_catalogue(tmp_path)
    posts = "\n".join([
        json.dumps({"id": "a", "platform": "youtube", "title": "【AI】ルフィとナルトが踊ってみた #sora2",
                    "description": "", "hashtags": [], "uploader_name": "u"}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "b", "platform": "tiktok", "title": "my fluffy cat", "description": "",
                    "hashtags": ["ワンピース"], "uploader_name": "c"}, ensure_ascii=False),
    ]) + "\n"
    result = CliRunner().invoke(cli, ["mentions", "--catalog", str(path), "--json"], input=posts)
    assert result.exit_code == 1  # one bad line: said, and the others still read
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["a", "b"]
    a, b = lines
    assert set(a) == {"id", "works", "characters", "ai"}
    assert a["characters"] == [
        {"character": "luffy", "work": "one-piece", "alias": "ルフィ", "field": "title"},
        {"character": "naruto", "work": "naruto", "alias": "ナルト", "field": "title"}]
    assert a["ai"]["generated"] is True and {m["marker"] for m in a["ai"]["markers"]} == {"ai", "sora"}
    assert b["works"] == ["one-piece"] and b["characters"] == [] and b["ai"] == {"generated": False, "markers": []}
    assert "line 2: skipped" in result.stderr


def test_mentions_from_the_imported_catalogue(settings, tmp_path):
    CliRunner().invoke(cli, ["catalog", "import", str(write_catalogue(tmp_path))])
    post = json.dumps({"id": 1, "title": "Luffy!", "hashtags": [], "description": "", "uploader_name": ""})
    result = CliRunner().invoke(cli, ["mentions", "--holder", "Example Studio", "--json"], input=post + "\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[-1])["characters"][0]["character"] == "luffy"


def test_refs_add_by_catalogue_character_id(settings, tmp_path):
    CliRunner().invoke(cli, ["catalog", "import", str(write_catalogue(tmp_path))])
    image = tmp_path / "luffy.png"
    image.write_bytes(art_png(3))
    result = CliRunner().invoke(cli, ["refs", "add", "--holder", "Example Studio", "--character", "luffy",
                                      str(image)])
    assert result.exit_code == 0, result.output
    with session_scope(settings) as s:
        ref = s.scalar(select(Reference))
        assert s.get(Character, ref.character_id).key == "luffy"
    unknown = CliRunner().invoke(cli, ["refs", "add", "--holder", "Example Studio", "--character", "nobody",
                                       str(image)])
    assert unknown.exit_code == 1 and "no catalogue character id" in unknown.output


def test_watch_add_from_catalog_within_quota_without_duplicates(settings, tmp_path, monkeypatch):
    runner = CliRunner()
    runner.invoke(cli, ["catalog", "import", str(write_catalogue(tmp_path))])
    first = runner.invoke(cli, ["watch", "add", "--from-catalog", "--holder", "Example Studio",
                                "--platform", "niconico", "--platform", "instagram"])
    assert first.exit_code == 0, first.output
    with session_scope(settings) as s:
        rows = s.scalars(select(Watchlist)).all()
        values = {(w.kind, w.value) for w in rows}
    assert ("search", "ルフィ") in values and ("hashtag", "#モンキーDルフィ") in values
    assert ("search", "Naruto Uzumaki") in values and all(w.platform == "niconico" for w in rows)
    assert f"{len(rows)} watchlists created, 0 already there" in first.output
    assert "instagram search" in first.stderr  # the platform that has neither kind says why
    again = runner.invoke(cli, ["watch", "add", "--from-catalog", "--holder", "Example Studio",
                                "--platform", "niconico"])
    assert f"0 watchlists created, {len(rows)} already there" in again.output
    # YouTube: a search page costs 100 units; 800 a day at 4 runs a day leaves room for two watchlists
    monkeypatch.setenv("MAMORU_YOUTUBE_DAILY_QUOTA", "800")
    from core.config import get_settings

    get_settings.cache_clear()
    yt = runner.invoke(cli, ["watch", "add", "--from-catalog", "--holder", "Example Studio", "--platform",
                             "youtube", "--ai"])
    assert yt.exit_code == 0, yt.output
    assert "2 watchlists created" in yt.output and "youtube: quota reached" in yt.stderr
    with session_scope(settings) as s:
        made = s.scalars(select(Watchlist).where(Watchlist.platform == "youtube")).all()
    assert [w.value for w in made] == ["モンキー・D・ルフィ AI", "うずまきナルト AI"]


def test_watch_add_still_takes_one_value(settings):
    result = CliRunner().invoke(cli, ["watch", "add", "--holder", "H", "--platform", "niconico", "--kind",
                                      "search", "ルフィ"])
    assert result.exit_code == 0, result.output
    assert CliRunner().invoke(cli, ["watch", "add", "--holder", "H", "--platform", "niconico"]).exit_code == 2
