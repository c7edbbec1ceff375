"""The frozen evidence of a personnel decision, read-only: the eligibility for the decision,
the cadre's profile on the proposal day, and what the records say differently now.

Everything here renders plain JSON from the snapshot (``cadres.evidence.Profile.as_json``);
codes become labels where a label is known, anything else is shown as it was frozen.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from accountability.enums import Form, ToleranceOutcome, ToleranceStatus
from assessment.enums import Grade, SupervisionStatus
from cadres.enums import AppraisalGrade, DecisionOutcome, DecisionStatus, DecisionType, rule_label
from portal import ui
from portal.enums import CadreCategory, CadreStatus, Gender, LeaderRole, Rank
from portal.i18n import N_, _

SECTION_LABELS = {
    "cadre": N_("Basic information"), "postings": N_("Posts held"),
                  "unit_results": N_("Results of units led"),
    "grades": N_("Annual appraisal grades"), "training": N_("Training"), "measures": N_("Measures"),
    "tolerance": N_("Error tolerance"), "supervision": N_("Supervision items of the unit"),
    "decisions": N_("Earlier decisions"), "eligibility": N_("Eligibility for promotion (profile)"),
}

FIELD_LABELS = {
    "composite": N_("Composite score"), "rank_in_level": N_("Rank in level"),
                "count_in_level": N_("Units in level"),
    "rank_in_parent": N_("Rank in parent unit"), "count_in_parent": N_("Units in parent unit"),
    "grade": N_("Grade"), "vetoed": N_("Vetoed"), "served": N_("Served then"),
                "current_unit": N_("Current unit"),
    "period": N_("Assessment period"), "period_end": N_("Period ends"), "unit_name": N_("Unit"),
                "unit_code": N_("Unit code"),
    "hours": N_("Class hours counted"), "required": N_("Class hours required"),
                "online": N_("Online hours"),
    "online_required": N_("Online hours required"), "behind": N_("Behind schedule"),
    "missing": N_("Hours missing"), "five_year_hours": N_("Five-year hours"),
    "five_year_required": N_("Five-year hours required"),
                "five_year_behind": N_("Behind over five years"),
    "label": N_("Measure"), "form": N_("Form"), "decided_on": N_("Decided on"),
                "effect_until": N_("Effect until"),
    "in_effect": N_("In effect"), "revoked_on": N_("Revoked on"), "changed_on": N_("Changed on"),
    "tolerance": N_("Error tolerance"), "case_no": N_("Case"), "app_no": N_("Application"),
    "status": N_("Status"), "outcome": N_("Outcome"), "submitted_on": N_("Submitted on"),
                "measure": N_("Measure"),
    "title": N_("Title"), "deadline": N_("Deadline"), "overdue": N_("Overdue"), "type": N_("Type"),
    "overridden": N_("Override"), "position": N_("Position"), "rank": N_("Rank"),
                "start": N_("Start date"),
    "end": N_("End date"), "eligible": N_("Eligible"), "blocks": N_("Blocking findings"),
                "notes": N_("Notes"),
    "name": N_("Full name"), "position_since": N_("In the position since"),
                "rank_since": N_("In the rank since"),
    "leader_role": N_("Leadership team"), "category": N_("Category"),
                "party_member": N_("Party member"),
    "gender": N_("Gender"), "birth_date": N_("Born"), "unit_level": N_("Unit level"),
                "code": N_("Cadre code"),
    "year": N_("Year"),
}

ENUMS = {
    ("unit_results", "grade"): Grade, ("grades", ""): AppraisalGrade,
         ("supervision", "status"): SupervisionStatus,
    ("cadre", "rank"): Rank, ("cadre", "category"): CadreCategory,
         ("cadre", "leader_role"): LeaderRole,
    ("cadre", "gender"): Gender, ("cadre", "status"): CadreStatus,
         ("decisions", "type"): DecisionType,
    ("decisions", "status"): DecisionStatus, ("decisions", "outcome"): DecisionOutcome,
    ("tolerance", "outcome"): ToleranceOutcome, ("tolerance", "status"): ToleranceStatus,
    ("measures", "tolerance"): ToleranceOutcome, ("measures", "form"): Form,
}


def label_of(labels: dict, key: str) -> str:
    return _(labels[key]) if key in labels else key


def fmt(value: Any, section: str = "", key: str = "") -> str:
    """A frozen value in words: labels for known codes, yes/no, dashes for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "; ".join(rule_label(v.get("rule", "")) if isinstance(v, dict) else str(v)
                         for v in value) or "—"
    if isinstance(value, float):
        return f"{value:g}"
    enum = ENUMS.get((section, key))
    if enum is not None:
        try:
            return enum(str(value)).label
        except ValueError:
            return str(value)
    return str(value)


