"""Condition search → roster (``cadres.roster.search``) as the page asks it: the typical
searches a reviewer runs, each timed on the first block of the grid (100 rows) with no cache.

    python -m bench.roster --db URL [--user reviewer] [--repeat 3] [--as-of 2026-11-24]
                           [--profile NAME]

The database must hold a seeded city (``portal demo --scale large --db URL --no-serve``).
Prints, per search, the count found and the wall and CPU ms (this thread's CPU: the app's
own work, SQLite included, a PostgreSQL server's not) as min / median over the repeats.
``--profile NAME`` prints the cProfile of that search instead. Timings are printed, never
asserted.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import time
from datetime import date

from sqlalchemy import select

SEARCHES = {
    "all": {},
    "training_behind": {"training": "behind"},
    "rank_age": {"ranks": ["二级主任科员+"], "min_age": 35, "max_age": 45},
    "rank_age_eligible": {"ranks": ["二级主任科员+"], "min_age": 35, "max_age": 45,
                          "eligible_for": "promotion"},
    "district_rank_years_eligible": {"unit": None, "ranks": ["一级主任科员+"],
                                     "min_rank_years": 2, "eligible_for": "rank_promotion"},
}


def _district(session) -> str:
    from portal.models import Unit
    return session.scalar(select(Unit.code).where(Unit.level == "district").order_by(Unit.code))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--user", default="reviewer")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--as-of", default=date.today().isoformat())
    parser.add_argument("--profile", choices=sorted(SEARCHES))
    args = parser.parse_args(argv)

    from cadres import roster
    from portal import db
    from portal.access import Actor
    from portal.i18n import use_lang
    from portal.models import User

    engine = db.make_engine(args.db)  # no cache attached: every search is computed
    with use_lang("zh"), db.standalone(engine) as session:
        actor = Actor.for_user(session.scalar(select(User).where(User.username == args.user)))
        for name, values in SEARCHES.items():
            if args.profile and name != args.profile:
                continue
            values = {**values, "as_of": args.as_of}
            if "unit" in values:
                values["unit"] = _district(session)
            conditions = roster.read_conditions(values)

            def run(conditions=conditions):
                return roster.search(session, actor, conditions, offset=0, limit=100)

            if args.profile:
                profile = cProfile.Profile()
                profile.runcall(run)
                pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
                continue
            walls, cpus = [], []
            for _ in range(args.repeat):
                wall, cpu = time.perf_counter(), time.thread_time()
                found = run()
                walls.append((time.perf_counter() - wall) * 1000)
                cpus.append((time.thread_time() - cpu) * 1000)
                session.expunge_all()
            print(f"{name:<30} count {found.count:>6}  wall min/med {min(walls):7.0f} "
                  f"{statistics.median(walls):7.0f}  cpu min/med {min(cpus):6.0f} "
                  f"{statistics.median(cpus):6.0f} ms", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f}")


if __name__ == "__main__":
    main()
