"""Report charts drawn with matplotlib (object API, no pyplot state) as PNG data URIs."""

from __future__ import annotations

import io

from matplotlib import rc_context
from matplotlib.figure import Figure

from reports.images import data_uri

# DejaVu for Latin, Noto CJK (Debian fonts-noto-cjk) as the fallback for Japanese names.
FONT_FAMILY = ["DejaVu Sans", "Noto Sans CJK JP"]
COLOURS = {"confirmed": "#c0392b", "pending": "#f39c12", "escalated": "#8e44ad", "dismissed": "#95a5a6"}
STATES = ("confirmed", "escalated", "pending", "dismissed")


def _png(fig: Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return data_uri(buf.getvalue(), "image/png")


def trend_chart(trend: list[dict]) -> str:
    """Stacked bars per week and state: this week against the previous eight."""
    with rc_context({"font.family": FONT_FAMILY, "font.size": 8}):
        fig = Figure(figsize=(6.4, 2.4))
        ax = fig.add_subplot()
        labels = [t["week"][5:] for t in trend]
        bottom = [0] * len(trend)
        for state in STATES:
            values = [t.get(state, 0) for t in trend]
            ax.bar(labels, values, bottom=bottom, color=COLOURS[state], label=state, width=0.7)
            bottom = [b + v for b, v in zip(bottom, values)]
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_ylabel("findings")
        ax.legend(ncols=4, fontsize=7, loc="upper left", frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        return _png(fig)


def bar_chart(labels: list[str], values: list[int], title: str, colour: str = "#c0392b") -> str | None:
    """Horizontal bars (most first) for counts per platform or character."""
    if not labels:
        return None
    labels, values = labels[:12][::-1], values[:12][::-1]
    with rc_context({"font.family": FONT_FAMILY, "font.size": 8}):
        fig = Figure(figsize=(3.2, 0.35 * len(labels) + 0.8))
        ax = fig.add_subplot()
        ax.barh([_short(label) for label in labels], values, color=colour)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_title(title, fontsize=9)
        ax.spines[["top", "right"]].set_visible(False)
        return _png(fig)


def _short(text: str, n: int = 28) -> str:
    text = str(text).replace("$", r"\$")  # matplotlib mathtext must not interpret hostile names
    return text if len(text) <= n else text[: n - 1] + "…"


def report_charts(report: dict) -> dict[str, str | None]:
    return {
        "trend": trend_chart(report["trend"]),
        "platforms": bar_chart([p["platform"] for p in report["by_platform"] if p["confirmed"]],
                               [p["confirmed"] for p in report["by_platform"] if p["confirmed"]],
                               "confirmed by platform"),
        "characters": bar_chart([f"{c['character_ja'] or c['character_en']} ({c['work_en']})"
                                 for c in report["by_character"]],
                                [c["confirmed"] for c in report["by_character"]], "confirmed by character",
                                "#2c3e50"),
    }


ENFORCEMENT_COLOURS = {"confirmed": "#d6d9de", "noticed": "#2c6fbb", "removed": "#27ae60", "rate": "#c0392b"}
ENFORCEMENT_GROUPS_SHOWN = 12


def enforcement_chart(rows: list[dict], group_by: str = "week") -> str | None:
    """Confirmed, noticed and removed per group (core.services.figures rows) as bars side by side, and the
    removal rate as a line on its own axis; the last twelve weeks, or the twelve largest other groups."""
    if not rows:
        return None
    rows = rows[-ENFORCEMENT_GROUPS_SHOWN:] if group_by == "week" else rows[:ENFORCEMENT_GROUPS_SHOWN]
    labels = [_short(r["label"][5:] if group_by == "week" else r["label"], 18) for r in rows]
    xs = list(range(len(rows)))
    width = 0.27
    with rc_context({"font.family": FONT_FAMILY, "font.size": 8}):
        fig = Figure(figsize=(7.0, 2.8))
        ax = fig.add_subplot()
        for offset, name in ((-width, "confirmed"), (0.0, "noticed"), (width, "removed")):
            ax.bar([x + offset for x in xs], [r[name] for r in rows], width=width, label=name,
                   color=ENFORCEMENT_COLOURS[name])
        ax.set_xticks(xs, labels, rotation=0 if group_by == "week" else 20, ha="center" if group_by == "week"
                      else "right")
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_ylabel("findings")
        ax.spines[["top"]].set_visible(False)
        rate = ax.twinx()
        points = [(x, r["removal_rate"] * 100) for x, r in zip(xs, rows) if r["removal_rate"] is not None]
        if points:
            rate.plot([x for x, _ in points], [y for _, y in points], color=ENFORCEMENT_COLOURS["rate"], marker="o",
                      label="removal rate")
        rate.set_ylim(0, 105)
        rate.set_ylabel("removal rate (%)")
        rate.spines[["top"]].set_visible(False)
        handles = ax.get_legend_handles_labels()[0] + rate.get_legend_handles_labels()[0]
        ax.legend(handles=handles, ncols=4, fontsize=7, loc="upper left", frameon=False)
        ax.set_ylim(0, max(1, max(r["confirmed"] for r in rows)) * 1.3)
        return _png(fig)
