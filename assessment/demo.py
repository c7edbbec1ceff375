"""Demo data for the assessment: a scheme per level and year drawn from the themes of
party building leading grassroots governance, eight quarters of scores with believable
trends, supervision items, and the first seven quarters published.

Every unit has a steady quality and a drift; a few fall two quarters running at the
end, a few are far below their peers, two trigger a veto, and some supervision items
are overdue today. The newest quarter waits in review so a reviewer can publish it.

The last full year is assessed as a whole too (its values are the quarters' means) and
is announced (公示) since yesterday, with three appeals: one open with a PDF, one
upheld (the score corrected and the year computed again) and one rejected.
"""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment import appeals, demo_surveys, rules, submissions
from assessment import periods as period_service
from assessment.enums import AppealStatus, Method, PeriodStatus, SupervisionStatus
from assessment.models import (
    Indicator,
    LeadDepartment,
    Period,
    Scheme,
    Score,
    Submission,
    SupervisionItem,
)
from portal.access import Actor
from portal.db import bulk_insert, utcnow
from portal.demo import DemoCity
from portal.enums import Role, UnitKind, UnitLevel
from portal.models import User

QUARTERS = 8
SUPERVISION_CODE = "SUP"

# The 12345 hotline (12345政务服务便民热线): residents' requests answered and resolved, the most
# common livelihood indicator in such schemes (domain.md §0).
HOTLINE = "12345热线诉求响应率和解决率"

