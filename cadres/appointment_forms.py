"""Appointment forms (干部任免审批表, ``.lrmx``) in and out of the cadre records.

``export_form`` writes one cadre's form, ``export_unit`` a zip of a unit subtree's forms:
the record's fields, the annual appraisal results (年度考核结果) from the grades and the
rewards and sanctions (奖惩情况) from the measures (through ``accountability.service``)
and approved commendations, each added to what the record already says. ``import_forms``
reads one form or a zip, all or nothing: every element is checked first and the errors
name the file and the element; a cadre is found by id number (else by name and birth
month) and one not yet known joins the unit given. Résumé lines that cannot be read are
kept in the record's résumé note.

Only the reviewers in scope and the cadre themself (and the command line) see the id
number, so only they can export a form.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from accountability import service as accountability
from cadres import codes, decisions, records, scope
from cadres.enums import AppraisalGrade, DecisionOutcome, DecisionStatus, DecisionType
from cadres.lrmx import (
    WRITER_VERSION,
    ElementProblem,
    FormProblems,
    LrmxForm,
    open_upload,
    parse_form,
    problem,
    write_archive,
    write_form,
)
from cadres.models import CadreAppraisal, CadrePhoto, CadrePosting, CadreRecord, PersonnelDecision
from cadres.rules import records as rules
from portal import audit
from portal.access import Actor, in_subtree, visible_cadre
from portal.enums import CadreCategory, CadreStatus, Gender, LeaderRole
from portal.errors import AccessDenied, Invalid
from portal.i18n import N_, _, use_lang
from portal.models import Cadre, Unit
from portal.tabular import ImportProblem, ImportResult

# element → record field (read and written with that field's parser and text)
RECORD_ELEMENTS = {
    "MinZu": "ethnicity", "JiGuan": "native_place", "ChuShengDi": "birthplace",
                   "RuDangShiJian": "party_joined",
    "CanJiaGongZuoShiJian": "work_started", "JianKangZhuangKuang": "health",
    "ZhuanYeJiShuZhiWu": "professional_title", "ShuXiZhuanYeYouHeZhuanChang": "expertise",
    "QuanRiZhiJiaoYu_XueLi": "fulltime_education", "QuanRiZhiJiaoYu_XueWei": "fulltime_degree",
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "fulltime_education_school",
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "fulltime_degree_school",
    "ZaiZhiJiaoYu_XueLi": "inservice_education", "ZaiZhiJiaoYu_XueWei": "inservice_degree",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi": "inservice_education_school",
    "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi": "inservice_degree_school",
    "JianLi": "resume", "JiangChengQingKuang": "rewards_sanctions",
                   "NianDuKaoHeJieGuo": "appraisal_results",
    "ShenFenZheng": "id_number",
}
# element → the form's own fields kept on the record: (field, longest text)
FORM_TEXTS = {"XianRenZhiWu": ("current_post", 200), "NiRenZhiWu": ("proposed_post", 200),
              "NiMianZhiWu": ("post_to_remove", 200), "RenMianLiYou": ("appointment_reason", 2000),
              "ChengBaoDanWei": ("submitting_unit", 120), "TianBiaoRen": ("filled_by", 60)}
FORM_DATES = {"JiSuanNianLingShiJian": "age_date", "TianBiaoShiJian": "filled_on"}
GENDER_NAMES = {Gender.MALE: "男", Gender.FEMALE: "女"}


# --- export -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Evidence:
    """What the form derives rather than stores: grades, measures, commendations."""

    grades: list[tuple[int, str]]
    measure_lines: list[str]
    commendation_lines: list[str]


def form_of(cadre: Cadre, record: CadreRecord | None, evidence: Evidence, photo: bytes | None,
            today: date) -> LrmxForm:
    """The form of ``cadre`` (its record may be None): every element as text."""
    text = {key: records.field_text(record, key) for key in records.FIELD_BY_KEY}
    fields = {element: text[key] for element, key in RECORD_ELEMENTS.items()}
    for element in ("RuDangShiJian", "CanJiaGongZuoShiJian"):
        fields[element] = fields[element].replace("-", "")
    stored = {key: getattr(record, key) if record else records.EMPTY[key]
              for key, _limit in FORM_TEXTS.values()}
    fields.update({element: stored[key] for element, (key, _limit) in FORM_TEXTS.items()})
    fields["XianRenZhiWu"] = stored["current_post"] or f"{cadre.unit.name}{cadre.position or ''}"
    fields["NianDuKaoHeJieGuo"] = (rules.appraisal_text(evidence.grades) if evidence.grades
                                   else text["appraisal_results"])
    fields["JiangChengQingKuang"] = rules.merged_text(
        text["rewards_sanctions"], [*evidence.commendation_lines, *evidence.measure_lines])
    for element, key in FORM_DATES.items():
        day = (getattr(record, key) if record else None) or today
        fields[element] = f"{day.year:04d}{day.month:02d}{day.day:02d}"
    fields.update({
        "XingMing": cadre.name, "XingBie": GENDER_NAMES[Gender(cadre.gender)],
        "ChuShengNianYue": rules.format_month(cadre.birth_date),
        "ZhaoPian": base64.b64encode(photo).decode("ascii") if photo else "",
                   "Version": WRITER_VERSION,
    })
    family = [{"ChengWei": m.relation, "XingMing": m.name,
               "ChuShengRiQi": rules.format_month(m.born),
               "ZhengZhiMianMao": codes.POLITICAL_STATUS.label(m.political_status),
               "GongZuoDanWeiJiZhiWu": m.work}
              for m in (rules.FamilyMember.from_json(j) for j in (record.family if record else []))]
    return LrmxForm(fields, family)


def _month_words(day: date) -> str:
    return f"{day.year}年{day.month}月"


def _evidence(session: Session, actor: Actor, cadre_ids: list[int]) -> dict[int, Evidence]:
    grades: dict[int, list[tuple[int, str]]] = {i: [] for i in cadre_ids}
    commendations: dict[int, list[str]] = {i: [] for i in cadre_ids}
    for start in range(0, len(cadre_ids), 900):
        chunk = cadre_ids[start:start + 900]
        for cadre_id, year, grade in session.execute(
                select(CadreAppraisal.cadre_id, CadreAppraisal.year, CadreAppraisal.grade)
                .where(CadreAppraisal.cadre_id.in_(chunk)).order_by(CadreAppraisal.year)):
            grades[cadre_id].append((year, AppraisalGrade(grade).value))
        for decision in session.scalars(
                select(PersonnelDecision).where(
                    PersonnelDecision.cadre_id.in_(chunk),
                                                PersonnelDecision.type == DecisionType.COMMENDATION,
                    PersonnelDecision.status == DecisionStatus.DECIDED,
                    PersonnelDecision.outcome == DecisionOutcome.APPROVED)
                .order_by(PersonnelDecision.decided_on, PersonnelDecision.id)):
            day = decision.decided_on or decision.as_of
            commendations[decision.cadre_id].append(f"{_month_words(day)}{decision.title}")
    with use_lang("zh"):  # the form is written in Chinese whatever the reader's language
        measures = accountability.effects_for_cadres(session, actor, cadre_ids)
    return {i: Evidence(grades[i], [f"{_month_words(m.decided_on)}受到{m.label}"
                                    for m in reversed(measures.get(i, []))
                                    if m.revoked_on is None and m.changed_on is None],
                        commendations[i]) for i in cadre_ids}


def _require_export(actor: Actor, cadre: Cadre) -> None:
    records.require_view(actor, cadre)
    if not scope.may_see_identity(actor, cadre):
        raise AccessDenied(_("The appointment form carries the national id number: only the "
                             "reviewers "
                             "responsible for this cadre and the cadre themself may download it."))


def file_name(cadre: Cadre) -> str:
    return f"{cadre.code}-{cadre.name}.lrmx"


def _by_cadre(session: Session, columns, ids: list[int]) -> dict[int, Any]:
    """``{cadre id: value}`` for a two-column select keyed by cadre id, in chunks of ids."""
    key = columns[0]
    found: dict[int, Any] = {}
    for start in range(0, len(ids), 900):
        found.update(
            dict(session.execute(select(*columns).where(key.in_(ids[start : start + 900]))).all())
        )
    return found


def _forms(session: Session, actor: Actor, cadres: list[Cadre],
           today: date) -> list[tuple[str, bytes]]:
    ids = [c.id for c in cadres]
    found = _by_cadre(session, (CadreRecord.cadre_id, CadreRecord), ids)
    photos = _by_cadre(session, (CadrePhoto.cadre_id, CadrePhoto.data), ids)
    evidence = _evidence(session, actor, ids)
    return [(file_name(c),
             write_form(form_of(c, found.get(c.id), evidence[c.id], photos.get(c.id), today)))
            for c in cadres]


def export_form(session: Session, actor: Actor, code: str, today: date | None = None) -> tuple[str,
                                                                                               bytes]:
    """One cadre's form: ``(file name, content)``."""
    cadre = visible_cadre(session, actor, code=code, permissions=scope.PROFILE)
    _require_export(actor, cadre)
    ((name, content),) = _forms(session, actor, [cadre], today or date.today())
    audit.log(session, actor, "export", entity_type="cadre", entity_id=cadre.id,
              summary={"kind": "lrmx", "cadre": cadre.code})
    return name, content


