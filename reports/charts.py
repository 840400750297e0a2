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
