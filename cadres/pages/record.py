"""The full record (干部信息) on the cadre profile: the facts with codes shown as names, the
résumé and family; the appointment form (.lrmx) to download; and the edit form for the
reviewers in scope, checked field by field on the server.

The code of the cadre comes back from the browser, so every callback finds the cadre again
through ``portal.access.visible_cadre`` and the services check the role and scope once more.
"""

from __future__ import annotations

import base64
from urllib.parse import quote

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from cadres import appointment_forms, codes, records, scope
from cadres.models import CadreRecord
from cadres.pages.common import facts
from cadres.rules import records as rules
from portal import db, forms, ui
from portal.access import Actor, current_actor, visible_cadre
from portal.errors import PortalError
from portal.i18n import N_, _
from portal.models import Cadre

ui.page_part(__name__, of="cadres.pages.profile")  # the record is a section of the profile

TEXTAREAS = {"resume": 8, "rewards_sanctions": 3, "appraisal_results": 2, "family": 4}
MONTHS = ("party_joined", "work_started")
EDITED = [f.key for f in records.FIELDS]


def _education(record: CadreRecord | None, kind: str) -> str:
    text = {key: records.field_text(record, f"{kind}_{key}") for key in
            ("education", "degree", "education_school", "degree_school")}
    names = " · ".join(t for t in (text["education"], text["degree"]) if t)
    schools = " / ".join(dict.fromkeys(t for t in (text["education_school"],
                                                   text["degree_school"]) if t))
    return f"{names} — {schools}" if names and schools else names or schools


def _label(key: str) -> str:
    return _(records.FIELD_BY_KEY[key].label)


def record_body(actor: Actor, cadre: Cadre, record: CadreRecord | None,
                photo: bytes | None) -> html.Div:
    """What the viewer may read of the record (the id number masked unless they need it)."""
    if record is None:
        return ui.empty_state(_("The full record has not been filled in yet."),
                              _("Reviewers fill it in here, or import it as a file or an "
                                "appointment form."))
    text = {key: records.field_text(record, key) for key in ("ethnicity", "native_place",
                                                             "birthplace",
                                                             "party_joined", "work_started",
                                                             "health",
                                                             "professional_title", "expertise",
                                                             "rewards_sanctions",
                                                             "appraisal_results")}
    rows = [(_label("id_number"), records.shown_id_number(actor, cadre, record))]
    rows += [(_label(k), text[k]) for k in ("ethnicity", "native_place", "birthplace",
                                            "party_joined",
                                            "work_started", "health", "professional_title",
                                            "expertise")]
    rows += [(_("Full-time education"), _education(record, "fulltime")),
             (_("In-service education"), _education(record, "inservice")),
             (_label("rewards_sanctions"), text["rewards_sanctions"]),
             (_label("appraisal_results"), text["appraisal_results"])]
    photo_box = html.Img(src="data:image/jpeg;base64," + base64.b64encode(photo).decode("ascii"),
                         alt=_("Photo"), className="ca-record-photo") if photo else None
    return html.Div([
        dbc.Row([dbc.Col(facts(rows), md=9), dbc.Col(photo_box, md=3, class_name="text-md-end")]),
        html.H3(_label("resume"), className="h6 mt-3"), _resume_table(record),
        html.H3(_label("family"), className="h6 mt-3"), _family_table(record),
    ])


def _resume_table(record: CadreRecord) -> html.Div:
    lines = [rules.ResumeLine.from_json(r) for r in record.resume or []]
    rows = [html.Tr([html.Td(f"{line.start:%Y.%m}–{f'{line.end:%Y.%m}' if line.end else _('now')}",
                             className="text-nowrap", style={"width": "10rem"}),
                     html.Td(line.text, style={"whiteSpace": "pre-line"})])
            for line in lines]
    note = html.P([html.Strong(_("Lines that could not be read as dated lines: ")),
                   record.resume_note],
                  className="small text-muted mb-0",
                  style={"whiteSpace": "pre-line"}) if record.resume_note else None
    if not rows:
        return html.Div([html.P("—", className="mb-1"), note])
    return html.Div([html.Table(html.Tbody(rows), className="table table-sm mb-1 ca-resume"), note])


