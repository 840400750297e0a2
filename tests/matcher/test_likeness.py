"""Likeness with a tiny ONNX model the test builds (a fixed random projection of a 16x16 image): the model
is pinned and never fetched, prototypes come from several references, and the decision is the margin
between the best character and the runner-up, with thresholds calibrated on the references."""

from __future__ import annotations

import hashlib
from pathlib import Path

import cv2
import numpy as np
import pytest

from matcher.likeness import (CharacterPrototypes, LikenessConfig, LikenessError, OnnxEmbedder, calibrate,
                              calibration_for, likeness_of_frames)

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
SIDE, DIM = 16, 48


def build_model(path: Path, seed: int = 0) -> Path:
    from onnx import TensorProto, helper, numpy_helper

    w = np.random.default_rng(seed).normal(size=(3 * SIDE * SIDE, DIM)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Flatten", ["pixels"], ["flat"], axis=1),
         helper.make_node("MatMul", ["flat", "w"], ["embedding"])],
        "tiny-encoder",
        [helper.make_tensor_value_info("pixels", TensorProto.FLOAT, ["n", 3, SIDE, SIDE])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["n", DIM])],
        [numpy_helper.from_array(w, "w")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path.write_bytes(model.SerializeToString())
    return path


# three "characters": a head of one hair colour and shape over a body of one outfit colour (BGR)
DESIGNS = {
    "luffy": {"hair": (20, 20, 20), "skin": (150, 190, 230), "outfit": (40, 40, 200), "spiky": False},
    "naruto": {"hair": (40, 210, 240), "skin": (150, 190, 230), "outfit": (30, 130, 250), "spiky": True},
    "sasuke": {"hair": (90, 40, 30), "skin": (200, 215, 235), "outfit": (220, 220, 220), "spiky": True},
}


def draw(design: dict, seed: int, size: int = 96) -> np.ndarray:
    """A variant drawing: shifted, resized a little, lit differently, on a noisy pale background."""
    rng = np.random.default_rng(seed)
    img = np.full((size, size, 3), 235, np.uint8) + rng.integers(-12, 12, (size, size, 3)).astype(np.int16)
    img = np.clip(img, 0, 255).astype(np.uint8)
    dx, dy = rng.integers(-5, 6, 2)
    s = rng.uniform(0.9, 1.1)
    cx, cy = size // 2 + dx, int(size * 0.38) + dy
    r = int(size * 0.18 * s)
    cv2.rectangle(img, (cx - int(r * 1.3), cy + r), (cx + int(r * 1.3), size), design["outfit"], -1)
    cv2.circle(img, (cx, cy), r, design["skin"], -1)
    if design["spiky"]:
        pts = np.array([[cx - r - 4, cy], [cx - r // 2, cy - r - 10], [cx, cy - r], [cx + r // 2, cy - r - 12],
                        [cx + r + 4, cy]], np.int32)
        cv2.fillPoly(img, [pts], design["hair"])
    else:
        cv2.ellipse(img, (cx, cy - r // 3), (r + 2, r // 1), 0, 180, 360, design["hair"], -1)
    gain = rng.uniform(0.85, 1.15)
    return np.clip(img.astype(np.float32) * gain, 0, 255).astype(np.uint8)


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> tuple[Path, str]:
    path = build_model(tmp_path_factory.mktemp("likeness") / "tiny.onnx")
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def config(path: Path, sha: str, **kw) -> LikenessConfig:
    return LikenessConfig(model_path=path, sha256=sha, input_size=SIDE, mean=(0.5, 0.5, 0.5), std=(0.25, 0.25, 0.25),
                          output="embedding", **kw)


@pytest.fixture(scope="module")
def setup(model):
    embedder = OnnxEmbedder(config(*model))
    refs = {name: [draw(d, seed) for seed in range(6)] for name, d in DESIGNS.items()}
    protos = CharacterPrototypes.build(embedder, refs)
    return embedder, protos


def test_embeddings_are_normalised(setup):
    embedder, protos = setup
    e = embedder.embed([draw(DESIGNS["luffy"], 100), draw(DESIGNS["naruto"], 101)])
    assert e.shape == (2, DIM) and np.allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-5)
    assert protos.names == ["luffy", "naruto", "sasuke"] and protos.vectors.shape == (3, DIM)


def test_new_drawings_decided_by_margin(setup):
    embedder, protos = setup
    calib = calibrate(protos)
    assert calib.precision >= 0.98 and calib.recall > 0.5 and calib.samples == 18
    right = 0
    for name, design in DESIGNS.items():
        for seed in range(200, 210):   # drawings never seen when the prototypes were built
            v = protos.classify(embedder.embed([draw(design, seed)])[0], calib)
            assert v.character in (name, None), (name, v)   # never another character
            right += v.character == name
            assert v.best and v.runner_up and v.runner_up != v.best and v.margin >= 0
    assert right >= 24, right


def test_a_blend_of_two_characters_is_not_decided(setup):
    embedder, protos = setup
    calib = calibrate(protos)
    for seed in range(300, 305):
        a, b = draw(DESIGNS["naruto"], seed), draw(DESIGNS["sasuke"], seed)
        blend = cv2.addWeighted(a, 0.5, b, 0.5, 0)
        v = protos.classify(embedder.embed([blend])[0], calib)
        assert not v.decided and v.character is None and v.margin < calib.margin, v
        assert {v.best, v.runner_up} == {"naruto", "sasuke"}


def test_margin_from_settings_overrides_calibration(setup, model):
    embedder, protos = setup
    strict = calibration_for(config(*model, margin=0.99), protos)
    v = protos.classify(embedder.embed([draw(DESIGNS["luffy"], 400)])[0], strict)
    assert not v.decided and v.best == "luffy" and v.thresholds["margin"] == 0.99


def test_frames_of_a_clip(setup):
    embedder, protos = setup
    calib = calibrate(protos)
    frames = [(i * 0.5, draw(DESIGNS["naruto"], 500 + i)) for i in range(6)]
    signals = likeness_of_frames(embedder, protos, frames, calib, min_frames=2)
    assert [s.character for s in signals] == ["naruto"] and signals[0].frames >= 4
    assert signals[0].model.startswith("tiny.onnx@") and set(signals[0].to_dict()) >= {"character", "similarity"}


def test_model_errors_are_one_line(model, tmp_path):
    path, sha = model
    cases = [
        (config(tmp_path / "absent.onnx", sha), "no such file"),
        (config(path, "0" * 64), "is not the pinned"),
        (config(path, ""), f"set likeness_sha256 to pin it (this file is {sha})"),
        (LikenessConfig(model_path=path, sha256=sha, output="logits"), "no output 'logits' (it has embedding)"),
    ]
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"not a model")
    cases.append((config(junk, hashlib.sha256(b"not a model").hexdigest()), "not a model onnxruntime can load"))
    for cfg, message in cases:
        with pytest.raises(LikenessError) as err:
            OnnxEmbedder(cfg)
        assert message in str(err.value) and "\n" not in str(err.value)


def test_prototypes_need_several_references(setup):
    embedder, _ = setup
    with pytest.raises(LikenessError, match="fewer than 2 reference images: luffy"):
        CharacterPrototypes.build(embedder, {"luffy": [draw(DESIGNS["luffy"], 1)],
                                             "naruto": [draw(DESIGNS["naruto"], s) for s in range(3)]})


def test_off_by_default():
    from core.config import load_settings

    assert LikenessConfig.from_settings(load_settings({})) is None
    cfg = LikenessConfig.from_settings(load_settings({"MAMORU_LIKENESS_MODEL": "/m.onnx", "MAMORU_LIKENESS_SHA256": "ab",
                                                      "MAMORU_LIKENESS_INPUT_SIZE": "384",
                                                      "MAMORU_LIKENESS_MEAN": "0.5,0.5,0.5"}))
    assert cfg.model_path == Path("/m.onnx") and cfg.input_size == 384 and cfg.mean == (0.5, 0.5, 0.5)


def test_cli(model, tmp_path, monkeypatch):
    import json

    from click.testing import CliRunner

    from core.config import get_settings
    from mamoru.cli.likeness import likeness

    path, sha = model
    refs = tmp_path / "refs"
    for name, design in DESIGNS.items():
        (refs / name).mkdir(parents=True)
        for seed in range(5):
            cv2.imwrite(str(refs / name / f"{seed}.png"), draw(design, seed))
    query = tmp_path / "query.png"
    cv2.imwrite(str(query), draw(DESIGNS["sasuke"], 900))
    monkeypatch.delenv("MAMORU_LIKENESS_MODEL", raising=False)
    get_settings.cache_clear()
    r = CliRunner().invoke(likeness, [str(query), "--refs", str(refs)])
    assert r.exit_code == 1 and "likeness is off" in r.output
    for key, value in {"MODEL": str(path), "SHA256": sha, "INPUT_SIZE": str(SIDE), "MEAN": "0.5,0.5,0.5",
                       "STD": "0.25,0.25,0.25", "OUTPUT": "embedding"}.items():
        monkeypatch.setenv(f"MAMORU_LIKENESS_{key}", value)
    get_settings.cache_clear()
    try:
        r = CliRunner().invoke(likeness, [str(query), str(tmp_path / "missing.png"), "--refs", str(refs), "--json"])
    finally:
        get_settings.cache_clear()
    assert r.exit_code == 0, r.output
    head, *rows = [json.loads(line) for line in r.output.strip().splitlines()]
    assert head["characters"] == ["luffy", "naruto", "sasuke"] and head["calibration"]["precision"] >= 0.98
    assert [c["character"] for c in rows[0]["characters"]] == ["sasuke"]
    assert rows[1]["error"] and not rows[1]["characters"]