def export_unit(session: Session, actor: Actor, unit_code: str, today: date | None = None,
                max_forms: int | None = None) -> bytes:
    """A zip of the forms of the serving cadres of ``unit_code`` and the units below it
    (``Invalid`` when there are more than ``max_forms``: a page downloads a district at most)."""
    unit = session.scalar(select(Unit).where(Unit.code == str(unit_code).strip()))
    if unit is None:
        raise Invalid(_("No unit has the code %(code)s.", code=unit_code), field="unit")
    actor.require("cadres.view", unit)
    cadres = list(session.scalars(
        select(Cadre).join(Unit, Cadre.unit_id == Unit.id).options(joinedload(Cadre.unit))
        .where(in_subtree(Unit.path, unit.path),
               Cadre.status == CadreStatus.SERVING)
        .order_by(Unit.path, Cadre.code)))
    if not cadres and max_forms is not None:  # from the page: an empty zip helps no one
        raise Invalid(_("No serving cadre in %(unit)s and the units below it.", unit=unit.name),
                      field="unit")
    if max_forms is not None and len(cadres) > max_forms:
        raise Invalid(_("%(unit)s has %(n)s serving cadres; a download holds at most %(max)s "
                        "forms. Choose a unit further down, or use the command line "
                        "(portal export lrmx --unit).", unit=unit.name, n=len(cadres),
                        max=max_forms), field="unit")
    for cadre in cadres:
        _require_export(actor, cadre)
    content = write_archive(_forms(session, actor, cadres, today or date.today()))
    audit.log(session, actor, "export", entity_type="unit", entity_id=unit.id,
              summary={"kind": "lrmx", "unit": unit.code, "forms": len(cadres)})
    return content


