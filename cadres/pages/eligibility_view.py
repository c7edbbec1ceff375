"""How an eligibility result (``Eligibility.as_json()``, the JSON of ``portal eligibility``)
reads on a page: a verdict, then each block and note with its reason, the record it rests
on in words, and the day it lifts. Shared by the portrait's panel and the proposal form."""

from __future__ import annotations

from dataclasses import dataclass, field

import dash_bootstrap_components as dbc
from dash import html

from accountability import service as accountability
from cadres.enums import DecisionType, rule_label
from portal.access import Actor
from portal.i18n import N_, _
from portal.models import Cadre

NO_SOURCE = {"training_hours": N_("the training records of this year"),
             "five_year_training": N_("the training records of the last five years")}


@dataclass
class SourceBook:
    """What the page knows about the records a finding may name, to say it in words."""

    cadre_name: str
    unit_code: str
    unit_name: str
    measures: dict[str, object] = field(default_factory=dict)
    cases: dict[str, object] = field(default_factory=dict)


def source_book(session, actor: Actor, cadre: Cadre) -> SourceBook:
    """The cadre's measures and open cases by source id (the caller has checked scope)."""
    return SourceBook(
        cadre.name, cadre.unit.code, cadre.unit.name,
        measures={m.source: m for m in accountability.measure_effects_for_cadre(session, actor,
                                                                                cadre)},
        cases={c.source: c for c in accountability.open_cases_for_cadre(session, actor, cadre)})


def source_text(source: str | None, book: SourceBook, rule: str = "") -> str:
    """``measure:12`` → "Measure 诫勉 decided 2026-08-20 (case AC-2026-0012)", and so on."""
    if not source:
        return _(NO_SOURCE[rule]) if rule in NO_SOURCE else _("no single record")
    kind, _sep, rest = source.partition(":")
    if kind == "measure" and source in book.measures:
        m = book.measures[source]
        if m.case_no:
            return _("Measure %(measure)s decided %(date)s (case %(case)s)", measure=m.label,
                     date=m.decided_on.isoformat(), case=m.case_no)
        return _("Measure %(measure)s decided %(date)s", measure=m.label,
                 date=m.decided_on.isoformat())
    if kind == "case" and source in book.cases:
        c = book.cases[source]
        return _("Case %(case)s, now at the stage: %(stage)s", case=c.case_no, stage=c.stage_label)
    if kind == "grade":
        return _("Annual appraisal grade of %(year)s", year=rest.rsplit(":", 1)[-1])
    if kind == "result":
        period, _sep, unit = rest.partition(":")
        name = book.unit_name if unit == book.unit_code else unit
        return _("Published results of %(unit)s for %(period)s", unit=name, period=period)
    if kind == "cadre":
        return _("Registry record of %(name)s (dates of post and rank)", name=book.cadre_name)
    return source


def until_text(until: str | None) -> str:
    return _("until %(date)s", date=until) if until else _("until someone acts")


def _finding(item: dict, book: SourceBook, kind: str) -> html.Li:
    """One block (with the day it lifts) or note (notes block nothing, so they lift nothing,
    unless the engine gives a day)."""
    until = item.get("until")
    badge = None
    if kind == "block" or until:
        badge = dbc.Badge(until_text(until), color="danger" if kind == "block" else "secondary",
                          class_name="ca-pf-until")
    return html.Li([
        html.Div([html.Strong(rule_label(item["rule"]), className="me-2"), badge]),
        html.Div(item["reason"], className="ca-pf-reason"),
        html.Div([_("Source: "), source_text(item.get("source"), book, item["rule"])],
                 className="small text-muted"),
    ], className=f"ca-pf-finding ca-pf-{kind}",
                   **{"data-rule": item["rule"], "data-until": until or ""})


def verdict(data: dict) -> html.Div:
    kind = DecisionType(data["decision"]).label
    day = data["as_of"]
    if data["eligible"]:
        return html.Div([dbc.Badge(_("Eligible"), color="success", class_name="me-2 fs-6"),
                         _("for %(decision)s on %(date)s: no block.", decision=kind, date=day)],
                        className="ca-pf-verdict mb-2")
    untils = [b.get("until") for b in data["blocks"]]
    lifts = (_("every block lifts on %(date)s", date=max(untils)) if all(untils)
             else _("at least one block lasts until someone acts"))
    return html.Div([dbc.Badge(_("Not eligible"), color="danger", class_name="me-2 fs-6"),
                     _("for %(decision)s on %(date)s: %(n)s block(s); %(lifts)s.", decision=kind,
                       date=day,
                       n=len(data["blocks"]), lifts=lifts)], className="ca-pf-verdict mb-2")


def findings(items: list[dict], book: SourceBook, kind: str) -> html.Ul:
    return html.Ul([_finding(i, book, kind) for i in items],
                   className="list-unstyled mb-0 ca-pf-findings")


def eligibility_body(data: dict, book: SourceBook) -> html.Div:
    """The verdict, the blocks and the notes of one ``Eligibility.as_json()``."""
    parts = [verdict(data)]
    if data["blocks"]:
        parts += [html.H3(_("Blocks"), className="ca-pf-subtitle"),
                  findings(data["blocks"], book, "block")]
    if data["notes"]:
        parts += [html.H3(_("Notes (shown, not blocking)"), className="ca-pf-subtitle"),
                  findings(data["notes"], book, "note")]
    elif not data["blocks"]:
        parts.append(html.P(_("Nothing to note."), className="text-muted mb-0"))
    return html.Div(parts, className="ca-pf-elig-body",
                    **{"data-eligible": str(data["eligible"]).lower()})
