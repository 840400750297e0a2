"""Likeness: is a newly drawn character one of the catalogue's? A learned image embedding, pluggable.

No model ships with Mamoru (none is inside a package here): the user gives an ONNX image encoder by path,
pinned by its sha256, with its input side, normalisation and output name (settings `likeness_*`; see
matcher/LIKENESS.md for a real choice and how to export it). Nothing is ever downloaded.

    embedder = OnnxEmbedder(LikenessConfig.from_settings(settings))     # one-line LikenessError if wrong
    protos = CharacterPrototypes.build(embedder, {"luffy": [img, ...], "naruto": [...]})
    calib = calibrate(protos)                     # thresholds from the references themselves (leave-one-out)
    verdict = protos.classify(embedder.embed([frame])[0], calib)     # best vs runner-up, decided or not

A character's prototype is the normalised mean of its references' embeddings; the decision asks that the
best character is similar enough (cosine) AND ahead of the runner-up by a margin: near-ties between two
characters of one art style are the usual mistake of embeddings, and the margin is what catches them.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from matcher.errors import MatcherError

DEFAULT_MARGIN = 0.05          # cosine lead over the runner-up, before calibration
DEFAULT_MIN_SIMILARITY = 0.5   # cosine to the best prototype, before calibration
TARGET_PRECISION = 0.98        # calibration: thresholds must reach this precision on held-out references...
TARGET_RECALL = 0.9            # ... and the strictest that still keep this recall win (a lead over the runner-up
                               # the references themselves show is what a new drawing must show too)
MIN_REFERENCES = 2             # a prototype needs this many references (one picture is a copy, not a likeness)
HASH_CHUNK = 1 << 20


class LikenessError(MatcherError):
    """The likeness model cannot be used: missing, another file than pinned, or not what settings say."""


class Embedder(Protocol):
    """Anything that turns BGR images into L2-normalised vectors (one row per image)."""

    name: str

    def embed(self, images: list[np.ndarray]) -> np.ndarray: ...


@dataclass(frozen=True)
class LikenessConfig:
    model_path: Path
    sha256: str
    input_size: int = 224
    mean: tuple[float, ...] = (0.485, 0.456, 0.406)
    std: tuple[float, ...] = (0.229, 0.224, 0.225)
    output: str = ""            # empty: the model's first output
    margin: float | None = None  # None: calibrated

    @classmethod
    def from_settings(cls, settings) -> "LikenessConfig | None":  # noqa: ANN001 - core.config.Settings, duck-typed
        """The config the settings describe, or None when likeness is off (no model set)."""
        if not getattr(settings, "likeness_model", None):
            return None
        return cls(model_path=Path(settings.likeness_model), sha256=settings.likeness_sha256,
                   input_size=settings.likeness_input_size, mean=tuple(settings.likeness_mean),
                   std=tuple(settings.likeness_std), output=settings.likeness_output, margin=settings.likeness_margin)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(HASH_CHUNK):
            h.update(chunk)
    return h.hexdigest()


class OnnxEmbedder:
    """An ONNX image encoder run by onnxruntime on the CPU; its output rows are L2-normalised."""

    def __init__(self, config: LikenessConfig):
        path = Path(config.model_path).expanduser()
        if not path.is_file():
            raise LikenessError(f"likeness model {path}: no such file (set likeness_model to a local ONNX file; "
                                "it is never downloaded)")
        pinned = (config.sha256 or "").strip().lower()
        actual = file_sha256(path)
        if not pinned:
            raise LikenessError(f"likeness model {path}: set likeness_sha256 to pin it (this file is {actual})")
        if pinned != actual:
            raise LikenessError(f"likeness model {path}: sha256 {actual} is not the pinned {pinned}")
        if len(config.mean) != 3 or len(config.std) != 3 or min(config.std) <= 0:
            raise LikenessError("likeness_mean and likeness_std: three numbers each (R, G, B), std above 0")
        try:
            import onnxruntime as ort
        except ImportError:
            raise LikenessError("likeness needs onnxruntime: pip install 'mamoru[likeness]'") from None
        try:
            self.session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own types for bad files
            raise LikenessError(f"likeness model {path}: not a model onnxruntime can load "
                                f"({' '.join(str(exc).split())[:200]})") from None
        outputs = [o.name for o in self.session.get_outputs()]
        self.output = config.output or outputs[0]
        if self.output not in outputs:
            raise LikenessError(f"likeness model {path}: no output {config.output!r} (it has {', '.join(outputs)})")
        self.input = self.session.get_inputs()[0].name
        self.size = int(config.input_size)
        self.mean = np.array(config.mean, dtype=np.float32).reshape(1, 3, 1, 1)
        self.std = np.array(config.std, dtype=np.float32).reshape(1, 3, 1, 1)
        self.name = f"{path.name}@{actual[:12]}"
        self.sha256 = actual

    def preprocess(self, images: list[np.ndarray]) -> np.ndarray:
        """BGR uint8 images -> NCHW float32: RGB, resized to the input side, on 0..1, normalised."""
        batch = np.stack([cv2.resize(cv2.cvtColor(img, cv2.COLOR_BGR2RGB), (self.size, self.size),
                                     interpolation=cv2.INTER_AREA) for img in images]).astype(np.float32) / 255.0
        return (batch.transpose(0, 3, 1, 2) - self.mean) / self.std

    def embed(self, images: list[np.ndarray]) -> np.ndarray:
        if not images:
            return np.zeros((0, 0), dtype=np.float32)
        out = self.session.run([self.output], {self.input: self.preprocess(images)})[0]
        out = np.asarray(out, dtype=np.float32).reshape(len(images), -1)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


@dataclass
class Calibration:
    """Decision thresholds for one model and catalogue, with what they gave on held-out references."""

    margin: float = DEFAULT_MARGIN
    min_similarity: float = DEFAULT_MIN_SIMILARITY
    precision: float | None = None
    recall: float | None = None
    samples: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class LikenessVerdict:
    """One image against the prototypes: the best character, the runner-up and whether it is decided."""

    character: str | None            # the best character when decided, else None
    best: str | None
    similarity: float
    runner_up: str | None
    runner_up_similarity: float
    margin: float
    decided: bool
    thresholds: dict = field(default_factory=dict)  # {"margin", "min_similarity"} used

    def to_dict(self) -> dict:
        return asdict(self)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-12)


@dataclass
class CharacterPrototypes:
    """Per-character prototypes (normalised mean embeddings of several references)."""

    names: list[str]
    vectors: np.ndarray                                 # (characters, dim), rows L2-normalised
    embeddings: dict[str, np.ndarray] = field(default_factory=dict, repr=False)  # the references', for calibration

    @classmethod
    def from_embeddings(cls, by_character: dict[str, np.ndarray]) -> "CharacterPrototypes":
        few = sorted(n for n, e in by_character.items() if len(e) < MIN_REFERENCES)
        if few:
            raise LikenessError(f"characters with fewer than {MIN_REFERENCES} reference images: {', '.join(few)}")
        if len(by_character) < 2:
            raise LikenessError("likeness needs at least two characters (the decision is best against runner-up)")
        names = sorted(by_character)
        vectors = np.stack([_unit(np.asarray(by_character[n], dtype=np.float32).mean(0)) for n in names])
        return cls(names=names, vectors=vectors, embeddings={n: np.asarray(by_character[n]) for n in names})

    @classmethod
    def build(cls, embedder: Embedder, images: dict[str, list[np.ndarray]]) -> "CharacterPrototypes":
        return cls.from_embeddings({name: embedder.embed(list(imgs)) for name, imgs in images.items()})

    def similarities(self, embedding: np.ndarray) -> np.ndarray:
        return self.vectors @ _unit(np.asarray(embedding, dtype=np.float32))

    def classify(self, embedding: np.ndarray, calibration: Calibration | None = None) -> LikenessVerdict:
        return _decide(self.names, self.similarities(embedding), calibration or Calibration())


def _decide(names: list[str], sims: np.ndarray, calib: Calibration) -> LikenessVerdict:
    order = np.argsort(-sims)
    best, second = int(order[0]), int(order[1])
    margin = float(sims[best] - sims[second])
    decided = bool(sims[best] >= calib.min_similarity and margin >= calib.margin)
    return LikenessVerdict(character=names[best] if decided else None, best=names[best],
                           similarity=round(float(sims[best]), 4), runner_up=names[second],
                           runner_up_similarity=round(float(sims[second]), 4), margin=round(margin, 4),
                           decided=decided, thresholds={"margin": calib.margin, "min_similarity": calib.min_similarity})


def _held_out_scores(protos: CharacterPrototypes) -> list[tuple[str, str, float, float]]:
    """(true, best, best similarity, margin) for every reference against prototypes built without it."""
    out = []
    for name in protos.names:
        own = protos.embeddings[name]
        for i in range(len(own)):
            rest = np.delete(own, i, axis=0)
            vectors = protos.vectors.copy()
            vectors[protos.names.index(name)] = _unit(rest.mean(0))
            sims = vectors @ _unit(own[i])
            order = np.argsort(-sims)
            out.append((name, protos.names[int(order[0])], float(sims[order[0]]), float(sims[order[0]] - sims[order[1]])))
    return out


def calibrate(protos: CharacterPrototypes, negatives: np.ndarray | None = None,
              target_precision: float = TARGET_PRECISION) -> Calibration:
    """Thresholds from the references themselves: each reference is held out and classified against the
    others' prototypes; NEGATIVES (embeddings of pictures of none of the characters) count as false when
    decided. Of the (margin, min similarity) pairs reaching TARGET_PRECISION, the strictest keeping
    TARGET_RECALL wins (else the one with most recall): references all classified right say nothing of
    near-ties, so the margin is set where the references' own leads are, not at zero."""
    held = _held_out_scores(protos)
    neg = []
    if negatives is not None and len(negatives):
        for e in np.asarray(negatives, dtype=np.float32):
            sims = protos.similarities(e)
            order = np.argsort(-sims)
            neg.append((float(sims[order[0]]), float(sims[order[0]] - sims[order[1]])))
    best = None
    for margin in np.round(np.arange(0.0, 0.41, 0.005), 3):
        for min_sim in np.round(np.arange(0.0, 1.0, 0.02), 2):
            tp = sum(1 for t, b, s, m in held if s >= min_sim and m >= margin and b == t)
            fp = sum(1 for t, b, s, m in held if s >= min_sim and m >= margin and b != t)
            fp += sum(1 for s, m in neg if s >= min_sim and m >= margin)
            if tp == 0:
                continue
            precision, recall = tp / (tp + fp), tp / len(held)
            if precision < target_precision:
                continue
            key = (min(recall, TARGET_RECALL), float(margin), float(min_sim))
            if best is None or key > best[0]:
                best = (key, Calibration(margin=float(margin), min_similarity=float(min_sim),
                                         precision=round(precision, 4), recall=round(recall, 4),
                                         samples=len(held) + len(neg)))
    if best is None:
        raise LikenessError(f"likeness cannot reach precision {target_precision} on these references: the model "
                            "does not tell these characters apart (add references or choose another model)")
    return best[1]


