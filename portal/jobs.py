"""Long work in the background: the annual report workbook, big imports and exports.

A page starts a job (``start``: permission checked, audited, at most ``MAX_ACTIVE`` per
user) and returns at once; a small pool of threads in every app process (``Runner``)
claims queued jobs with a conditional UPDATE, so each runs exactly once whichever process
or host claims it. The job runs in its own session as its owner, re-loaded from the
database (role and scope checked again by the services it calls), in the owner's
language. Its progress, heartbeat and result (a file, bounded in size) are written to
the ``job`` row, so any worker on any host answers the page's poll and serves the
download — to the owner only (``status``, ``result_file``).

A job's work and its "done" commit together: an import is all or nothing, and a job that
fails (or whose process dies: its heartbeat stops and ``fail_stale`` marks it failed)
leaves the database as it was. Each package lists its kinds in ``<package>/jobs.py`` as
``JOBS``; every exporter (``transfer.exporters``) also runs as the kind ``export.<kind>``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from portal import audit
from portal.access import Actor
from portal.cache import DERIVED
from portal.db import is_write_race, utcnow
from portal.errors import Invalid, NotFound, PortalError
from portal.i18n import N_, _, current_lang, use_lang
from portal.models import Job, User
from portal.plugins import collect
from portal.tabular import ImportProblem
from portal.transfer import Progress

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
ACTIVE = (QUEUED, RUNNING)
MAX_ACTIVE = 3  # queued or running jobs per user
MAX_UPLOAD = 64 * 1024 * 1024  # as the upload controls allow
MAX_RESULT = 64 * 1024 * 1024  # a result file kept in the database
KEEP_DAYS = 7  # finished jobs (and their files) are deleted after this
HEARTBEAT_SECONDS = 5.0  # a running job's row is touched this often (progress at most each second)
STALE_AFTER = timedelta(minutes=2)  # a running job silent this long has lost its process
IDLE_POLL_SECONDS = 2.0  # an idle worker thread looks for queued jobs this often
UPKEEP_SECONDS = 5.0  # a process runs the packages' upkeep (``UPKEEP``) at most this often
SWEEP_SECONDS = 30.0  # a process looks for jobs whose process died this often

# The job table is bookkeeping, not data any page caches: writing it does not invalidate the
# dashboard cache (``portal.cache``), so a job's progress never makes the report it is
# preparing stale. The work a job does (an import, an audited export) bumps it as usual.
BOOKKEEPING = {DERIVED: True}

STAGES = {
    QUEUED: N_("Waiting to start…"), "starting": N_("Starting…"),
    "reading": N_("Reading the file…"), "checking": N_("Checking rows…"), "saving": N_("Saving…"),
    "gathering": N_("Gathering the figures…"), "writing": N_("Writing the file…"),
    DONE: N_("Done"),
}


@dataclass
class Outcome:
    """What a finished job leaves: a file to download and/or a message with notes."""

    name: str | None = None
    media_type: str | None = None
    content: bytes | None = None
    message: str = ""
    notes: list[str] = field(default_factory=list)
    tone: str = "success"


@dataclass(frozen=True)
class Kind:
    """A kind of job: the permission needed to start it, an optional ``check(session, actor,
    params)`` run at start (so a wrong unit or year is refused at once), and
    ``run(session, actor, params, upload, progress) -> Outcome``; the writes ``run`` does
    are audited by the services it calls."""

    permission: str
    run: Callable[..., Outcome]
    check: Callable[..., None] | None = None
    audited: bool = True  # False for a kind that only prepares what a page shows (no change)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES = {"xlsx": XLSX, "csv": "text/csv; charset=utf-8"}


def _export_kind(exporter: str) -> Kind:
    def run(session: Session, actor: Actor, params: dict, _upload, progress: Progress) -> Outcome:
        from portal import transfer

        fmt = params.get("fmt") if params.get("fmt") in MEDIA_TYPES else "xlsx"
        period = params.get("period")
        progress("gathering", 0, 0)
        content = transfer.run_export(session, actor, exporter, fmt, period=period,
                                      header_style=params.get("header_style") or "key")
        suffix = f"-{period}" if period else ""
        name = f"{exporter}{suffix}-{utcnow().date().isoformat()}.{fmt}"
        return Outcome(name=name, media_type=MEDIA_TYPES[fmt], content=content)

    return Kind("export", run)


@cache
def upkeep() -> dict[str, Callable[[sessionmaker, date], None]]:
    """Each package's small recurring work (``UPKEEP`` in its ``jobs.py``: ``work(factory,
    today)``), run by an idle runner thread: cheap when there is nothing to do (derived rows
    kept current ahead of the pages that read them)."""
    return collect("jobs", "UPKEEP")


@cache
def kinds() -> dict[str, Kind]:
    from portal import transfer

    found = {f"export.{name}": _export_kind(name) for name in transfer.exporters()}
    found.update(collect("jobs", "JOBS"))
    return found


def _kind(name: str) -> Kind:
    found = kinds().get(str(name))
    if found is None:
        raise Invalid(_("Unknown kind of job: %(kind)s.", kind=name), field="kind")
    return found


# --- the services a page calls ----------------------------------------------------------------

def start(session: Session, actor: Actor, kind: str, params: dict | None = None,
          upload: bytes | None = None, *, reuse: bool = False) -> Job:
    """Queue a job of ``kind`` for the actor (audited unless the kind only prepares what a
    page shows); the caller commits, then ``wake()``. With ``reuse``, the actor's job of the
    same kind and parameters still waiting or running is returned instead of a second one."""
    spec = _kind(kind)
    actor.require(spec.permission)
    if actor.user_id is None:
        raise Invalid(_("Only a logged-in user can start a job."))
    params = dict(params or {})
    if upload is not None and len(upload) > MAX_UPLOAD:
        raise Invalid(_("The file is larger than %(mb)s MB.", mb=MAX_UPLOAD // 2**20), field="file")
    if spec.check is not None:
        spec.check(session, actor, params)
    active = session.scalars(select(Job).where(Job.owner_id == actor.user_id,
                                               Job.status.in_(ACTIVE))).all()
    same = [job for job in active if job.kind == kind and job.params == params]
    if reuse and same:
        return same[-1]
    if len(active) >= MAX_ACTIVE:
        raise Invalid(_("You already have %(n)s jobs waiting or running; please wait until one "
                        "has finished.", n=len(active)))
    job_id = session.execute(insert(Job).values(
        kind=kind, owner_id=actor.user_id, params=params, upload=upload, lang=current_lang(),
        status=QUEUED, done=0, total=0, stage=QUEUED, summary={}, created_at=utcnow(),
    ).returning(Job.id).execution_options(**BOOKKEEPING)).scalar_one()
    if spec.audited:
        audit.log(session, actor, "job.start", entity_type="job", entity_id=job_id,
                  summary={"kind": kind, **params, **({"bytes": len(upload)} if upload else {})})
    return session.get(Job, job_id)


def status(session: Session, actor: Actor, job_id) -> Job:
    """The actor's own job ``job_id``; anybody else's is "not found", as a missing one."""
    try:
        job = session.get(Job, int(job_id))
    except (TypeError, ValueError):
        job = None
    if job is None or actor.user_id is None or job.owner_id != actor.user_id:
        raise NotFound(_("No such job."))
    return job


def latest(session: Session, actor: Actor, kind: str) -> Job | None:
    """The actor's most recent job of ``kind`` (a reloaded page picks it up again)."""
    if actor.user_id is None:
        return None
    return session.scalars(select(Job).where(Job.owner_id == actor.user_id, Job.kind == kind)
                           .order_by(Job.id.desc()).limit(1)).first()