def table(rows: list[dict], keys: list[str], section: str) -> html.Table:
    head = html.Thead(html.Tr([html.Th(label_of(FIELD_LABELS, k)) for k in keys]))
    body = html.Tbody([html.Tr([html.Td(fmt(row.get(k), section,
                                            k)) for k in keys]) for row in rows])
    return html.Table([head, body], className="table table-sm ca-dc-table mb-0")


def findings(items: list[dict], with_until: bool) -> html.Table:
    keys = [(_("Rule"), lambda f: rule_label(f.get("rule", ""))),
            (_("Reason"), lambda f: f.get("reason")),
            *([(_("Until"),
                lambda f: f.get("until") or _("until someone acts"))] if with_until else []),
            (_("Source"), lambda f: f.get("source") or "—")]
    return html.Table([html.Thead(html.Tr([html.Th(h) for h, _get in keys])),
                       html.Tbody([html.Tr([html.Td(get(f)) for _h, get in keys]) for f in items])],
                      className="table table-sm ca-dc-table mb-0")


def eligibility_part(frozen: dict) -> html.Div:
    """The eligibility for this decision as frozen: blocks (with lift dates and sources) and
    notes."""
    blocks, notes = frozen.get("blocks", []), frozen.get("notes", [])
    if frozen.get("eligible", not blocks):
        verdict = dbc.Alert(_("Eligible at proposal: no block of the negative list applied."),
                            color="success",
                            class_name="py-2")
    else:
        verdict = dbc.Alert(_("Not eligible at proposal: %(n)s block(s) of the negative list.",
                              n=len(blocks)),
                            color="danger", class_name="py-2")
    parts = [verdict]
    if blocks:
        parts += [html.Div(_("Blocking findings"), className="ca-dc-sub"), findings(blocks, True)]
    if notes:
        parts += [html.Div(_("Notes (not blocking)"), className="ca-dc-sub"),
                  findings(notes, False)]
    return html.Div(parts)


def _facts(pairs: list[tuple[str, str]]) -> html.Dl:
    items = []
    for label, value in pairs:
        items += [html.Dt(label, className="col-sm-5 col-lg-4"),
                  html.Dd(value, className="col-sm-7 col-lg-8")]
    return html.Dl(items, className="row mb-0 ca-facts")


def _sub(key: str, body: Any) -> html.Div:
    return html.Div([html.Div(label_of(SECTION_LABELS, key), className="ca-dc-sub"), body])


def _rows(part: dict, section: str, keys: list[str], first: str | None = None) -> Any:
    if not part:
        return html.P(_("Nothing recorded."), className="text-muted small mb-0")
    rows = [{**value, first: key} if first else value for key, value in part.items()]
    return table(rows, [first, *keys] if first else keys, section)


PROFILE_TABLES = [
    ("postings", ["unit_name", "position", "start", "end"], None),
    ("unit_results",
     ["unit_name", "period", "composite", "rank_in_level", "count_in_level", "grade", "vetoed",
                      "served"], None),
    ("measures",
     ["label", "form", "decided_on", "effect_until", "in_effect", "revoked_on", "tolerance",
                  "case_no"], None),
    ("tolerance", ["app_no", "status", "outcome", "submitted_on", "decided_on", "measure"], None),
    ("supervision", ["title", "deadline", "status", "overdue"], None),
    ("decisions", ["type", "title", "status", "outcome", "decided_on", "overridden"], "number"),
]


def profile_part(profile: dict) -> html.Div:
    """The cadre's profile as frozen on the proposal day, section by section."""
    cadre = profile.get("cadre", {})
    parts = [
        _sub(
            "cadre",
            _facts(
                [
                    (label_of(FIELD_LABELS, k), fmt(cadre.get(k), "cadre", k))
                    for k in (
                        "name",
                        "code",
                        "unit_name",
                        "position",
                        "rank",
                        "rank_since",
                        "position_since",
                        "leader_role",
                        "category",
                    )
                ]
            ),
        )
    ]
    grades = profile.get("grades", {})
    parts.append(_sub("grades",
                      html.Div([html.Span(f"{year}: {fmt(code, 'grades', '')}", className="me-3")
                                          for year, code in sorted(grades.items())])
                      if grades else html.P(_("Nothing recorded."),
                                            className="text-muted small mb-0")))
    training = profile.get("training", {})
    parts.append(
        _sub(
            "training",
            _facts(
                [
                    (label_of(FIELD_LABELS, k), fmt(training.get(k)))
                    for k in (
                        "year",
                        "hours",
                        "required",
                        "online",
                        "online_required",
                        "five_year_hours",
                        "five_year_required",
                        "behind",
                    )
                    if k in training
                ]
            ),
        )
    )
    for section, keys, first in PROFILE_TABLES:
        parts.append(_sub(section, _rows(profile.get(section, {}), section, keys, first)))
    return html.Div(parts)