# --- import -----------------------------------------------------------------------------------

@dataclass
class FormChange:
    """What importing one form does (or, in a dry run, would do)."""

    file: str
    name: str
    cadre_code: str
    action: str  # "new" | "updated" | "unchanged"
    fields: list[str] = field(default_factory=list)  # labels of the fields that change


@dataclass
class FormImportResult(ImportResult):
    changes: list[FormChange] = field(default_factory=list)
    existing: set[int] = field(default_factory=set)  # cadres found in the registry


@dataclass
class _Reading:
    """A form read into values: registry fields, record fields, photo."""

    file: str
    name: str
    gender: Gender
    birth_date: date | None
    values: dict[str, Any]
    photo: bytes | None


def _form_values(form: LrmxForm, file: str) -> tuple[_Reading | None, list[ElementProblem]]:
    problems: list[ElementProblem] = []

    def bad(element: str, reason: str, value: str = "") -> None:
        problems.append(problem(file, element, reason, value))

    name = form.get("XingMing").strip()
    if not name or len(name) > 60:
        bad("XingMing", _("must be a name of at most 60 characters"), name)
    gender = {"男": Gender.MALE, "女": Gender.FEMALE}.get(form.get("XingBie").strip())
    if gender is None:
        bad("XingBie", _("must be 男 or 女"), form.get("XingBie"))
    values, wrong = records.parse_values({key: form.get(element) for element,
                                          key in RECORD_ELEMENTS.items()})
    for element, key in RECORD_ELEMENTS.items():
        if key in wrong:
            shown = "" if key == "id_number" else form.get(element)[:60]
            bad(element, wrong[key], shown)
    _texts_and_months(form, values, bad)
    birth = _birth(form, values.get("id_number"), bad)
    values["family"] = _family(form, bad)
    if not values.get("id_number"):
        values.pop("id_number", None)  # a form without the number leaves the one on record alone
    photo = _photo(form.get("ZhaoPian"), bad)
    if problems:
        return None, problems
    return _Reading(file, name, gender, birth, values, photo), []


