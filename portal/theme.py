"""One look for the whole portal: palette, fonts and the Plotly template.

A calm neutral palette with one accent (a muted Party red used sparingly for the
primary action and the highlighted series). Grades and statuses use the Okabe-Ito
colours (blue, sky blue, orange, dark vermillion, bluish green), which stay apart for
the common colour-vision deficiencies and never rely on red against green; grade bars
also carry a fill pattern, and every chart has its numbers as text (``ui.graph``).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

FONT_STACK = ('"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", '
              '"Microsoft YaHei", "Helvetica Neue", Arial, sans-serif')

ACCENT = "#b23a2f"
INK = "#1f2933"
MUTED = "#6b7785"
GRID = "#e4e7eb"
SURFACE = "#ffffff"
BACKGROUND = "#f5f6f8"

# Neutral series colours: slate blues and greys, accent reserved for "this one".
SERIES = ["#4c6a8a", "#8aa1b8", "#6f8f72", "#c2a26b", "#9b8aa6", "#7f8c8d", "#a3b9c9", "#b9a48f"]

# Unit grades 好/较好/一般/差 and cadre grades 优秀/称职/基本称职/不称职, best first:
# blue, sky blue, orange, dark vermillion (Okabe-Ito; lightness also differs), with patterns.
GRADE_COLOURS = ["#0072B2", "#56B4E9", "#E69F00", "#A63F00"]
GRADE_PATTERNS = ["", "/", ".", "x"]
STATUS = {"ok": "#009E73", "warn": "#E69F00", "bad": "#A63F00", "info": "#1f4e79",
          "none": "#9aa5b1"}

# Diverging scale for scores (low → high): dark orange through light grey to blue, apart
# for red-green and blue-yellow colour blindness alike.
SCORE_SCALE = [[0.0, "#A63F00"], [0.35, "#E69F00"], [0.6, "#eeeeee"], [1.0, "#0072B2"]]

TEMPLATE_NAME = "portal"


def register_template() -> None:
    template = go.layout.Template()
    template.layout = go.Layout(
        font=dict(family=FONT_STACK, size=13, color=INK),
        title=dict(font=dict(size=15, color=INK), x=0.01, xanchor="left", y=0.97),
        colorway=SERIES,
        paper_bgcolor=SURFACE,
        plot_bgcolor=SURFACE,
        margin=dict(l=56, r=24, t=48, b=48),
        xaxis=dict(gridcolor=GRID, zerolinecolor=GRID, linecolor=GRID, ticks="", automargin=True),
        yaxis=dict(gridcolor=GRID, zerolinecolor=GRID, linecolor=GRID, ticks="", automargin=True),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="right", x=1, title_text=""),
        hoverlabel=dict(font=dict(family=FONT_STACK)),
        separators=".,",
    )
    pio.templates[TEMPLATE_NAME] = template
    # Merged once under its own name: a default of "plotly_white+portal" is merged again by
    # every go.Figure() (~95 ms each on 2 cores; ~1 ms once merged), many per callback.
    pio.templates[TEMPLATE_NAME + "_white"] = pio.templates["plotly_white+" + TEMPLATE_NAME]
    pio.templates.default = TEMPLATE_NAME + "_white"


# --- labels from user text -------------------------------------------------------------------
# Plotly renders chart text as a little HTML (a, b, i, br, span, sub, sup): a unit named
# '<a href="http://…">' would become a link in a legend, a hover box or an axis. Every chart
# builder returns its figure through ``escape_labels``, so names show as the text they are.

DATA_TEXT = ("x", "y", "text", "hovertext", "labels", "name", "customdata", "ids", "parents",
             "legendgroup")
MARKUP = re.compile(r"[<>&]")
LINE_BREAK = "\0br\0"  # our own "<br>" (two-line axis labels) survives the escaping


def escape_label(value: Any) -> Any:
    """Text as Plotly should show it: ``<``, ``>`` and ``&`` as entities (our ``<br>`` kept)."""
    if not isinstance(value, str) or not MARKUP.search(value):
        return value
    value = value.replace("<br>", LINE_BREAK)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace(LINE_BREAK, "<br>")


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return escape_label(value)
    if isinstance(value, np.ndarray) and value.dtype.kind in "OUS":
        return np.array([_escaped(v) for v in value.tolist()], dtype=object)
    if isinstance(value, list | tuple):
        return [_escaped(v) for v in value]
    return value


def escape_labels(figure: go.Figure) -> go.Figure:
    """The one escaping point for text users typed (unit, cadre, indicator and course names,
    case titles) that reaches a chart: trace data, titles, annotations and tick labels.
    Templates (``hovertemplate``, ``texttemplate``) are ours and keep their markup."""
    for trace in figure.data:
        for key in DATA_TEXT:
            if key in trace and trace[key] is not None:
                trace[key] = _escaped(trace[key])
    layout = figure.layout
    if layout.title and layout.title.text:
        layout.title.text = escape_label(layout.title.text)
    for annotation in layout.annotations or ():
        annotation.text = escape_label(annotation.text)
    for axis in ("xaxis", "yaxis"):
        ticks = layout[axis].ticktext
        if ticks is not None:
            layout[axis].ticktext = _escaped(list(ticks))
    return figure


def plain_figure(traces: list[dict], layout: dict) -> go.Figure:
    """A figure from trace and layout dicts, without Plotly checking every element of every
    array (a city's 3,000 points took 50–250 ms to check, per chart and request). Scalars are
    still checked; the dicts spell properties out in full (``marker=dict(color=…)``, never
    ``marker_color``). pandas columns become NumPy arrays (numbers stay arrays: copied and
    sent as binary), text becomes lists, so ``escape_labels`` sees it."""
    return go.Figure(data=[_arrays(trace) for trace in traces], layout=layout, _validate=False)


def _arrays(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _arrays(item) for key, item in value.items()}
    if hasattr(value, "to_numpy"):  # a pandas column
        value = value.to_numpy()
    if isinstance(value, np.ndarray) and value.dtype.kind in "OUSMm":
        return value.tolist()
    return value


def empty_figure(message: str, height: int = 260) -> go.Figure:
    """A blank chart that says why it is blank (and what to do)."""
    figure = go.Figure()
    figure.add_annotation(text=escape_label(message), showarrow=False, x=0.5, y=0.5, xref="paper",
                          yref="paper",
                          font=dict(size=14, color=MUTED))
    figure.update_layout(height=height, xaxis=dict(visible=False), yaxis=dict(visible=False),
                         margin=dict(l=10, r=10, t=10, b=10))
    return figure


GRAPH_CONFIG = {"displaylogo": False, "responsive": True,
                "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"],
                "toImageButtonOptions": {"format": "png", "scale": 2}}