def result_file(session: Session, actor: Actor, job_id) -> tuple[str, str, bytes]:
    """The file a done job of the actor's left: (name, media type, content)."""
    job = status(session, actor, job_id)
    if job.status != DONE or job.result is None:
        raise NotFound(_("This job has no file to download."))
    return job.result_name or f"job-{job.id}", job.result_type or "application/octet-stream", \
        job.result


def stage_label(job: Job) -> str:
    """The job's stage in words, with how far it has got when it knows."""
    label = _(STAGES.get(job.stage) or STAGES["starting"])
    if job.status == RUNNING and job.total:
        label += " " + _("%(done)s of %(total)s", done=f"{job.done:,}", total=f"{job.total:,}")
    return label


# --- running jobs -------------------------------------------------------------------------------

def claim(factory: sessionmaker) -> int | None:
    """Take the oldest queued job for this thread: a conditional UPDATE (``status`` still
    queued), so of two workers that saw the same job only one gets it; PostgreSQL skips
    rows another worker is claiming instead of waiting for them."""
    with factory() as session:
        job_id = session.scalar(select(Job.id).where(Job.status == QUEUED).order_by(Job.id)
                                .limit(1).with_for_update(skip_locked=True))
        if job_id is None:
            session.rollback()
            return None
        now = utcnow()
        taken = session.execute(update(Job).where(Job.id == job_id, Job.status == QUEUED)
                                .values(status=RUNNING, stage="starting", started_at=now,
                                        heartbeat_at=now)
                                .execution_options(**BOOKKEEPING)).rowcount
        session.commit()
    return job_id if taken == 1 else None


