"""The issue's figures over (clip, reference) pairs, from a manifest's clips and one method's scores.

A pair is true when the clip shows the reference (its labels). Every labelled pair counts as a positive,
scored or not, so a reference never found lowers recall and AP. Ties count together: a group of pairs
with the same score is accepted or refused as one (a threshold cannot split it).
"""

from __future__ import annotations

from collections import defaultdict


def ranked_groups(pairs: list[tuple[float, bool]]) -> list[tuple[float, int, int]]:
    """(score, true pairs, false pairs) per distinct score, best first."""
    by: dict[float, list[int]] = defaultdict(lambda: [0, 0])
    for s, ok in pairs:
        by[s][0 if ok else 1] += 1
    return [(s, t, f) for s, (t, f) in sorted(by.items(), key=lambda x: -x[0])]


def average_precision(pairs: list[tuple[float, bool]], positives: int) -> float:
    """Micro AP: the mean over all positives of the precision where each is accepted (0 if never)."""
    ap = 0.0
    tp = fp = 0
    for _, t, f in ranked_groups(pairs):
        tp, fp = tp + t, fp + f
        ap += t * tp / (tp + fp)
    return ap / max(1, positives)


def recall_at_precision(pairs: list[tuple[float, bool]], positives: int, precision: float = 0.99) -> float:
    best = 0.0
    tp = fp = 0
    for _, t, f in ranked_groups(pairs):
        tp, fp = tp + t, fp + f
        if tp / (tp + fp) >= precision:
            best = max(best, tp / max(1, positives))
    return best


def metrics(clips: list[dict], preds: dict[str, dict[str, float]], threshold: float,
            groups: dict[str, str] | None = None) -> dict:
    """groups: reference -> sibling group (a deck, an animation, a film); a sibling pair is a false pair
    whose reference shares a group with one the clip really shows (or, for a near-miss clip, resembles)."""
    groups = groups or {}
    pairs = []   # (score, is_true)
    positives = 0
    fam_tot: dict[str, int] = defaultdict(int)
    fam_hit: dict[str, int] = defaultdict(int)
    negative_max = 0.0   # the highest score on a distractor clip (near-misses are counted apart)
    near_flagged = dis_flagged = sibling_fp = 0
    near_max = 0.0
    shown_sib_flagged = shown_sib_total = 0   # positive clips naming an indexed sibling of what they show
    shown_sib_max = 0.0
    for c in clips:
        p = preds.get(c["name"], {})
        labels = set(c["labels"])
        positives += len(labels)
        for ref, s in p.items():
            pairs.append((s, ref in labels))
        for ref in labels:
            fam_tot[c["family"]] += 1
            if p.get(ref, 0) >= threshold:
                fam_hit[c["family"]] += 1
        shown_groups = {groups[r] for r in labels | set(c.get("extra", {}).get("sibling_of", [])) if r in groups}
        sibling_fp += sum(1 for ref, s in p.items()
                          if ref not in labels and s >= threshold and groups.get(ref) in shown_groups)
        if c["kind"] == "positive" and c.get("extra", {}).get("sibling_of"):
            top_sib = max((p.get(ref, 0.0) for ref in c["extra"]["sibling_of"]), default=0.0)
            shown_sib_total += 1
            shown_sib_flagged += top_sib >= threshold
            shown_sib_max = max(shown_sib_max, top_sib)
        if c["kind"] != "positive":
            top = max(p.values(), default=0.0)
            if c["kind"] == "near_miss":
                near_max = max(near_max, top)
            else:
                negative_max = max(negative_max, top)
            if top >= threshold:
                if c["kind"] == "near_miss":
                    near_flagged += 1
                else:
                    dis_flagged += 1
    tp = sum(1 for s, ok in pairs if ok and s >= threshold)
    fp = sum(1 for s, ok in pairs if not ok and s >= threshold)
    r_clean = sum(1 for s, ok in pairs if ok and s > negative_max) / max(1, positives)
    true_at_one = sum(1 for s, ok in pairs if ok and s >= 1.0)
    return {"ap": average_precision(pairs, positives), "precision": tp / max(1, tp + fp),
            "recall": tp / max(1, positives), "tp": tp, "fp": fp, "positives": positives,
            "recall_at_p99": recall_at_precision(pairs, positives, 0.99),
            "recall_no_distractor": r_clean, "no_distractor_threshold": negative_max,
            "near_miss_flagged": near_flagged, "near_miss_total": sum(c["kind"] == "near_miss" for c in clips),
            "near_miss_max": near_max, "sibling_pairs_flagged": sibling_fp,
            "shown_sibling_flagged": shown_sib_flagged, "shown_sibling_total": shown_sib_total,
            "shown_sibling_max": shown_sib_max,
            "distractors_flagged": dis_flagged, "distractors_total": sum(c["kind"] == "distractor" for c in clips),
            "true_pairs_at_1": true_at_one,
            "family_recall": {f: fam_hit[f] / fam_tot[f] for f in fam_tot},
            "family_counts": {f: f"{fam_hit[f]}/{fam_tot[f]}" for f in fam_tot}}


def print_metrics(name: str, threshold: float, m: dict) -> None:
    print(f"\n== {name} (default threshold {threshold:.3f})")
    print(f"  micro-AP (pairs)              {m['ap']:.3f}")
    print(f"  precision at threshold        {m['precision']:.3f}   (tp {m['tp']}, fp {m['fp']}, {m['positives']} true pairs)")
    print(f"  recall at default threshold   {m['recall']:.3f}")
    print(f"  recall at precision >= 0.99   {m['recall_at_p99']:.3f}")
    print(f"  recall, no distractor flagged {m['recall_no_distractor']:.3f}   (threshold > {m['no_distractor_threshold']:.3f})")
    print(f"  sibling near-misses >= thr    {m['near_miss_flagged']} of {m['near_miss_total']}   (highest near-miss score "
          f"{m['near_miss_max']:.3f}); sibling pairs >= thr in all clips {m['sibling_pairs_flagged']}")
    if m.get("shown_sibling_total"):
        print(f"  indexed siblings >= thr       {m['shown_sibling_flagged']} of {m['shown_sibling_total']}   (clips showing one "
              f"indexed member, scored on its indexed sibling; highest {m['shown_sibling_max']:.3f})")
    print(f"  distractors flagged           {m['distractors_flagged']} of {m['distractors_total']};   true pairs scored 1.0: "
          f"{m['true_pairs_at_1']}")
    print("  recall per family: " + ", ".join(f"{f} {v:.2f} ({m['family_counts'][f]})"
                                               for f, v in sorted(m["family_recall"].items())))
