"""Benchmarks: seed a demo city at a scale and time what users wait for.

    python -m bench.run [--scale small|city|large] [--db URL] [--repeat N] [--keep]

Not part of the test suite (timings belong here, never in tests). Prints one line per
measurement: the median and the slowest of ``--repeat`` runs, in milliseconds. The
database defaults to a fresh SQLite file under /tmp; pass a PostgreSQL URL to measure
production-like numbers (the schema in that database is rebuilt).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import select

from portal import db, demo, schema
from portal.access import Actor
from portal.i18n import set_lang
from portal.models import User


def timed(label: str, repeat: int, work: Callable[[], object]) -> None:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        runs.append((time.perf_counter() - started) * 1000)
    print(f"{label:<48} median {statistics.median(runs):9.1f} ms   max {max(runs):9.1f} ms")


def actor(session, username: str) -> Actor:
    return Actor.for_user(session.scalar(select(User).where(User.username == username)))


def measure(engine, city: demo.DemoCity, repeat: int) -> None:
    from accountability import cases
    from assessment import service as assessment
    from cadres import annual, annual_xlsx, decisions, evidence, linkage, training

    factory = db.session_factory(engine)
    with factory() as session:
        reviewer, district = actor(session, "reviewer"), actor(session, "reviewer-d1")
        inspector = actor(session, "inspector")
        period = assessment.latest_published_period(session)
        codes = [c["code"] for c in city.cadres[:: max(1, len(city.cadres) // 50)]][:50]
        today = city.today
        timed("assessment: results of the latest period (city)", repeat,
              lambda: assessment.results_for_period(session, reviewer, period.code))
        timed("assessment: results of the latest period (district)", repeat,
              lambda: assessment.results_for_period(session, district, period.code))
        timed("cadres: training progress of every cadre in scope", repeat,
              lambda: training.scope_progress(session, reviewer, today.year))
        timed("accountability: case desk rows (city)", repeat,
              lambda: cases.case_rows(session, inspector, today=today))
        timed("cadres: eligibility of one cadre", repeat,
              lambda: evidence.eligibility(session, reviewer, codes[0], today))
        timed("cadres: profile of one cadre", repeat,
              lambda: evidence.profile(session, reviewer, codes[0], today))
        timed("decisions: list in scope (city)", repeat,
              lambda: decisions.list_decisions(session, reviewer))
        timed("decisions: linkage dashboard, latest period (city)", repeat,
              lambda: linkage.linkage(session, reviewer))
        root = reviewer.unit_id
        timed("reports: annual report data (city)", 1,
              lambda: annual.annual_report(session, reviewer, root, today.year))
        report = annual.annual_report(session, reviewer, root, today.year)
        timed("reports: annual workbook (city)", repeat,
              lambda: annual_xlsx.annual_workbook(report))
        timed(f"cadres: eligibility of {len(codes)} cadres", 1,
              lambda: [evidence.eligibility(session, reviewer, code, today) for code in codes])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(demo.SCALES), default="city")
    parser.add_argument("--db", help="database URL (default: a new SQLite file in /tmp)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file")
    args = parser.parse_args()
    set_lang("en")
    folder = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    url = args.db or f"sqlite:///{folder / 'bench.sqlite'}"
    engine = db.make_engine(url)
    schema.upgrade(engine)
    demo.wipe(engine)
    started = time.perf_counter()
    city = demo.seed(engine, args.scale, today=date.today())
    print(f"seed {args.scale}: {len(city.units)} units, {len(city.cadres)} cadres in "
          f"{time.perf_counter() - started:.1f} s ({engine.dialect.name})")
    measure(engine, city, args.repeat)
    if args.db is None and not args.keep:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