class _Heartbeat:
    """Writes a running job's latest progress and heartbeat from its own thread and session,
    so the job's thread never waits for these small writes (nor they for the job's
    transaction: on SQLite they simply wait for its lock)."""

    def __init__(self, factory: sessionmaker, job_id: int):
        self.factory, self.job_id = factory, job_id
        self.latest: tuple[str, int, int] | None = None
        self.stopped = threading.Event()
        self.changed = threading.Event()
        self.thread = threading.Thread(target=self._loop, name=f"job-{job_id}-heartbeat",
                                       daemon=True)

    def report(self, stage: str, done: int, total: int) -> None:
        self.latest = (stage, int(done), int(total))
        self.changed.set()

    def _loop(self) -> None:
        while not self.stopped.is_set():
            self.changed.wait(HEARTBEAT_SECONDS)
            self.changed.clear()
            if self.stopped.is_set():
                return
            self._write()
            self.stopped.wait(1.0)  # progress at most once a second

    def _write(self) -> None:
        values = {"heartbeat_at": utcnow()}
        if self.latest is not None:
            values.update(zip(("stage", "done", "total"), self.latest, strict=True))
        try:
            with self.factory() as session:
                session.execute(update(Job).where(Job.id == self.job_id, Job.status == RUNNING)
                                .values(**values).execution_options(**BOOKKEEPING))
                session.commit()
        except SQLAlchemyError:
            log.warning("could not record the progress of job %s", self.job_id, exc_info=True)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stopped.set()
        self.changed.set()
        self.thread.join()


def _owner(session: Session, job: Job) -> Actor:
    user = session.get(User, job.owner_id)
    if user is None or not user.active:
        raise Invalid(_("The account that started this job is no longer active."))
    return Actor.for_user(user)


def _error_text(error: PortalError) -> str:
    lines = error.lines() if isinstance(error, ImportProblem) else ()
    return "\n".join([error.message, *lines])


