"""The printed appointment form (干部任免审批表): ``/cadres/appointment-form?code=C00012``.

One A4 page per cadre in the layout of the national form (formats-lrmx.md): the grid of
facts with the photo, education, posts, the résumé, rewards and sanctions, annual
appraisal results, the reason, the family and the approval boxes; a long résumé goes on to
the back page. ``&decision=N`` prints the form of a personnel decision's cadre with the
decision's proposed post and reason; ``&date=YYYY-MM-DD`` is the form's date, at which
ages are computed (default today). ``code`` may list several cadres (``C1,C2``: a roster).

Row heights come from ``cadres.rules.appointment_sheet`` in millimetres; the print CSS is
``assets/32-appointment-form.css``. Every text is a text node (Dash escapes it), the photo a
``data:`` image the Content-Security-Policy allows. The form is the same in both languages
but for its labels, which follow the reader's language (in Chinese, the standard's).
"""

from __future__ import annotations

import base64
from datetime import date
from urllib.parse import quote

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update

from cadres import appointment_forms
from cadres.appointment_forms import PrintedForm
from cadres.rules import appointment_sheet as sheet
from portal import audit, db, ui
from portal.access import current_actor
from portal.enums import Gender
from portal.errors import PortalError
from portal.i18n import N_, _, current_lang
from portal.models import Cadre


def _mm(value: float) -> str:
    return f"{value:.1f}mm"


def _th(label: str, rows: int = 1, cols: int = 1, cls: str = "") -> html.Th:
    return html.Th(label, rowSpan=rows, colSpan=cols, className=f"ca-af-label {cls}".strip())


def _td(text: str, rows: int = 1, cols: int = 1, cls: str = "") -> html.Td:
    return html.Td(text, rowSpan=rows, colSpan=cols, className=f"ca-af-value {cls}".strip())


def _row(height: float, *cells) -> html.Tr:
    return html.Tr(list(cells), style={"height": _mm(height)})


def _colgroup() -> html.Colgroup:
    return html.Colgroup([html.Col(style={"width": _mm(w)}) for w in sheet.COLUMNS])


def _month(text: str) -> str:
    """``yyyyMM`` (the form's months) as ``yyyy.MM``."""
    text = (text or "").strip()
    return f"{text[:4]}.{text[4:6]}" if len(text) >= 6 and text[:6].isdigit() else text


def _day(on: date) -> str:
    return f"{on.year}.{on.month:02d}.{on.day:02d}"


def _age(age: int | None) -> str:
    return _("(age %(age)s)", age=age) if age is not None else ""


def _education(fields: dict[str, str], prefix: str) -> tuple[str, str]:
    """(学历 and 学位, school and major of each) of one kind of education."""
    names = [fields.get(f"{prefix}_XueLi", ""), fields.get(f"{prefix}_XueWei", "")]
    schools = [fields.get(f"{prefix}_XueLi_BiYeYuanXiaoXi", ""),
               fields.get(f"{prefix}_XueWei_BiYeYuanXiaoXi", "")]
    return ("\n".join(n for n in names if n),
            "\n".join(dict.fromkeys(s for s in schools if s)))


def _texts(printed: PrintedForm, on: date) -> dict:
    """Every cell's text, as printed."""
    form, cadre = printed.form, printed.cadre
    fields = form.fields
    fulltime = _education(fields, "QuanRiZhiJiaoYu")
    inservice = _education(fields, "ZaiZhiJiaoYu")
    family = [(row.get("ChengWei", ""), row.get("XingMing", ""),
               str(age) if (age := sheet.age_at(born, on)) is not None else "",
               row.get("ZhengZhiMianMao", ""), row.get("GongZuoDanWeiJiZhiWu", ""))
              for row, born in zip(form.family, printed.family_born, strict=True)]
    birth = _month(fields.get("ChuShengNianYue", ""))
    age = _age(sheet.age_at(cadre.birth_date, on))
    return {
        "name": fields.get("XingMing", ""), "gender": Gender(cadre.gender).label,
        "birth": f"{birth}\n{age}" if birth and age else birth,
        "ethnicity": fields.get("MinZu", ""), "native_place": fields.get("JiGuan", ""),
        "birthplace": fields.get("ChuShengDi", ""),
        "party": _month(fields.get("RuDangShiJian", "")),
        "work": _month(fields.get("CanJiaGongZuoShiJian", "")),
        "health": fields.get("JianKangZhuangKuang", ""),
        "title": fields.get("ZhuanYeJiShuZhiWu", ""),
        "expertise": fields.get("ShuXiZhuanYeYouHeZhuanChang", ""),
        "fulltime": fulltime, "inservice": inservice,
        "posts": (fields.get("XianRenZhiWu", ""), fields.get("NiRenZhiWu", ""),
                  fields.get("NiMianZhiWu", "")),
        "resume": sheet.resume_entries(fields.get("JianLi", "")),
        "rewards": fields.get("JiangChengQingKuang", ""),
        "appraisal": fields.get("NianDuKaoHeJieGuo", ""),
        "reason": fields.get("RenMianLiYou", ""), "family": family,
        "submitting_unit": fields.get("ChengBaoDanWei", ""),
        "filled_by": fields.get("TianBiaoRen", ""),
    }