def _texts_and_months(form: LrmxForm, values: dict[str, Any], bad) -> None:
    """The form's free texts (each within its limit) and its months into ``values``."""
    for element, (key, limit) in FORM_TEXTS.items():
        values[key] = form.get(element).strip()
        if len(values[key]) > limit:
            bad(element, _("is longer than %(n)s characters", n=limit))
    for element, key in FORM_DATES.items():
        raw = form.get(element)
        try:
            values[key] = rules.parse_month(raw) if raw else None
        except ValueError as error:
            bad(element, str(error), raw)


def _family(form: LrmxForm, bad) -> list[dict]:
    family = []
    for index, row in enumerate(form.family, start=1):
        try:
            family.append(records.family_member(
                row.get("ChengWei", ""), row.get("XingMing", ""), row.get("ChuShengRiQi", ""),
                row.get("ZhengZhiMianMao", ""), row.get("GongZuoDanWeiJiZhiWu", ""),
                                                line=index).as_json())
        except ValueError as error:
            bad(f"JiaTingChengYuan/Item[{index}]", str(error))
    return family


def _birth(form: LrmxForm, number: str | None, bad) -> date | None:
    """The birth date: the id number's when it agrees with ChuShengNianYue (which gives the
    month only), else the month itself."""
    raw = form.get("ChuShengNianYue")
    if not raw:
        return rules.id_birth_date(number) if number else None
    try:
        born = rules.parse_month(raw)
    except ValueError as error:
        bad("ChuShengNianYue", str(error), raw)
        return None
    if number:
        exact = rules.id_birth_date(number)
        if (exact.year, exact.month) != (born.year, born.month):
            bad("ChuShengNianYue",
                _("does not agree with the birth date in the id number (ShenFenZheng)"), raw)
        return exact
    return born


def _photo(encoded: str, bad) -> bytes | None:
    if not encoded.strip():
        return None
    try:
        data = base64.b64decode(re.sub(r"\s+", "", encoded), validate=True)
        records.check_photo(data)
    except (binascii.Error, ValueError):
        bad("ZhaoPian", _("is not base64 text"))
        return None
    except Invalid as error:
        bad("ZhaoPian", error.message)
        return None
    return data


def _holders(session: Session, numbers: list[str]) -> dict[str, Cadre]:
    """The cadres holding these id numbers, in a few queries (their records stay in the session)."""
    found: dict[str, Cadre] = {}
    digests = {records.id_digest(n): n for n in numbers}
    keys = list(digests)
    for start in range(0, len(keys), 900):
        rows = session.execute(
            select(CadreRecord.id_number_digest, Cadre)
            .join(Cadre, CadreRecord.cadre_id == Cadre.id)
            .options(joinedload(Cadre.unit))
            .where(CadreRecord.id_number_digest.in_(keys[start : start + 900]))
        )
        found.update({digests[digest]: cadre for digest, cadre in rows})
    return found


def _match(session: Session, reading: _Reading, holders: dict[str, Cadre]) -> Cadre | None:
    """The cadre a form is about: by id number; failing that, the one cadre with the same name
    and birth month and no id number on record."""
    number = reading.values.get("id_number")
    if number and number in holders:
        return holders[number]
    if reading.birth_date is None:
        return None
    same = [c for c in session.scalars(select(Cadre).where(Cadre.name == reading.name))
            if c.birth_date and (c.birth_date.year, c.birth_date.month)
            == (reading.birth_date.year, reading.birth_date.month)]
    if number:
        same = [c for c in same if not session.scalar(select(CadreRecord.id_number)
                                                      .where(CadreRecord.cadre_id == c.id))]
    return same[0] if len(same) == 1 else None


