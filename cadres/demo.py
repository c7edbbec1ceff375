"""Demo data for the cadres package: postings, a course catalogue with attendance, training
records from January of last year to today (some cadres behind schedule), claims waiting
for approval, plans, and three years of appraisal grades.

Deterministic (``city.rng``) and bulk-inserted: a few seconds for the small city.
"""

from __future__ import annotations

import functools
import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from accountability import service as accountability
from cadres import grades, rules, training
from cadres.enums import (
    AppraisalGrade,
    ClaimStatus,
    EnrolmentStatus,
    RecordSource,
    TrainingCategory,
    TrainingMode,
)
from cadres.models import (
    CadreAppraisal,
    CadrePosting,
    Course,
    Enrolment,
    TrainingClaim,
    TrainingPlan,
    TrainingRecord,
)
from cadres.rules import grades as grade_rules
from portal.access import Actor
from portal.db import bulk_insert, utcnow
from portal.demo import DemoCity
from portal.enums import UnitLevel
from portal.models import Cadre

T, P, PRO, K = (TrainingCategory.THEORY, TrainingCategory.PARTY_SPIRIT,
                TrainingCategory.PROFESSIONAL,
                TrainingCategory.KNOWLEDGE)
PARTY_SCHOOL = "中共江州市委党校"

CLASSES = [  # offline classes run by the city: (title, category, hours, provider)
    ("习近平新时代中国特色社会主义思想专题研讨班", T, 40, PARTY_SCHOOL),
    ("学习贯彻党的二十届三中全会精神轮训班", T, 24, PARTY_SCHOOL),
    ("马克思主义经典著作读书班", T, 16, PARTY_SCHOOL),
    ("党性教育专题培训班", P, 24, "江州市党性教育基地"),
    ("红色教育现场教学", P, 16, "江州革命纪念馆"),
    ("廉洁从政警示教育培训", P, 8, "市纪委监委"),
    ("基层社会治理能力提升班", PRO, 32, PARTY_SCHOOL),
    ("网格化管理与城市运行专题培训", PRO, 16, "市城市运行管理中心"),
    ("信访工作法治化专题培训", PRO, 8, "市信访局"),
    ("应急管理与安全生产专题培训", PRO, 16, "市应急管理局"),
    ("数字政府与大数据应用专题", K, 8, "市大数据局"),
    ("公文写作与调查研究方法", K, 8, PARTY_SCHOOL),
]
DISTRICT_CLASSES = [  # offline classes of the district party schools (imported records)
    ("乡村振兴与共同富裕专题培训", PRO, 24), ("党建引领基层治理专题培训", PRO, 16),
    ("新时代党的建设专题讲座", P, 8), ("法治政府建设专题讲座", K, 4),
                    ("理论学习中心组专题学习", T, 8),
]
ONLINE = [  # 干部网络学院 courses: (topic, category, hours)
    ("中国式现代化", T, 6), ("习近平文化思想", T, 5), ("总体国家安全观", T, 3),
          ("意识形态工作", T, 4),
    ("马克思主义中国化时代化", T, 4), ("全面从严治党", P, 4), ("党纪学习教育", P, 4),
          ("党史专题", P, 6),
    ("廉政文化", P, 3), ("中国共产党章程", P, 4), ("基层治理创新案例", PRO, 4),
          ("防范化解重大风险", PRO, 4),
    ("乡村治理", PRO, 4), ("群众工作方法", PRO, 3), ("统计法律法规", PRO, 2),
          ("优化营商环境", PRO, 3),
    ("民法典解读", K, 3), ("人工智能通识", K, 3), ("生态文明建设", K, 3), ("保密知识", K, 2),
    ("宪法学习", K, 4), ("心理健康与压力调适", K, 2), ("数字素养", K, 3), ("应急科普", K, 2),
]
NETWORK_ACADEMY = "江州干部网络学院"
UPCOMING = [("基层党组织书记冬训班", P, 24), ("年轻干部能力提升班", PRO, 40),
            ("数字治理专题研修班", K, 16),
            ("党的创新理论读书班", T, 24), ("依法行政专题培训班", PRO, 16)]