# (code, name, parent, weight, method, extra); a ratio's target is per quarter.
DISTRICT = [
    ("DJ", "党建引领", None, 25, "group", {}),
    ("DJ1", "两新组织党组织覆盖率", "DJ", 8, "ratio", {"target": 90, "unit_label": "%"}),
    ("DJ2", "党组织书记抓基层党建述职评议", "DJ", 9, "direct", {}),
    ("DJ3", "四级联动联席会议召开次数", "DJ", 8, "ratio", {"target": 3, "unit_label": "次"}),
    ("MS", "民生服务", None, 25, "group", {}),
    ("MS1", "群众满意度", "MS", 8, "banded",
     {"bands": [[95, 1], [90, 0.85], [85, 0.7], [80, 0.5]], "unit_label": "%"}),
    ("MS2", "民生实事项目办结率", "MS", 6, "ratio", {"target": 100, "unit_label": "%"}),
    ("MS3", "信访事项按期办结率", "MS", 5, "ratio", {"target": 100, "unit_label": "%"}),
    ("MS4", HOTLINE, "MS", 6, "ratio", {"target": 95, "unit_label": "%"}),
    ("ZL", "基层治理", None, 25, "group", {}),
    ("ZL1", "网格事件按时处置率", "ZL", 10, "ratio", {"target": 98, "unit_label": "%"}),
    ("ZL2", "城乡安全共治（安全生产事件）", "ZL", 8, "deduction",
     {"per_item": 2, "cap": 8, "unit_label": "起"}),
    ("ZL3", "跨层级上报问题解决率", "ZL", 7, "ratio", {"target": 95, "unit_label": "%"}),
    ("GZ", "共建共治与群众参与", None, 15, "group", {}),
    ("GZ1", "人均志愿服务时长", "GZ", 5, "ratio", {"target": 5, "unit_label": "小时"}),
    ("GZ2", "协商议事会议召开次数", "GZ", 5, "ratio", {"target": 6, "unit_label": "次"}),
    ("GZ3", "培育扶持社会组织数", "GZ", 5, "ratio", {"target": 4, "unit_label": "个"}),
    ("ZH", "智慧党建", None, 10, "group", {}),
    ("ZH1", "数据共享与一体化指挥平台应用", "ZH", 5, "direct", {}),
    (SUPERVISION_CODE, "督查事项按期办结", "ZH", 5, "deduction",
     {"per_item": 1, "cap": 5, "unit_label": "分"}),
    ("JF", "创新工作加分", None, 0, "bonus", {"per_item": 1, "cap": 3, "unit_label": "项"}),
    ("FJ", "重大安全事故或群体性事件", None, 0, "veto", {}),
]
STREET = [
    ("DJ", "党建引领", None, 30, "group", {}),
    ("DJ1", "商务楼宇、市场党组织覆盖率", "DJ", 10, "ratio", {"target": 90, "unit_label": "%"}),
    ("DJ2", "流动党员党支部规范化建设", "DJ", 10, "direct", {}),
    ("DJ3", "大项目—小项目清单完成率", "DJ", 10, "ratio", {"target": 100, "unit_label": "%"}),
    ("MS", "民生服务", None, 25, "group", {}),
    ("MS1", "居民满意度", "MS", 8, "banded",
     {"bands": [[95, 1], [90, 0.85], [85, 0.7], [80, 0.5]], "unit_label": "%"}),
    ("MS2", "民生诉求按期办结率", "MS", 6, "ratio", {"target": 100, "unit_label": "%"}),
    ("MS3", "信访积案化解率", "MS", 5, "ratio", {"target": 90, "unit_label": "%"}),
    ("MS4", HOTLINE, "MS", 6, "ratio", {"target": 95, "unit_label": "%"}),
    ("ZL", "网格化治理", None, 25, "group", {}),
    ("ZL1", "网格事件按时处置率", "ZL", 12, "ratio", {"target": 98, "unit_label": "%"}),
    ("ZL2", "安全隐患整改（未按期整改）", "ZL", 8, "deduction",
     {"per_item": 2, "cap": 8, "unit_label": "起"}),
    (SUPERVISION_CODE, "督查事项按期办结", "ZL", 5, "deduction",
     {"per_item": 1, "cap": 5, "unit_label": "分"}),
    ("CY", "群众参与", None, 20, "group", {}),
    ("CY1", "人均志愿服务时长", "CY", 7, "ratio", {"target": 5, "unit_label": "小时"}),
    ("CY2", "时间银行、雷锋超市服务人次", "CY", 7, "ratio", {"target": 600, "unit_label": "人次"}),
    ("CY3", "党建积分参与率", "CY", 6, "ratio", {"target": 80, "unit_label": "%"}),
    ("JF", "创新工作加分", None, 0, "bonus", {"per_item": 1, "cap": 3, "unit_label": "项"}),
    ("FJ", "重大安全事故或群体性事件", None, 0, "veto", {}),
]
COMMUNITY = [
    ("DJ", "党建引领", None, 30, "group", {}),
    ("DJ1", "党组织标准化规范化建设", "DJ", 12, "direct", {}),
    ("DJ2", "党员积分管理覆盖率", "DJ", 10, "ratio", {"target": 95, "unit_label": "%"}),
    ("DJ3", "党建档案完整率", "DJ", 8, "ratio", {"target": 100, "unit_label": "%"}),
    ("MS", "民生服务", None, 30, "group", {}),
    ("MS1", "居民满意度", "MS", 10, "banded",
     {"bands": [[95, 1], [90, 0.85], [85, 0.7], [80, 0.5]], "unit_label": "%"}),
    ("MS2", "民生诉求办结率", "MS", 8, "ratio", {"target": 100, "unit_label": "%"}),
    ("MS3", "雷锋超市、时间银行服务人次", "MS", 6, "ratio", {"target": 150, "unit_label": "人次"}),
    ("MS4", HOTLINE, "MS", 6, "ratio", {"target": 95, "unit_label": "%"}),
    ("ZL", "网格治理", None, 25, "group", {}),
    ("ZL1", "网格事件按时处置率", "ZL", 12, "ratio", {"target": 98, "unit_label": "%"}),
    ("ZL2", "矛盾纠纷化解率", "ZL", 8, "ratio", {"target": 95, "unit_label": "%"}),
    (SUPERVISION_CODE, "督查事项按期办结", "ZL", 5, "deduction",
     {"per_item": 1, "cap": 5, "unit_label": "分"}),
    ("CY", "群众参与", None, 15, "group", {}),
    ("CY1", "人均志愿服务时长", "CY", 8, "ratio", {"target": 4, "unit_label": "小时"}),
    ("CY2", "居民协商议事会议", "CY", 7, "ratio", {"target": 3, "unit_label": "次"}),
    ("JF", "创新工作加分", None, 0, "bonus", {"per_item": 1, "cap": 2, "unit_label": "项"}),
    ("FJ", "重大安全事故或群体性事件", None, 0, "veto", {}),
]
# Lead departments (牵头部门) and the indicators each scores for every unit, per level; the
# other indicators the units report themselves. ``ZFW`` is the ``reporter-dept`` demo login's.
DEPARTMENTS = [("ZFW", "市委政法委"), ("MZJ", "市民政局"), ("XFJ", "市信访局"),
               ("RX12345", "市12345政务服务便民热线中心")]