def _next_codes(session: Session, count: int) -> list[str]:
    numbers = [
        int(code[1:])
        for code in session.scalars(select(Cadre.code).where(Cadre.code.like("C%")))
        if re.fullmatch(r"C\d+", code)
    ]
    start = max(numbers, default=0) + 1
    return [f"C{n:05d}" for n in range(start, start + count)]


def import_forms(session: Session, actor: Actor, data: bytes, filename: str, *,
                 unit: str | None = None,
                 dry_run: bool = False, **_options) -> FormImportResult:
    """Import one ``.lrmx`` or a zip of them (contracts.md ``portal import lrmx``)."""
    actor.require("cadres.edit")
    try:
        files = open_upload(data, filename)
    except FormProblems as error:
        raise ImportProblem(error.problems) from None
    readings, problems = [], []
    for form_file in files:
        try:
            reading, wrong = _form_values(parse_form(form_file.data, form_file.name),
                                          form_file.name)
        except FormProblems as error:
            problems += error.problems
            continue
        problems += wrong
        if reading is not None:
            readings.append(reading)
    target = None
    if unit:
        target = session.scalar(select(Unit).where(Unit.code == unit.strip()))
        if target is None:
            problems.append(problem(PurePosixPath(filename).name, "--unit",
                                    _("no unit has this code"), unit))
        elif not actor.in_scope(target.path):
            problems.append(problem(PurePosixPath(filename).name, "--unit",
                                    _("this unit is outside the units you are responsible for"),
                                    unit))
    matched = _matches(session, actor, readings, target, problems)
    if problems:
        raise ImportProblem(problems)
    result = FormImportResult(kind="lrmx", rows=len(readings), dry_run=dry_run,
                              existing={c.id for c in matched if c is not None})
    new_codes = iter(_next_codes(session, sum(1 for c in matched if c is None)))
    for reading, cadre in zip(readings, matched, strict=True):
        result.changes.append(_apply(session, actor, reading, cadre, target, new_codes, result))
    result.notes += [_change_line(change) for change in result.changes[:NOTED_CHANGES]]
    audit.log(session, actor, "import", entity_type="cadre",
              summary={"kind": "lrmx", "file": PurePosixPath(filename).name, "rows": result.rows,
                       "created": result.created, "updated": result.updated, "dry_run": dry_run})
    return result


NOTED_CHANGES = 50  # forms listed one by one in the result (the command line prints them)


def _change_line(change: FormChange) -> str:
    what = {"new": _("new cadre"), "updated": _("updated"),
            "unchanged": _("unchanged")}[change.action]
    fields = f" ({'、'.join(change.fields)})" if change.fields else ""
    return f"{change.file}: {change.cadre_code} {change.name} — {what}{fields}"


def _matches(session: Session, actor: Actor, readings: list[_Reading], target: Unit | None,
             problems: list[ElementProblem]) -> list[Cadre | None]:
    matched: list[Cadre | None] = []
    seen: dict[str, str] = {}
    holders = _holders(session, [n for r in readings if (n := r.values.get("id_number"))])
    for reading in readings:
        cadre = _match(session, reading, holders)
        number = reading.values.get("id_number")
        if number and number in seen:
            problems.append(problem(reading.file, "ShenFenZheng",
                                    _("the same id number as %(file)s", file=seen[number])))
        elif number:
            seen[number] = reading.file
        if cadre is not None and not actor.in_scope(cadre.unit.path):
            problems.append(
                problem(
                    reading.file,
                    "ShenFenZheng" if number else "XingMing",
                    _("this cadre serves outside the units you are responsible for"),
                )
            )
        if cadre is None and target is None:
            problems.append(problem(reading.file, "",
                                    _("%(name)s is not yet in the registry: choose the unit "
                                                        "they join (--unit CODE on the command "
                                                        "line)",
                                                        name=reading.name)))
        matched.append(cadre)
    return matched