SELF_STUDY = [("自学《习近平谈治国理政》第五卷", T, TrainingMode.OFFLINE, 8),
              ("参加区委理论学习中心组扩大学习", T, TrainingMode.OFFLINE, 4),
              ("自学《中国共产党纪律处分条例》", P, TrainingMode.ONLINE, 6),
              ("“学习强国”专题学习", T, TrainingMode.ONLINE, 10),
              ("参加社区治理线上研讨会", PRO, TrainingMode.ONLINE, 3),
              ("参加市社科联法治讲座", K, TrainingMode.OFFLINE, 3),
              ("自学《基层治理案例选编》", PRO, TrainingMode.OFFLINE, 6)]
EVIDENCE = ["学习平台学习记录截图，学习时长见附件", "结业证书编号 JZ-{n:05d}", "单位出具的参学证明",
            "学习笔记与心得体会各一份，已交支部存档", "主办单位签到表复印件"]
REJECT_REASONS = ["证明材料不足，请补充学习平台截图或证书编号后重新申报。",
                  "该学习属于单位集中学习，已由单位统一报送学时，不重复计算。",
                  "申报学时超过活动实际时长，请按实际学时重新申报。"]


class _Ids:
    def __init__(self):
        self.next: dict[str, int] = {}

    def __call__(self, table: str) -> int:
        self.next[table] = self.next.get(table, 0) + 1
        return self.next[table]


def _day_in(rng: random.Random, start: date, end: date) -> date:
    """``start + rng.randint(0, days)``: the same draw (``randint`` is ``_randbelow`` after its
    argument checks), without the checks, for the large city's ~3 million days."""
    return start + timedelta(days=rng._randbelow(max(0, (end - start).days) + 1))


@functools.cache
def _course_key(title: str) -> str:
    """``rules.course_key``, once per title (the records repeat a few hundred titles)."""
    return rules.course_key(title)


def seed(session: Session, city: DemoCity) -> None:
    rng = city.rng("cadres")
    today, ids = city.today, _Ids()
    year, last = today.year, today.year - 1
    now = utcnow()
    # in foreign-key order: records before the enrolments and claims that point at them
    rows: dict[type, list[dict]] = {m: [] for m in (CadrePosting, Course, TrainingRecord, Enrolment,
                                                      TrainingClaim, TrainingPlan, CadreAppraisal)}
    _postings(city, rng, ids, rows[CadrePosting])
    targets = _plans(session, city, ids, rows[TrainingPlan], (last, year), now)
    courses = _courses(city, rng, ids, rows[Course], (last, year), now)
    _insert(session, rows)
    featured = city.featured_cadre_id
    share = rules.elapsed_share(date(year, 1, 1), date(year, 12, 31), today)
    for number, cadre in enumerate(city.cadres, start=1):
        for plan_year in (last, year):
            factor = _pace(rng, plan_year == year, cadre["id"] == featured)
            _records(rng, ids, rows, cadre, targets[(cadre["id"], plan_year)], plan_year,
                     factor * (share if plan_year == year else 1.0), courses, today,
                     skip_knowledge=cadre["id"] == featured and plan_year == year)
        if targets[(cadre["id"], year)].five_year_hours:
            _earlier_cycle(rng, ids, rows, cadre, year)
        if number % 2000 == 0:  # bounded memory for the large city
            _insert(session, rows)
    _upcoming(city, rng, ids, rows, today, now)
    _claims(city, rng, ids, rows, today)
    _grades(city, rng, ids, rows[CadreAppraisal], year)
    _insert(session, rows)
    training.refresh_tallies(session)


def _insert(session: Session, rows: dict[type, list[dict]]) -> None:
    """Bulk-insert what has been built so far, table by table in foreign-key order."""
    for model, batch in rows.items():
        bulk_insert(session, model, batch)
        batch.clear()


# --- postings --------------------------------------------------------------------------------

