"""`mamoru scan`: the exact JSON line shape, --top, --threshold 0, and a bad file that does not stop the scan."""

from __future__ import annotations

import json

from click.testing import CliRunner

from mamoru.cli.scan import scan
from bench import synth

from .conftest import DATA, read


def test_json_lines_shape_and_bad_file(tmp_path, make_clip):
    good = make_clip("cli_coffee", synth.pip(read("coffee.png"), read("grass.png"), 0.4, w=360, h=640))
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\x00" * 100)
    refs = tmp_path / "refs"
    refs.mkdir()
    for n in ("coffee.png", "chelsea.png"):
        (refs / n).write_bytes((DATA / n).read_bytes())
    r = CliRunner().invoke(scan, [str(bad), str(good), "--refs", str(refs), "--json"])
    assert r.exit_code == 0, r.output
    lines = [json.loads(x) for x in r.output.strip().splitlines()]
    assert [x["clip"] for x in lines] == [str(bad), str(good)]
    assert lines[0]["error"] and "\n" not in lines[0]["error"] and lines[0]["matches"] == []
    row = lines[1]
    assert list(row) == ["clip", "duration", "frames", "matches", "error"]
    assert row["error"] is None and row["duration"] == 2.0 and row["frames"] >= 2
    m = row["matches"][0]
    # issue 4's shape, and (issue 12) each detector's evidence under "evidence", numbers only
    assert list(m) == ["reference", "score", "spans", "best", "method", "evidence"]
    detectors = {k: v for k, v in m["evidence"].items() if k not in ("score", "calibration")}
    assert detectors and set(detectors) <= {"features", "hashes", "rectified", "silhouettes", "siblings", "detail_check"}
    # a reference with no indexed sibling: its detail checked (matcher.detail_check), nothing found that an edit cannot explain
    assert m["evidence"]["detail_check"]["factor"] == 1.0
    assert all(isinstance(v, (int, float)) for ev in detectors.values() for v in ev.values())
    assert 0 <= m["evidence"]["score"]["heuristic"] <= 1
    assert m["reference"] == "coffee" and 0 <= m["score"] <= 1
    assert all(len(s) == 2 and s[0] <= s[1] for s in m["spans"])
    assert list(m["best"]) == ["t", "box"] and len(m["best"]["box"]) == 4
    # the box is where the picture-in-picture is (40 % of 360 px wide at the default position)
    x, y, w, h = m["best"]["box"]
    assert 100 < w < 190 and x > 100


def test_top_and_threshold_zero(tmp_path, make_clip):
    clip = make_clip("cli_astro", synth.letterbox(read("astronaut.png"), 360, 640))
    r = CliRunner().invoke(scan, [str(clip), "--refs", str(DATA / "astronaut.png"), "--json", "--threshold", "0",
                                  "--top", "1"])
    assert r.exit_code == 0, r.output
    row = json.loads(r.output)
    assert len(row["matches"]) == 1 and row["matches"][0]["reference"] == "astronaut"


def test_table_output(make_clip):
    clip = make_clip("cli_table", synth.letterbox(read("chelsea.png"), 360, 640))
    r = CliRunner().invoke(scan, [str(clip), "--refs", str(DATA / "chelsea.png")])
    assert r.exit_code == 0, r.output
    assert "chelsea" in r.output