# --- changes since the proposal ------------------------------------------------------------------

def _item_label(snapshot: dict, section: str, key: str) -> str:
    row = snapshot.get("profile", {}).get(section, {}).get(key)
    if isinstance(row, dict):
        for fields in (("unit_name", "period"), ("title",), ("label", "decided_on"), ("app_no",),
                       ("unit_name", "start")):
            if all(row.get(f) for f in fields):
                return " ".join(str(row[f]) for f in fields)
    return key.replace("|", " · ")


def change_row(snapshot: dict, change) -> dict:
    """One evidence.Change in words: where (section, item, field), then and now."""
    parts = change.path.split("/")
    if parts[0] == "eligibility":
        section_label, section, rest = _("Eligibility for this decision"), "eligibility", parts[1:]
    else:
        rest = parts[1:] if parts[0] == "profile" else parts
        section = rest[0] if rest else ""
        section_label, rest = label_of(SECTION_LABELS, section), rest[1:]
    if section in ("grades",) and len(rest) == 1:
        item, key = rest[0], ""
    elif len(rest) >= 2:
        item, key = _item_label(snapshot, section, rest[0]), rest[-1]
    else:
        item, key = "", rest[0] if rest else ""
    return {"section": section_label, "item": item,
            "field": label_of(FIELD_LABELS, key) if key else _("Grade"),
            "then": fmt(change.then, section, key), "now": fmt(change.now, section, key)}


def changes_part(snapshot: dict, changes: list | None, open_: bool = True) -> Any:
    if changes is None:
        return html.P(_("Changes since the proposal are checked by the organization department."),
                      className="text-muted mb-0")
    if not changes:
        return dbc.Alert(_("Nothing has changed: the records still say what was frozen at "
                           "proposal."),
                         color="success", class_name="mb-0 py-2")
    rows = [change_row(snapshot, c) for c in changes]
    advice = (
        _("The decision still rests on the frozen values; weigh the changes before deciding.")
        if open_
        else _("The decision rested on the frozen values.")
    )
    head = html.Thead(html.Tr([html.Th(h) for h in (_("Section"), _("Item"), _("Field"), _("Then"),
                                                    _("Now"))]))
    body = html.Tbody([html.Tr([html.Td(r["section"]), html.Td(r["item"]), html.Td(r["field"]),
                                html.Td(r["then"],
                                        className="ca-dc-then" if r["then"] != "—" else ""),
                                html.Td(r["now"], className="ca-dc-now")])
                       for r in rows])
    return html.Div([
        dbc.Alert([_("%(n)s value(s) in the records differ from the frozen evidence (for the same "
                     "day).",
                     n=len(rows)), " ", advice], color="warning", class_name="py-2"),
        html.Table([head, body], className="table table-sm ca-dc-table mb-0", id="ca-dc-changes"),
    ])


def integrity_part(decision, intact: bool) -> html.Div:
    badge = (dbc.Badge(_("Intact"), color="success", class_name="me-2") if intact
             else dbc.Badge(_("Altered"), color="danger", class_name="me-2"))
    text = (
        _("The frozen evidence matches its fingerprint: it is what was frozen at proposal.")
        if intact
        else _(
            "The frozen evidence was altered after the proposal: it no longer matches its "
            "fingerprint. "
            "Do not rely on it; report this to the administrator."
        )
    )
    return html.Div([
        html.Div([badge, html.Span(text)],
                 className="mb-1" if intact else "mb-1 text-danger fw-semibold",
                 id="ca-dc-integrity"),
        html.Div([html.Span(_("SHA-256 fingerprint: "), className="text-muted small"),
                  html.Span(decision.snapshot_hash, className="ca-dc-hash")]),
    ])


def evidence_section(decision, intact: bool) -> dbc.Card:
    snapshot = decision.snapshot or {}
    profile = snapshot.get("profile", {})
    return ui.section(_("Frozen evidence (as of %(date)s)", date=decision.as_of.isoformat()),
                      html.Div([
        integrity_part(decision, intact),
        html.P(profile.get("summary", ""), className="ca-dc-summary mt-3"),
        html.Div(_("Eligibility for this decision"), className="ca-dc-sub"),
        eligibility_part(snapshot.get("eligibility", {})),
        html.Hr(),
        html.Details([html.Summary(_("The cadre's profile as frozen"), className="ca-dc-sub"),
                      profile_part(profile)], open=True),
    ]), class_name="ca-dc-frozen")