LEADS = {
    UnitLevel.DISTRICT: {"ZL2": "ZFW", "GZ3": "MZJ", "MS3": "XFJ", "MS4": "RX12345"},
    UnitLevel.STREET: {"ZL2": "ZFW", "MS3": "XFJ", "MS4": "RX12345"},
    UnitLevel.COMMUNITY: {"ZL2": "ZFW", "MS4": "RX12345"},
}
SCHEMES = {UnitLevel.DISTRICT: ("区县党委抓党建引领基层治理考核", DISTRICT),
           UnitLevel.STREET: ("街道（乡镇）党建引领基层治理考核", STREET),
           UnitLevel.COMMUNITY: ("社区（村）党建引领基层治理考核", COMMUNITY)}
SUPERVISION_TITLES = [
    "信访积案化解不到位，限期整改", "网格员配备不足，限期补齐", "两新组织党组织覆盖存在空白点",
    "商务楼宇党群服务站未按要求运行", "民生实事项目进度滞后", "安全隐患排查台账不完整",
    "协商议事会议记录不规范", "流动党员底数不清，限期摸排", "雷锋超市积分兑换台账缺失",
    "党建档案资料归档不及时", "城乡结合部环境整治未完成", "志愿服务记录未纳入时间银行",
]


def _quarters(today: date) -> list[str]:
    codes = [rules.last_complete_quarter(today)]
    while len(codes) < QUARTERS:
        codes.insert(0, rules.previous_quarter(codes[0]))
    return codes


def _departments(session: Session) -> dict[str, LeadDepartment]:
    found = {code: LeadDepartment(code=code, name=name, active=True) for code, name in DEPARTMENTS}
    session.add_all(found.values())
    session.flush()
    return found


def _scheme(year: int, level: UnitLevel, departments: dict[str, LeadDepartment],
            version: int = 1) -> Scheme:
    name, rows = SCHEMES[level]
    scheme = Scheme(year=year, level=level, version=version, name=f"{year}年度{name}",
                    created_by="demo")
    for position, (code, label, parent, weight, method, extra) in enumerate(rows):
        lead = departments.get(LEADS[level].get(code, ""))
        scheme.indicators.append(Indicator(code=code, name=label, parent_code=parent,
                                           weight=float(weight), lead_department=lead,
                                           method=Method(method), position=position, **extra))
    return scheme


class _Unit:
    """A unit's standing in the demo: steady quality, drift, and a few scripted turns."""

    def __init__(self, unit: dict, rng: random.Random):
        self.id = unit["id"]
        self.quality = rng.gauss(0, 1)
        self.drift = rng.gauss(0.003, 0.004)
        self.falling = False
        self.outlier_at: set[int] = set()

    def achievement(self, quarter: int, rng: random.Random) -> float:
        level = 0.845 + 0.06 * self.quality + self.drift * quarter + rng.gauss(0, 0.008)
        if self.falling and quarter >= QUARTERS - 3:
            level -= 0.035 * (quarter - (QUARTERS - 4))
        if quarter in self.outlier_at:
            level -= 0.3
        return level


