"""Background jobs (portal.jobs): queued in the database, claimed once, run as their owner with
progress any worker can read; failures in plain words with nothing kept; only the owner sees
a job and its file; a job whose process died is failed; the pages stay answered meanwhile."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from portal import audit, jobs
from portal.db import session_factory, utcnow
from portal.errors import Invalid, NotFound
from portal.models import AuditEvent, Job
from tests import factories
from tests.callbacks import follow_job
from tests.web import csrf_header, login


@pytest.fixture
def city(session):
    return factories.city(session)


@pytest.fixture
def factory(clean_db):
    return session_factory(clean_db)


def _seen(factory, job_id, **wanted) -> dict:
    """The job row as another worker reads it, once it shows ``wanted`` (up to 5 s)."""
    deadline = time.monotonic() + 5
    while True:
        with factory() as other:
            job = other.get(Job, job_id)
            seen = {key: getattr(job, key) for key in ("status", "stage", "done", "total")}
        if all(seen[k] == v for k, v in wanted.items()) or time.monotonic() > deadline:
            return seen
        time.sleep(0.05)


@pytest.fixture
def kinds(monkeypatch, factory):
    """Test kinds: one reporting progress then leaving a file, one writing then failing, one
    waiting for the test's signal."""
    seen, release = {}, threading.Event()

    def counting(session, actor, params, upload, progress):
        progress("checking", 5, 10)
        seen["progress"] = _seen(factory, params["id"], done=5)
        return jobs.Outcome(name="count.csv", media_type="text/csv", content=b"a,b\n1,2\n",
                            message=f"{actor.username}: {len(upload or b'')} bytes")

    def failing(session, actor, params, upload, progress):
        audit.log(session, actor, "test.write", entity_type="unit", entity_id=1)
        session.flush()
        raise Invalid("Row 3, column value: “x” is not a number.")

    def slow(session, actor, params, upload, progress):
        progress("gathering", 0, 0)
        release.wait(10)
        return jobs.Outcome(message="slept")

    registry = jobs.kinds()
    for name, kind in {"test.count": jobs.Kind("reports.view", counting),
                       "test.fail": jobs.Kind("reports.view", failing),
                       "test.slow": jobs.Kind("reports.view", slow)}.items():
        monkeypatch.setitem(registry, name, kind)
    return seen, release


def _start(factory, actor, kind, **params):
    with factory() as session:
        job = jobs.start(session, actor, kind, params, b"12345")
        session.commit()
        return job.id


def test_a_job_runs_once_as_its_owner_with_progress_and_leaves_its_file(session, city, factory,
                                                                        kinds):
    reviewer = city.actor("reviewer")
    job_id = _start(factory, reviewer, "test.count")
    with factory() as s:
        s.execute(update(Job).where(Job.id == job_id).values(params={"id": job_id}))
        s.commit()
    assert jobs.status(session, reviewer, job_id).status == "queued"
    assert jobs.claim(factory) == job_id and jobs.claim(factory) is None  # claimed once
    assert jobs.run_job(factory, job_id) == "done"
    assert kinds[0]["progress"] == {"status": "running", "stage": "checking", "done": 5,
                                    "total": 10}
    session.expire_all()
    job = jobs.status(session, reviewer, job_id)
    assert job.summary["message"] == "reviewer: 5 bytes" and job.upload is None
    assert jobs.result_file(session, reviewer, job_id) == ("count.csv", "text/csv", b"a,b\n1,2\n")
    started = session.scalars(select(AuditEvent).where(AuditEvent.action == "job.start")).one()
    assert started.summary["kind"] == "test.count" and started.actor == "reviewer"


def test_a_failed_job_keeps_nothing_and_says_why(session, city, factory, kinds):
    reviewer = city.actor("reviewer")
    job_id = _start(factory, reviewer, "test.fail")
    before = session.scalar(select(func.count()).select_from(AuditEvent))
    assert jobs.run_pending(factory) == 1
    session.expire_all()
    job = jobs.status(session, reviewer, job_id)
    assert job.status == "failed" and job.error == "Row 3, column value: “x” is not a number."
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == before
    with pytest.raises(NotFound):
        jobs.result_file(session, reviewer, job_id)