def plan_for(texts: dict) -> sheet.SheetPlan:
    """The row heights of this form in the reader's language (the labels' sizes differ)."""
    span = sheet.span
    basic = [[(texts["name"], span(1)), (texts["gender"], span(3)), (texts["birth"], span(5))],
             [(texts["ethnicity"], span(1)), (texts["native_place"], span(3)),
              (texts["birthplace"], span(5))],
             [(texts["party"], span(1)), (texts["work"], span(3)), (texts["health"], span(5))],
             [(texts["title"], span(1, 2)), (texts["expertise"], span(4, 2))]]
    basic_labels = [[(_(label), span(column)) for label, column in zip(row, columns, strict=True)]
                    for row, columns in zip(LABELS["basic"], ((0, 2, 4),) * 3 + ((0, 3),),
                                            strict=True)]
    education = [[(kind[0], span(2, 2)), (kind[1], span(5, 2))]
                 for kind in (texts["fulltime"], texts["inservice"])]
    education_labels = [[(_(kind), span(1)), (_(LABELS["education"][1]), span(4))]
                        for kind in LABELS["education_kinds"]]
    return sheet.plan_sheet(sheet.FormTexts(
        basic=basic, education=education, posts=texts["posts"], resume=texts["resume"],
        rewards=texts["rewards"], appraisal=texts["appraisal"], reason=texts["reason"],
        family=texts["family"],
        basic_labels=basic_labels,
        education_labels=education_labels,
        text_labels=[_(label) for label in LABELS["texts"]],
        font=sheet.LABELS_EN if current_lang() == "en" else sheet.LABELS_ZH))


# The labels of the grid (English msgids; the Chinese catalogue holds the standard's words).
LABELS = {
    "basic": ((N_("Full name"), N_("Gender"), N_("Born (age)")),
              (N_("Ethnicity"), N_("Native place"), N_("Birthplace")),
              (N_("Joined the Party"), N_("Started work"), N_("Health")),
              (N_("Professional title"), N_("Expertise"))),
    "education": (N_("Education and degree"), N_("School and major")),
    "education_kinds": (N_("Full-time education"), N_("In-service education")),
    "texts": (N_("Rewards and sanctions"), N_("Annual appraisal results"),
              N_("Reason for the appointment")),
}


def _photo(photo: bytes | None) -> html.Td:
    if not photo:
        return html.Td(html.Div(_("Photo"), className="ca-af-photo-empty"), rowSpan=4,
                       className="ca-af-photo-cell")
    return html.Td(html.Img(src="data:image/jpeg;base64," + base64.b64encode(photo).decode("ascii"),
                            alt=_("Photo"), className="ca-af-photo"),
                   rowSpan=4, className="ca-af-photo-cell")


def _resume_cell(entries, height: float, continued: bool, cols: int = 6) -> html.Td:
    lines = [html.Div([html.Span(e.period, className="ca-af-period"),
                       html.Span(e.text, className="ca-af-resume-text")],
                      className="ca-af-resume-line") for e in entries]
    if continued:
        lines.append(html.Div(_("(continued overleaf)"), className="ca-af-continued"))
    return html.Td(lines, colSpan=cols, className="ca-af-value ca-af-resume",
                   style={"height": _mm(height)})


