"""Demo personnel decisions (干部选任/奖惩决定) over the last two years, following the
published unit results the way an organization department would.

After each published period: leaders of top-band (好) units are commended and some are
promoted; leaders of bottom-band (差) units get an admonishment talk (约谈) and some an
organizational adjustment, except a few units whose leaders are left without any
follow-up (so the linkage dashboard has something to show); a few cadres of low-band
units are promoted, four of them approved against a block with an override reason.
Some proposals are still open (proposed, reviewed) and one was withdrawn.

Every decision goes through ``cadres.decisions`` (propose → review → decide) as the
``admin`` login with dates in the past, so its evidence is frozen and audited exactly
as on the page. Deterministic (``city.rng``); the ``cadre`` demo login's cadre is
never the subject of a decision.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment import service as assessment
from cadres import decisions, evidence
from cadres.enums import AppraisalGrade, DecisionOutcome, DecisionStatus, DecisionType
from cadres.models import CadreAppraisal, PersonnelDecision
from cadres.rules.eligibility import BAD_GRADES
from portal.access import Actor
from portal.demo import DemoCity
from portal.enums import LeaderRole
from portal.errors import Invalid
from portal.models import User

HISTORY_DAYS = 730                 # decisions over the last two years
PER_PERIOD = {"commend": 6, "promote": 2, "talk": 6, "adjust": 2}
SPARE_LATEST = 3                   # bottom-band units of the latest period left without follow-up
OVERRIDES = ((DecisionType.RANK_PROMOTION, "min_tenure"), (DecisionType.PROMOTION, "min_tenure"),
             (DecisionType.PROMOTION, "appraisal_grade"),
             (DecisionType.RANK_PROMOTION, "appraisal_grade"),
             (DecisionType.COMMENDATION, "appraisal_grade"),
             (DecisionType.RANK_PROMOTION, "min_tenure"))
MAX_OVERRIDES = 4
OVERRIDE_REASONS = {
    "min_tenure": "经市委常委会研究，因乡村振兴和基层治理重点工作急需，按破格提拔程序报批同意。",
    "appraisal_grade": "该年度考核等次系客观原因所致，经市委组织部复核并报市委同意，予以通过。",
    "sanction_effect": "经市委研究，该同志处分所涉问题已整改到位，特殊岗位急需，报上级组织部门备案"
                       "同意。",
    "under_investigation": "经市纪委监委出具意见，所涉问题不影响使用，报市委同意。",
    "unit_veto": "一票否决事项系上级统一部署项目所致，经市委研究同意。",
}
REVIEW_NOTE = "经部务会审议，材料齐全，程序规范，同意提交决定。"
REJECT_NOTE = "经资格审查，存在负面清单情形，不予通过。"


def _at(day: date) -> datetime:
    return datetime.combine(day, time(1, 30), tzinfo=UTC)  # 09:30 in China


class _Seeder:
    def __init__(self, session: Session, city: DemoCity):
        self.session, self.city, self.today = session, city, city.today
        self.rng = city.rng("decisions")
        self.actor = Actor.for_user(session.get(User, city.logins["reviewer"]))
        self.units = {u["id"]: u for u in city.units}
        self.leaders: dict[int, list[dict]] = {}
        for cadre in city.cadres:
            if cadre["leader_role"] != LeaderRole.MEMBER and cadre["id"] != city.featured_cadre_id:
                self.leaders.setdefault(cadre["unit_id"], []).append(cadre)
        for found in self.leaders.values():
            found.sort(key=lambda c: (c["leader_role"] != LeaderRole.PRINCIPAL, c["id"]))
        self.used: set[int] = set()        # cadres already promoted or adjusted
        self.spare: set[int] = set()       # bottom-band units deliberately left without follow-up
        self.overrides = 0
        self.bad_grades: set[int] = set()
        self.planned: list[tuple] = []
        self.documents = 0

    # --- one decision through the service ---------------------------------------------------------
    def run(self, cadre: dict, kind: DecisionType, title: str, rationale: str, proposed: date,
            decided: date | None, status: DecisionStatus = DecisionStatus.DECIDED,
            override: str = "") -> None:
        """Plan a decision; ``execute`` takes them in date order so numbers follow the calendar."""
        self.planned.append((proposed, len(self.planned),
                             (cadre, kind, title, rationale, proposed, decided,
                                                          status, override)))

    def execute(self) -> None:
        for _day, _order, args in sorted(self.planned, key=lambda item: item[:2]):
            self.take(*args)

    def take(self, cadre: dict, kind: DecisionType, title: str, rationale: str, proposed: date,
             decided: date | None, status: DecisionStatus, override: str) -> PersonnelDecision:
        session, actor = self.session, self.actor
        decision = decisions.propose(session, actor, cadre_code=cadre["code"], decision_type=kind,
                                     title=title,
                                     rationale=rationale, as_of=proposed)
        decision.proposed_at = _at(proposed)
        if status == DecisionStatus.PROPOSED:
            return decision
        reviewed = min(proposed + timedelta(days=self.rng.randint(2, 8)), decided or self.today)
        decisions.review(session, actor, decision.id, REVIEW_NOTE)
        decision.reviewed_at = _at(reviewed)
        if status == DecisionStatus.REVIEWED:
            return decision
        if status == DecisionStatus.WITHDRAWN:
            decisions.withdraw(session, actor, decision.id, "该同志因工作调动，撤回提名。")
            return decision
        self.documents += 1
        note = f"江组干〔{decided.year}〕{self.documents}号"
        try:
            decisions.decide(session, actor, decision.id, outcome=DecisionOutcome.APPROVED,
                             note=note,
                             decided_on=decided,
                             override_reason=override)
        except Invalid as refused:
            if refused.field != "override_reason":
                raise
            decisions.decide(session, actor, decision.id, outcome=DecisionOutcome.REJECTED,
                             note=REJECT_NOTE,
                             decided_on=decided)
        decision.decided_at = _at(decided)
        return decision

    def window_day(self, period_end: date, low: int = 20, high: int = 120) -> date:
        """A day after the period's results were published, never later than last week."""
        latest = self.today - timedelta(days=7)
        first = min(period_end + timedelta(days=low), latest)
        last = max(min(period_end + timedelta(days=high), latest), first)
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def principal(self, unit_id: int) -> dict | None:
        found = self.leaders.get(unit_id, [])
        return found[0] if found else None

    def deputy(self, unit_id: int) -> dict | None:
        found = [c for c in self.leaders.get(unit_id, []) if c["leader_role"] == LeaderRole.DEPUTY
                 and c["id"] not in self.used]
        return found[0] if found else None

    # --- after each period
    # ----------------------------------------------------------------------------
    def follow_period(self, period, frame, latest: bool) -> None:
        name = period.code
        by_grade = {g: sorted(frame[frame["grade"] == g]["unit_id"].tolist()) for g in ("good",
                                                                                        "poor",
                                                                                        "average")}
        good = self.rng.sample(by_grade["good"], min(PER_PERIOD["commend"], len(by_grade["good"])))
        for unit_id in good:
            cadre = self.principal(unit_id)
            if cadre:
                unit = self.units[unit_id]["name"]
                day = self.window_day(period.end)
                self.run(cadre, DecisionType.COMMENDATION,
                         f"{name}考核“好”等次单位主要负责人通报表扬",
                         f"{unit}{name}党建引领基层治理考核结果为“好”，工作实绩突出。", day,
                         day + timedelta(days=self.rng.randint(10, 25)))
        for unit_id in good[:PER_PERIOD["promote"]]:
            cadre = self.deputy(unit_id)
            if cadre:
                self.used.add(cadre["id"])
                day = self.window_day(period.end, 40, 150)
                self.run(cadre, DecisionType.PROMOTION,
                         f"拟提拔为{self.units[unit_id]['name']}主要负责人",
                         f"所在单位{name}考核结果为“好”，本人分管工作成效明显，群众公认。", day,
                         day + timedelta(days=self.rng.randint(20, 40)))
        poor = by_grade["poor"]
        spare = set(poor[-SPARE_LATEST:]) if latest else set(poor[-1:]) if len(poor) > 2 else set()
        self.spare |= spare
        followed = [u for u in poor if u not in spare][:PER_PERIOD["talk"]]
        for index, unit_id in enumerate(followed):
            cadre = self.principal(unit_id)
            if not cadre:
                continue
            unit = self.units[unit_id]["name"]
            day = self.window_day(period.end, 18, 60)
            self.run(
                cadre,
                DecisionType.ADMONISHMENT_TALK,
                f"{name}考核结果为“差”，对{unit}主要负责人进行约谈",
                f"{unit}{name}考核等次为“差”，按照考核结果运用办法对主要负责人进行约谈，督促整改。",
                day,
                day + timedelta(days=self.rng.randint(3, 10)),
            )
            target = self.deputy(unit_id) if index % 2 else cadre
            if index < PER_PERIOD["adjust"] and target and target["id"] not in self.used:
                self.used.add(target["id"])
                day = self.window_day(period.end, 60, 150)
                self.run(target, DecisionType.ADJUSTMENT,
                         f"拟对{target['name']}同志进行组织调整（调离现岗位）",
                         f"{unit}考核连续靠后，约谈后整改不力，按照能上能下规定进行组织调整。", day,
                         day + timedelta(days=self.rng.randint(10, 30)))

    # --- special cases
    # ------------------------------------------------------------------------------------
    def low_band(self, results: list) -> list[tuple]:
        """(period, unit id, cadre) for leaders of 一般/差 units, shuffled deterministically."""
        found = []
        for period, frame in results:
            for unit_id in sorted(frame[frame["grade"].isin(["average",
                                                             "poor"])]["unit_id"].tolist()):
                if unit_id not in self.spare:
                    found += [(period, unit_id, c) for c in self.leaders.get(unit_id, [])]
        self.rng.shuffle(found)
        return sorted(found, key=lambda item: item[0].end, reverse=True)  # the latest periods first

    def likely_blocked(self, cadre: dict, kind: DecisionType, rule: str, day: date) -> bool:
        """A cheap guess from the seeded rows, so the engine is asked about few cadres."""
        if rule == "appraisal_grade":
            return cadre["id"] in self.bad_grades
        since = cadre["rank_since"] or cadre["position_since"]
        if kind == DecisionType.PROMOTION:
            return (
                cadre["rank"] is not None
                and cadre["rank"].is_leading_post
                and since is not None
                and day < since + timedelta(days=730)
            )
        return since is not None and day < since + timedelta(days=730)

    def low_band_promotions(self, results: list) -> None:
        """Overrides against chosen blocks, then two ordinary promotions from low-band units."""
        candidates = self.low_band(results)
        self.bad_grades = set(self.session.scalars(select(CadreAppraisal.cadre_id).where(
            CadreAppraisal.grade.in_([AppraisalGrade(g) for g in BAD_GRADES]))))
        for kind, rule in OVERRIDES:
            if self.overrides == MAX_OVERRIDES:
                break
            for period, unit_id, cadre in candidates:
                day = self.window_day(period.end, 30, 120)
                if cadre["id"] in self.used or not self.likely_blocked(cadre, kind, rule, day):
                    continue
                rules = {b.rule for b in evidence.eligibility(self.session, self.actor,
                                                              cadre["code"], day,
                                                                kind).blocks}
                if rule in rules and "under_investigation" not in rules:
                    self.used.add(cadre["id"])
                    self.overrides += 1
                    self.run(cadre, kind, self.promotion_title(kind, unit_id),
                             "该同志长期在基层一线工作，攻坚任务中表现突出。", day,
                             day + timedelta(days=self.rng.randint(15, 30)),
                             override=OVERRIDE_REASONS[rule])
                    break
        ordinary = 0
        for period, unit_id, cadre in candidates:
            if ordinary == 2:
                break
            day = self.window_day(period.end, 30, 120)
            if (
                cadre["id"] in self.used
                or cadre["id"] in self.bad_grades
                or cadre["rank_since"] is None
                or day < cadre["rank_since"] + timedelta(days=800)
            ):
                continue
            if not evidence.eligibility(self.session, self.actor, cadre["code"], day,
                                        DecisionType.RANK_PROMOTION).eligible:
                continue
            self.used.add(cadre["id"])
            ordinary += 1
            self.run(cadre, DecisionType.RANK_PROMOTION,
                     self.promotion_title(DecisionType.RANK_PROMOTION, unit_id),
                     "任现职级满年限，近三年考核均为称职以上。", day,
                     day + timedelta(days=self.rng.randint(15, 30)))

    def promotion_title(self, kind: DecisionType, unit_id: int) -> str:
        unit = self.units[unit_id]["name"]
        return (
            f"拟晋升{unit}干部职级"
            if kind == DecisionType.RANK_PROMOTION
            else f"拟提拔{unit}干部任上一级领导职务"
        )

    def open_proposals(self, latest, frame) -> None:
        """Proposals still waiting: four proposed, three reviewed, and one withdrawn."""
        units = sorted(frame[frame["grade"].isin(["good", "fair"])]["unit_id"].tolist())
        pool = [c for u in units for c in self.leaders.get(u, []) if c["id"] not in self.used]
        chosen = self.rng.sample(pool, min(8, len(pool)))
        plan = (
            [DecisionStatus.PROPOSED] * 4
            + [DecisionStatus.REVIEWED] * 3
            + [DecisionStatus.WITHDRAWN]
        )
        for cadre, status in zip(chosen, plan, strict=False):
            kind = self.rng.choice([DecisionType.PROMOTION, DecisionType.RANK_PROMOTION,
                                    DecisionType.COMMENDATION])
            day = self.today - timedelta(days=self.rng.randint(5, 40))
            self.used.add(cadre["id"])
            title = ("年度优秀共产党员推荐" if kind == DecisionType.COMMENDATION
                     else self.promotion_title(kind, cadre["unit_id"]))
            self.run(cadre, kind, title, f"{latest.code}考核中所在单位表现良好，本人履职尽责。",
                     day, None, status)


def seed(session: Session, city: DemoCity) -> None:
    seeder = _Seeder(session, city)
    first = city.today - timedelta(days=HISTORY_DAYS)
    periods = [p for p in assessment.published_periods(session) if p.end >= first]
    if not periods:
        return
    results = [(p, assessment.results_for_period(session, seeder.actor, p.code)) for p in periods]
    for index, (period, frame) in enumerate(results):
        seeder.follow_period(period, frame, latest=index == len(results) - 1)
    seeder.low_band_promotions(results)
    seeder.open_proposals(*results[-1])
    seeder.execute()
    session.flush()
