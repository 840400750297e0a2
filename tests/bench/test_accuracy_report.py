"""bench.accuracy's output: the holdout prints and saves its aggregate figures only (never a clip's name, a
missed pair or a near-miss's name); every other set prints its misses by name. Run on a fabricated score
table: nothing here builds or scans a set."""

from __future__ import annotations

import json

import pytest

import bench.accuracy.__main__ as cli
from bench.accuracy import ffmpeg_set
from bench.accuracy.report import summarize

CLIPS = [
    {"name": "ff_full_00_card2_6D", "family": "full", "labels": ["card2_6D"], "kind": "positive", "extra": {}},
    {"name": "ff_crop40_01_sprite8_f5", "family": "crop40", "labels": ["sprite8_f5"], "kind": "positive", "extra": {}},
    {"name": "ff_nearmiss_card2_7D", "family": "full", "labels": [], "kind": "near_miss",
     "extra": {"sibling_of": ["card2_6D"], "image": "card2_7D"}},
    {"name": "ff_distractor_00", "family": "distractor", "labels": [], "kind": "distractor", "extra": {}},
]
# the crop40 clip is missed, the near-miss flagged, the distractor scanned with an error
SCORES = {"ff_full_00_card2_6D": {"card2_6D": 0.97, "logo7": 0.12}, "ff_crop40_01_sprite8_f5": {"sprite8_f5": 0.31},
          "ff_nearmiss_card2_7D": {"card2_6D": 0.64}, "ff_distractor_00": {}}
# every name the holdout must keep to itself: clips, the references of missed pairs, the near-miss's image
SECRET = [c["name"] for c in CLIPS] + ["card2_6D", "sprite8_f5", "card2_7D", "logo7"]


def _manifest(set_name: str) -> dict:
    return {"pipeline": "ffmpeg", "set": set_name, "seed": ffmpeg_set.SETS[set_name].seed, "refs": [],
            "groups": {"card2_6D": "deck2", "sprite8_f5": "sprite8"}, "clips": CLIPS}


def _results() -> list[dict]:
    return [{"name": n, "matcher": s, "error": "could not decode" if n == "ff_distractor_00" else None,
             "seconds": 1.0, "cpu": 1.5} for n, s in SCORES.items()]


def test_the_holdout_prints_and_keeps_aggregates_only(capsys):
    entry = summarize("ffmpeg", _manifest(ffmpeg_set.HOLDOUT), _results(), 0.5, False, sealed=True)
    out = capsys.readouterr().out + json.dumps(entry)
    for name in SECRET:
        assert name not in out, name
    assert "results" not in entry and entry["sealed"] and entry["errors"] == 1
    m = entry["metrics"]["matcher"]
    assert m["near_miss_flagged"] == 1 and m["near_miss_max"] == 0.64 and m["recall"] == 0.5
    assert m["family_counts"] == {"full": "1/1", "crop40": "0/1"}
    for figure in ("micro-AP", "recall at precision >= 0.99", "recall, no distractor flagged",
                   "sibling near-misses >= thr", "highest near-miss score 0.640", "distractors flagged",
                   "recall per family: crop40 0.00 (0/1), full 1.00 (1/1)"):
        assert figure in out, figure


def test_a_readable_set_prints_its_misses_by_name(capsys):
    entry = summarize("ffmpeg", _manifest("main"), _results(), 0.5, False, sealed=False)
    out = capsys.readouterr().out
    assert "ff_crop40_01_sprite8_f5:sprite8_f5=0.31" in out and "FP ff_nearmiss_card2_7D:card2_6D=0.64" in out
    assert "error: ff_distractor_00" in out
    assert [r["name"] for r in entry["results"]] == list(SCORES)


