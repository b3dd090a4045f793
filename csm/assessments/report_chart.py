"""The report's clause chart: one horizontal bar per clause showing its index (0-100), one panel per
standard, each bar labelled with its rounded index and its n.

Drawn with matplotlib's Agg backend, without pyplot's global figures, so that concurrent requests
do not share state. Text is written as paths in the SVG (svg.fonttype "path"), so the chart shows
the same in a browser and in WeasyPrint whatever fonts they have. Labels are set in DejaVu Sans
(shipped with matplotlib; it has the Polish letters) and fall through glyph by glyph to Noto Sans CJK
SC for Chinese.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

from django.utils import formats, translation
from django.utils.translation import gettext
from matplotlib.figure import Figure

from csm.assessments.report_model import standard_number
from csm.assessments.rounding import rounded

FONTS = ["DejaVu Sans", "Noto Sans CJK SC"]  # matplotlib ships DejaVu Sans; Chinese falls through per glyph
WIDTH_INCHES = 6.6
BAR_INCHES = 0.3
PANEL_INCHES = 0.75
BAR_COLOUR = "#0b5cad"
STYLE_ATTRIBUTE = re.compile(r' style="([^"]*)"')
STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL)


def _panels(snapshot: Mapping[str, Any]) -> list[tuple[str, list[Mapping[str, Any]]]]:
    order = [standard["id"] for standard in snapshot["standards"]]
    clauses = snapshot.get("clauses") or ()
    return [(standard, [c for c in clauses if c["standard"] == standard]) for standard in order
            if any(c["standard"] == standard for c in clauses)]


def _draw_panel(axes: Any, standard: str, clauses: Sequence[Mapping[str, Any]], x_label: str) -> None:
    positions = list(range(len(clauses)))
    values = [float(rounded(c["index"]) or 0) for c in clauses]
    axes.barh(positions, values, color=BAR_COLOUR, height=0.6)
    axes.set_yticks(positions, [f"{c['clause']}  (n = {c['n']})" for c in clauses])
    axes.invert_yaxis()
    axes.set_xlim(0, 112)
    axes.set_xticks([0, 20, 40, 60, 80, 100])
    axes.set_title(standard_number(standard), loc="left", fontweight="bold")
    axes.set_xlabel(x_label)
    axes.grid(axis="x", color="#d0d7de", linewidth=0.5)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for position, clause in zip(positions, clauses, strict=True):
        value = rounded(clause["index"])
        axes.text(float(value or 0) + 1.5, position, str(formats.localize(value)), va="center", fontsize=7.5)


def _figure(figure_class: type[Figure], panels: Sequence[tuple[str, Sequence[Mapping[str, Any]]]]) -> Figure:
    heights = [PANEL_INCHES + BAR_INCHES * len(clauses) for _, clauses in panels]
    figure = figure_class(figsize=(WIDTH_INCHES, sum(heights)), layout="constrained")
    grid = figure.subplots(len(panels), 1, squeeze=False, gridspec_kw={"height_ratios": heights})
    x_label = gettext("Index (0–100)")
    for axes, (standard, clauses) in zip(grid[:, 0], panels, strict=True):
        _draw_panel(axes, standard, clauses, x_label)
    return figure


def clause_chart_svg(snapshot: Mapping[str, Any], language: str) -> str:
    """The chart as inline SVG (no XML prologue), one block per standard so that a printed page can
    break between standards (an image cannot be split across pages); "" when no clause has a
    scored question."""
    panels = _panels(snapshot)
    with translation.override(language):
        svgs = [_draw([panel], salt=panel[0]) for panel in panels]
    return "".join(f'<div class="report-chart-panel">{_without_css(svg[svg.index("<svg"):])}</div>'
                   for svg in svgs)


def _draw(panels: Sequence[tuple[str, Sequence[Mapping[str, Any]]]], *, salt: str) -> str:
    # Imported here, not at the top: matplotlib takes about two seconds to load, which every web and
    # worker process would otherwise pay at start-up (the URLconf imports the report views).
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    buffer = io.StringIO()
    with matplotlib.rc_context({"font.family": FONTS, "font.size": 8, "svg.fonttype": "path",
                                "svg.hashsalt": f"csm-report-{salt}"}):
        _figure(Figure, panels).savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _presentation_attributes(match: re.Match[str]) -> str:
    pairs = [part.split(":", 1) for part in match.group(1).split(";") if ":" in part]
    return "".join(f' {name.strip()}="{value.strip()}"' for name, value in pairs)


def _without_css(svg: str) -> str:
    """The SVG with its CSS turned into presentation attributes. Inline in a page, the SVG's
    `<style>` (a `*` rule) would reach every element of the page, and WeasyPrint reads `style`
    attributes as HTML CSS, warning about each SVG property; presentation attributes mean the same
    to both and to nothing else."""
    svg = STYLE_ELEMENT.sub("", svg).replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)
    return STYLE_ATTRIBUTE.sub(_presentation_attributes, svg)