def calibration_for(config: LikenessConfig, protos: CharacterPrototypes,
                    negatives: np.ndarray | None = None) -> Calibration:
    """The thresholds a configured model decides with: calibrated on the references, the margin taken from
    settings (`likeness_margin`) when one is given there."""
    calib = calibrate(protos, negatives)
    if config.margin is not None:
        calib.margin = float(config.margin)
    return calib


@dataclass
class LikenessSignal:
    """A character's likeness across a clip's frames: evidence for the finding kinds."""

    character: str
    frames: int                  # frames decided for this character
    best_t: float
    similarity: float
    margin: float
    model: str

    def to_dict(self) -> dict:
        return asdict(self)


def likeness_of_frames(embedder: Embedder, protos: CharacterPrototypes, frames, calibration: Calibration,
                       min_frames: int = 1) -> list[LikenessSignal]:
    """Classify each (t, bgr) frame whole; characters decided in at least MIN_FRAMES frames, best first."""
    seen: dict[str, LikenessSignal] = {}
    for t, bgr in frames:
        v = protos.classify(embedder.embed([bgr])[0], calibration)
        if not v.decided:
            continue
        sig = seen.get(v.character)
        if sig is None:
            seen[v.character] = LikenessSignal(v.character, 1, round(float(t), 3), v.similarity, v.margin, embedder.name)
            continue
        sig.frames += 1
        if v.similarity > sig.similarity:
            sig.best_t, sig.similarity, sig.margin = round(float(t), 3), v.similarity, v.margin
    return sorted((s for s in seen.values() if s.frames >= min_frames), key=lambda s: (-s.frames, -s.similarity))
