"""The C2PA manifest of a media file, read with c2pa-python and summed up as evidence.

What later verdicts need: who made the claim (claim generator), who signed it (certificate subject),
whether an action says the content was made by a trained model (`digitalSourceType`
trainedAlgorithmicMedia, the IPTC term generators such as Sora, Veo or Firefly write), and the validation
state c2pa-rs gives (Invalid, Valid: intact but signed by a certificate not in the trust list, Trusted).
A file without a manifest is the common case, not an error.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

IPTC_SOURCE_TYPES = "http://cv.iptc.org/newscodes/digitalsourcetype/"
# digitalSourceType values that say a trained model made (all or part of) the content
AI_SOURCE_TYPES = frozenset({"trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia"})
CREATED_ACTIONS = frozenset({"c2pa.created", "c2pa.opened", "c2pa.placed", "c2pa.edited"})
ACTIONS_LABELS = ("c2pa.actions", "c2pa.actions.v2")


@dataclass
class ManifestSummary:
    """One file's C2PA evidence; `present` False (and every other field empty) when it has none."""

    present: bool = False
    claim_generator: str | None = None
    signer: str | None = None            # the signing certificate's common name
    signer_org: str | None = None        # ... and its organisation ("issuer" in c2pa's report)
    signing_alg: str | None = None
    signed_at: str | None = None         # the trusted timestamp, when the claim carries one
    actions: list[dict] = field(default_factory=list)  # [{"action", "digital_source_type", "software_agent"}]
    ai_generated: bool = False           # an action's digitalSourceType says a trained model made it
    validation_state: str | None = None  # Invalid, Valid or Trusted
    validation_codes: list[str] = field(default_factory=list)  # failure codes (e.g. assertion.dataHash.mismatch)
    manifests: int = 0
    error: str | None = None             # the file could not be read (one line)

    def to_dict(self) -> dict:
        return asdict(self)


def _short_source_type(value: object) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    return value[len(IPTC_SOURCE_TYPES):] if value.startswith(IPTC_SOURCE_TYPES) else value


def _generator(manifest: dict) -> str | None:
    infos = manifest.get("claim_generator_info") or []
    if infos and isinstance(infos[0], dict) and infos[0].get("name"):
        first = infos[0]
        return f"{first['name']} {first['version']}".strip() if first.get("version") else str(first["name"])
    return manifest.get("claim_generator")


def _agent(value: object) -> str | None:
    if isinstance(value, dict):
        return value.get("name")
    return value if isinstance(value, str) else None


def summarize(store: dict, validation_state: str | None) -> ManifestSummary:
    """The summary of a manifest store as c2pa's Reader reports it (its JSON, parsed)."""
    manifests = store.get("manifests") or {}
    active = manifests.get(store.get("active_manifest") or "") or {}
    sig = active.get("signature_info") or {}
    actions = []
    for assertion in active.get("assertions") or []:
        if assertion.get("label") not in ACTIONS_LABELS:
            continue
        for act in (assertion.get("data") or {}).get("actions") or []:
            actions.append({"action": act.get("action"),
                            "digital_source_type": _short_source_type(act.get("digitalSourceType")),
                            "software_agent": _agent(act.get("softwareAgent"))})
    ai = any(a["action"] in CREATED_ACTIONS and a["digital_source_type"] in AI_SOURCE_TYPES for a in actions)
    codes = sorted({s.get("code") for s in store.get("validation_status") or [] if s.get("code")})
    return ManifestSummary(present=True, claim_generator=_generator(active), signer=sig.get("common_name"),
                           signer_org=sig.get("issuer"), signing_alg=sig.get("alg"), signed_at=sig.get("time"),
                           actions=actions, ai_generated=ai, validation_state=validation_state,
                           validation_codes=codes, manifests=len(manifests))


def read_manifest(path: str | Path, trust_anchors_pem: str | None = None) -> ManifestSummary:
    """The C2PA summary of the file at PATH. TRUST_ANCHORS_PEM (root certificates) makes a manifest
    signed under them "Trusted"; without it an intact one is "Valid". Never raises for the file's sake."""
    path = Path(path)
    try:
        import c2pa
    except ImportError:
        return ManifestSummary(error="c2pa-python is not installed (pip install c2pa-python)")
    if not path.is_file():
        return ManifestSummary(error=f"{path}: no such file")
    context = None
    try:
        if trust_anchors_pem:
            context = c2pa.Context(c2pa.Settings.from_dict({"trust": {"trust_anchors": trust_anchors_pem},
                                                             "verify": {"verify_trust": True}}))
        with c2pa.Reader(path, context=context) as reader:
            store = json.loads(reader.json())
            state = reader.get_validation_state()
    except c2pa.C2paError as exc:
        text = " ".join(str(exc).split())
        if type(exc).__name__.endswith("ManifestNotFound") or "no JUMBF data" in text:
            return ManifestSummary()
        if "unsupported" in text.lower():
            return ManifestSummary(error=f"{path.name}: a format C2PA cannot carry ({text})")
        # the container itself could not be parsed (truncated, corrupt, another format under this name)
        return ManifestSummary(error=f"{path.name}: C2PA could not read it ({text or type(exc).__name__})"[:500])
    finally:
        if context is not None:
            context.close()
    return summarize(store, state)