def test_only_the_owner_sees_a_job_and_its_file(session, city, factory, kinds, client):
    job_id = _start(factory, city.actor("reviewer"), "test.count")
    with factory() as s:
        s.execute(update(Job).where(Job.id == job_id).values(params={"id": job_id}))
        s.commit()
    jobs.run_pending(factory)
    other = city.actor("reviewer-d1")
    for look in (jobs.status, jobs.result_file):
        with pytest.raises(NotFound):
            look(session, other, job_id)
    assert jobs.latest(session, other, "test.count") is None
    login(client, "reviewer-d1")
    assert client.get(f"/jobs/{job_id}/download").status_code == 404
    client.get("/logout")
    login(client, "reviewer")
    response = client.get(f"/jobs/{job_id}/download")
    assert response.status_code == 200 and response.data == b"a,b\n1,2\n"
    assert 'filename="count.csv"' in response.headers["Content-Disposition"]


def test_start_checks_role_and_bounds_the_queue(session, city, factory, kinds):
    from portal.errors import AccessDenied

    with pytest.raises(AccessDenied):
        jobs.start(session, city.actor("cadre"), "test.count")
    with pytest.raises(Invalid):
        jobs.start(session, city.actor("reviewer"), "no.such.kind")
    reviewer = city.actor("reviewer")
    for number in range(jobs.MAX_ACTIVE):
        jobs.start(session, reviewer, "test.slow", {"n": number})
    again = jobs.start(session, reviewer, "test.slow", {"n": 0}, reuse=True)
    assert again.params == {"n": 0}  # the same job, followed again
    with pytest.raises(Invalid, match="already have 3 jobs"):
        jobs.start(session, reviewer, "test.slow", {"n": 9})


def test_a_job_whose_process_died_is_failed_in_plain_words(session, city, factory, kinds):
    job_id = _start(factory, city.actor("reviewer"), "test.count")
    assert jobs.claim(factory) == job_id
    with factory() as s:  # the process claimed it, then died: no heartbeat since
        s.execute(update(Job).values(heartbeat_at=utcnow() - timedelta(minutes=10)))
        assert jobs.fail_stale(s) == 1
        s.commit()
    session.expire_all()
    job = jobs.status(session, city.actor("reviewer"), job_id)
    assert job.status == "failed" and "stopped before it finished" in job.error
    # a late finish of the lost run keeps nothing
    assert jobs.run_job(factory, job_id) == "failed"


def test_the_progress_callback_answers_while_a_long_job_runs_and_only_its_owner(
        session, city, factory, kinds, client, app):
    job_id = _start(factory, city.actor("reviewer"), "test.slow")
    runner = jobs.Runner(factory, threads=1).start()
    try:
        assert _seen(factory, job_id, status="running")["status"] == "running"
        login(client, "reviewer")
        running = follow_job(client, app, "test.slow", job_id)  # the job waits for the test
        text = running.get_data(as_text=True)
        assert running.status_code == 200 and "Gathering the figures" in text
        client.get("/logout")
        login(client, "reviewer-d1")
        assert "No such job" in follow_job(client, app, "test.slow", job_id).get_data(as_text=True)
        kinds[1].set()
        assert _seen(factory, job_id, status="done")["status"] == "done"
    finally:
        kinds[1].set()
        runner.stop()
    client.get("/logout")
    login(client, "reviewer")
    done = follow_job(client, app, "test.slow", job_id).get_json()["response"]
    assert done['{"kind":"test.slow","type":"job-done"}']["data"] == job_id
    assert done['{"kind":"test.slow","type":"job-poll"}']["disabled"] is True


def test_a_cadre_cannot_start_a_job_through_a_page(client, app, city):
    login(client, "cadre")
    response = follow_job(client, app, "annual_report", 1)
    assert "No such job" in response.get_data(as_text=True)


