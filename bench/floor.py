"""Each heavy aggregation beside the same computation done directly with NumPy on the same rows.

    python -m bench.floor --db URL [--repeat 3]

For each aggregation the service call is timed (``service``), then the rows it starts from
are read once into NumPy arrays (``load``) and the same arithmetic is done on them
(``numpy``). ``ratio`` is service ÷ (load + numpy): what the service costs beyond reading
its rows and doing the sums; ``vs numpy`` is service ÷ numpy alone (the arithmetic without
the database). Times are the median CPU milliseconds of this thread (a PostgreSQL server's
own work is not in them; the wall time is printed beside). The NumPy results are checked
against the service's, so the floor computes the same thing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import date

import numpy as np
from sqlalchemy import case, func, select


def timed(work, repeat: int) -> tuple[float, float, object]:
    cpu, wall, result = [], [], None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.thread_time()
        result = work()
        cpu.append((time.thread_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return statistics.median(cpu), statistics.median(wall), result


def training_completion(session, actor, year: int, as_of: date):
    """Completion per unit (cadres.completion.unit_tallies) vs NumPy over the plans and tallies."""
    from cadres import completion, rules
    from cadres import settings as cadre_settings
    from portal import units

    focus = units.scope_root(session, actor)

    def service():
        return completion.unit_tallies(session, actor, year, under=focus, as_of=as_of)

    base = completion.inputs(session, actor, year, focus)
    first, last = rules.five_year_window(year, cadre_settings.cycle_start(session))

    def load():
        rows = session.execute(select(*base.c)).all()
        names = list(base.c.keys())
        return {name: np.array([r[i] for r in rows], dtype=object if name == "deadline" else float)
                for i, name in enumerate(names)}

    def compute(a):
        cap = a["cap"]
        capped = np.where(np.isnan(cap), np.inf, cap * a["annual"])
        counted = np.where(np.isnan(cap), a["total"],
                           a["offline"] + np.minimum(a["online"], capped))
        met = (a["annual"] - counted < completion.MET) & (
            a["online_required"] - a["online"] < completion.MET
        )
        for category in ("theory", "party_spirit", "professional", "knowledge"):
            required = a[f"req_{category}"]
            met &= (required <= 0) | (required - a[category] < completion.MET)
        start = date(year, 1, 1)
        shares = {d: rules.elapsed_share(start, d, as_of) for d in set(a["deadline"])}
        share = np.array([shares[d] for d in a["deadline"]])
        past = np.array([d < as_of for d in a["deadline"]])
        behind = (counted < a["annual"] * share - rules.EPSILON) | (past & ~met)
        done = counted + sum(a[f"earlier_{n}"] for n in range(year - first))
        has_five = ~np.isnan(a["five"]) & (np.nan_to_num(a["five"]) != 0)
        five_share = rules.elapsed_share(date(first, 1, 1), date(last, 12, 31),
                                         min(as_of, date(year, 12, 31)))
        five_behind = has_five & (done < np.nan_to_num(a["five"]) * five_share - rules.EPSILON)
        ids, index = np.unique(a["unit_id"].astype(np.int64), return_inverse=True)
        return {"units": len(ids), "cadres": len(counted),
                "complete": int(np.bincount(index, met).sum()),
                "behind": int(np.bincount(index, behind).sum()),
                "five_year_behind": int(five_behind.sum())}

    def check(found, floor):
        summary = completion.summary(found)
        return all(summary[k] == floor[k] for k in ("cadres", "complete", "behind",
                                                    "five_year_behind")) \
            and len(found) == floor["units"]

    return service, load, compute, check


def excellent_quota(session, actor, year: int, _as_of: date):
    """The 优秀 quota per unit (cadres.grades.quota_checks) vs NumPy over the year's grades."""
    from cadres import grades
    from cadres.enums import AppraisalGrade
    from cadres.models import CadreAppraisal
    from portal.models import Unit

    def service():
        return grades.quota_checks(session, actor, year)

    def load():
        rows = session.execute(select(CadreAppraisal.unit_id,
                                      case((CadreAppraisal.grade == AppraisalGrade.EXCELLENT, 1),
                                                                    else_=0))
                               .join(Unit, Unit.id == CadreAppraisal.unit_id)
                               .where(CadreAppraisal.year == year, actor.unit_clause())).all()
        return np.array([r[0] for r in rows], dtype=np.int64), np.array([r[1] for r in rows],
                                                                        dtype=np.int64)

    def compute(arrays):
        unit_ids, excellent = arrays
        ids, index = np.unique(unit_ids, return_inverse=True)
        return ids, np.bincount(index), np.bincount(index, excellent)

    def check(found, floor):
        ids, assessed, excellent = floor
        return [(q.unit_id, q.check.assessed, q.check.excellent) for q in found] == \
            [(int(i), int(n), int(e)) for i, n, e in zip(ids, assessed, excellent, strict=True)]

    return service, load, compute, check


