"""Which annual grade (年度考核等次) a cadre may receive: the scale of their category and
what their measures and open cases allow (domain.md §7). Pure: facts in, a verdict out.

Scales: civil servants 优秀/称职/基本称职/不称职 (公务员考核规定 2020); public-institution
staff 优秀/合格/基本合格/不合格 (事业单位工作人员考核规定); either may be left without a
grade (不定等次).

Sanctions and the grade (组通字〔1998〕19号 and later answers; domain.md §7), as the
default of the setting ``cadres.grade_limits`` — ``{measure code: {"year": cap,
"next_years": n or "probation"}}``, a cap being ``no_excellent`` (anything but 优秀),
``not_graded`` (不定等次 only) or ``incompetent`` (不称职/不合格 only):

- 党内警告, 政务警告, organizational adjustment (调离岗位): no 优秀 that year;
- 严重警告, 记过: no grade that year; 记大过, 降级, 撤职: no grade that year and the next;
- 撤销党内职务: 不称职 that year; 留党察看: 不称职 that year, no grade in the following
  probation year(s); 开除党籍: 不称职 that year, no grade the next two;
- 责令辞职, 免职, 降职: no grade that year;
- a filed case not yet closed: no grade until it closes.

Where several apply, the heaviest wins. A revoked, changed (its replacement counts) or
exempted (容错 免责) measure limits nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from cadres.enums import CIVIL_SERVANT_GRADES, INSTITUTION_GRADES, AppraisalGrade
from portal.enums import CadreCategory

GRADE_LIMIT_SOURCE = "组通字〔1998〕19号; 公务员考核规定 (2020); domain.md §7"

NO_EXCELLENT, NOT_GRADED, INCOMPETENT = "no_excellent", "not_graded", "incompetent"
CAPS = (NO_EXCELLENT, NOT_GRADED, INCOMPETENT)  # lightest first: the heaviest wins
PROBATION = "probation"

DEFAULT_GRADE_LIMITS: dict[str, dict] = {
    "party_warning": {"year": NO_EXCELLENT, "next_years": 0},
    "gov_warning": {"year": NO_EXCELLENT, "next_years": 0},
    "transfer": {"year": NO_EXCELLENT, "next_years": 0},
    "party_serious_warning": {"year": NOT_GRADED, "next_years": 0},
    "gov_demerit": {"year": NOT_GRADED, "next_years": 0},
    "gov_major_demerit": {"year": NOT_GRADED, "next_years": 1},
    "gov_downgrade": {"year": NOT_GRADED, "next_years": 1},
    "gov_dismissal_post": {"year": NOT_GRADED, "next_years": 1},
    "party_post_removal": {"year": INCOMPETENT, "next_years": 0},
    "party_probation": {"year": INCOMPETENT, "next_years": PROBATION},
    "party_expulsion": {"year": INCOMPETENT, "next_years": 2},
    "ordered_resignation": {"year": NOT_GRADED, "next_years": 0},
    "removal": {"year": NOT_GRADED, "next_years": 0},
    "demotion": {"year": NOT_GRADED, "next_years": 0},
}


def grade_scale(category: CadreCategory | str | None) -> tuple[AppraisalGrade, ...]:
    """The grades a cadre of ``category`` can receive (domain.md §7)."""
    if category is not None and CadreCategory(category) == CadreCategory.INSTITUTION:
        return INSTITUTION_GRADES
    return CIVIL_SERVANT_GRADES


def scale_source(category: CadreCategory | str | None) -> str:
    if category is not None and CadreCategory(category) == CadreCategory.INSTITUTION:
        return "事业单位工作人员考核规定"
    return "公务员考核规定 (2020)"


@dataclass(frozen=True)
class GradeMeasure:
    """A measure about the cadre as the grade rule needs it."""

    code: str
    label: str
    decided_on: date
    source: str                          # "measure:12"
    probation_years: int | None = None
    revoked_on: date | None = None
    changed_on: date | None = None
    tolerance: str | None = None         # exempt / mitigated / not_tolerated


@dataclass(frozen=True)
class GradeCase:
    """A case filed (立案) against the cadre and not yet closed."""

    case_no: str
    filed_on: date | None
    source: str


@dataclass(frozen=True)
class GradeLimit:
    """The heaviest limit on one year's grade and what imposes it."""

    year: int
    cap: str                # no_excellent / not_graded / incompetent
    cause: str              # the measure's label, or the case number
    decided_on: date | None
    source: str             # "measure:12" / "case:7"

    def allows(self, grade: AppraisalGrade | str) -> bool:
        grade = AppraisalGrade(grade)
        if self.cap == NO_EXCELLENT:
            return grade != AppraisalGrade.EXCELLENT
        if self.cap == NOT_GRADED:
            return grade == AppraisalGrade.NOT_GRADED
        return grade in (AppraisalGrade.INCOMPETENT, AppraisalGrade.UNQUALIFIED)

    def allowed(self, scale: Iterable[AppraisalGrade]) -> tuple[AppraisalGrade, ...]:
        return tuple(g for g in scale if self.allows(g))


def _years_limited(limit: Mapping, probation_years: int | None) -> int:
    following = limit.get("next_years", 0)
    if following == PROBATION:
        return probation_years if probation_years in (1, 2) else 1
    return int(following or 0)


def grade_limit(year: int, measures: Iterable[GradeMeasure], open_cases: Iterable[GradeCase] = (),
                table: Mapping[str, Mapping] | None = None) -> GradeLimit | None:
    """The heaviest limit the cadre's measures and open filed cases put on ``year``'s grade
    (None: any grade of the scale)."""
    table = DEFAULT_GRADE_LIMITS if table is None else table
    found: list[GradeLimit] = []
    for measure in measures:
        limit = table.get(measure.code)
        if not limit or measure.revoked_on or measure.changed_on or measure.tolerance == "exempt":
            continue
        decided = measure.decided_on.year
        if year == decided:
            cap = limit["year"]
        elif decided < year <= decided + _years_limited(limit, measure.probation_years):
            cap = NOT_GRADED
        else:
            continue
        found.append(GradeLimit(year, cap, measure.label, measure.decided_on, measure.source))
    for case in open_cases:
        if case.filed_on is None or case.filed_on.year <= year:
            found.append(GradeLimit(year, NOT_GRADED, case.case_no, case.filed_on, case.source))
    if not found:
        return None
    return max(found, key=lambda f: (CAPS.index(f.cap), f.decided_on or date.min))