def _value(spec: tuple, achievement: float, rng: random.Random) -> float:
    _code, _name, _parent, weight, method, extra = spec
    a = min(max(achievement + rng.gauss(0, 0.03), 0.3), 1.08)
    if method == "direct":
        return round(weight * min(a, 1.0), 1)
    if method == "banded":
        return round(min(70 + 28 * a + rng.gauss(0, 1.5), 99.6), 1)
    if method == "deduction":
        expected = max(0.05, (1.05 - achievement) * 4)
        return float(_poisson(rng, expected))
    if method == "veto":
        return 0.0
    if method == "bonus":
        return 1.0 if rng.random() < 0.08 + max(0.0, achievement - 0.9) else 0.0
    target = extra["target"]
    if extra.get("unit_label") == "%":
        return round(min(target * a, 100.0), 1)
    return round(target * a, 1 if target < 20 else 0)


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, product = math.exp(-lam), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def seed(session: Session, city: DemoCity) -> None:
    rng = city.rng("assessment")
    codes = _quarters(city.today)
    years = sorted({int(code[:4]) for code in codes})
    departments = _departments(session)
    for year in years:
        for level in SCHEMES:
            session.add(_scheme(year, level, departments))
    session.flush()
    assessed = {
        level: [u for u in city.units if u["level"] == level and u["kind"] == UnitKind.TERRITORIAL]
        for level in SCHEMES
    }
    standing = {u["id"]: _Unit(u, rng) for units in assessed.values() for u in units}
    _script_turns(assessed, standing, rng)
    created = [Period(code=d.code, kind=d.kind, year=d.year, quarter=d.quarter, start=d.start,
                      end=d.end,
                      status=PeriodStatus.REVIEWING)
               for d in map(rules.parse_period_code, codes)]
    session.add_all(created)
    session.flush()
    _scores(session, created, assessed, standing, rng)
    _supervision(session, city, created, assessed, rng)
    actor = Actor.system(session, "demo")
    for period in created[:-1]:
        publish_day = period.end + timedelta(days=15)
        period_service.transition(session, actor, period.code, PeriodStatus.PUBLISHED,
                                  today=publish_day)
        period.published_at = utcnow().replace(year=publish_day.year, month=publish_day.month,
                                               day=publish_day.day)
    _second_version(session, created[-1].year, departments)
    session.flush()
    _reporting(session, city, departments)
    _announced_year(session, city, created, assessed, rng)


def _announced_year(session: Session, city: DemoCity, created: list[Period], assessed: dict,
                    rng: random.Random) -> None:
    """The last year whose four quarters are published, as a year period announced since
    yesterday, with a few appeals."""
    full = [year for year in sorted({p.year for p in created[:-1]})
            if sum(1 for p in created[:-1] if p.year == year) == 4]
    if not full:
        return
    year = full[-1]
    quarters = [p.id for p in created if p.year == year]
    dates = rules.parse_period_code(str(year))
    period = Period(code=dates.code, kind=dates.kind, year=year, quarter=None, start=dates.start,
                    end=dates.end, status=PeriodStatus.REVIEWING)
    session.add(period)
    session.flush()
    means = _quarter_means(session, quarters)
    vetoes = {row[0] for _name, rows in SCHEMES.values() for row in rows if row[4] == "veto"}
    now = utcnow()
    bulk_insert(session, Score, [
        {"period_id": period.id, "unit_id": unit_id, "indicator_code": code,
         "value": float(highest if code in vetoes else round(mean, 1)), "note": "",
         "version": 1, "updated_at": now, "updated_by": "demo"}
        for unit_id, code, mean, highest in means])
    actor = Actor.system(session, "demo")
    announced_on = city.today - timedelta(days=1)
    period_service.transition(session, actor, period.code, PeriodStatus.ANNOUNCED,
                              today=announced_on)
    _appeals(session, actor, period.code, assessed, city.today, rng)


