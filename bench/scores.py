"""The scores-heavy city (issue 11): 3,197 units × 60 indicators × 16 quarters ≈ 3 million
scores; times publishing one period and importing a period's 190,000 score rows.

    python -m bench.scores --db URL [--build] [--repeat 2] [--callbacks] [--files DIR]

Run it on a *copy* of the large city (``cp large.sqlite copy.sqlite`` or ``createdb -T large
copy``), never on the original: ``--build`` replaces the copy's assessment data (schemes,
periods, scores, results, submissions, appeals, surveys) with the scores-heavy one: a scheme
of 60 scored indicators per level (district, street, community) and year, 16 quarters ending
at the last complete one (the first 15 published through the service, the 16th in review),
and the next quarter collecting, empty, for the imports. Scores go in bulk (executemany on
SQLite, ``COPY`` on PostgreSQL). Without ``--build`` the copy must already have been built.

Then it prints one table, each line the median of ``--repeat`` runs: wall ms, this process's
CPU ms (SQLite's work included; a PostgreSQL server's is not) and the load average:

- publish the 16th quarter (compute and freeze every unit's result; rolled back after);
- import the 16th-next quarter's 190,000 scores from CSV and from XLSX (files in the
  contracts.md format, written once under ``--files``; each import is committed, then the
  scores are deleted again);
- import the same CSV with one bad value near the end: refused, the message names the row
  and column, and the database is unchanged (checked, not only timed).

``--callbacks`` then runs ``bench.callbacks`` on the assessment pages at that size.
Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from assessment import periods, rules, schemes
from assessment.enums import Method, PeriodStatus
from assessment.models import Indicator, Period, Scheme, Score
from portal import db, transfer
from portal.access import Actor
from portal.db import utcnow
from portal.enums import UnitLevel
from portal.i18n import set_lang
from portal.models import User
from portal.tabular import Column, ImportProblem, Table, to_bytes

LEVELS = (UnitLevel.DISTRICT, UnitLevel.STREET, UnitLevel.COMMUNITY)
QUARTERS = 16
# Six dimensions (weight, scored indicators) → 58 weighted leaves, a bonus and a veto: 60.
DIMENSIONS = ((20, 10), (20, 10), (20, 10), (20, 10), (10, 10), (10, 8))
# Each dimension's leaves take these methods in turn (all the engine's weighted methods).
METHODS = (Method.RATIO, Method.DIRECT, Method.BANDED, Method.RATIO, Method.DEDUCTION,
           Method.RANK, Method.PROPORTIONAL, Method.RATIO, Method.IMPORTED, Method.BANDED)
BANDS = [[95, 1], [90, 0.85], [85, 0.7], [80, 0.5]]
# Every table of the assessment that hangs off a period or a scheme, children first.
ASSESSMENT_TABLES = ("as_result_item", "as_result", "as_period_level", "as_appeal",
                     "as_evidence", "as_submission_figure", "as_submission",
                     "as_report_deadline", "as_survey_response", "as_survey_code",
                     "as_questionnaire", "as_score", "as_period", "as_indicator", "as_scheme")
ASSESSMENT_PAGES = ("/assessment", "/assessment/unit", "/assessment/indicator",
                    "/assessment/warnings", "/assessment/what-if", "/assessment/scores",
                    "/assessment/periods", "/assessment/report")


# --- building the scores-heavy city -------------------------------------------------------

def scheme_rows() -> list[dict]:
    """One level's 66 indicator rows: 6 dimensions, 58 weighted leaves, a bonus, a veto."""
    rows = []
    for d, (weight, count) in enumerate(DIMENSIONS, start=1):
        group = f"D{d}"
        rows.append({"code": group, "name": f"维度{d}", "weight": float(weight),
                     "method": Method.GROUP})
        for n in range(1, count + 1):
            method = METHODS[(n - 1) % len(METHODS)]
            row = {"code": f"{group}I{n:02d}", "name": f"指标{d}-{n}", "parent_code": group,
                   "weight": weight / count, "method": method}
            row.update({Method.RATIO: {"target": 90.0}, Method.BANDED: {"bands": BANDS},
                        Method.DEDUCTION: {"per_item": 0.5},
                        Method.RANK: {"params": {"rank_step": 0.001}}}.get(method, {}))
            rows.append(row)
    rows.append({"code": "JF", "name": "创新加分", "weight": 0.0, "method": Method.BONUS,
                 "per_item": 1.0, "cap": 3.0})
    rows.append({"code": "FJ", "name": "一票否决", "weight": 0.0, "method": Method.VETO})
    return rows


