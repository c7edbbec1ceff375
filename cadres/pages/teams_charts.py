"""Figures of the leadership-team page: how many teams carry each flag, and the members by age
band, highest education and years in post (principals and deputies stacked). Each has a
title, axis titles and an explained empty state; ``ui.graph`` adds the data table."""

from __future__ import annotations

import plotly.graph_objects as go

from cadres.rules import teams as rules
from portal.enums import LeaderRole
from portal.i18n import N_, _
from portal.theme import SERIES, STATUS, empty_figure, escape_labels

AGE_LABELS = {"under_35": N_("Under 35"), "35_39": N_("35–39"), "40_44": N_("40–44"),
              "45_49": N_("45–49"), "50_54": N_("50–54"), "55_over": N_("55 and over"),
              "unknown": N_("Not recorded")}
EDUCATION_LABELS = {"10": N_("Postgraduate (研究生)"), "20": N_("University (大学)"),
                    "30": N_("College (大专)"), "below": N_("Secondary or below"),
                    "unknown": N_("Not recorded")}
TENURE_LABELS = {"under_3": N_("Under 3 years"), "3_5": N_("3–5 years"),
                 "5_10": N_("5–10 years"), "10_over": N_("10 years and more"),
                 "unknown": N_("Not recorded")}
ROLE_COLOURS = {LeaderRole.PRINCIPAL.value: SERIES[0], LeaderRole.DEPUTY.value: SERIES[1]}


def flag_bars(counts: dict[str, int], labels: dict[str, str], teams: int) -> go.Figure:
    """One bar per flag: the number of teams carrying it, out of ``teams``."""
    if not teams:
        return empty_figure(_("No unit of this level in the chosen subtree."))
    names = [labels[flag] for flag in rules.FLAGS]
    values = [counts.get(flag, 0) for flag in rules.FLAGS]
    figure = go.Figure(go.Bar(
        x=values, y=names, orientation="h", marker_color=STATUS["warn"], text=values,
        textposition="auto", name=_("Teams"),
        hovertemplate="%{y}: %{x}<extra></extra>"))
    figure.update_layout(title=_("Teams with each structure problem (of %(n)s)", n=teams),
                         height=300, xaxis=dict(title=_("Teams"), rangemode="tozero"),
                         yaxis=dict(autorange="reversed"), margin=dict(t=48, l=10))
    return escape_labels(figure)


def role_stack(counts: dict[str, dict[str, int]], labels: dict[str, str], title: str,
               axis: str) -> go.Figure:
    """Members per band, principals and deputies stacked (``counts``: {band: {role: n}})."""
    if not sum(sum(by_role.values()) for by_role in counts.values()):
        return empty_figure(_("No team member in these units."))
    shown = [band for band, by_role in counts.items()
             if band != "unknown" or sum(by_role.values())]
    figure = go.Figure()
    for role in (LeaderRole.PRINCIPAL, LeaderRole.DEPUTY):
        values = [counts[band][role.value] for band in shown]
        figure.add_bar(x=[_(labels[b]) for b in shown], y=values, name=role.label,
                       marker_color=ROLE_COLOURS[role.value],
                       hovertemplate="%{x}: %{y}<extra>" + role.label + "</extra>")
    figure.update_layout(title=title, barmode="stack", height=300,
                         xaxis=dict(title=axis), yaxis=dict(title=_("Team members")),
                         legend=dict(orientation="h", traceorder="normal", x=1,
                                     xanchor="right", y=1.0, yanchor="bottom"),
                         margin=dict(t=64))
    return escape_labels(figure)