def _postings(city: DemoCity, rng: random.Random, ids: _Ids, out: list[dict]) -> None:
    """The current post of every cadre, and an earlier post in another unit for about a third."""
    by_level = {level: city.units_at(level) for level in UnitLevel}
    units = {u["id"]: u for u in city.units}
    for cadre in city.cadres:
        since = cadre["position_since"]
        out.append({"id": ids("posting"), "cadre_id": cadre["id"], "unit_id": cadre["unit_id"],
                    "position": cadre["position"], "start": since, "end": None})
        if rng.random() < 0.35 or cadre["id"] == city.featured_cadre_id:
            level = units[cadre["unit_id"]]["level"]
            pool = [u for u in by_level[level] if u["id"] != cadre["unit_id"]] or by_level[
                UnitLevel.STREET
            ]
            earlier = rng.choice(pool)
            start = since - timedelta(days=rng.randint(700, 2200))
            out.append({"id": ids("posting"), "cadre_id": cadre["id"], "unit_id": earlier["id"],
                        "position": rng.choice(["科员", "办公室副主任", "党建办主任",
                                                "综治办副主任"]),
                        "start": start, "end": since - timedelta(days=1)})


# --- plans -----------------------------------------------------------------------------------

def _plans(session: Session, city: DemoCity, ids: _Ids, out: list[dict], years, now) -> dict:
    found = training.standards(session)
    targets = {}
    for cadre in city.cadres:
        for plan_year in years:
            target = training.targets_from_standards(found, cadre["category"], cadre["rank"],
                                                     plan_year)
            targets[(cadre["id"], plan_year)] = target
            out.append({"id": ids("plan"), "cadre_id": cadre["id"], **training._plan_values(target),
                        "note": "", "generated_at": now, "adjusted_by": ""})
    return targets


# --- courses and records ---------------------------------------------------------------------