def _apply(session: Session, actor: Actor, reading: _Reading, cadre: Cadre | None,
           target: Unit | None,
           new_codes: Iterator[str], result: FormImportResult) -> FormChange:
    if cadre is None:
        cadre = _new_cadre(session, reading, target, next(new_codes))
        changed: dict[str, list] = {}
    else:
        registry = {"name": reading.name, "gender": reading.gender,
                    "party_member": reading.values.get("party_joined") is not None}
        if reading.birth_date is not None:
            registry["birth_date"] = reading.birth_date
        changed = {k: [getattr(cadre, k), v] for k, v in registry.items() if getattr(cadre, k) != v}
        for key, (_old, new) in changed.items():
            setattr(cadre, key, new)
        if changed:
            audit.log(session, actor, "cadre.updated", entity_type="cadre", entity_id=cadre.id,
                      summary={"cadre": cadre.code, "changes": changed})
    new = cadre.id not in result.existing
    changes = records.update_record(session, actor, cadre, reading.values,
                                    action="cadre.record.imported")
    if reading.photo is not None:
        photo = session.get(CadrePhoto, cadre.id)
        if photo is None or photo.data != reading.photo:
            records.set_photo(session, actor, cadre, reading.photo)
            changes["photo"] = True
    keys = [*changed, *changes]
    if new:
        result.created += 1
    elif keys:
        result.updated += 1
    else:
        result.unchanged += 1
    action = "new" if new else "updated" if keys else "unchanged"
    return FormChange(reading.file, reading.name, cadre.code, action,
                      [] if new else [_label(k) for k in keys])


def _label(key: str) -> str:
    if key in records.FIELD_BY_KEY:
        return _(records.FIELD_BY_KEY[key].label)
    return _(OTHER_LABELS[key]) if key in OTHER_LABELS else key


OTHER_LABELS = {"name": N_("Full name"), "gender": N_("Gender"), "birth_date": N_("Born"),
                "party_member": N_("Party member"), "photo": N_("Photo"),
                "resume_note": N_("Résumé"),
                "current_post": N_("Current post"), "proposed_post": N_("Proposed post"),
                "post_to_remove": N_("Post to be removed from"),
                "appointment_reason": N_("Reason for the appointment"),
                "submitting_unit": N_("Submitting unit"), "filled_by": N_("Filled in by"),
                "filled_on": N_("Filled in on"), "age_date": N_("Ages computed at")}


def _new_cadre(session: Session, reading: _Reading, unit: Unit, code: str) -> Cadre:
    post = reading.values.get("current_post", "")
    position = post[len(unit.name):] if post.startswith(unit.name) else post
    cadre = Cadre(code=code, name=reading.name, gender=reading.gender,
                  birth_date=reading.birth_date,
                  unit_id=unit.id, position=position[:120], rank=None,
                  category=CadreCategory.LEADING,
                  leader_role=LeaderRole.MEMBER,
                  party_member=reading.values.get("party_joined") is not None,
                  status=CadreStatus.SERVING)
    session.add(cadre)
    session.flush()
    session.add(CadrePosting(cadre_id=cadre.id, unit_id=unit.id, position=cadre.position,
                             start=None))
    session.flush()
    return cadre


# --- from a personnel decision and on paper --------------------------------------------------

# Decisions that appoint or remove: the form they go with names the post and the reason.
APPOINTING = (DecisionType.PROMOTION, DecisionType.RANK_PROMOTION, DecisionType.ADJUSTMENT)
PROPOSED_PREFIX = re.compile(r"^(拟提拔为|拟晋升为|拟提名为|拟任命为|拟任|拟)")