def assessment_trend(session, actor, _year: int, _as_of: date):
    """Mean composite per quarter and level below the city (assessment.results.subtree_trend)."""
    from assessment import results
    from assessment.enums import PeriodKind
    from assessment.models import Period, Result
    from portal import units
    from portal.models import Unit

    root = units.scope_root(session, actor)

    def service():
        return results.subtree_trend(session, actor, root.id, PeriodKind.QUARTER)

    def load():
        rows = session.execute(
            select(Result.period_id, Result.level, Result.composite)
            .join(Period, Period.id == Result.period_id)
            .join(Unit, Unit.id == Result.unit_id)
            .where(
                Period.kind == PeriodKind.QUARTER,
                Period.status.in_(["published", "archived"]),
                actor.unit_clause(),
                Unit.id != root.id,
            )
        ).all()
        levels = {level: n for n, level in enumerate(sorted({r[1] for r in rows}))}
        return (np.array([r[0] * 10 + levels[r[1]] for r in rows], dtype=np.int64),
                np.array([r[2] for r in rows], dtype=float))

    def compute(arrays):
        keys, composite = arrays
        ids, index = np.unique(keys, return_inverse=True)
        return np.bincount(index, composite) / np.bincount(index)

    def check(found, floor):
        return len(found) == len(floor)

    return service, load, compute, check


AGGREGATIONS = [("training completion per unit (city)", training_completion),
                ("excellent quota per unit (city)", excellent_quota),
                ("assessment trend per quarter and level", assessment_trend)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--user", default="reviewer")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.db
    from cadres.models import CadreAppraisal
    from portal import db
    from portal.access import Actor
    from portal.i18n import set_lang
    from portal.models import User

    set_lang("en")
    engine = db.make_engine(args.db)
    today = date.today()
    with db.session_factory(engine)() as session:
        actor = Actor.for_user(session.scalar(select(User).where(User.username == args.user)))
        grade_year = session.scalar(select(func.max(CadreAppraisal.year)))
        print(
            f"{'aggregation':<42} {'service':>9} {'load':>8} {'numpy':>8} {'ratio':>7} {'vs numpy':>9} "  # noqa: E501
            f"{'wall':>8}  same"
        )
        for label, make in AGGREGATIONS:
            year = grade_year if make is excellent_quota else today.year
            service, load, compute, check = make(session, actor, year, today)
            service_cpu, service_wall, found = timed(service, args.repeat)
            load_cpu, _wall, arrays = timed(load, 1)
            numpy_cpu, _wall, floor = timed(lambda arrays=arrays, compute=compute: compute(arrays),
                                            args.repeat)
            print(
                f"{label:<42} {service_cpu:9.1f} {load_cpu:8.1f} {numpy_cpu:8.1f} "
                f"{service_cpu / max(load_cpu + numpy_cpu, 0.001):7.2f} {service_cpu / max(numpy_cpu, 0.001):9.1f} "  # noqa: E501
                f"{service_wall:8.1f}  {'yes' if check(found, floor) else 'NO'}"
            )


if __name__ == "__main__":
    main()
