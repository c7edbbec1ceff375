"""Demo data for accountability: a few hundred cases across the demo city in every stage,
measures of every kind in all four forms, error-tolerance applications with every
outcome, corrections, name clearing and follow-up visits, some of them overdue.

Each case is simulated along the workflow with random stage durations from the day its
clue came in; it stops wherever the seed day falls, so stages, deadlines and "overdue"
are consistent with the rules. Rows are inserted in bulk (a few seconds at most).
The ``cadre`` demo login has an admonishment (诫勉) decided about three months before
the seed day, in effect, and an error-tolerance application under verification.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy.orm import Session

from accountability import rules
from accountability.enums import (
    Applicant,
    CaseKind,
    CaseSource,
    CaseStage,
    Form,
    MeasureType,
    SubjectKind,
    ToleranceOutcome,
    ToleranceStatus,
)
from accountability.models import (
    Case,
    CaseEvent,
    CaseExtension,
    CaseSubject,
    CorrectionAction,
    FollowUpVisit,
    Measure,
    NameClearing,
    ToleranceApplication,
)
from portal import audit
from portal.access import Actor
from portal.db import bulk_insert, utcnow
from portal.demo import DemoCity
from portal.enums import LeaderRole, UnitKind, UnitLevel

PROBLEMS = [
    "违规收送礼品礼金", "违规发放津补贴", "形式主义、官僚主义问题", "优亲厚友办理低保",
            "侵害群众切身利益",
    "工程项目招投标不规范", "履职不力导致安全生产事故", "违规使用公务用车", "违规操办婚丧喜庆事宜",
    "集体资金管理使用不规范", "信访事项办理敷衍塞责", "违规插手征地拆迁补偿",
            "惠民惠农资金发放不到位",
    "违规接受管理服务对象宴请", "基层党组织换届纪律执行不严", "网格事件处置不及时造成不良影响",
]
SOURCE_WEIGHTS = [(CaseSource.LETTERS_VISITS, 38), (CaseSource.SUPERVISION, 20),
                  (CaseSource.INSPECTION_TOUR, 14),
                  (CaseSource.AUDIT, 10), (CaseSource.SELF_REPORT, 4), (CaseSource.TRANSFERRED, 6),
                  (CaseSource.MEDIA, 5), (CaseSource.OTHER, 3)]
SOURCE_WORDS = {CaseSource.LETTERS_VISITS: "群众来信反映",
                CaseSource.SUPERVISION: "日常监督检查发现",
                CaseSource.INSPECTION_TOUR: "巡察组移交线索反映", CaseSource.AUDIT: "审计报告指出",
                CaseSource.SELF_REPORT: "本人主动交代",
                CaseSource.TRANSFERRED: "有关机关移送线索反映",
                CaseSource.MEDIA: "网络舆情反映", CaseSource.OTHER: "有关方面反映"}
FORM_WEIGHTS = [(Form.FIRST, 55), (Form.SECOND, 30), (Form.THIRD, 12), (Form.FOURTH, 3)]
COMMITTEES = ["区容错纠错工作委员会", "市容错纠错工作委员会", "县容错纠错工作委员会"]
CORRECTIONS = ["追回违规发放资金并完善审批制度", "召开专题民主生活会深刻剖析",
               "完善集体决策议事规则",
               "开展警示教育并建立整改台账", "对群众诉求逐件回访销号"]


def _pick(rng: random.Random, weighted):
    return rng.choices([v for v, _w in weighted], weights=[w for _v, w in weighted])[0]


class _Seeder:
    def __init__(self, city: DemoCity):
        self.city, self.today = city, city.today
        self.rng = city.rng("accountability")
        self.units = {u["id"]: u for u in city.units}
        self.inspector = city.logins.get("inspector")
        self.cases: list[dict] = []
        self.subjects: list[dict] = []
        self.events: list[dict] = []
        self.extensions: list[dict] = []
        self.measures: list[dict] = []
        self.visits: list[dict] = []
        self.applications: list[dict] = []
        self.actions: list[dict] = []
        self.clearings: list[dict] = []
        self.numbers: dict[int, int] = {}
        self.appeals = 0
        self.unused_codes = [
            spec.code for spec in rules.CATALOGUE if spec.subject == SubjectKind.CADRE
        ]
        self.unused_org_codes = [
            spec.code for spec in rules.CATALOGUE if spec.subject == SubjectKind.UNIT
        ]

    # --- helpers ---------------------------------------------------------------------------

    def days(self, low: int, high: int) -> timedelta:
        return timedelta(days=self.rng.randint(low, high))

    def case_no(self, day: date) -> str:
        self.numbers[day.year] = self.numbers.get(day.year, 0) + 1
        return f"AC-{day.year}-{self.numbers[day.year]:04d}"

    def event(self, case: dict, action: str, before, after, on: date, reason: str) -> None:
        self.events.append({"id": len(self.events) + 1, "case_id": case["id"], "action": action,
                            "from_stage": before, "to_stage": after, "effective_on": on,
                            "actor": "inspector",
                            "actor_id": self.inspector, "reason": reason, "at": utcnow()})

    # --- cases -----------------------------------------------------------------------------

    def new_case(self, cadres: list[dict], unit: dict, opened: date, title: str, source: CaseSource,
                 kind: CaseKind = CaseKind.DISCIPLINE) -> dict:
        case = {"id": len(self.cases) + 1, "case_no": self.case_no(opened), "kind": kind,
                "source": source,
                "title": title, "unit_id": unit["id"], "stage": CaseStage.CLUE,
                "stage_since": opened,
                "opened_on": opened, "filed_on": None, "decided_on": None, "closed_on": None,
                "due_on": None,
                "extended_months": 0, "created_by": "inspector", "created_at": utcnow(),
                "handler_id": self.inspector if self.rng.random() < 0.85 else None}
        names = "、".join(c["name"] for c in cadres) or unit["name"]
        case["summary"] = (f"{SOURCE_WORDS[source]}：{unit['name']}{names}涉嫌{title}。"
                           f"经办人已调阅相关台账，需进一步核实有关情况。")
        self.cases.append(case)
        for cadre in cadres:
            self.subjects.append({"id": len(self.subjects) + 1, "case_id": case["id"],
                                  "kind": SubjectKind.CADRE,
                                  "cadre_id": cadre["id"], "unit_id": cadre["unit_id"]})
        if not cadres:
            self.subjects.append({"id": len(self.subjects) + 1, "case_id": case["id"],
                                  "kind": SubjectKind.UNIT,
                                  "cadre_id": None, "unit_id": unit["id"]})
        self.event(case, "opened", None, CaseStage.CLUE, opened, "受理问题线索")
        return case

    def move(self, case: dict, target: CaseStage, on: date, reason: str) -> bool:
        """Move if ``on`` is not after the seed day; returns whether it moved."""
        if on > self.today:
            return False
        self.event(case, "moved", case["stage"], target, on, reason)
        if target == CaseStage.FILED:
            case["filed_on"] = on
        elif target == CaseStage.DECISION:
            case["decided_on"] = on
        elif target in (CaseStage.CLOSED, CaseStage.NO_CASE):
            case["closed_on"] = on
        case["stage"], case["stage_since"] = target, on
        return True

    def finish(self, case: dict) -> None:
        extended = case["extended_months"] if case["stage"] in (CaseStage.FILED,
                                                                CaseStage.INVESTIGATION) else 0
        case["due_on"] = rules.stage_deadline(case["stage"], case["stage_since"], case["filed_on"],
                                              extended)

    def simulate(self, case: dict, cadres: list[dict]) -> None:
        """Take the case along the workflow with random durations, stopping at the seed day."""
        day = self.verify(case, cadres)
        if day is not None:
            day = self.investigate(case, day)
        if day is not None:
            day = self.conclude(case, cadres, day)
        if day is not None:
            self.appeal(case)

    def verify(self, case: dict, cadres: list[dict]) -> date | None:
        """Clue and preliminary verification; None when the case ends there (or at the seed day)."""
        rng, day = self.rng, case["opened_on"]
        day += self.days(2, 30)
        if rng.random() < 0.1:
            self.move(case, CaseStage.NO_CASE, day, "线索内容笼统、不具备核查条件，予以了结")
            return None
        if not self.move(case, CaseStage.VERIFICATION, day, "报批后开展初步核实"):
            return None
        day += self.days(20, 130)  # the limit is 3 months: some run over
        if rng.random() < 0.3:
            if self.move(case, CaseStage.NO_CASE, day, "经初步核实，反映问题失实，予以了结"):
                self.found_false(case, cadres, day)
            return None
        return day

    def found_false(self, case: dict, cadres: list[dict], day: date) -> None:
        rng = self.rng
        if cadres and rng.random() < 0.6:
            self.name_clearing(case, cadres[0], day)
        elif cadres and rng.random() < 0.5:
            self.measure(case, cadres[0], day,
                         rng.choice([MeasureType.TALK_REMINDER, MeasureType.LETTER_INQUIRY,
                                                           MeasureType.CRITICISM]))

    def investigate(self, case: dict, day: date) -> date | None:
        """Filing, investigation (extended when it runs long) and the move to review."""
        if not self.move(case, CaseStage.FILED, day, "经集体研究决定立案审查调查"):
            return None
        day += self.days(1, 10)
        if not self.move(case, CaseStage.INVESTIGATION, day, "成立审查调查组开展工作"):
            return None
        length = self.rng.randint(60, 260)
        if length > 175 and self.rng.random() < 0.7:
            approved = case["filed_on"] + timedelta(days=self.rng.randint(150, 175))
            if approved <= self.today:
                self.extend(case, approved)
        day += timedelta(days=length)
        if not self.move(case, CaseStage.REVIEW, day, "审查调查终结，移送审理"):
            return None
        return day

    def conclude(self, case: dict, cadres: list[dict], day: date) -> date | None:
        """The decision with its measures, then closing."""
        day += self.days(8, 50)
        if not self.move(case, CaseStage.DECISION, day, "审理完毕，经常委会研究作出处理决定"):
            return None
        for cadre in cadres or [None]:
            self.decided(case, cadre, day)
        day += self.days(3, 20)
        if not self.move(case, CaseStage.CLOSED, day, "处理决定执行完毕，予以结案"):
            return None
        return day

    def appeal(self, case: dict) -> None:
        if not (self.appealable(case) and self.rng.random() < 0.3):
            return
        day = case["decided_on"] + self.days(10, 28)
        if not self.move(case, CaseStage.APPEAL, max(day, case["closed_on"]),
                         "受处分人提出申诉，予以受理"):
            return
        day = case["stage_since"] + self.days(30, 100)
        if self.move(case, CaseStage.CLOSED, day, "复查完毕，作出复查决定"):
            self.appeal_answered(case, day)

    def extend(self, case: dict, approved: date) -> None:
        case["extended_months"] = 3
        before = rules.stage_deadline(CaseStage.INVESTIGATION, approved, case["filed_on"])
        after = rules.stage_deadline(CaseStage.INVESTIGATION, approved, case["filed_on"], 3)
        reason = "案情复杂，需补充调取证据"
        self.extensions.append({"id": len(self.extensions) + 1, "case_id": case["id"],
                                "stage": CaseStage.INVESTIGATION, "months": 3,
                                "approver": "纪委监委主要负责人",
                                "reason": reason, "approved_on": approved,
                                "previous_due_on": before,
                                "new_due_on": after, "actor": "inspector", "at": utcnow()})
        self.event(case, "extended", case["stage"], case["stage"], approved,
                   f"延长审查调查时间3个月：{reason}")

    # --- measures --------------------------------------------------------------------------

    def choose_code(self, cadre: dict | None) -> MeasureType:
        if cadre is None:
            if self.unused_org_codes:
                return self.unused_org_codes.pop(0)
            return self.rng.choice([MeasureType.ORG_INSPECTION, MeasureType.ORG_CIRCULAR,
                                    MeasureType.ORG_CIRCULAR, MeasureType.ORG_REORGANIZATION])
        fits = [code for code in self.unused_codes if self.may_receive(cadre, code)]
        if fits:  # every kind of measure appears at least once
            self.unused_codes.remove(fits[0])
            return fits[0]
        while True:
            form = _pick(self.rng, FORM_WEIGHTS)
            codes = [
                s.code
                for s in rules.CATALOGUE
                if s.form == form
                and s.subject == SubjectKind.CADRE
                and self.may_receive(cadre, s.code)
            ]
            if form == Form.FIRST:
                codes += [MeasureType.ADMONISHMENT] * 3
            if codes:
                return self.rng.choice(codes)

    @staticmethod
    def may_receive(cadre: dict, code: MeasureType) -> bool:
        """Party sanctions only for members; committee members only 警告/记过/记大过 (domain.md
        §3)."""
        return rules.recipient_problem(code, party_member=cadre["party_member"],
                                       category=cadre["category"]) is None

    def measure(self, case: dict | None, cadre: dict | None, day: date, code: MeasureType,
                unit: dict | None = None, **extra) -> dict:
        unit_id = cadre["unit_id"] if cadre else (unit or self.units[case["unit_id"]])["id"]
        row = {"id": len(self.measures) + 1, "case_id": case["id"] if case else None,
               "subject_kind": SubjectKind.CADRE if cadre else SubjectKind.UNIT,
               "cadre_id": cadre["id"] if cadre else None, "unit_id": unit_id, "code": code,
               "decided_on": day,
               "probation_years": None,
               "document_no": f"江纪发〔{day.year}〕{self.rng.randint(1, 200)}号",
               "note": "处理决定书已送达本人并存入档案。", "revoked_on": None, "revoked_reason": "",
               "changed_on": None,
               "change_reason": "", "replaces_id": None, "tolerance_outcome": None,
               "origin": "demo",
               "created_by": "inspector", "created_at": utcnow()}
        if rules.SPECS[code].probation:
            row["probation_years"] = self.rng.choice([1, 2])
        row.update(extra)
        self.measures.append(row)
        carried = [
            v
            for v in self.visits
            if v["measure_id"] == extra.get("replaces_id") and not v["visited_on"]
        ]
        if carried and rules.SPECS[code].follow_up:
            carried[0]["measure_id"] = row["id"]
        elif cadre and rules.SPECS[code].follow_up:
            self.visit(row)
        return row

    def decided(self, case: dict, cadre: dict | None, day: date) -> None:
        code = self.choose_code(cadre)
        measure = self.measure(case, cadre, day, code)
        if cadre is not None:  # 移送司法 with 开除党籍 and 开除 ("双开") where they apply
            for companion in rules.companions(code, party_member=cadre["party_member"],
                                              category=cadre["category"]):
                self.measure(case, cadre, day, companion)
        if cadre and self.rng.random() < 0.16 and rules.SPECS[code].form in (Form.FIRST,
                                                                             Form.SECOND):
            self.application(case, cadre, measure, day)

    def appealable(self, case: dict) -> list[dict]:
        """Sanctions (second form and heavier) about a cadre in the case: what gets appealed."""
        return [
            m
            for m in self.measures
            if m["case_id"] == case["id"]
            and m["cadre_id"]
            and not m["revoked_on"]
            and not m["changed_on"]
            and rules.SPECS[m["code"]].form != Form.FIRST
        ]

    def appeal_answered(self, case: dict, day: date) -> None:
        measure = self.appealable(case)[0]
        self.appeals += 1
        if self.appeals % 3 == 1:  # revoked, changed, upheld in turn
            measure["revoked_on"], measure["revoked_reason"] = (
                day,
                "复查认定原处分事实不清，予以撤销",
            )
        elif self.appeals % 3 == 2:
            cadre = next(c for c in self.city.cadres if c["id"] == measure["cadre_id"])
            lighter = [s.code for s in rules.CATALOGUE if s.subject == SubjectKind.CADRE
                       and rules.lighter(measure["code"], s.code) and self.may_receive(cadre,
                                                                                       s.code)]
            if lighter:
                measure["changed_on"], measure["change_reason"] = day, "复查决定变更处理"
                self.measure(case, cadre, measure["decided_on"], self.rng.choice(lighter),
                             replaces_id=measure["id"],
                             note=f"由原处理变更：{measure['code'].value}")

    def visit(self, measure: dict) -> None:
        earliest, due = rules.follow_up_window(measure["decided_on"])
        visited = None
        if earliest <= self.today and self.rng.random() < (0.7 if due < self.today else 0.4):
            visited = min(self.today, earliest + self.days(0, 150))
        self.visits.append({"id": len(self.visits) + 1, "measure_id": measure["id"],
                            "cadre_id": measure["cadre_id"],
                            "unit_id": measure["unit_id"], "earliest_on": earliest, "due_on": due,
                            "visited_on": visited, "visitor": "区纪委监委回访组" if visited else "",
                            "note": "思想稳定，能正确对待处理，工作表现良好。" if visited else ""})

    # --- error tolerance, name clearing --------------------------------------------------------

    OUTCOMES = [ToleranceOutcome.EXEMPT, ToleranceOutcome.MITIGATED, ToleranceOutcome.NOT_TOLERATED]

    def application(self, case: dict | None, cadre: dict, measure: dict | None, day: date,
                    status: ToleranceStatus | None = None,
                    applicant: Applicant | None = None) -> dict:
        submitted = min(self.today, day + self.days(3, 25))
        app = {"id": len(self.applications) + 1,
               "app_no": f"RC-{submitted.year}-{len(self.applications) + 1:04d}",
               "applicant": applicant or self.rng.choice([Applicant.CADRE, Applicant.UNIT]),
               "cadre_id": cadre["id"], "unit_id": cadre["unit_id"],
               "case_id": case["id"] if case else None,
               "measure_id": measure["id"] if measure else None, "finding_on": day,
               "submitted_on": submitted,
               "submitted_by": "cadre" if applicant == Applicant.CADRE else "inspector",
               "statement": "在推进项目建设中，为赶工期经班子集体研究先行实施，未谋取私利，已主动"
                            "整改挽回损失。",
               "status": ToleranceStatus.SUBMITTED, "checklist": {}, "verification_notes": "",
               "outcome": None,
               "decided_on": None, "decided_by": "", "reasons": "", "created_at": utcnow()}
        self.applications.append(app)
        decide_on = submitted + self.days(20, 60)
        if status is None:
            status = (
                ToleranceStatus.DECIDED if decide_on <= self.today else ToleranceStatus.VERIFYING
            )
        if status == ToleranceStatus.SUBMITTED:
            return app
        outcome = self.OUTCOMES[(app["id"] - 1) % 3]
        # one of the three distinctions is enough (they are alternatives, domain.md §5)
        distinctions = [c.code for c in rules.CRITERIA if c.group == rules.DISTINCTION]
        checks = {c.code: c.group == rules.CONDITION for c in rules.CRITERIA}
        checks[distinctions[app["id"] % len(distinctions)]] = True
        if outcome == ToleranceOutcome.MITIGATED:
            checks["no_serious_loss"] = False
            checks["recovered_losses"] = True
        if outcome == ToleranceOutcome.NOT_TOLERATED:
            checks["excl_personal_gain"] = True
        app["checklist"] = {code: {"met": met, "evidence": "见核实材料" if met else ""} for code,
                            met in checks.items()}
        app["verification_notes"] = "已调阅会议纪要、资金台账，并与相关人员谈话核实。"
        app["status"] = ToleranceStatus.VERIFYING
        if status == ToleranceStatus.VERIFYING:
            return app
        app.update(
            status=ToleranceStatus.DECIDED,
            outcome=outcome,
            decided_on=decide_on,
            decided_by=self.rng.choice(COMMITTEES),
            reasons={
                ToleranceOutcome.EXEMPT: "符合“三个区分开来”要求，予以免责。",
                ToleranceOutcome.MITIGATED: "造成一定损失，但主动整改，予以从轻处理。",
                ToleranceOutcome.NOT_TOLERATED: "存在谋取私利情形，不予容错。",
            }[outcome],
        )
        if measure is not None:
            measure["tolerance_outcome"] = outcome
        if outcome != ToleranceOutcome.NOT_TOLERATED:
            for index in range(self.rng.randint(1, 2)):
                due = decide_on + self.days(30, 120)
                done = due - self.days(0,
                                       20) if due < self.today and self.rng.random() < 0.7 else None
                self.actions.append(
                    {
                        "id": len(self.actions) + 1,
                        "application_id": app["id"],
                        "action": CORRECTIONS[(app["id"] + index) % len(CORRECTIONS)],
                        "owner": self.units[cadre["unit_id"]]["name"],
                        "due_on": due,
                        "done_on": done if done and done <= self.today else None,
                        "follow_up": "已整改到位，建立长效机制。"
                        if done and done <= self.today
                        else "",
                        "created_by": "inspector",
                        "created_at": utcnow(),
                    }
                )
        return app

    def name_clearing(self, case: dict, cadre: dict, finding: date) -> None:
        due = rules.name_clearing_due(finding)
        done = finding + self.days(5, 40)
        self.clearings.append({"id": len(self.clearings) + 1, "case_id": case["id"],
                               "cadre_id": cadre["id"],
                               "unit_id": cadre["unit_id"], "finding_on": finding, "due_on": due,
                               "done_on": done if done <= self.today else None,
                               "method": "在本单位干部大会上予以澄清" if done <= self.today else "",
                               "note": "", "created_by": "inspector", "created_at": utcnow()})

    # --- the whole city --------------------------------------------------------------------

    def featured(self) -> None:
        """The ``cadre`` login: an admonishment in effect and an application under verification."""
        cadre = self.city.featured_cadre
        unit = self.units[cadre["unit_id"]]
        decided = self.today - timedelta(days=92)
        opened = decided - timedelta(days=150)
        case = self.new_case([cadre], unit, opened, "信访事项办理敷衍塞责",
                             CaseSource.LETTERS_VISITS)
        steps = [(CaseStage.VERIFICATION, 6, "报批后开展初步核实"),
                 (CaseStage.FILED, 45, "经集体研究决定立案审查调查"),
                 (CaseStage.INVESTIGATION, 50, "成立审查调查组开展工作"),
                 (CaseStage.REVIEW, 125, "审查调查终结，移送审理"),
                 (CaseStage.DECISION, 150, "审理完毕，经常委会研究作出处理决定"),
                 (CaseStage.CLOSED, 157, "处理决定执行完毕，予以结案")]
        for stage, offset, reason in steps:
            self.move(case, stage, opened + timedelta(days=offset), reason)
        measure = self.measure(case, cadre, decided, MeasureType.ADMONISHMENT)
        self.application(case, cadre, measure, decided + timedelta(days=10),
                         status=ToleranceStatus.VERIFYING,
                         applicant=Applicant.CADRE)
        self.finish(case)

    def run(self) -> None:
        self.featured()
        cadres = [c for c in self.city.cadres if c["id"] != self.city.featured_cadre_id]
        leaders = [c for c in cadres if c["leader_role"] != LeaderRole.MEMBER]
        organizations = [u for u in self.city.units if u["kind"] != UnitKind.TERRITORIAL
                         or u["level"] == UnitLevel.COMMUNITY]
        total = min(1500, max(240, len(self.city.cadres) // 5))
        for index in range(total):
            recent = self.rng.random() < 0.55
            opened = self.today - (self.days(1, 300) if recent else self.days(300, 1000))
            title = self.rng.choice(PROBLEMS)
            source = _pick(self.rng, SOURCE_WEIGHTS)
            if index % 10 == 7:
                unit = self.rng.choice(organizations)
                case = self.new_case([], unit, opened, title, source, CaseKind.ACCOUNTABILITY)
                self.simulate(case, [])
            else:
                first = self.rng.choice(leaders if self.rng.random() < 0.6 else cadres)
                subjects = [first]
                colleagues = [
                    c
                    for c in self.city.cadres_in(first["unit_id"])
                    if c["id"] != first["id"] and c["id"] != self.city.featured_cadre_id
                ]
                if colleagues and self.rng.random() < 0.12:
                    subjects.append(self.rng.choice(colleagues))
                kind = CaseKind.ACCOUNTABILITY if self.rng.random() < 0.3 else CaseKind.DISCIPLINE
                case = self.new_case(subjects, self.units[first["unit_id"]], opened, title, source,
                                     kind)
                self.simulate(case, subjects)
            self.finish(case)
        for cadre in self.rng.sample(cadres, 4):  # standing alone, and still waiting
            self.application(None, cadre, None, self.today - self.days(5, 30),
                             status=ToleranceStatus.SUBMITTED)


def seed(session: Session, city: DemoCity) -> None:
    seeder = _Seeder(city)
    seeder.run()
    for model, rows in ((Case, seeder.cases), (CaseSubject, seeder.subjects),
                        (CaseEvent, seeder.events),
                        (CaseExtension, seeder.extensions), (Measure, seeder.measures),
                        (FollowUpVisit, seeder.visits), (ToleranceApplication, seeder.applications),
                        (CorrectionAction, seeder.actions), (NameClearing, seeder.clearings)):
        bulk_insert(session, model, rows)
    audit.log(session, Actor.system(session, "demo"), "demo.seed.accountability",
              entity_type="ac_case",
              summary={"cases": len(seeder.cases), "measures": len(seeder.measures),
                       "applications": len(seeder.applications)})


SEEDERS = [(30, seed)]