def _quarter_means(session: Session, quarters: list[int]) -> list[tuple]:
    """(unit id, indicator code, mean, highest) of the quarters' scores, in that order. The mean
    is summed here in quarter order (as SQLite's ``avg`` sums them), so neither the database
    nor its plan (the order rows reach an aggregate) moves a mean across a rounding boundary:
    the same demo on every run and on either database."""
    values: dict[tuple[int, str], list[float]] = {}
    for unit_id, code, value in session.execute(
            select(Score.unit_id, Score.indicator_code, Score.value)
            .where(Score.period_id.in_(quarters), Score.value.is_not(None))
            .order_by(Score.unit_id, Score.indicator_code, Score.period_id)):
        values.setdefault((unit_id, code), []).append(value)
    return [(unit_id, code, sum(found) / len(found), max(found))
            for (unit_id, code), found in values.items()]


# A one-page PDF (情况说明) as a unit would attach it.
EVIDENCE_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
                b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
                b"trailer<</Root 1 0 R>>\n%%EOF\n")
APPEALS = [  # street indicators: (indicator, reason, decision, corrected value or its reason)
    ("MS2", "12月集中办结的民生诉求因平台同步延迟未计入，附区12345中心出具的办结清单。",
     None, None),
    ("ZL1", "网格事件处置率统计时漏计了12月集中处置的事件，平台导出数据附后。", "upheld", 99.0),
    ("CY1", "志愿服务时长漏计了社区志愿者在志愿服务平台登记的时长。", "rejected",
     "经核查平台记录，所列时长已计入统计，维持原值。"),
]


def _appeals(session: Session, actor: Actor, code: str, assessed: dict, today: date,
             rng: random.Random) -> None:
    streets = assessed[UnitLevel.STREET]
    chosen = rng.sample(streets, min(len(APPEALS), len(streets)))
    for unit, (indicator, reason, decision, answer) in zip(chosen, APPEALS, strict=False):
        evidence = EVIDENCE_PDF if decision is None else None
        appeal = appeals.file_appeal(session, actor, code, unit["id"], indicator, reason,
                                     evidence=evidence, evidence_name="情况说明.pdf",
                                     today=today)
        if decision == "upheld":
            appeals.decide(session, actor, appeal.id, AppealStatus.UPHELD,
                           corrected_value=answer, reason="核实平台数据后予以更正")
        elif decision == "rejected":
            appeals.decide(session, actor, appeal.id, AppealStatus.REJECTED, reason=answer)


