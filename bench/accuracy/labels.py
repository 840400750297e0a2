"""What a clip of the accuracy benchmark is labelled with, shared by both edit pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Clip:
    name: str
    family: str
    labels: list[str]           # the references the clip shows
    kind: str = "positive"      # positive, distractor, near_miss
    note: str = ""
    path: str = ""
    extra: dict = field(default_factory=dict)   # seed; for a near-miss, "sibling_of": the references it resembles