def decision_fields(decision: PersonnelDecision, form: LrmxForm) -> dict[str, str]:
    """What a personnel decision says on its form: the reason (任免理由) always; the proposed
    post (拟任职务) for a promotion, the post to be removed from (拟免职务) for an
    organizational adjustment (the current post)."""
    fields = {"RenMianLiYou": decision.rationale.strip()}
    kind = DecisionType(decision.type)
    if kind in (DecisionType.PROMOTION, DecisionType.RANK_PROMOTION):
        fields["NiRenZhiWu"] = PROPOSED_PREFIX.sub("", decision.title.strip(), count=1)
    elif kind == DecisionType.ADJUSTMENT:
        fields["NiMianZhiWu"] = form.get("XianRenZhiWu")
    return fields


def _with_decision(form: LrmxForm, decision: PersonnelDecision | None) -> LrmxForm:
    if decision is not None:
        form.fields.update(decision_fields(decision, form))
    return form


def export_decision_form(session: Session, actor: Actor, decision_id: int,
                         today: date | None = None) -> tuple[str, bytes]:
    """The form of a decision's cadre with the decision's post and reason: ``(name, content)``."""
    decision = decisions.get_decision(session, actor, decision_id)
    cadre = decision.cadre
    _require_export(actor, cadre)
    ids = [cadre.id]
    record = session.get(CadreRecord, cadre.id)
    photo = session.get(CadrePhoto, cadre.id)
    form = form_of(cadre, record, _evidence(session, actor, ids)[cadre.id],
                   photo.data if photo else None, today or date.today())
    content = write_form(_with_decision(form, decision))
    audit.log(session, actor, "export", entity_type="cadre", entity_id=cadre.id,
              summary={"kind": "lrmx", "cadre": cadre.code, "decision": decision.number})
    return f"{cadre.code}-{cadre.name}-{decision.number}.lrmx", content


@dataclass(frozen=True)
class PrintedForm:
    """One cadre's form as printed: the texts of the ``.lrmx`` (without the id number, which
    the paper form does not carry), the photo and the birth dates ages are counted from."""

    cadre: Cadre
    form: LrmxForm
    photo: bytes | None
    family_born: list[date | None]
    decision: str = ""  # the decision's number, when printed from one


MAX_PRINTED = 50  # forms printed at once (a roster's page)


def printed_forms(session: Session, actor: Actor, codes: list[str] | None = None,
                  decision_id: int | None = None, today: date | None = None) -> list[PrintedForm]:
    """The forms to print: of the cadres ``codes`` (each must be visible to the actor in full:
    reviewers in scope, the cadre themself), or of a decision's cadre with the decision's
    post and reason."""
    decision = None
    if decision_id is not None:
        decision = decisions.get_decision(session, actor, decision_id)
        cadres = [decision.cadre]
    else:
        wanted = list(dict.fromkeys(c.strip() for c in codes or [] if c and c.strip()))
        if not wanted:
            raise Invalid(_("Choose a cadre whose form to print."), field="code")
        if len(wanted) > MAX_PRINTED:
            raise Invalid(_("At most %(n)s forms are printed at once.", n=MAX_PRINTED),
                          field="code")
        cadres = [visible_cadre(session, actor, code=c, permissions=scope.PROFILE)
                  for c in wanted]
    for cadre in cadres:
        records.require_view(actor, cadre)
    ids = [c.id for c in cadres]
    found = _by_cadre(session, (CadreRecord.cadre_id, CadreRecord), ids)
    photos = _by_cadre(session, (CadrePhoto.cadre_id, CadrePhoto.data), ids)
    evidence = _evidence(session, actor, ids)
    printed = []
    for cadre in cadres:
        record = found.get(cadre.id)
        form = _with_decision(form_of(cadre, record, evidence[cadre.id], photos.get(cadre.id),
                                      today or date.today()), decision)
        form.fields["ShenFenZheng"] = ""  # not on paper
        family_born = [rules.FamilyMember.from_json(m).born for m in (record.family if record
                                                                       else [])]
        printed.append(PrintedForm(cadre, form, photos.get(cadre.id), family_born,
                                   decision.number if decision else ""))
    return printed


def export_document(session: Session, actor: Actor, *, key: str | None = None,
                    unit: str | None = None) -> bytes:
    """``portal export lrmx``: one cadre's form (``key``: the cadre code) or a unit's zip."""
    if unit:
        return export_unit(session, actor, unit)
    return export_form(session, actor, key or "")[1]