def _family_table(record: CadreRecord) -> html.Table | html.P:
    members = [rules.FamilyMember.from_json(m) for m in record.family or []]
    if not members:
        return html.P("—")
    head = html.Thead(html.Tr([html.Th(h) for h in (_("Relation"), _("Full name"), _("Born"),
                                                    _("Political status"),
                                                      _("Work unit and post"))]))
    body = html.Tbody([html.Tr([html.Td(m.relation), html.Td(m.name),
                                html.Td(f"{m.born:%Y.%m}" if m.born else ""),
                                html.Td(codes.POLITICAL_STATUS.label(m.political_status)),
                                html.Td(m.work)])
                       for m in members])
    return html.Table([head, body], className="table table-sm mb-0")


def record_section(session, actor: Actor, cadre: Cadre) -> dbc.Card | None:
    """The section, with the download and edit actions this viewer may use (None if they may not
    read the record)."""
    if not records.may_view(actor, cadre):
        return None
    record = records.record_of(session, actor, cadre)
    photo = records.photo_of(session, actor, cadre)
    actions = [dbc.Button(_("Print the appointment form"),
                          href=f"/cadres/appointment-form?code={quote(cadre.code)}",
                          id="ca-rec-print", color="secondary", outline=True, size="sm",
                          class_name="me-2")]
    if scope.may_see_identity(actor, cadre):
        actions.append(dbc.Button(_("Download appointment form (.lrmx)"), id="ca-rec-download",
                                  color="secondary",
                                  outline=True, size="sm", class_name="me-2"))
    if scope.may_edit_record(actor, cadre):
        actions.append(dbc.Button(_("Edit the record"), id="ca-rec-edit", color="primary",
                                  size="sm"))
    body = html.Div([
        dcc.Download(id="ca-rec-file"), html.Div(id="ca-rec-message"),
        html.Div(record_body(actor, cadre, record, photo), id="ca-rec-body"),
        edit_modal(actor, cadre, record) if scope.may_edit_record(actor, cadre) else None,
    ])
    return ui.section(_("Full record (干部信息)"), body,
                      actions=html.Div(actions) if actions else None)


# --- the edit form --------------------------------------------------------------------------------

def _control(key: str, value: str, placeholder: str = ""):
    field_ = records.FIELD_BY_KEY[key]
    control_id = f"ca-rec-f-{key}"
    if field_.code_list is not None:
        return dbc.Select(id=control_id,
                          options=[{"label": "—", "value": ""}, *field_.code_list.options()],
                          value=value)
    if key in TEXTAREAS:
        return dbc.Textarea(id=control_id, value=value, rows=TEXTAREAS[key],
                            class_name="font-monospace small")
    return dbc.Input(id=control_id, value=value,
                     placeholder=placeholder or ("YYYY-MM" if key in MONTHS else ""))


HINTS = {
    "resume": N_("One period per line: 2010.09--2014.07  what and where (an open end: 2021.03--  "
                 "…). "
                 "Indented lines continue the line above."),
    "family": N_("One person per line: relation|name|birth month|political status|work unit and "
                 "post "
                 "(up to ten)."),
}


def _value(record: CadreRecord | None, key: str) -> str:
    if record is None:
        return ""
    if records.FIELD_BY_KEY[key].code_list is not None:
        return getattr(record, key) or ""
    return records.field_text(record, key)


def edit_modal(actor: Actor, cadre: Cadre, record: CadreRecord | None) -> dbc.Modal:
    sees = scope.may_see_identity(actor, cadre)
    groups = []
    for key in EDITED:
        value = (
            (record.id_number or "" if record and sees else "")
            if key == "id_number"
            else _value(record, key)
        )
        placeholder = records.shown_id_number(actor, cadre,
                                              record) if key == "id_number" and not sees else ""
        hint = _(HINTS[key]) if key in HINTS else _("Leave blank to keep the number on record.") \
            if key == "id_number" and not sees else None
        groups.append(dbc.Col([
            dbc.Label(_label(key), html_for=f"ca-rec-f-{key}", class_name="small text-muted mb-1"),
            _control(key, value, placeholder),
            dbc.FormFeedback(id=f"ca-rec-e-{key}", type="invalid"),
            html.Div(hint, className="form-text") if hint else None,
        ], md=12 if key in TEXTAREAS else 6, class_name="mb-2"))
    photo = dcc.Upload(id="ca-rec-photo", accept="image/jpeg", max_size=records.MAX_PHOTO_BYTES,
                       multiple=False,
                       children=html.Div([_("Photo (JPEG, up to 1 MB): drop it here or "),
                                          html.A(_("choose a file"))]),
                       className="upload-box")
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle(_("Edit the full record of %(name)s", name=cadre.name))),
        dbc.ModalBody([dbc.Row(groups), photo,
                       html.Div(id="ca-rec-photo-name", className="form-text"),
                       html.Div(id="ca-rec-save-message")]),
        dbc.ModalFooter([dbc.Button(_("Cancel"), id="ca-rec-cancel", color="secondary",
                                    outline=True),
                         dbc.Button(_("Save"), id="ca-rec-save", color="primary")]),
    ], id="ca-rec-modal", size="xl", scrollable=True, is_open=False)