@pytest.fixture
def fake_runs(monkeypatch):
    """The CLI with the set's build and scan replaced by the fabricated table (no ffmpeg, no matcher scan)."""
    built = []

    def build_set(pipeline, quick, set_name, out, families=None, blind_seed=None):
        built.append(set_name)
        return cli.set_folder(pipeline, set_name, quick), _manifest(set_name)

    monkeypatch.setattr(cli, "build_set", build_set)
    monkeypatch.setattr(cli, "scan_set", lambda pipeline, folder, manifest, jobs, baselines: _results())
    return built


@pytest.mark.parametrize("argv,named", [(["--holdout"], False), (["--set", "holdout"], False),
                                        (["--holdout", "--reveal"], True), (["--pipeline", "ffmpeg"], True),
                                        (["--dev2"], True), (["--set", "dev2"], True),
                                        (["--dev3"], True), (["--set", "dev3"], True)])
def test_the_command_names_clips_for_every_set_but_the_holdout(fake_runs, capsys, tmp_path, argv, named):
    saved = tmp_path / "run.json"
    cli.main(argv + ["--no-baselines", "--json", str(saved)])
    out = capsys.readouterr().out + saved.read_text()
    assert all(name in out for name in SECRET) if named else not any(name in out for name in SECRET)
    assert fake_runs == [ffmpeg_set.HOLDOUT if "holdout" in argv or "--holdout" in argv
                         else "dev2" if "dev2" in argv or "--dev2" in argv
                         else "dev3" if "dev3" in argv or "--dev3" in argv else "main"]


def test_sprite_dev_keeps_its_flag(fake_runs, capsys):
    cli.main(["--sprite-dev", "--no-baselines"])
    assert fake_runs == [ffmpeg_set.SPRITE_DEV] and "ff_crop40_01_sprite8_f5:sprite8_f5" in capsys.readouterr().out


def test_a_sealed_run_cannot_be_rescored_into_names(fake_runs, capsys, tmp_path):
    saved = tmp_path / "run.json"
    cli.main(["--holdout", "--no-baselines", "--json", str(saved)])
    with pytest.raises(SystemExit, match="aggregate figures only"):
        cli.main(["--holdout", "--reveal", "--rescore", str(saved)])


def test_scores_of_the_old_holdout_are_read_as_dev2_never_as_the_holdout(fake_runs, capsys, tmp_path):
    """--json files written before 2026-12-07 hold the old holdout's (dev2's) scores under "ffmpeg-holdout"."""
    legacy = tmp_path / "old.json"
    legacy.write_text(json.dumps({"ffmpeg-holdout": {"metrics": {}, "results": _results()}}))
    cli.main(["--dev2", "--rescore", str(legacy)])
    assert "ff_crop40_01_sprite8_f5:sprite8_f5" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="another set"):
        cli.main(["--holdout", "--reveal", "--rescore", str(legacy)])


def test_each_set_has_its_own_folder_and_the_holdouts_names_its_seed():
    folders = {s: cli.set_folder("ffmpeg", s, quick) for s in ffmpeg_set.SETS for quick in (True, False)}
    assert len(set(folders.values())) == len(folders)
    hold = cli.set_folder("ffmpeg", ffmpeg_set.HOLDOUT, True).name
    assert hold not in ("ffmpeg-holdout-quick", "ffmpeg-holdout-full")        # the old holdout's (dev2's) clips
    assert str(ffmpeg_set.SETS[ffmpeg_set.HOLDOUT].seed) in hold
    assert not cli.set_folder("ffmpeg", "dev2", True).name.startswith("ffmpeg-holdout")
    # the second holdout's clips (ffmpeg-holdout-s1207011-*) are dev3's; the holdout's folder is another
    assert cli.set_folder("ffmpeg", "dev3", False).name == "ffmpeg-dev3-full"
    assert "s1207011" not in hold and ffmpeg_set.SETS["dev3"].seed == 1_207_011


def test_reveal_is_for_the_holdout_only(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--dev2", "--reveal"])
    with pytest.raises(SystemExit):
        cli.main(["--holdout", "--sprite-dev"])