def leaf_values(leaf: dict, quality: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Believable values of one leaf for every unit (``quality`` around 0.85)."""
    a = np.clip(quality + rng.normal(0, 0.03, len(quality)), 0.3, 1.08)
    method = leaf["method"]
    if method in (Method.DIRECT, Method.IMPORTED):
        return np.round(leaf["weight"] * np.minimum(a, 1.0), 2)
    if method == Method.BANDED:
        return np.round(np.minimum(70 + 28 * a, 99.6), 1)
    if method == Method.DEDUCTION:
        return rng.poisson(np.maximum(0.05, (1.05 - a) * 4)).astype(float)
    if method == Method.BONUS:
        return rng.poisson(0.3, len(a)).astype(float)
    if method == Method.VETO:
        return (rng.random(len(a)) < 0.0005).astype(float)
    return np.round(90 * a, 1)  # ratio, rank, proportional: a percentage


def wipe_assessment(session: Session) -> None:
    for table in ASSESSMENT_TABLES:
        session.execute(text(f"DELETE FROM {table}"))


def add_schemes(session: Session, years: list[int]) -> None:
    for year in years:
        for level in LEVELS:
            scheme = Scheme(year=year, level=level, version=1, name=f"{year} {level.value} 60",
                            created_by="bench")
            for position, row in enumerate(scheme_rows()):
                scheme.indicators.append(Indicator(position=position, **row))
            session.add(scheme)
            session.flush()
            assert not rules.validate_scheme(schemes.spec_of(scheme)), (year, level)


def quarter_codes(today: date) -> list[str]:
    codes = [rules.last_complete_quarter(today)]
    while len(codes) < QUARTERS:
        codes.insert(0, rules.previous_quarter(codes[0]))
    return codes


def next_quarter(code: str) -> str:
    year, quarter = int(code[:4]), int(code[5])
    return f"{year + 1}Q1" if quarter == 4 else f"{year}Q{quarter + 1}"


def add_period(session: Session, code: str, status: PeriodStatus) -> Period:
    dates = rules.parse_period_code(code)
    period = Period(code=dates.code, kind=dates.kind, year=dates.year, quarter=dates.quarter,
                    start=dates.start, end=dates.end, status=status)
    session.add(period)
    session.flush()
    return period


def period_scores(session: Session, period: Period, qualities: dict,
                  rng: np.random.Generator) -> list[tuple]:
    """Every assessed unit's value of every leaf of its level's scheme, as score rows."""
    now, rows = utcnow().replace(tzinfo=None), []  # naive UTC, as SQLAlchemy stores it
    for level in LEVELS:
        units = periods.unit_frame(session, level)["unit_id"].to_numpy()
        quality = np.array([qualities.setdefault(int(u), rng.normal(0.85, 0.06)) for u in units])
        for leaf in (r for r in scheme_rows() if r["method"] != Method.GROUP):
            values = leaf_values(leaf, quality, rng)
            rows.extend((period.id, int(u), leaf["code"], float(v), "", 1, now, "bench")
                        for u, v in zip(units, values, strict=True))
    return rows


SCORE_FIELDS = ("period_id", "unit_id", "indicator_code", "value", "note", "version",
                "updated_at", "updated_by")


def load_scores(session: Session, rows: list[tuple]) -> None:
    """Bulk-load score rows: ``COPY`` on PostgreSQL, executemany on SQLite."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy(f"COPY as_score ({', '.join(SCORE_FIELDS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _field in SCORE_FIELDS)
    connection.exec_driver_sql(
        f"INSERT INTO as_score ({', '.join(SCORE_FIELDS)}) VALUES ({marks})", rows)


def build(factory, reviewer: Actor, today: date) -> None:
    codes = quarter_codes(today)
    target = next_quarter(codes[-1])
    years = sorted({int(c[:4]) for c in [*codes, target]})
    rng = np.random.default_rng(11)
    qualities: dict[int, float] = {}
    started = time.perf_counter()
    with factory() as session:
        wipe_assessment(session)
        add_schemes(session, years)
        for code in codes:
            period = add_period(session, code, PeriodStatus.REVIEWING)
            load_scores(session, period_scores(session, period, qualities, rng))
        add_period(session, target, PeriodStatus.COLLECTING)
        session.commit()
        total = session.scalar(select(func.count()).select_from(Score))
    print(f"built: {len(years) * len(LEVELS)} schemes, {len(codes)} quarters, {total:,} scores "
          f"in {time.perf_counter() - started:.0f} s")
    publishes = []
    for code in codes[:-1]:
        with factory() as session:
            publishes.append(timed(lambda c=code, s=session: _publish(s, reviewer, c, today)))
            session.commit()
    print(f"published {len(publishes)} quarters through the service: median "
          f"{statistics.median(w for w, _c, _l in publishes):,.0f} ms wall")
    with factory() as session:
        session.execute(text("ANALYZE"))  # fresh statistics, as after any big load
        session.commit()


# --- measuring -----------------------------------------------------------------------------

def timed(work: Callable[[], object]) -> tuple[float, float, float]:
    """Wall ms, this process's CPU ms, and the 1-minute load average after."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return ((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000,
            os.getloadavg()[0])


def _publish(session: Session, reviewer: Actor, code: str, today: date) -> None:
    periods.transition(session, reviewer, code, PeriodStatus.PUBLISHED, today=today)
    session.flush()


def score_file(session: Session, code: str, fmt: str, bad_row: bool = False) -> bytes:
    """The period's scores in the contracts.md format: period, unit_code, indicator_code,
    value, note (every assessed unit, every scored indicator of its level)."""
    period = periods.get(session, code)
    rng = np.random.default_rng(7)
    rows: list[list] = []
    for level in LEVELS:
        units = periods.unit_frame(session, level)
        quality = rng.normal(0.85, 0.06, len(units))
        for leaf in (r for r in scheme_rows() if r["method"] != Method.GROUP):
            values = leaf_values(leaf, quality, rng)
            rows.extend([period.code, unit, leaf["code"], float(v), ""]
                        for unit, v in zip(units["code"], values, strict=True))
    if bad_row:
        rows[-7][3] = "九十"  # a word in the value column, seven rows before the end
    header = ["period", "unit_code", "indicator_code", "value", "note"]
    if fmt == "xlsx":
        return to_bytes(_table(header, rows), "xlsx")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _table(header: list[str], rows: list[list]):
    return Table("scores", [Column(h, h) for h in header],
                 [dict(zip(header, row, strict=True)) for row in rows])


def files(factory, code: str, where: Path) -> dict[str, Path]:
    where.mkdir(parents=True, exist_ok=True)
    found = {}
    with factory() as session:
        for name, fmt, bad in (("scores.csv", "csv", False), ("scores.xlsx", "xlsx", False),
                               ("scores-bad.csv", "csv", True)):
            path = where / f"{code}-{name}"
            if not path.exists():
                path.write_bytes(score_file(session, code, fmt, bad))
            found[name] = path
    return found


def _import(factory, reviewer: Actor, path: Path, code: str) -> None:
    with factory() as session:
        transfer.run_import(session, reviewer, "scores", path.read_bytes(), path.name,
                            period=code)
        session.commit()


def _clear(factory, code: str) -> None:
    with factory() as session:
        period = periods.get(session, code)
        session.execute(delete(Score).where(Score.period_id == period.id))
        session.commit()


def _failed_import(factory, reviewer: Actor, path: Path, code: str) -> str:
    with factory() as session:
        before = session.scalar(select(func.count()).select_from(Score))
        try:
            transfer.run_import(session, reviewer, "scores", path.read_bytes(), path.name,
                                period=code)
        except ImportProblem as problem:
            message = problem.lines()[0]
        else:
            raise AssertionError("the bad file was imported")
        session.rollback()
        after = session.scalar(select(func.count()).select_from(Score))
    assert before == after, (before, after)
    return message


def measure(factory, reviewer: Actor, today: date, repeat: int, where: Path) -> None:
    with factory() as session:
        reviewing = session.scalar(select(Period.code).where(
            Period.status == PeriodStatus.REVIEWING).order_by(Period.start.desc()))
        collecting = session.scalar(select(Period.code).where(
            Period.status == PeriodStatus.COLLECTING).order_by(Period.start.desc()))
        scores = session.scalar(select(func.count()).select_from(Score))
    print(f"{scores:,} scores; publishing {reviewing}, importing into {collecting}")
    paths = files(factory, collecting, where)
    lines: list[tuple[str, list]] = []

    def publish_once():
        with factory() as session:
            _publish(session, reviewer, reviewing, today)
            session.rollback()

    lines.append((f"publish {reviewing} (compute and freeze, rolled back)",
                  [timed(publish_once) for _run in range(repeat)]))
    for name in ("scores.csv", "scores.xlsx"):
        runs = []
        for _run in range(repeat):
            runs.append(timed(lambda p=paths[name]: _import(factory, reviewer, p, collecting)))
            _clear(factory, collecting)
        lines.append((f"import {name} ({paths[name].stat().st_size / 2**20:.1f} MB), committed",
                      runs))
    message: list[str] = []
    lines.append(("import scores-bad.csv: refused, DB unchanged",
                  [timed(lambda: message.append(_failed_import(factory, reviewer,
                                                               paths["scores-bad.csv"],
                                                               collecting)))
                   for _run in range(repeat)]))
    print(f"{'what':<58} {'wall ms':>9} {'cpu ms':>9} {'load':>6}")
    for label, runs in lines:
        print(f"{label:<58} {statistics.median(r[0] for r in runs):9,.0f} "
              f"{statistics.median(r[1] for r in runs):9,.0f} "
              f"{statistics.median(r[2] for r in runs):6.1f}")
    print(f"the refusal: {message[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="URL of a COPY of the large city")
    parser.add_argument("--build", action="store_true",
                        help="replace the copy's assessment data with the scores-heavy city")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--files", default="/tmp/bench-scores",
                        help="where the generated import files are kept")
    parser.add_argument("--callbacks", action="store_true",
                        help="then run bench.callbacks on the assessment pages")
    parser.add_argument("--measure", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    set_lang("en")
    engine = db.make_engine(args.db)
    factory = db.session_factory(engine)
    today = date.today()
    with factory() as session:
        reviewer = Actor.for_user(session.scalar(select(User).where(User.username == "reviewer")))
    if args.build:
        build(factory, reviewer, today)
    if args.measure:
        measure(factory, reviewer, today, args.repeat, Path(args.files) / engine.dialect.name)
    if args.callbacks:
        subprocess.run([sys.executable, "-m", "bench.callbacks", "--db", args.db,
                        "--roles", "reviewer", "--pages", ",".join(ASSESSMENT_PAGES),
                        "--visits", "3"], check=False)


if __name__ == "__main__":
    main()