def _courses(city: DemoCity, rng: random.Random, ids: _Ids, out: list[dict], years, now) -> dict:
    """One run of each city class per year; returns {(year, title): course row}."""
    city_id = city.units[0]["id"]
    courses = {}
    for course_year in years:
        for number, (title, category, hours, provider) in enumerate(CLASSES, start=1):
            start = _day_in(rng, date(course_year, 2, 20), date(course_year, 12, 10))
            days = max(1, int(hours // 8))
            row = {"id": ids("course"), "code": f"K{course_year}-{number:03d}",
                   "title": f"{course_year}年{title}",
                   "category": category, "hours": hours, "mode": TrainingMode.OFFLINE,
                   "provider": provider,
                   "unit_id": city_id, "starts_on": start,
                   "ends_on": start + timedelta(days=days - 1),
                   "capacity": 150, "created_at": now, "created_by": "demo"}
            out.append(row)
            courses[(course_year, title)] = row
    return courses


def _pace(rng: random.Random, this_year: bool, featured: bool) -> float:
    """How much of the even pace a cadre reached: most on pace, some behind, a few far behind."""
    if featured:
        return 1.0 if not this_year else 0.45
    roll = rng.random()
    if this_year:
        return rng.uniform(1.0, 1.35) if roll < 0.68 else rng.uniform(0.45, 0.92) if roll < 0.92 \
            else rng.uniform(0.1, 0.4)
    return rng.uniform(1.0, 1.3) if roll < 0.86 else rng.uniform(0.6, 0.95)


def _record(ids: _Ids, cadre_id: int, title: str, category, mode, hours, day: date, provider: str,
            source: RecordSource, course_id: int | None = None) -> dict:
    return {"id": ids("record"), "cadre_id": cadre_id, "title": title,
            "course_key": _course_key(title),
            "year": day.year, "category": category, "hours": float(hours), "mode": mode,
            "completed_on": day,
            "provider": provider, "source": source, "course_id": course_id, "created_by": "demo"}


def _records(rng: random.Random, ids: _Ids, rows: dict, cadre: dict, target, plan_year: int,
             factor: float,
             courses: dict, today: date, skip_knowledge: bool = False) -> None:
    """Classes and online courses adding up to ``factor`` × the plan: first what each
    content category needs, then offline and online hours up to their goals."""
    cap = (target.online_share_cap or 0) * target.annual_hours
    goals = {TrainingMode.OFFLINE: (target.annual_hours - cap) * factor,
             TrainingMode.ONLINE: max(target.online_hours, cap) * factor}
    candidates = _candidates(rng, plan_year, courses, today)
    if skip_knowledge:
        candidates = [c for c in candidates if c[1] != K]
    needs = {category: target.category_hours.get(category,
                                                 0) * factor for category in TrainingCategory}
    for title, category, mode, hours, day, provider, source, course in _chosen(candidates, goals,
                                                                               needs):
        record = _record(ids, cadre["id"], title, category, mode, hours, day, provider, source,
                         course["id"] if course else None)
        rows[TrainingRecord].append(record)
        if course is not None:
            rows[Enrolment].append({"id": ids("enrolment"), "course_id": course["id"],
                                    "cadre_id": cadre["id"],
                                    "status": EnrolmentStatus.ATTENDED,
                                    "enrolled_at": course["created_at"],
                                    "enrolled_by": "demo", "record_id": record["id"]})


def _candidates(rng: random.Random, plan_year: int, courses: dict, today: date) -> list[tuple]:
    """The classes attended, the district's classes and the online courses of the year, shuffled."""
    year_end = min(date(plan_year, 12, 31), today)
    candidates = []
    for title, category, hours, provider in CLASSES:
        course = courses[(plan_year, title)]
        if course["ends_on"] <= today and rng.random() < 0.6:
            candidates.append((course["title"], category, TrainingMode.OFFLINE, hours,
                               course["ends_on"], provider,
                               RecordSource.ATTENDANCE, course))
    for title, category, hours in DISTRICT_CLASSES:
        candidates.append((f"{plan_year}年{title}", category, TrainingMode.OFFLINE, hours,
                           _day_in(rng, date(plan_year, 1, 5), year_end), "区委党校",
                           RecordSource.IMPORT, None))
    for topic, category, hours in ONLINE:
        candidates.append((f"{plan_year}年网络专题：{topic}", category, TrainingMode.ONLINE, hours,
                           _day_in(rng, date(plan_year, 1, 3), year_end), NETWORK_ACADEMY,
                           RecordSource.IMPORT,
                           None))
    rng.shuffle(candidates)
    return candidates


def _chosen(candidates: list[tuple], goals: dict, needs: dict) -> list[tuple]:
    """What each content category needs first, then the hours by mode up to their goals."""
    done = {TrainingMode.OFFLINE: 0.0, TrainingMode.ONLINE: 0.0}
    by_category = dict.fromkeys(TrainingCategory, 0.0)
    chosen = []

    def take(candidate):
        chosen.append(candidate)
        done[candidate[2]] += candidate[3]
        by_category[candidate[1]] += candidate[3]

    for candidate in candidates:  # content categories first
        if (
            by_category[candidate[1]] < needs[candidate[1]]
            and done[candidate[2]] < goals[candidate[2]] + 8
        ):
            take(candidate)
    for candidate in candidates:  # then the hours by mode
        if candidate not in chosen and done[candidate[2]] < goals[candidate[2]]:
            take(candidate)
    return chosen


def _earlier_cycle(rng: random.Random, ids: _Ids, rows: dict, cadre: dict, year: int) -> None:
    """Leading cadres at county level and above: the earlier years of the five-year cycle."""
    first, _last = rules.five_year_window(year)
    for earlier in range(first, year - 1):
        goal, done = 110 * rng.uniform(0.75, 1.2), 0.0
        for title, category, hours, provider in CLASSES:
            if done >= goal:
                break
            day = _day_in(rng, date(earlier, 3, 1), date(earlier, 12, 15))
            rows[TrainingRecord].append(_record(ids, cadre["id"], f"{earlier}年{title}", category,
                                                TrainingMode.OFFLINE, hours, day, provider,
                                                RecordSource.IMPORT))
            done += hours


def _upcoming(city: DemoCity, rng: random.Random, ids: _Ids, rows: dict, today: date, now) -> None:
    """Classes starting in the coming weeks, with some places taken (the featured cadre has one)."""
    city_id = city.units[0]["id"]
    district_id = city.units_at(UnitLevel.DISTRICT)[0]["id"]
    for number, (title, category, hours) in enumerate(UPCOMING, start=1):
        start = today + timedelta(days=7 + 12 * number)
        organizer = district_id if number == 3 else city_id
        course_id = ids("course")
        rows[Course].append({"id": course_id, "code": f"K{start.year}-U{number:02d}",
                             "title": title,
                             "category": category, "hours": hours, "mode": TrainingMode.OFFLINE,
                             "provider": PARTY_SCHOOL if organizer == city_id else "青山区委党校",
                             "unit_id": organizer, "starts_on": start,
                             "ends_on": start + timedelta(days=max(1, hours // 8) - 1),
                             "capacity": 60,
                             "created_at": now, "created_by": "demo"})
        takers = rng.sample(city.cadres, 18)
        if number == 2:
            takers.append(city.featured_cadre)
        for cadre in {c["id"]: c for c in takers}.values():
            rows[Enrolment].append({"id": ids("enrolment"), "course_id": course_id,
                                    "cadre_id": cadre["id"],
                                    "status": EnrolmentStatus.ENROLLED, "enrolled_at": now,
                                    "enrolled_by": "demo", "record_id": None})


def _claims(city: DemoCity, rng: random.Random, ids: _Ids, rows: dict, today: date) -> None:
    """Self-reported study: pending, approved (counted) and rejected claims. Their titles are
    not among the generated records, so a claim never duplicates a recorded course."""
    used: dict[tuple[int, int], set[str]] = {}
    first_district = city.units_at(UnitLevel.DISTRICT)[0]
    units = {u["id"]: u for u in city.units}
    in_d1 = [
        c for c in city.cadres if units[c["unit_id"]]["path"].startswith(first_district["path"])
    ]
    others = [c for c in city.cadres if c not in in_d1]
    plan: list[tuple[dict, ClaimStatus]] = [(city.featured_cadre, ClaimStatus.PENDING),
                                           (city.featured_cadre, ClaimStatus.REJECTED)]
    plan += [(c, ClaimStatus.PENDING) for c in rng.sample(in_d1, 14) + rng.sample(others, 24)]
    plan += [(c, ClaimStatus.APPROVED) for c in rng.sample(city.cadres, 30)]
    plan += [(c, ClaimStatus.REJECTED) for c in rng.sample(city.cadres, 8)]
    start = date(today.year, 1, 10)
    for number, (cadre, status) in enumerate(plan):
        title, category, mode, hours = SELF_STUDY[number % len(SELF_STUDY)]
        if cadre["id"] == city.featured_cadre_id:
            title, category, mode, hours = (
                SELF_STUDY[2] if status == ClaimStatus.PENDING else SELF_STUDY[3]
            )
        taken = used.setdefault((cadre["id"], today.year), set())
        if rules.course_key(title) in taken:
            continue
        taken.add(rules.course_key(title))
        day = _day_in(rng, start, today - timedelta(days=3)) if today > start else today
        submitted = utcnow() - timedelta(days=rng.randint(1, 20))
        record_id = None
        if status == ClaimStatus.APPROVED:
            record = _record(ids, cadre["id"], title, category, mode, hours, day, "",
                             RecordSource.CLAIM)
            rows[TrainingRecord].append(record)
            record_id = record["id"]
        decided = status != ClaimStatus.PENDING
        rows[TrainingClaim].append(
            {
                "id": ids("claim"),
                "cadre_id": cadre["id"],
                "title": title,
                "category": category,
                "hours": hours,
                "mode": mode,
                "completed_on": day,
                "provider": "",
                "evidence": EVIDENCE[number % len(EVIDENCE)].format(n=number + 1),
                "status": status,
                "submitted_at": submitted,
                "submitted_by": "demo",
                "decided_at": submitted + timedelta(days=2) if decided else None,
                "decided_by": "reviewer" if decided else "",
                "reason": REJECT_REASONS[number % len(REJECT_REASONS)]
                if status == ClaimStatus.REJECTED
                else "",
                "record_id": record_id,
            }
        )


# --- grades ----------------------------------------------------------------------------------

def _grades(city: DemoCity, rng: random.Random, ids: _Ids, out: list[dict], year: int) -> None:
    """Three years of grades; 优秀 within the 20% quota except in one street last year."""
    by_unit: dict[int, list[dict]] = {}
    for cadre in city.cadres:
        by_unit.setdefault(cadre["unit_id"], []).append(cadre)
    over_quota_unit = city.units_at(UnitLevel.STREET)[1]["id"]
    for grade_year in (year - 3, year - 2, year - 1):
        for unit_id, members in by_unit.items():
            allowed = rules.excellent_allowed(len(members), 0.20)
            excellent = rng.randint(max(0, allowed - 1), allowed)
            if unit_id == over_quota_unit and grade_year == year - 1:
                excellent = allowed + 2
            shuffled = members[:]
            rng.shuffle(shuffled)
            for index, cadre in enumerate(shuffled):
                grade = _grade(city, rng, cadre, index < excellent, grade_year, year)
                out.append({"id": ids("grade"), "cadre_id": cadre["id"], "year": grade_year,
                            "grade": grade,
                            "unit_id": unit_id, "updated_by": "demo"})
    _keep_the_featured_street_in_quota(city, by_unit, out, year)


def _grade(city: DemoCity, rng: random.Random, cadre: dict, excellent: bool, grade_year: int,
           year: int) -> AppraisalGrade:
    # the scale of the cadre's category: 优秀/称职/基本称职/不称职 or 优秀/合格/基本合格/不合格
    _excellent, good, basic, bad, _none = grade_rules.grade_scale(cadre["category"])
    grade = AppraisalGrade.EXCELLENT if excellent else good
    if grade == good and rng.random() < 0.02:
        grade = basic if rng.random() < 0.8 else bad
    if cadre["id"] == city.featured_cadre_id:
        grade = AppraisalGrade.EXCELLENT if grade_year == year - 2 else good
    return grade


def _keep_the_featured_street_in_quota(city: DemoCity, by_unit: dict, out: list[dict],
                                       year: int) -> None:
    """The featured cadre's 优秀 may push their street over the quota: keep the quota honest
    there."""
    featured = city.featured_cadre
    members = by_unit[featured["unit_id"]]
    for grade_year in (year - 3, year - 2, year - 1):
        rows = [r for r in out if r["unit_id"] == featured["unit_id"] and r["year"] == grade_year]
        allowed = rules.excellent_allowed(len(members), 0.20)
        excellent = [r for r in rows if r["grade"] == AppraisalGrade.EXCELLENT]
        for row in excellent:
            if len([r for r in rows if r["grade"] == AppraisalGrade.EXCELLENT]) <= allowed:
                break
            if row["cadre_id"] != featured["id"]:
                category = next(c["category"] for c in members if c["id"] == row["cadre_id"])
                row["grade"] = grade_rules.grade_scale(category)[1]


def align_grades(session: Session, city: DemoCity) -> None:
    """After the measures and cases are seeded (order 30): every grade is one the cadre's
    measures and open filed cases allow (domain.md §7) — 不定等次 under 严重警告, no 优秀
    under 警告, 不称职 in the year of 撤销党内职务 …"""
    actor = Actor.system(session, "demo")
    concerned = accountability.cadres_concerned(session)
    rows = [r for r in session.scalars(select(CadreAppraisal)) if r.cadre_id in concerned]
    cadres = {
        c.id: c
        for c in session.scalars(select(Cadre).where(Cadre.id.in_({r.cadre_id for r in rows})))
    }
    limits = grades.grade_limits_for(session, actor, list(cadres.values()), {r.year for r in rows})
    for row in rows:
        limit = limits[(row.cadre_id, row.year)]
        if limit is not None and not limit.allows(row.grade):
            row.grade = limit.allowed(grade_rules.grade_scale(cadres[row.cadre_id].category))[0]
    session.flush()


from cadres import demo_decisions, demo_records, demo_teams  # noqa: E402  (the decisions follow every other seeder)

SEEDERS = [(5, demo_teams.seed), (20, seed), (25, demo_records.seed), (35, align_grades),
           (40, demo_decisions.seed)]
