"""Figures of the assessment pages: each takes a DataFrame and returns a ``go.Figure`` with
a title, the units on its axes and an explained empty state. ``customdata`` carries unit
ids where a click should drill down."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from assessment.enums import Grade
from portal.enums import UnitLevel
from portal.i18n import _
from portal.theme import (
    ACCENT,
    GRADE_COLOURS,
    GRADE_PATTERNS,
    GRID,
    INK,
    MUTED,
    SCORE_SCALE,
    SERIES,
    empty_figure,
    escape_labels,
    plain_figure,
)

GRADE_COLOUR = {grade.value: colour for grade, colour in zip(Grade, GRADE_COLOURS, strict=True)}
GRADE_PATTERN = {grade.value: shape for grade, shape in zip(Grade, GRADE_PATTERNS, strict=True)}


def _points() -> str:
    return _("points")


def _grade_label(code: str) -> str:
    return Grade(code).label


def _score_range(values: pd.Series) -> tuple[float, float]:
    low = float(values.min()) if len(values) else 60.0
    return (math.floor(min(low, 80.0) / 5) * 5, 100.0)


def hierarchy_treemap(frame: pd.DataFrame, root_id: int, root_name: str) -> go.Figure:
    """The focus unit's subtree two levels deep, tiles coloured by composite.

    ``frame``: unit_id, unit_name, parent_id, composite, grade (the units below the root).
    """
    if frame.empty:
        return empty_figure(_("No published results for the units below %(unit)s.", unit=root_name),
                            height=420)
    children = frame[frame["parent_id"] == root_id]
    if children.empty:  # the level right below is not assessed: show the assessed units flat
        children = frame.assign(parent_id=root_id)
    grandchildren = frame[frame["parent_id"].isin(children["unit_id"])]
    shown = pd.concat([children, grandchildren])
    has_kids = set(grandchildren["parent_id"])
    ids = [str(root_id)] + [str(u) for u in shown["unit_id"]]
    parents = [""] + [str(int(p)) for p in shown["parent_id"]]
    labels = [root_name] + list(shown["unit_name"])
    values = [0.0] + [0.0 if u in has_kids else 1.0 for u in shown["unit_id"]]
    composite = list(shown["composite"])
    colours = [float(np.mean(composite))] + composite
    low, high = _score_range(shown["composite"])
    grades = [""] + [_grade_label(g) for g in shown["grade"]]
    text = [""] + [f"{c:.1f}" for c in composite]
    tiles = dict(
        type="treemap",
        ids=ids,
        parents=parents,
        labels=labels,
        values=values,
        branchvalues="remainder",
        customdata=[[int(i), g] for i, g in zip(ids, grades, strict=True)],
        text=text,
        marker=dict(
            colors=colours,
            colorscale=SCORE_SCALE,
            cmin=low,
            cmax=high,
            line=dict(color="#fff", width=1),
            colorbar=dict(title=dict(text=_points()), thickness=12, len=0.8),
        ),
        texttemplate="%{label}<br>%{text}",
        maxdepth=3,
        tiling=dict(pad=2),
        hovertemplate="%{label}<br>" + _("Composite") + ": %{text} " + _points()
                      + "<br>%{customdata[1]}<extra></extra>",
        root=dict(color="#f3f5f7"),
        pathbar=dict(visible=False),
        sort=False,
    )
    return escape_labels(plain_figure([tiles], dict(
        title=dict(text=_("Units by composite score (click a unit to go down)")), height=420,
        margin=dict(l=8, r=8, t=48, b=8))))


def ranking_bars(frame: pd.DataFrame, selected: int | None, title: str) -> go.Figure:
    """Peers ranked by composite, coloured by grade; the selected unit stands out."""
    if frame.empty:
        return empty_figure(_("No units to rank here."))
    ordered = frame.sort_values(["composite", "unit_name"], ascending=[True, False])
    colours = [ACCENT if u == selected else GRADE_COLOUR.get(g, SERIES[0])
               for u, g in zip(ordered["unit_id"], ordered["grade"], strict=True)]
    lines = [INK if u == selected else "rgba(0,0,0,0)" for u in ordered["unit_id"]]
    labels = [f"▶ {n}" if u == selected else n for u,
              n in zip(ordered["unit_id"], ordered["unit_name"], strict=True)]
    bars = dict(
        type="bar",
        x=ordered["composite"],
        y=labels,
        orientation="h",
        marker=dict(
            color=colours,
            line=dict(color=lines, width=2),
            pattern=dict(shape=[GRADE_PATTERN.get(g, "") for g in ordered["grade"]], fgcolor=INK,
                         size=6),
        ),
        text=[f"{c:.1f}" for c in ordered["composite"]],
        textposition="outside",
        cliponaxis=False,
        customdata=np.column_stack([ordered["unit_id"], ordered["rank_in_parent"],
                                    [_grade_label(g) for g in ordered["grade"]]]),
        hovertemplate="%{y}<br>" + _("Composite") + ": %{x:.2f} " + _points() + "<br>"
                      + _("Rank among its peers") + " %{customdata[1]} · %{customdata[2]}"
                      "<extra></extra>",
    )
    low, _high = _score_range(ordered["composite"])
    return escape_labels(plain_figure([bars], dict(
        title=dict(text=title), height=max(300, 90 + 26 * len(ordered)), bargap=0.3,
        xaxis=dict(title=dict(text=_("Composite score (points)")), range=[max(0, low - 5), 105]),
        yaxis=dict(automargin=True), margin=dict(l=8, r=40, t=48, b=48))))


def _grade_colours(grades: pd.Series) -> dict:
    """Each point in its grade's colour, given as the grade's number on a stepped colour scale:
    one array of numbers for plotly to check instead of a colour name per point (a city's
    3,000 units took ~200 ms to validate)."""
    order = list(GRADE_COLOUR)
    last = max(len(order) - 1, 1)
    scale = [[n / last, GRADE_COLOUR[g]] for n, g in enumerate(order)]
    numbers = np.array([order.index(g) if g in GRADE_COLOUR else 0 for g in grades], dtype=float)
    return {"color": numbers, "colorscale": scale, "cmin": 0, "cmax": last, "showscale": False}


MAX_POINTS = 400  # a level with more units draws only its ends and outliers as points
END_POINTS = 25  # the highest and the lowest units of such a level


def box_stats(scores: pd.Series) -> dict:
    """A Tukey box: quartiles (linear, as Plotly's default) and whiskers at the furthest
    scores within 1.5 × IQR of the box."""
    q1, median, q3 = (float(scores.quantile(q)) for q in (0.25, 0.5, 0.75))
    reach = 1.5 * (q3 - q1)
    inside = scores[(scores >= q1 - reach) & (scores <= q3 + reach)]
    return {"q1": q1, "median": median, "q3": q3, "lowerfence": float(inside.min()),
            "upperfence": float(inside.max())}


def shown_points(part: pd.DataFrame, stats: dict) -> pd.DataFrame:
    """The units of one level drawn as points: all of them up to ``MAX_POINTS``; beyond, the
    ``END_POINTS`` highest and lowest and every unit outside the whiskers, so a city's 2,700
    communities do not cost the browser a second (the box itself counts every unit)."""
    if len(part) <= MAX_POINTS:
        return part
    scores = part["composite"]
    order = scores.rank(method="first")
    keep = ((scores < stats["lowerfence"]) | (scores > stats["upperfence"])
            | (order <= END_POINTS) | (order > len(part) - END_POINTS))
    return part[keep]


def score_distribution(frame: pd.DataFrame) -> go.Figure:
    """Composite scores of every unit in the subtree: a box per level (its statistics computed
    here, not the scores sent), with each unit as a point coloured by its grade (click a point
    to go to the unit); a level of more than ``MAX_POINTS`` units shows its ends and outliers
    as points (``shown_points``)."""
    if frame.empty:
        return empty_figure(_("No published results to show."))
    traces = []
    levels = [level for level in UnitLevel if (frame["level"] == level.value).any()]
    jitter = np.random.default_rng(7)
    thinned = False
    for position, level in enumerate(levels):
        part = frame[frame["level"] == level.value]
        stats = box_stats(part["composite"])
        traces.append(dict(type="box", x=[position], name=level.label,
                           **{key: [value] for key, value in stats.items()},
                           line=dict(color=SERIES[0]), fillcolor="rgba(76,106,138,0.08)",
                           width=0.6, hoverinfo="skip"))
        points = shown_points(part, stats)
        thinned = thinned or len(points) < len(part)
        traces.append(dict(type="scatter",
                           x=np.round(position + jitter.uniform(-0.22, 0.22, len(points)), 3),
                           y=points["composite"], mode="markers",
                           marker=dict(size=6, opacity=0.85, **_grade_colours(points["grade"])),
                           text=points["unit_name"], customdata=points["unit_id"],
                           name=level.label,
                           hovertemplate="%{text}: %{y:.2f} " + _points() + "<extra></extra>"))
    title = dict(text=_("Score distribution by level (points coloured by grade)"))
    if thinned:
        title["subtitle"] = dict(text=_(
            "Levels of more than %(max)d units: points for the %(ends)d highest, the %(ends)d "
            "lowest and the outliers; the box counts every unit.", max=MAX_POINTS,
            ends=END_POINTS))
    return escape_labels(plain_figure(traces, dict(
        title=title, showlegend=False, height=360,
        yaxis=dict(title=dict(text=_("Composite score (points)"))),
        xaxis=dict(tickvals=list(range(len(levels))), ticktext=[lv.label for lv in levels],
                   range=[-0.6, len(levels) - 0.4], showgrid=False))))


def trend(own: pd.DataFrame, levels: pd.DataFrame, unit_name: str) -> go.Figure:
    """The unit's composite over the quarters with its level's median, and the mean of
    each level below it."""
    if own.empty and levels.empty:
        return empty_figure(_("No published periods yet."))
    traces = []
    dash_styles = ["dot", "dash", "dashdot"]
    hover = "%{x}: %{y:.2f} " + _points() + "<extra></extra>"
    for n, level in enumerate([lv for lv in UnitLevel if lv.value in set(levels.get("level", []))]):
        part = levels[levels["level"] == level.value]
        traces.append(dict(type="scatter", x=part["period"], y=part["composite"],
                           mode="lines+markers",
                           name=_("Mean of %(level)s units", level=level.label),
                           line=dict(color=SERIES[(n + 1) % len(SERIES)], dash=dash_styles[n % 3]),
                           hovertemplate=hover))
    if not own.empty:
        traces.append(dict(type="scatter", x=own["period"], y=own["median"], mode="lines",
                           name=_("Median of the level"), line=dict(color=MUTED, dash="dot"),
                           hovertemplate=hover))
        traces.append(dict(type="scatter", x=own["period"], y=own["composite"],
                           mode="lines+markers+text", name=unit_name,
                           line=dict(color=ACCENT, width=3),
                           text=[f"{c:.1f}" for c in own["composite"]],
                           textposition="top center", textfont=dict(size=11),
                           hovertemplate=hover))
    return escape_labels(plain_figure(traces, dict(
        title=dict(text=_("Trend over the quarters")), height=360,
        yaxis=dict(title=dict(text=_("Composite score (points)"))),
        xaxis=dict(title=dict(text=_("Assessment period")), type="category"),
        legend=dict(orientation="h", yanchor="top", y=-0.3, xanchor="left", x=0),
        margin=dict(b=110))))


def contribution_waterfall(dimensions: pd.DataFrame, bonus: float, composite: float,
                           breakdown: pd.DataFrame | None = None) -> go.Figure:
    """Points earned in each dimension, then the bonus, adding up to the composite; the
    hover of a dimension explains each of its indicators ("ranked 3rd of 12: 54 points")."""
    if dimensions.empty:
        return empty_figure(_("No breakdown for this period."))
    names = list(dimensions["name"]) + ([_("Bonus")] if bonus else []) + [_("Composite")]
    values = list(dimensions["points"]) + ([bonus] if bonus else []) + [composite]
    measures = ["relative"] * (len(names) - 1) + ["total"]
    why = _explanations(breakdown)
    codes = dimensions["dimension"] if "dimension" in dimensions else [None] * len(dimensions)
    custom = [[f"{p:.2f} / {w:g}", why.get(code, "")] for p, w, code in
              zip(dimensions["points"], dimensions["weight"], codes, strict=True)]
    custom += ([[f"+{bonus:.2f}", why.get("__bonus__", "")]] if bonus else [])
    custom += [[f"{composite:.2f}", ""]]
    figure = go.Figure(go.Waterfall(
        x=names, y=values, measure=measures, text=[f"{v:.1f}" for v in values],
                                    textposition="outside",
        customdata=custom,
        hovertemplate="%{x}: %{customdata[0]} " + _points() + "<br>%{customdata[1]}"
                      "<extra></extra>",
        increasing=dict(marker=dict(color=SERIES[0])), totals=dict(marker=dict(color=ACCENT)),
        connector=dict(line=dict(color=GRID)),
    ))
    figure.update_layout(title=_("How the composite is made up (points per dimension)"), height=360,
                         yaxis=dict(title=_("Points"), range=[0, max(105, composite + 8)]),
                         showlegend=False)
    return escape_labels(figure)


def _explanations(breakdown: pd.DataFrame | None) -> dict[str, str]:
    """Dimension code → one line per indicator: its name and how it earned its points."""
    if breakdown is None or breakdown.empty or "explanation" not in breakdown:
        return {}
    lines: dict[str, list[str]] = {}
    for row in breakdown.itertuples():
        key = "__bonus__" if row.method == "bonus" else row.dimension
        lines.setdefault(key, []).append(f"{row.name}: {row.explanation}")
    return {key: "<br>".join(found[:12]) for key, found in lines.items()}


def peer_radar(dimensions: pd.DataFrame, unit_name: str) -> go.Figure:
    """Share of each dimension's weight earned, against the median of the level."""
    if dimensions.empty or len(dimensions) < 3:
        return empty_figure(_("A radar needs at least three dimensions."))
    names = list(dimensions["name"]) + [dimensions["name"].iloc[0]]
    figure = go.Figure()
    median = list(dimensions["median_share"]) + [dimensions["median_share"].iloc[0]]
    figure.add_scatterpolar(r=median, theta=names, name=_("Median of the level"),
                            line=dict(color=MUTED, dash="dot"),
                            hovertemplate="%{theta}: %{r:.0f}%<extra></extra>")
    own = list(dimensions["share"]) + [dimensions["share"].iloc[0]]
    figure.add_scatterpolar(r=own, theta=names, name=unit_name, fill="toself",
                            line=dict(color=ACCENT),
                            fillcolor="rgba(178,58,47,0.12)",
                            hovertemplate="%{theta}: %{r:.0f}%<extra></extra>")
    low = max(0, math.floor(min(min(own), min(m for m in median if m is not None)) / 10) * 10 - 10)
    figure.update_layout(title=_("Share of each dimension's points earned, against the level's "
                                 "median (%)"),
                         height=360,
                         polar=dict(radialaxis=dict(range=[low, 100], ticksuffix="%",
                                                    gridcolor=GRID, angle=90,
                                                              tickangle=90, nticks=4,
                                                                tickfont=dict(size=10)),
                                                angularaxis=dict(gridcolor=GRID)),
                         legend=dict(orientation="h", yanchor="top", y=-0.08, xanchor="left", x=0),
                         margin=dict(l=48, r=48, t=56, b=56))
    return escape_labels(figure)


def rank_history(own: pd.DataFrame) -> go.Figure:
    """The unit's rank within its level over the quarters (1 at the top)."""
    if own.empty:
        return empty_figure(_("No published periods yet."))
    figure = go.Figure(go.Scatter(
        x=own["period"], y=own["rank_in_level"], mode="lines+markers+text",
        text=[f"{r}/{n}" for r, n in zip(own["rank_in_level"], own["count_in_level"], strict=True)],
        textposition="top center", line=dict(color=SERIES[0]),
        marker=dict(color=[GRADE_COLOUR.get(g) for g in own["grade"]], size=10),
        hovertemplate="%{x}: " + _("rank in the level") + " %{text}<extra></extra>"))
    top = int(own["count_in_level"].max())
    figure.update_layout(title=_("Rank within the level (1 = best)"), height=300,
                         yaxis=dict(title=_("Rank in the level"), range=[top + 0.5, 0.5]),
                         xaxis=dict(title=_("Assessment period"), type="category"))
    return escape_labels(figure)


def indicator_histogram(frame: pd.DataFrame, name: str, unit_label: str) -> go.Figure:
    """How one indicator's values spread across the units in scope."""
    values = frame["value"].dropna() if not frame.empty else frame
    if frame.empty or values.empty:
        return empty_figure(_("No values of this indicator in the period."))
    bars = dict(type="histogram", x=values, nbinsx=min(25, max(5, len(values) // 3)),
                marker=dict(color=SERIES[0]),
                hovertemplate=_("Value") + " %{x}: %{y} " + _("units") + "<extra></extra>")
    median = float(values.median())
    axis = _("Value (%(unit)s)", unit=unit_label) if unit_label else _("Value")
    figure = plain_figure([bars], dict(
        title=dict(text=_("Distribution of %(name)s across units", name=name)), height=340,
        xaxis=dict(title=dict(text=axis)), yaxis=dict(title=dict(text=_("Number of units"))),
        bargap=0.05))
    figure.add_vline(x=median, line=dict(color=ACCENT, dash="dash"),
                     annotation_text=_("median %(value)s", value=f"{median:g}"),
                     annotation_position="top")
    return escape_labels(figure)


def best_and_worst(frame: pd.DataFrame, count: int = 8) -> go.Figure:
    """The units earning the most and the fewest points on one indicator."""
    if frame.empty:
        return empty_figure(_("No values of this indicator in the period."))
    ordered = frame.sort_values(["points", "unit_name"], ascending=[False, True])
    best = ordered.head(count)
    worst = ordered.tail(min(count, max(0, len(ordered) - count)))
    shown = pd.concat([best, worst]).iloc[::-1]
    colours = [
        GRADE_COLOURS[0] if u in set(best["unit_id"]) else GRADE_COLOURS[3]
        for u in shown["unit_id"]
    ]
    bars = dict(type="bar", x=shown["points"], y=shown["unit_name"], orientation="h",
                marker=dict(color=colours), customdata=shown["value"],
                text=[f"{p:.2f}" for p in shown["points"]], textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}: %{x:.2f} " + _points() + " (" + _("value")
                              + " %{customdata})<extra></extra>")
    return escape_labels(plain_figure([bars], dict(
        title=dict(text=_("Best and worst units (points earned)")),
        height=max(300, 90 + 24 * len(shown)), xaxis=dict(title=dict(text=_("Points"))),
        yaxis=dict(automargin=True), margin=dict(r=40))))


def year_on_year(this_year: pd.DataFrame, last_year: pd.DataFrame, this_code: str,
                 last_code: str | None) -> go.Figure:
    """Each unit's value now against the same period a year earlier."""
    if this_year.empty or last_year is None or last_year.empty or not last_code:
        return empty_figure(_("No published results for the same period a year earlier."))
    joined = this_year.merge(last_year[["unit_id", "value"]], on="unit_id",
                             suffixes=("", "_before")).dropna(
        subset=["value", "value_before"])
    if joined.empty:
        return empty_figure(_("No unit has a value in both years."))
    better = joined["value"] >= joined["value_before"]
    points = dict(type="scatter", x=joined["value_before"], y=joined["value"], mode="markers",
                  text=joined["unit_name"],
                  marker=dict(color=[SERIES[0] if b else ACCENT for b in better], size=7,
                              opacity=0.8),
                  hovertemplate="%{text}<br>" + last_code + ": %{x}<br>" + this_code
                                + ": %{y}<extra></extra>")
    low = float(min(joined["value"].min(), joined["value_before"].min()))
    high = float(max(joined["value"].max(), joined["value_before"].max()))
    return escape_labels(plain_figure([points], dict(
        title=dict(text=_("Year on year: %(now)s against %(before)s", now=this_code,
                          before=last_code)),
        height=340, xaxis=dict(title=dict(text=_("Value in %(code)s", code=last_code))),
        yaxis=dict(title=dict(text=_("Value in %(code)s", code=this_code))),
        shapes=[dict(type="line", x0=low, y0=low, x1=high, y1=high,
                     line=dict(color=MUTED, dash="dot"))])))


def what_if_moves(frame: pd.DataFrame, count: int = 15) -> go.Figure:
    """The units whose rank would move most under the new weights."""
    if frame.empty:
        return empty_figure(_("Change a weight to see who would move."))
    moved = frame[frame["places_up"] != 0]
    if moved.empty:
        return empty_figure(_("No unit would change its rank with these weights."))
    shown = (
        moved.reindex(moved["places_up"].abs().sort_values(ascending=False).index)
        .head(count)
        .iloc[::-1]
    )
    figure = go.Figure(go.Bar(
        x=shown["places_up"], y=shown["unit_name"], orientation="h",
        marker_color=[SERIES[2] if p > 0 else ACCENT for p in shown["places_up"]],
        customdata=np.column_stack([shown["rank_before"], shown["rank_after"],
                                    shown["composite_change"]]),
        text=[f"{p:+d}" for p in shown["places_up"]], textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: " + _("rank in the level") + " %{customdata[0]} → %{customdata[1]} "
                                                          "(%{customdata[2]:+.2f} " +
                      _points() + ")<extra></extra>"))
    figure.update_layout(title=_("Largest moves in rank (places up +, down −)"),
                         height=max(300, 90 + 24 * len(shown)),
                         xaxis=dict(title=_("Places moved"), zeroline=True, zerolinecolor=INK),
                         yaxis=dict(automargin=True), margin=dict(r=40))
    return escape_labels(figure)


def completeness_bars(counts: dict) -> go.Figure:
    """Required scores entered against expected, per level."""
    rows = [(UnitLevel(level).label, present, expected) for level,
            (present, expected) in counts.items() if expected]
    if not rows:
        return empty_figure(_("No scheme applies to this period yet."), height=200)
    labels = [r[0] for r in rows]
    shares = [100 * r[1] / r[2] for r in rows]
    bars = dict(type="bar", x=shares, y=labels, orientation="h", marker=dict(color=SERIES[0]),
                text=[f"{r[1]:,} / {r[2]:,}" for r in rows], textposition="auto",
                hovertemplate="%{y}: %{x:.0f}%<extra></extra>")
    return escape_labels(plain_figure([bars], dict(
        title=dict(text=_("Required scores entered (%)")), height=90 + 40 * len(rows),
        xaxis=dict(range=[0, 100], ticksuffix="%", title=dict(text=_("Share entered"))),
        margin=dict(l=8, r=16, t=40, b=40))))