def test_the_registry_export_is_built_in_the_background_for_the_reviewer_only(client, app, city):
    from tests.callbacks import job_key, run_jobs

    kind = "export.cadres"
    key = next(k for k in app.callback_map if "export-job-error" in k)
    buttons = [{"id": {"type": "export-job", "kind": kind, "fmt": fmt}, "property": "n_clicks",
                "value": 1 if fmt == "csv" else None} for fmt in ("xlsx", "csv")]

    def start(username):
        login(client, username)
        body = {"output": key,
                "outputs": [{"id": {"type": "job-id", "kind": kind}, "property": "data"},
                            {"id": {"type": "export-job-error", "kind": kind},
                             "property": "children"}],
                "inputs": buttons,
                "state": [{"id": {"type": "export-job-period", "kind": kind}, "property": "data",
                           "value": None},
                          {"id": {"type": "export-job-error", "kind": kind}, "property": "id",
                           "value": {"type": "export-job-error", "kind": kind}}],
                "changedPropIds": [f'{{"fmt":"csv","kind":"{kind}","type":"export-job"}}.n_clicks']}
        return client.post("/_dash-update-component", json=body, headers=csrf_header(client))

    refused = start("cadre")
    assert refused.status_code == 200 and "may not" in refused.get_data(as_text=True)
    assert run_jobs(app) == 0
    client.get("/logout")
    job = start("reviewer").get_json()["response"][job_key(kind, "id")]["data"]
    assert run_jobs(app) == 1
    download = client.get(f"/jobs/{job}/download")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert "C0001" in download.get_data(as_text=True) and "C0002" in download.get_data(as_text=True)


def _page(client, path: str) -> dict:
    from tests.web import callback

    response = callback(client, [("_pages_content", "children"), ("_pages_store", "data")],
                        [("_pages_location", "pathname", path), ("_pages_location", "search", "")])
    assert response.status_code == 200, path
    return response.get_json()


def _stores(node, found=None) -> dict:
    """{kind: data} of every job-id store in a rendered layout."""
    found = {} if found is None else found
    if isinstance(node, dict):
        props = node.get("props", {})
        ident = props.get("id")
        if isinstance(ident, dict) and ident.get("type") == "job-id":
            found[ident["kind"]] = props.get("data")
        for value in node.values():
            _stores(value, found)
    elif isinstance(node, list):
        for value in node:
            _stores(value, found)
    return found


def test_pages_with_a_job_panel_open_and_find_the_users_latest_job_again(client, city, factory):
    login(client, "reviewer")
    assert _stores(_page(client, "/cadres")) == {"export.cadres": None}
    job_id = _start(factory, city.actor("reviewer"), "annual_report",
                    unit=city.city.id, year=2026)
    assert _stores(_page(client, "/reports/annual")) == {"annual_report": job_id,
                                                         "annual_report_view": None}


def test_an_idle_runner_does_the_packages_upkeep_and_a_failing_one_does_not_stop_it(
        factory, monkeypatch, caplog):
    calls, failing = [], []

    def failing_work(_factory, _today):
        failing.append(1)
        raise RuntimeError("the database went away")

    def work(given, today):
        with given() as session:  # the runner's own sessions
            calls.append((session.scalar(select(func.count()).select_from(Job)), today))

    monkeypatch.setattr(jobs, "UPKEEP_SECONDS", 0.0)
    monkeypatch.setattr(jobs, "IDLE_POLL_SECONDS", 0.05)
    monkeypatch.setattr(jobs, "upkeep", lambda: {"boom": failing_work, "test": work})
    runner = jobs.Runner(factory, threads=1)
    runner.upkept = float("-inf")
    runner.start()
    try:
        deadline = time.monotonic() + 5
        while len(calls) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        runner.stop()
    assert len(calls) >= 2 and len(failing) >= 2, "every round, after the failing one too"
    assert calls[0][1] == date.today()
    assert "upkeep 'boom' failed" in caplog.text


def test_the_packages_upkeep_includes_keeping_the_training_summaries():
    assert "training summaries" in jobs.upkeep()