def _top_rows(texts: dict, plan: sheet.SheetPlan, photo: bytes | None) -> list[html.Tr]:
    b, e, p = plan.basic, plan.education, plan.posts
    fulltime, inservice = texts["fulltime"], texts["inservice"]
    return [
        _row(b[0], _th(_("Full name")), _td(texts["name"]), _th(_("Gender")),
             _td(texts["gender"]), _th(_("Born (age)")), _td(texts["birth"]), _photo(photo)),
        _row(b[1], _th(_("Ethnicity")), _td(texts["ethnicity"]), _th(_("Native place")),
             _td(texts["native_place"]), _th(_("Birthplace")), _td(texts["birthplace"])),
        _row(b[2], _th(_("Joined the Party")), _td(texts["party"]), _th(_("Started work")),
             _td(texts["work"]), _th(_("Health")), _td(texts["health"])),
        _row(b[3], _th(_("Professional title")), _td(texts["title"], cols=2),
             _th(_("Expertise")), _td(texts["expertise"], cols=2)),
        _row(e[0], _th(_("Education and degree"), rows=2), _th(_("Full-time education")),
             _td(fulltime[0], cols=2), _th(_("School and major")), _td(fulltime[1], cols=2)),
        _row(e[1], _th(_("In-service education")), _td(inservice[0], cols=2),
             _th(_("School and major")), _td(inservice[1], cols=2)),
        _row(p[0], _th(_("Current post"), cols=2), _td(texts["posts"][0], cols=5)),
        _row(p[1], _th(_("Proposed post"), cols=2), _td(texts["posts"][1], cols=5)),
        _row(p[2], _th(_("Post to be removed from"), cols=2), _td(texts["posts"][2], cols=5)),
    ]


def _seal(text: str = "") -> list:
    return [html.Div(text, className="ca-af-opinion"),
            html.Div([html.Div(_("(seal)")), html.Div(_("year · month · day"))],
                     className="ca-af-seal")]


def _bottom_rows(texts: dict, plan: sheet.SheetPlan) -> list[html.Tr]:
    family = texts["family"]
    drawn = list(family) + [("",) * 5] * (len(plan.family) - 1 - len(family))
    rows = [
        _row(plan.rewards, _th(_("Rewards and sanctions")), _td(texts["rewards"], cols=6)),
        _row(plan.appraisal, _th(_("Annual appraisal results")), _td(texts["appraisal"], cols=6)),
        _row(plan.reason, _th(_("Reason for the appointment")), _td(texts["reason"], cols=6)),
        _row(plan.family[0],
             _th(_("Family members and important social relations"), rows=len(drawn) + 1),
             _th(_("Relation")), _th(_("Full name")), _th(_("Age")), _th(_("Political status")),
             _th(_("Work unit and post"), cols=2)),
    ]
    for height, (relation, name, age, status, work) in zip(plan.family[1:], drawn, strict=True):
        rows.append(_row(height, _td(relation, cls="ca-af-center"), _td(name, cls="ca-af-center"),
                         _td(age, cls="ca-af-center"), _td(status, cls="ca-af-center"),
                         _td(work, cols=2)))
    rows += [
        _row(plan.submit, _th(_("Submitting unit")),
             html.Td(_seal(texts["submitting_unit"]), colSpan=6,
                     className="ca-af-value ca-af-approval")),
        _row(plan.approval, _th(_("Opinion of the approving authority")),
             html.Td(_seal(), colSpan=2, className="ca-af-value ca-af-approval"),
             _th(_("Opinion of the appointing administrative authority")),
             html.Td(_seal(), colSpan=3, className="ca-af-value ca-af-approval")),
    ]
    return rows


def _table(rows: list) -> html.Table:
    return html.Table([_colgroup(), html.Tbody(rows)], className="ca-af-grid")


def _footer(texts: dict, printed: PrintedForm, on: date) -> html.Div:
    parts = [_("Ages computed at %(date)s", date=_day(on))]
    if texts["filled_by"]:
        parts.append(_("Filled in by: %(name)s", name=texts["filled_by"]))
    if printed.decision:
        parts.append(_("Personnel decision %(number)s", number=printed.decision))
    return html.Div([html.Span(p) for p in parts], className="ca-af-footer")


def form_sheet(printed: PrintedForm, on: date) -> html.Div:
    """One cadre's form: one page, or two when the résumé goes on overleaf."""
    texts = _texts(printed, on)
    plan = plan_for(texts)
    title = html.H1(_("Cadre appointment and removal form"), className="ca-af-title")
    top = _top_rows(texts, plan, printed.photo)
    entries = texts["resume"]
    first = entries[:plan.resume_split]
    resume = _row(plan.resume, _th(_("Résumé"), cls="ca-af-vertical"),
                  _resume_cell(first, plan.resume, continued=plan.pages > 1
                               and plan.resume_split < len(entries)))
    footer = _footer(texts, printed, on)
    if plan.pages == 1:
        pages = [html.Section([title, _table([*top, resume, *_bottom_rows(texts, plan)]), footer],
                              className="ca-af-page")]
    else:
        back = []
        if plan.resume_rest:
            back.append(_row(plan.resume_rest, _th(_("Résumé (continued)"), cls="ca-af-vertical"),
                             _resume_cell(entries[plan.resume_split:], plan.resume_rest, False)))
        pages = [html.Section([title, _table([*top, resume])], className="ca-af-page"),
                 html.Section([html.Div(_("%(name)s (continued)", name=texts["name"]),
                                        className="ca-af-back-title"),
                               _table([*back, *_bottom_rows(texts, plan)]), footer],
                              className="ca-af-page ca-af-back")]
    return html.Div(pages, className=f"ca-af-sheet ca-af-{current_lang()}",
                    lang="zh-CN" if current_lang() == "zh" else "en",
                    **{"data-pages": str(plan.pages), "data-code": printed.cadre.code})


