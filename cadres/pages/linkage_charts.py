"""Figures of the linkage dashboard: decisions by result band (heatmap) and score change
against the decisions about each unit's leaders (scatter). Each has a title, units on the
axes and an explained empty state."""

from __future__ import annotations

import plotly.graph_objects as go

from assessment.enums import Grade
from cadres.enums import DecisionType
from cadres.rules import linkage as rules
from portal.i18n import _
from portal.theme import STATUS, empty_figure, escape_labels, plain_figure

TYPE_COLOURS = {"commendation": STATUS["ok"], "promotion": "#0072B2", "rank_promotion": "#56B4E9",
                "admonishment_talk": STATUS["warn"], "adjustment": STATUS["bad"],
                None: STATUS["none"]}


def type_label(code: str | None) -> str:
    return DecisionType(code).label if code else _("No decision")


def band_label(code: str) -> str:
    return Grade(code).label


def band_heatmap(counts: dict[tuple[str, str], int], units: dict[str, int]) -> go.Figure:
    """Columns: result bands (with their number of units); rows: decision types; cells: the
    number of decisions taken about the leaders of the band's units in the window."""
    if not sum(units.values()):
        return empty_figure(_("No unit in this subtree has a result in this period."))
    if not sum(counts.values()):
        return empty_figure(_("No decision about these units' leaders was taken in the window."))
    bands = [b for b in rules.BANDS if units[b]] or list(rules.BANDS)
    z = [[counts[(b, t)] for b in bands] for t in rules.TYPES]
    x = ["<br>".join((band_label(b), _("%(n)s units", n=units[b]))) for b in bands]
    y = [type_label(t) for t in rules.TYPES]
    figure = go.Figure(go.Heatmap(
        z=z, x=x, y=y, text=z, texttemplate="%{text}", colorscale=[[0, "#f5f6f8"], [1, "#4c6a8a"]],
        xgap=3, ygap=3, colorbar=dict(title=dict(text=_("Decisions")), thickness=12),
        hovertemplate="%{x}<br>%{y}: %{z}<extra></extra>"))
    figure.update_xaxes(tickangle=0)
    figure.update_layout(title=_("Decisions about leaders by the unit's result band"), height=360,
                         xaxis=dict(title=_("Result band of the unit (number of units)"),
                                    side="bottom"),
                         yaxis=dict(title=_("Decision type"), autorange="reversed"),
                         margin=dict(t=48, b=60))
    return escape_labels(figure)


def change_scatter(points: list[rules.ScatterPoint], previous: str | None) -> go.Figure:
    """x: the unit's score change against the previous period; y: the kind of decision
    about its leaders (jittered so units do not hide each other); size: how many."""
    if previous is None:
        return empty_figure(_("There is no earlier published period of the same kind to compare "
                              "with."))
    if not points:
        return empty_figure(_("No unit in this subtree has a result in both periods."))
    rows = [None, *rules.TYPES]
    traces = []
    for index, kind in enumerate(rows):
        part = [p for p in points if p.type == kind]
        if not part:
            continue
        label = type_label(kind)
        traces.append(dict(
            type="scatter", x=[p.change for p in part],
            y=[index + rules.jitter(f"{p.unit_id}:{kind}") for p in part],
            mode="markers", name=label,
            marker=dict(color=TYPE_COLOURS[kind], size=[7 + 3 * min(p.count, 4) for p in part],
                        opacity=0.55 if kind is None else 0.85,
                        line=dict(width=0.5, color="#ffffff")),
            customdata=[[p.name, band_label(p.grade), p.count] for p in part],
            hovertemplate="%{customdata[0]} (%{customdata[1]})<br>" + _("Score change")
                          + ": %{x:+.1f}<br>" + label + ": %{customdata[2]}<extra></extra>"))
    figure = plain_figure(traces, dict(
        title=dict(text=_("Score change and decisions about the unit's leaders")), height=360,
        showlegend=False,
        xaxis=dict(title=dict(text=_("Change in composite score against %(period)s (points)",
                                     period=previous)), zeroline=False),
        yaxis=dict(title=dict(text=_("Decisions about the leaders")),
                   tickvals=list(range(len(rows))), ticktext=[type_label(k) for k in rows],
                   range=[-0.6, len(rows) - 0.4]),
        margin=dict(t=48, b=60)))
    figure.add_vline(x=0, line=dict(color="#9aa5b1", width=1, dash="dot"))
    return escape_labels(figure)