def run_job(factory: sessionmaker, job_id: int) -> str:
    """Run a claimed job to its end; returns its final status. The work and the job's "done"
    commit in one transaction; on any failure the work is rolled back and the job failed with
    a message in plain words."""
    with factory() as session:
        job = session.get(Job, job_id)
        kind_name, params, upload, lang = job.kind, dict(job.params or {}), job.upload, job.lang
    with use_lang(lang):
        try:
            with _Heartbeat(factory, job_id) as beat, factory() as session:
                job = session.get(Job, job_id)
                outcome = _kind(kind_name).run(session, _owner(session, job), params, upload,
                                               beat.report)
                if outcome.content is not None and len(outcome.content) > MAX_RESULT:
                    raise Invalid(_("The file would be larger than %(mb)s MB; please choose "
                                    "less.", mb=MAX_RESULT // 2**20))
                beat.stopped.set()
                if not _finish(session, job_id, outcome):
                    session.rollback()  # failed meanwhile (heartbeat lost): keep nothing
                    return FAILED
                session.commit()
                return DONE
        except PortalError as error:
            message = _error_text(error)
        except Exception as error:
            if is_write_race(error):
                message = _("Someone else saved the same records at the same moment; nothing "
                            "was written. Please try again.")
            else:
                log.exception("job %s (%s) failed", job_id, kind_name)
                message = _("The job failed unexpectedly; nothing was saved. Please try again, "
                            "or tell the administrator if it fails again.")
        _fail(factory, job_id, message)
        return FAILED


def _finish(session: Session, job_id: int, outcome: Outcome) -> bool:
    now = utcnow()
    summary = {"message": outcome.message, "notes": list(outcome.notes), "tone": outcome.tone}
    return session.execute(update(Job).where(Job.id == job_id, Job.status == RUNNING).values(
        status=DONE, stage=DONE, finished_at=now, heartbeat_at=now, upload=None, summary=summary,
        result=outcome.content, result_name=outcome.name, result_type=outcome.media_type,
    ).execution_options(**BOOKKEEPING)).rowcount == 1


def _fail(factory: sessionmaker, job_id: int, message: str) -> None:
    with factory() as session:
        session.execute(update(Job).where(Job.id == job_id, Job.status.in_(ACTIVE)).values(
            status=FAILED, error=message[:4000], finished_at=utcnow(), upload=None)
            .execution_options(**BOOKKEEPING))
        session.commit()


def fail_stale(session: Session, now=None) -> int:
    """Mark failed the running jobs whose heartbeat stopped (their process died), and delete
    jobs finished more than ``KEEP_DAYS`` ago. Returns how many were marked failed."""
    now = now or utcnow()
    stale = session.scalars(select(Job).where(Job.status == RUNNING,
                                              Job.heartbeat_at < now - STALE_AFTER)).all()
    for job in stale:
        with use_lang(job.lang):
            message = _("The server running this job stopped before it finished; nothing was "
                        "saved. Please start it again.")
        session.execute(update(Job).where(Job.id == job.id, Job.status == RUNNING).values(
            status=FAILED, error=message, finished_at=now, upload=None)
            .execution_options(**BOOKKEEPING))
    session.execute(delete(Job).where(Job.status.in_((DONE, FAILED)),
                                      Job.finished_at < now - timedelta(days=KEEP_DAYS))
                    .execution_options(**BOOKKEEPING))
    return len(stale)


def run_pending(factory: sessionmaker) -> int:
    """Run every queued job in this thread (tests, the command line); returns how many."""
    count = 0
    while (job_id := claim(factory)) is not None:
        run_job(factory, job_id)
        count += 1
    return count


class Runner:
    """``threads`` daemon threads of one process that claim and run queued jobs. A start in
    this process wakes them at once; jobs started elsewhere are found within
    ``IDLE_POLL_SECONDS``."""

    def __init__(self, factory: sessionmaker, threads: int = 2):
        self.factory, self.threads = factory, threads
        self.wake = threading.Event()
        self.stopped = threading.Event()
        self.pid = os.getpid()
        self.workers: list[threading.Thread] = []
        self.lock = threading.Lock()
        self.swept = float("-inf")
        self.upkept = time.monotonic()  # the first round after a while: not at a worker's start

    def start(self) -> Runner:
        for index in range(self.threads):
            worker = threading.Thread(target=self._loop, name=f"portal-jobs-{index}", daemon=True)
            worker.start()
            self.workers.append(worker)
        return self

    def stop(self) -> None:
        """Let the threads end after their current job (tests)."""
        self.stopped.set()
        self.wake.set()
        for worker in self.workers:
            worker.join()

    def _loop(self) -> None:
        while not self.stopped.is_set():
            try:
                self._sweep()
                job_id = claim(self.factory)
            except SQLAlchemyError:
                log.warning("could not look for queued jobs", exc_info=True)
                job_id = None
            if job_id is None:
                self._upkeep()
                self.wake.wait(IDLE_POLL_SECONDS)
                if not self.stopped.is_set():
                    self.wake.clear()
                continue
            try:
                run_job(self.factory, job_id)
            except Exception:  # the database went away mid-job: the sweep fails it later
                log.exception("job %s could not be run", job_id)

    def _upkeep(self) -> None:
        """The packages' upkeep, by one idle thread of the process at most every
        ``UPKEEP_SECONDS``."""
        with self.lock:
            if time.monotonic() - self.upkept < UPKEEP_SECONDS:
                return
            self.upkept = time.monotonic()
        for name, work in upkeep().items():
            try:
                work(self.factory, date.today())
            except Exception:  # logged, tried again next round; never stops the runner
                log.exception("upkeep %r failed", name)

    def _sweep(self) -> None:
        """``fail_stale`` at most every ``SWEEP_SECONDS`` per process (it writes: on SQLite,
        each write takes the database's one write lock)."""
        with self.lock:
            if time.monotonic() - self.swept < SWEEP_SECONDS:
                return
            self.swept = time.monotonic()
        with self.factory() as session:
            fail_stale(session)
            session.commit()


_RUNNERS: dict[int, Runner] = {}
_RUNNERS_LOCK = threading.Lock()


def runner_for(factory: sessionmaker, threads: int) -> Runner | None:
    """This process's runner, started on first use (after a fork, a worker starts its own)."""
    if threads <= 0:
        return None
    key = id(factory)
    with _RUNNERS_LOCK:
        found = _RUNNERS.get(key)
        if found is None or found.pid != os.getpid():
            found = _RUNNERS[key] = Runner(factory, threads).start()
    return found


def wake(factory: sessionmaker) -> None:
    """Tell this process's runner that a job was queued (after the start's commit)."""
    found = _RUNNERS.get(id(factory))
    if found is not None and found.pid == os.getpid():
        found.wake.set()
