"""The one progress component of background jobs (``portal.jobs``) and their download route.

A page places ``job_panel(kind)`` next to its own start button; its start callback calls
``start_job`` (CSRF-checked like every callback) and writes the new job's id into the
panel's store. The callback here follows the job: a progress bar with a label while it
waits or runs (``dcc.Interval``, stopped once it ends), then a download link or the error
in plain words. Reloading the page shows the user's latest job of that kind again. Only
the owner sees a job: every poll and download checks it on the server.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import MATCH, Input, Output, callback, ctx, dcc, html, no_update
from flask import Flask, Response, current_app

from portal import db, jobs, ui
from portal.access import current_actor
from portal.errors import PortalError
from portal.i18n import _

POLL_MS = 1000

# Placed on several pages: a login suffices here, ``jobs.status`` shows a user only their own.
ui.shared_controls(__name__, permission=None)


def _ids(kind: str) -> dict[str, dict]:
    return {name: {"type": f"job-{name}", "kind": kind}
            for name in ("panel", "id", "poll", "bar", "label", "result", "done")}


def job_panel(kind: str, *, latest: bool = True) -> html.Div:
    """Progress bar, label and outcome of a job of ``kind``: the current user's latest one
    (``latest``; a reloaded page shows it again), else the one a callback puts in its store.
    Hidden while there is none."""
    ids = _ids(kind)
    found = jobs.latest(db.session(), current_actor(), kind) if latest else None
    return html.Div([
        html.Div(dbc.Progress(id=ids["bar"], value=0, class_name="mt-2 job-bar",
                              style={"height": "6px"}),
                 **{"data-progress-label": _("Progress")}),  # its name (assets/15-a11y.js)
        html.Div(id=ids["label"], className="job-label", role="status"),
        html.Div(id=ids["result"], className="job-result"),
        dcc.Store(id=ids["id"], data=found.id if found else None),
        dcc.Store(id=ids["done"], data=None),
        dcc.Interval(id=ids["poll"], interval=POLL_MS, disabled=True),
    ], id=ids["panel"], className=HIDDEN if found is None else SHOWN)


HIDDEN, SHOWN = "job-panel d-none", "job-panel"


def start_job(kind: str, params: dict, upload: bytes | None = None, *, reuse: bool = False,
              refused=lambda error: (no_update, ui.alert(error.message, "warning"))):
    """For a page's start callback: queue the job as the current user (one unit of work,
    audited) and wake this process's runner; returns (the job's id, no message) or
    ``refused(error)``."""
    result = ui.write(True, lambda session, actor: jobs.start(session, actor, kind, params, upload,
                                                              reuse=reuse).id,
                      refused=refused, then=lambda job_id: (job_id, None))
    jobs.wake(current_app.extensions["portal.sessions"])
    return result


def _outcome(job) -> Any:
    if job.status == jobs.FAILED:
        lines = (job.error or "").split("\n")
        return ui.alert(lines[0], "danger", lines[1:])
    summary = job.summary or {}
    parts = []
    if summary.get("message") or summary.get("notes"):
        parts.append(ui.alert(summary.get("message") or "", summary.get("tone") or "success",
                              summary.get("notes") or ()))
    if job.result_name:
        parts.append(html.A([html.I(className="bi bi-download me-1", **{"aria-hidden": "true"}),
                             _("Download %(name)s", name=job.result_name)],
                            href=f"/jobs/{job.id}/download", className="btn btn-sm btn-primary",
                            download=job.result_name))
    return html.Div(parts)


def view(job) -> tuple:
    """(bar value, label, outcome, polling disabled) for ``job``."""
    if job.status in jobs.ACTIVE:
        share = 100 * job.done / job.total if job.total else 5
        return max(2, min(99, share)), jobs.stage_label(job), None, False
    finished = ui.fmt_datetime(job.finished_at) if job.finished_at else ""
    label = (_("Done") if job.status == jobs.DONE else _("Failed")) + (f" · {finished}"
                                                                        if finished else "")
    return (100 if job.status == jobs.DONE else 0), label, _outcome(job), True


@callback(
    Output({"type": "job-bar", "kind": MATCH}, "value"),
    Output({"type": "job-label", "kind": MATCH}, "children"),
    Output({"type": "job-result", "kind": MATCH}, "children"),
    Output({"type": "job-poll", "kind": MATCH}, "disabled"),
    Output({"type": "job-done", "kind": MATCH}, "data"),
    Output({"type": "job-panel", "kind": MATCH}, "className"),
    Input({"type": "job-poll", "kind": MATCH}, "n_intervals"),
    Input({"type": "job-id", "kind": MATCH}, "data"),
)
def follow(_ticks, job_id):
    """The job's progress; ``job-done`` gets its id when it ends while the page follows it
    (the page then refreshes what the job changed)."""
    actor = current_actor()
    if not job_id:
        return 0, "", None, True, no_update, HIDDEN
    try:
        job = jobs.status(db.session(), actor, job_id)
    except PortalError as error:
        return 0, "", ui.alert(error.message, "warning"), True, no_update, SHOWN
    value, label, outcome, stop = view(job)
    ended_now = stop and ctx.triggered_id is not None  # not when a page opens on an old job
    return value, label, outcome, stop, job.id if ended_now else no_update, SHOWN


def download(job_id: int):
    """``/jobs/<id>/download``: the file of the logged-in owner's finished job."""
    name, media_type, content = jobs.result_file(db.session(), current_actor(), job_id)
    response = Response(content, mimetype=media_type.split(";")[0])
    if "charset" in media_type:
        response.headers["Content-Type"] = media_type
    response.headers["Content-Disposition"] = _disposition(name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _disposition(name: str) -> str:
    from urllib.parse import quote

    ascii_name = name.encode("ascii", "replace").decode().replace('"', "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def init_app(server: Flask, threads: int) -> None:
    """The download route, and this process's job runner started at its first request (a
    gunicorn worker forked from the master starts its own)."""
    server.add_url_rule("/jobs/<int:job_id>/download", "jobs.download", download)
    factory = server.extensions["portal.sessions"]

    def ensure_runner() -> None:
        jobs.runner_for(factory, threads)

    if threads > 0:
        server.before_request(ensure_runner)