# --- the page ---------------------------------------------------------------------------------

def _form_date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else date.today()
    except ValueError:
        return None


def _target(code, decision) -> dict:
    codes = [c.strip() for c in str(code or "").split(",") if c.strip()]
    try:
        decision_id = int(decision) if decision not in (None, "") else None
    except (TypeError, ValueError):
        decision_id = -1  # no such decision: the service answers "not found"
    return {"codes": codes, "decision": decision_id}


def sheets(target: dict, on: date) -> list[html.Div]:
    """The forms of ``target`` (as the browser sent it) at the date ``on``, checked again."""
    actor = current_actor()
    codes = target.get("codes") if isinstance(target, dict) else None
    decision = target.get("decision") if isinstance(target, dict) else None
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        codes = []
    if decision is not None and (isinstance(decision, bool) or not isinstance(decision, int)):
        decision = -1
    session = db.session()
    printed = appointment_forms.printed_forms(session, actor, codes, decision_id=decision,
                                              today=on)
    audit.log_view(actor, "cadre", printed[0].cadre.id, kind="appointment_form",
                   cadres=[p.cadre.code for p in printed], form_date=on.isoformat(),
                   decision=printed[0].decision or None)
    return [form_sheet(p, on) for p in printed]


def _toolbar(target: dict, on: date) -> html.Div:
    decision = target.get("decision")
    codes = target.get("codes") or []
    back = (f"/decisions/view?id={decision}" if decision
            else f"/cadres/profile?code={quote(codes[0])}" if len(codes) == 1 else "/cadres")
    return html.Div([
        dbc.Label(_("Date of the form (ages are computed at it)"), html_for="ca-af-date",
                  class_name="mb-0 small"),
        dbc.Input(id="ca-af-date", type="date", value=on.isoformat(), size="sm",
                  style={"width": "11rem"}),
        dbc.Button(_("Print"), id="ca-af-print", color="primary", size="sm"),
        dbc.Button(_("Back"), href=back, color="link", size="sm"),
        html.Span(id="ca-af-printed"),
    ], className="d-print-none d-flex flex-wrap align-items-center gap-2 mb-3 ca-af-toolbar")


def layout(code: str | None = None, decision: str | None = None, date: str | None = None,
           **_query):
    actor = current_actor()
    if not code and decision in (None, "") and actor.cadre_id is not None:
        code = current_cadre_code()
    target = _target(code, decision)
    if not target["codes"] and target["decision"] is None:
        return ui.empty_state(_("Open a cadre's profile or a personnel decision to print the "
                                "appointment form."))
    on = _form_date(date)
    if on is None:
        return ui.alert(_("The date of the form must be a date (YYYY-MM-DD)."), "warning")
    return html.Div([
        _toolbar(target, on),
        html.Div(id="ca-af-message", className="d-print-none"),
        dcc.Store(id="ca-af-target", data=target),
        # focusable: on a narrow screen the A4 sheets scroll sideways (keyboard access)
        html.Div(sheets(target, on), id="ca-af-sheets", className="ca-af-document",
                 tabIndex="0", role="region", **{"aria-label": _("Appointment form")}),
    ])


def current_cadre_code() -> str | None:
    """A cadre's own code (``/cadres/appointment-form`` without a code prints their own)."""
    cadre = db.session().get(Cadre, current_actor().cadre_id)
    return cadre.code if cadre else None


@callback(Output("ca-af-sheets", "children"), Output("ca-af-message", "children"),
          Input("ca-af-date", "value"), State("ca-af-target", "data"), prevent_initial_call=True)
def change_date(value, target):
    """The forms again at another date; the cadres are checked again (the target comes back
    from the browser)."""
    on = _form_date(value)
    if on is None:
        return no_update, ui.alert(_("The date of the form must be a date (YYYY-MM-DD)."),
                                   "warning")
    try:
        return sheets(target or {}, on), None
    except PortalError as error:
        return [], ui.alert(error.message, "danger")


clientside_callback(
    "function(n) { if (n) { window.print(); } return ''; }",
    Output("ca-af-printed", "children"), Input("ca-af-print", "n_clicks"),
    prevent_initial_call=True,
)

ui.register(__name__, path="/cadres/appointment-form", title=N_("Appointment form"),
            layout=layout, permission=("cadres.view", "self.view"), section=None)