@callback(Output("ca-rec-modal", "is_open"), Input("ca-rec-edit", "n_clicks"),
          Input("ca-rec-cancel", "n_clicks"),
          prevent_initial_call=True)
def toggle_edit(open_clicks, _cancel):
    return ctx.triggered_id == "ca-rec-edit" and bool(open_clicks)


@callback(Output("ca-rec-photo-name", "children"), Input("ca-rec-photo", "filename"),
          prevent_initial_call=True)
def photo_chosen(name):
    return _("Photo to save: %(name)s", name=name) if name else ""


def _form_values(actor: Actor, cadre: Cadre, typed: dict[str, str | None]) -> tuple[dict,
                                                                                    dict[str, str]]:
    """The typed form as record values, or the reason for each field that is wrong."""
    if not scope.may_see_identity(actor, cadre) and not (typed.get("id_number") or "").strip():
        typed = {k: v for k,
                 v in typed.items() if k != "id_number"}  # masked: keep what is on record
    values, problems = records.parse_values(typed)
    if "resume" in values and "resume" not in problems:
        order = rules.resume_problems(
            [rules.ResumeLine.from_json(line) for line in values["resume"]]
        )
        if order:
            problems["resume"] = "; ".join(order)
    return values, problems


def _photo_bytes(contents: str | None) -> bytes | None:
    if not contents:
        return None
    return forms.upload(contents, _("The photo could not be read; choose the file again."),
                        "photo")


@callback(Output("ca-rec-save-message", "children"), Output("ca-rec-body", "children"),
          Output("ca-rec-modal", "is_open", allow_duplicate=True),
          *[Output(f"ca-rec-f-{key}", "invalid") for key in EDITED],
          *[Output(f"ca-rec-e-{key}", "children") for key in EDITED],
          Input("ca-rec-save", "n_clicks"), State("ca-profile-code", "data"),
          State("ca-rec-photo", "contents"),
          *[State(f"ca-rec-f-{key}", "value") for key in EDITED], prevent_initial_call=True)
def save_record(_clicks, code, photo, *typed):
    """Check every field; save all of them (and the photo) or none, then show the record again."""
    actor = current_actor()
    unchanged = [no_update, no_update]
    try:
        with db.unit_of_work() as session:
            cadre = visible_cadre(session, actor, code=code, permissions=scope.PROFILE)
            records.require_edit(actor, cadre)
            values, problems = _form_values(actor, cadre, dict(zip(EDITED, typed, strict=True)))
            if problems:
                message = ui.alert(_("Some fields need correcting; nothing was saved."), "warning",
                                   [f"{_label(k)}: {v}" for k, v in problems.items()])
                return (message, *unchanged, *[k in problems for k in EDITED],
                        *[problems.get(k, "") for k in EDITED])
            records.update_record(session, actor, cadre, values)
            picture = _photo_bytes(photo)
            if picture is not None:
                records.set_photo(session, actor, cadre, picture)
            body = record_body(actor, cadre, records.record_of(session, actor, cadre),
                               records.photo_of(session, actor, cadre))
    except PortalError as error:
        field_ = getattr(error, "field", None)
        return (ui.alert(error.message, "danger"), *unchanged, *[k == field_ for k in EDITED],
                *[error.message if k == field_ else "" for k in EDITED])
    return (None, body, False, *[False] * len(EDITED), *[""] * len(EDITED))


@callback(Output("ca-rec-file", "data"), Output("ca-rec-message", "children"),
          Input("ca-rec-download", "n_clicks"),
          State("ca-profile-code", "data"), prevent_initial_call=True)
def download_form(_clicks, code):
    """The cadre's appointment form; the service checks the viewer may see the id number."""
    actor = current_actor()
    try:
        with db.unit_of_work() as session:
            name, content = appointment_forms.export_form(session, actor, code)
    except PortalError as error:
        return no_update, ui.alert(error.message, "danger")
    return dcc.send_bytes(content, name), None
