"""Background jobs at a city's scale: how long the pages wait to start them, how long the jobs
themselves take, and how a page request fares while a big job runs beside it.

    python -m bench.jobs --db URL [--year 2026]

As the reviewer of the whole city: the annual report page (its figures prepared by a job on
a cold cache, then shown from the cache), the report's workbook, and the cadre registry's
XLSX export. Wall ms and the serving thread's CPU ms per request; wall and CPU of each job.
Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import date


def _job(app, actor_of, kind: str, params: dict) -> tuple[float, float, int, str]:
    """Queue ``kind`` as the reviewer and run it in this thread: wall ms, CPU ms, result bytes,
    status."""
    from portal import jobs

    factory = app.server.extensions["portal.sessions"]
    with factory() as session:
        job = jobs.start(session, actor_of(session), kind, params)
        session.commit()
        job_id = job.id
    return _run(app, job_id)


def _run(app, job_id: int) -> tuple[float, float, int, str]:
    """Run the queued job ``job_id`` in this thread (nothing else is queued)."""
    from portal import jobs

    factory = app.server.extensions["portal.sessions"]
    assert jobs.claim(factory) == job_id
    started, cpu = time.perf_counter(), time.thread_time()
    status = jobs.run_job(factory, job_id)
    wall, spent = (time.perf_counter() - started) * 1000, (time.thread_time() - cpu) * 1000
    with factory() as session:
        found = session.get(jobs.Job, job_id)
        size = len(found.result or b"")
        error = found.error or ""
    return wall, spent, size, status + (f" ({error[:80]})" if error else "")


def _page(browser, path: str) -> list[tuple[str, float, float, int, str]]:
    browser.timings = []
    browser.open(path)
    return [t for t in browser.timings if "ca-ar-report" in t[0] or "_pages_content" in t[0]]


def _while(app, browser, kind: str, params: dict, actor_of) -> tuple[list[float], float]:
    """Page requests (the annual report page's layout) while a job of ``kind`` runs in a runner
    thread of the same process: their wall ms, and the job's wall ms."""
    from portal import jobs

    factory = app.server.extensions["portal.sessions"]
    with factory() as session:
        job_id = jobs.start(session, actor_of(session), kind, params).id
        session.commit()
    runner = jobs.Runner(factory, threads=1).start()
    started, waits = time.perf_counter(), []
    try:
        while True:
            with factory() as session:
                if session.get(jobs.Job, job_id).status not in jobs.ACTIVE:
                    break
            waits += [t[1] for t in _page(browser, "/reports/annual") if "_pages" in t[0]]
    finally:
        runner.stop()
    return waits, (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--year", type=int, default=date.today().year)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.db
    os.environ.setdefault("PORTAL_LANG", "zh")
    from sqlalchemy import delete, select

    from bench.callbacks import Browser, login
    from portal import cache
    from portal.access import Actor
    from portal.app import create_app
    from portal.config import Config
    from portal.demo import DEMO_PASSWORD
    from portal.models import User
    from portal.server import settle_heap

    app = create_app(Config.from_env(testing=True, login_rate_limit="10000 per minute", demo=True))
    settle_heap()
    engine = app.server.extensions["portal.engine"]

    def reviewer(session):
        return Actor.for_user(session.scalars(select(User).where(User.username == "reviewer"))
                              .one())

    client = app.server.test_client()
    headers = login(client, "reviewer", DEMO_PASSWORD)
    browser = Browser(client, client.get("/_dash-dependencies").get_json())
    browser.headers = headers
    browser.cache = cache.for_engine(engine)
    with app.server.extensions["portal.sessions"]() as session:
        unit = reviewer(session).unit_id
    view = {"unit": unit, "year": args.year}

    from portal import jobs

    with app.server.extensions["portal.sessions"]() as session:  # left by an earlier run
        session.execute(delete(jobs.Job))
        session.commit()
    print(f"database {engine.dialect.name}; load average {os.getloadavg()[0]:.1f}")
    print(f"{'what':58} {'wall ms':>9} {'cpu ms':>8}  note")
    cache.bump(engine)  # a cold dashboard cache, as after somebody's write
    for label, wall, cpu, status, served in _page(browser, "/reports/annual"):
        print(f"{'page, cold cache: ' + label[:40]:58} {wall:9.1f} {cpu:8.1f}  HTTP {status} "
              f"{served}")
    with app.server.extensions["portal.sessions"]() as session:
        queued = session.scalar(select(jobs.Job.id).where(jobs.Job.status == jobs.QUEUED))
    wall, cpu, size, status = _run(app, queued)
    print(f"{'job annual_report_view (queued by the page)':58} {wall:9.1f} {cpu:8.1f}  {status}")
    for label, wall, cpu, status, served in _page(browser, "/reports/annual"):
        print(f"{'page after the job: ' + label[:38]:58} {wall:9.1f} {cpu:8.1f}  HTTP {status} "
              f"{served}")
    idle = [t[1] for _ in range(3) for t in _page(browser, "/reports/annual") if "_pages" in t[0]]
    for kind, params in (("annual_report", view),
                         ("export.cadres", {"fmt": "xlsx", "header_style": "zh"})):
        wall, cpu, size, status = _job(app, reviewer, kind, params)
        print(f"{'job ' + kind:58} {wall:9.1f} {cpu:8.1f}  {status}, {size:,} bytes")
    jobs.run_pending(app.server.extensions["portal.sessions"])  # the page's, after the exports
    waits, took = _while(app, browser, "export.cadres", {"fmt": "xlsx", "header_style": "zh"},
                         reviewer)
    print(f"page layouts while idle: {len(idle)}, median {statistics.median(idle):.1f} ms, "
          f"max {max(idle):.1f} ms")
    print(f"page layouts answered while the registry export ran ({took:,.0f} ms, one runner "
          f"thread of the same process): {len(waits)}, median "
          f"{statistics.median(waits) if waits else 0:.1f} ms, max {max(waits, default=0):.1f} ms")


if __name__ == "__main__":
    main()
