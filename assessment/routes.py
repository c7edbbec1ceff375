"""Plain Flask pages of the assessment package, outside Dash: the public survey form
(contracts.md, "Survey form (public, no login)") and the office's printable survey slips.

``/survey/<code>`` is mobile-first HTML without scripts (the portal's Content-Security-
Policy allows none inline), in Chinese unless the respondent switches; it needs no login,
is rate-limited per source address (unknown codes count against the limit), and a spent,
unknown or closed code gets a plain page (HTTP 410/404), never an error. Nothing about
the respondent is stored: the limiter keeps its per-address counters only for the minute
they count, apart from the response.
"""

from __future__ import annotations

import io
from base64 import b64encode

import segno
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError, generate_csrf

from assessment import surveys
from assessment.enums import RespondentGroup
from assessment.rules.surveys import CHOICE_LABELS
from portal import db, forms
from portal.access import current_actor
from portal.errors import Conflict, Invalid, PortalError
from portal.i18n import current_lang, gettext_for, set_lang
from portal.tabular import to_bytes

bp = Blueprint("survey", __name__, template_folder="templates")
MAX_PRINTED = 500  # slips per printed batch: each QR code takes some milliseconds to draw


def _(msgid: str, **values) -> str:
    """Templates and this module read the assessment package's catalogue."""
    return gettext_for("assessment", msgid, **values)


def _render(template: str, status: int = 200, **context):
    return render_template(template, _=_, lang=current_lang(), **context), status


def _message(title: str, message: str, status: int):
    return _render("survey_message.html", status, title=title, message=message)


def _switch_language() -> None:
    if request.args.get("lang") in ("zh", "en"):
        session["lang"] = request.args["lang"]
        set_lang(session["lang"])


def _refused(error: surveys.CodeRefused):
    titles = {"unknown": _("Code not valid"), "spent": _("Already used"),
              "closed": _("Survey closed")}
    advice = {"unknown": _("Check the code on your slip, or scan its QR code again."),
              "spent": _("Each code counts once. Thank you for taking part."),
              "closed": _("Answers are no longer collected for this survey.")}
    return _message(titles[error.reason], f"{error.message} {advice[error.reason]}",
                    error.status)


@bp.route("/survey/thanks")
def thanks():
    return _message(_("Thank you"), _("Your answers were recorded anonymously. You may close "
                                      "this page."), 200)


@bp.route("/survey/<code>", methods=["GET", "POST"])
def form(code: str):
    _switch_language()
    answers = {key: value for key, value in request.form.items() if key != "csrf_token"}
    error = None
    if request.method == "POST":
        try:
            _submit(code, answers)
        except surveys.CodeRefused as refused:
            return _refused(refused)
        except Invalid as problem:
            error = problem.message
        else:
            return redirect(url_for("survey.thanks"))
    try:
        survey = surveys.open_code(db.session(), code)
    except surveys.CodeRefused as refused:
        return _refused(refused)
    return _render("survey.html", 400 if error else 200, survey=survey, code=code,
                   answers=answers, error=error, labels=CHOICE_LABELS,
                   csrf_token=generate_csrf())


def _submit(code: str, answers: dict) -> None:
    """One transaction; a write race (SQLite's stale snapshot) is tried once more, when the
    code is either still free or found spent."""
    for attempt in (1, 2):
        try:
            with db.unit_of_work() as s:
                surveys.submit(s, code, answers)
            return
        except Conflict:
            if attempt == 2:
                raise surveys.CodeRefused("spent") from None


@bp.errorhandler(CSRFError)
def _csrf_refused(_error: CSRFError):
    return _message(_("Please try again"),
                    _("The form has expired; open the survey address again and resubmit."), 400)


@bp.errorhandler(429)
def _too_many(_error):
    return _message(_("Please wait"),
                    _("Too many attempts from your connection; please try again in a minute."),
                    429)


# --- the office's slips ----------------------------------------------------------------------

def qr_data_uri(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2)
    return "data:image/svg+xml;base64," + b64encode(buffer.getvalue()).decode("ascii")


def public_base() -> str:
    """Where slips send respondents: ``PORTAL_PUBLIC_URL`` when set, else this server."""
    configured = current_app.extensions["portal.config"].public_url
    return configured or request.host_url.rstrip("/")


@bp.route("/assessment/survey-slips", methods=["POST"])
def slips():
    """Issue codes and answer with printable slips (QR codes) or their CSV. Codes exist in
    clear only in this answer: nothing can show them again."""
    actor = current_actor()
    fmt = "csv" if request.form.get("format") == "csv" else "print"
    try:
        count = forms.whole(request.form.get("count"), _("Number of codes"))
        if fmt == "print" and (count or 0) > MAX_PRINTED:
            raise Invalid(_("At most %(max)s slips can be printed at a time (their QR codes "
                            "take a while to draw); download larger batches as CSV.",
                            max=MAX_PRINTED))
        with db.unit_of_work() as s:
            issued = surveys.issue_slips(s, actor, request.form.get("period", ""),
                                         request.form.get("unit", ""),
                                         request.form.get("group", ""), count or 0,
                                         public_base())
    except PortalError as error:
        return _message(_("No codes were issued"), error.message, error.status)
    if fmt == "csv":
        name = f"survey-codes-{issued[0].period}-{issued[0].unit_code}-{issued[0].group}.csv"
        return Response(to_bytes(surveys.slips_table(issued), "csv"), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename={name}",
                                 "Cache-Control": "no-store"})
    page, status = _render("survey_slips.html", slips=issued,
                           qr={s.code: qr_data_uri(s.url) for s in issued},
                           group_label=RespondentGroup(issued[0].group).label)
    return page, status, {"Cache-Control": "no-store"}


def init_app(server: Flask) -> None:
    limiter = server.extensions["portal.limiter"]
    config = server.extensions["portal.config"]
    server.register_blueprint(bp)
    # Decorated limits are checked by the wrapper, so the wrapper must be the view. Only
    # unknown codes count: guessing is what the limit stops, and a hall of residents behind
    # one address must all be able to answer.
    server.view_functions["survey.form"] = limiter.limit(
        config.survey_rate_limit, deduct_when=lambda response: response.status_code == 404)(form)
