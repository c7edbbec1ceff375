"""The cadres package's background jobs (``portal.jobs``) of the annual report
(``/reports/annual``): preparing its figures for the page (kept in the dashboard cache, so
the page then shows them at once) and its XLSX workbook. The cadre registry's export runs
as the platform's ``export.cadres`` job."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from cadres import annual, completion
from portal.access import Actor
from portal.jobs import XLSX, Kind, Outcome
from portal.transfer import Progress


def _check_annual(session: Session, actor: Actor, params: dict) -> None:
    annual.check_export(session, actor, params.get("unit"), params.get("year"))


def _check_view(session: Session, actor: Actor, params: dict) -> None:
    annual.ready_report(session, actor, params.get("unit"), params.get("year"))


def prepare_report(session: Session, actor: Actor, params: dict, _upload,
                   progress: Progress) -> Outcome:
    """The report's figures computed once and kept in the cache for the page to show."""
    progress("gathering", 0, 1)
    annual.annual_report(session, actor, params.get("unit"), params.get("year"))
    return Outcome()


def annual_workbook(session: Session, actor: Actor, params: dict, _upload,
                    progress: Progress) -> Outcome:
    """The annual report of ``params["unit"]`` and ``params["year"]`` as XLSX (audited)."""
    content, name = annual.export_workbook(session, actor, params.get("unit"),
                                           params.get("year"), progress=progress)
    return Outcome(name=name, media_type=XLSX, content=content)


JOBS = {
    "annual_report": Kind("export", annual_workbook, check=_check_annual),
    "annual_report_view": Kind("reports.view", prepare_report, check=_check_view, audited=False),
}


def keep_training_summaries(factory: sessionmaker, today: date) -> None:
    """Today's training summary rows of every unit kept current (``completion.keep_summaries``):
    after a bulk write or on a new day, computed here rather than in a user's request."""
    with factory() as session:
        completion.keep_summaries(session, today.year, today)


UPKEEP = {"training summaries": keep_training_summaries}