def _script_turns(assessed: dict, standing: dict, rng: random.Random) -> None:
    """A few units fall two quarters running at the end; a few are far below their peers."""
    for level, units in assessed.items():
        ids = [u["id"] for u in units]
        for unit_id in rng.sample(ids, max(1, len(ids) // 25)):
            standing[unit_id].falling = True
        if level != UnitLevel.DISTRICT:
            for unit_id in rng.sample(ids, max(1, len(ids) // 60)):
                standing[unit_id].outlier_at.update({QUARTERS - 2, QUARTERS - 1})


def _scores(session: Session, created: list[Period], assessed: dict, standing: dict,
            rng: random.Random) -> None:
    vetoes = {(len(created) - 2, assessed[UnitLevel.COMMUNITY][7]["id"]),
              (len(created) - 4, assessed[UnitLevel.STREET][3]["id"])}
    now, rows = utcnow(), []
    for quarter, period in enumerate(created):
        for level, units in assessed.items():
            specs = [s for s in SCHEMES[level][1] if s[4] != "group" and s[0] != SUPERVISION_CODE]
            for unit in units:
                achievement = standing[unit["id"]].achievement(quarter, rng)
                for spec in specs:
                    value = _value(spec, achievement, rng)
                    if spec[4] == "veto":
                        value = 1.0 if (quarter, unit["id"]) in vetoes else 0.0
                    rows.append({"period_id": period.id, "unit_id": unit["id"],
                                 "indicator_code": spec[0],
                                 "value": value, "note": "", "version": 1, "updated_at": now,
                                 "updated_by": "demo"})
    bulk_insert(session, Score, rows)


def _supervision(session: Session, city: DemoCity, created: list[Period], assessed: dict,
                 rng: random.Random) -> None:
    """Items in every quarter (most closed on time, some late or failed) and open ones now."""
    candidates = (
        assessed[UnitLevel.STREET] + assessed[UnitLevel.COMMUNITY] + assessed[UnitLevel.DISTRICT]
    )
    rows = []
    windows = [(p.start, p.end) for p in created]
    current_start = created[-1].end + timedelta(days=1)
    windows.append((current_start, city.today + timedelta(days=45)))
    for index, (start, end) in enumerate(windows):
        for unit in rng.sample(candidates, max(4, len(candidates) // 9)):
            assigned = min(start + timedelta(days=rng.randint(0, 20)), city.today)
            deadline = max(min(assigned + timedelta(days=rng.randint(20, 60)), end), assigned)
            rows.append(_item(unit, assigned, deadline, city.today, rng,
                              current=index == len(windows) - 1))
    bulk_insert(session, SupervisionItem, rows)


def _item(unit: dict, assigned: date, deadline: date, today: date, rng: random.Random,
          current: bool) -> dict:
    status, rectified, verified = SupervisionStatus.VERIFIED, None, None
    roll = rng.random()
    if current and deadline < today and roll < 0.45:
        status = SupervisionStatus.IN_PROGRESS  # overdue today
    elif current and deadline >= today:
        status = rng.choice([SupervisionStatus.ASSIGNED, SupervisionStatus.IN_PROGRESS])
    elif roll < 0.12:
        status, rectified = SupervisionStatus.FAILED, deadline - timedelta(days=2)
    elif roll < 0.3:
        status, rectified = SupervisionStatus.RECTIFIED, deadline + timedelta(days=rng.randint(3,
                                                                                               25))
    else:
        rectified = deadline - timedelta(days=rng.randint(0, 15))
        verified = rectified + timedelta(days=rng.randint(3, 10))
    if rectified and rectified > today:
        status, rectified, verified = SupervisionStatus.IN_PROGRESS, None, None
    if verified and verified > today:
        status, verified = SupervisionStatus.RECTIFIED, None
    title = rng.choice(SUPERVISION_TITLES)
    return {
        "unit_id": unit["id"], "title": title, "description": f"{unit['name']}：{title}。",
            "assigned_on": assigned,
        "deadline": deadline, "status": status,
            "finding": "督查组现场检查发现问题" if status != SupervisionStatus.ASSIGNED else "",
        "rectification": "已制定整改清单并逐项落实" if rectified else "", "rectified_on": rectified,
        "verified_on": verified, "indicator_code": SUPERVISION_CODE,
            "points": float(rng.choice([1, 1, 2])),
        "version": 1, "created_by": "demo", "updated_at": utcnow(),
    }


def _second_version(session: Session, year: int,
                    departments: dict[str, LeadDepartment]) -> None:
    """This year's district scheme was revised after two quarters were published with it:
    the published quarters keep version 1; the quarter in review uses version 2."""
    from assessment import schemes

    current = schemes.latest(session, year, UnitLevel.DISTRICT)
    if current is None or not current.locked:
        return
    revised = _scheme(year, UnitLevel.DISTRICT, departments, current.version + 1)
    for indicator in revised.indicators:
        if indicator.code == "MS1":
            indicator.weight = 10.0
        if indicator.code == "MS2":
            indicator.weight = 4.0
    session.add(revised)


# --- reporting (填报) in the current quarter ---------------------------------------------

RETURN_REASONS = ["党员积分管理覆盖率与台账不一致，请核实后重新提交",
                  "缺少佐证材料，请补充会议记录扫描件"]


def _reporting(session: Session, city: DemoCity, departments: dict[str, LeadDepartment]) -> None:
    """The current quarter collects figures: a draft report for every unit and reporting set,
    and in the first district reports in every state, the ``reporter-unit`` community's own
    report returned with a reason, and the political-legal committee (``reporter-dept``)
    part way through its units."""
    code = f"{city.today.year}Q{(city.today.month - 1) // 3 + 1}"
    system = Actor.system(session, "demo")
    period_service.create(session, system, code)
    period_service.transition(session, system, code, PeriodStatus.COLLECTING)
    office = Actor.for_user(session.get(User, city.logins["reviewer"]))
    submissions.open_reporting(session, office, code, due_on=city.today + timedelta(days=10))
    submissions.set_deadline(session, office, code, None, city.today - timedelta(days=3))
    rng = city.rng("reporting")
    first = city.reporting_community
    street_id = first["parent_id"]
    neighbours = [u for u in city.units_at(UnitLevel.COMMUNITY) if u["parent_id"] == street_id]
    script = ["returned", "submitted", "accepted", "locked", "returned_twice", "submitted",
              "draft", "accepted"]
    unit_reporter = Actor.for_user(session.get(User, city.logins["reporter-unit"]))
    for unit, state in zip(neighbours, script, strict=False):
        owner = unit_reporter if unit["id"] == first["id"] else _owner_of(session, unit, office)
        _play(session, code, unit, None, owner, office, state, rng)
    department = Actor.for_user(session.get(User, city.logins["reporter-dept"]))
    for index, unit in enumerate(neighbours[:6]):
        _play(session, code, unit, departments["ZFW"], department, office,
              ["accepted", "submitted", "submitted", "draft", "returned", "locked"][index], rng)


def _owner_of(session: Session, unit: dict, office: Actor) -> Actor:
    """A stand-in reporter for a neighbouring community (it has no demo login of its own)."""
    return replace(office, user_id=None, username=f"demo-{unit['code']}", role=Role.REPORTER,
                   unit_id=unit["id"], unit_path=unit["path"], unit_name=unit["name"])


def _play(session: Session, code: str, unit: dict, department: LeadDepartment | None,
          owner: Actor, office: Actor, state: str, rng: random.Random) -> None:
    period = period_service.get(session, code)
    leaves = submissions.set_leaves(session, period, UnitLevel(unit["level"]),
                                    department.id if department else None)
    rows = {spec[0]: spec for spec in SCHEMES[UnitLevel(unit["level"])][1]}
    department_code = department.code if department else None
    for leaf in leaves:
        value = 0.0 if leaf.method == Method.VETO else _value(rows[leaf.code], 0.9, rng)
        submissions.save_figure(session, owner, code, unit["id"], department_code, leaf.code,
                                value)
    if state == "draft":
        return
    report = session.scalar(select(Submission).where(
        Submission.period_id == period.id, Submission.unit_id == unit["id"],
        Submission.set_key == submissions.set_key(department.id if department else None)))
    rounds = {"returned": 1, "returned_twice": 2}.get(state, 0)
    for round_ in range(rounds):
        submissions.act(session, owner, report.id, "submit")
        submissions.act(session, office, report.id, "return", RETURN_REASONS[round_])
    if rounds:
        return
    submissions.act(session, owner, report.id, "submit")
    if state in ("accepted", "locked"):
        submissions.act(session, office, report.id, "accept")
    if state == "locked":
        submissions.act(session, office, report.id, "lock")


SEEDERS = [(10, seed), (15, demo_surveys.seed)]
