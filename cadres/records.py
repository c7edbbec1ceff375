"""The full cadre record (干部信息): reading it as each viewer may, changing it with a history in
the audit log, and the photo.

Who may do what (``cadres.scope``): reviewers in scope (with ``cadres.view``) and the cadre
themself, read the record; reviewers in scope change it; the national id number is shown
unmasked only to reviewers in scope and the cadre themself (``scope.may_see_identity``),
and is masked in every audit summary. Functions take ``(session, actor, …)`` and never
commit.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cadres import codes, scope
from cadres.models import CadrePhoto, CadreRecord
from cadres.rules import records as rules
from portal import audit
from portal.access import Actor
from portal.db import utcnow
from portal.errors import AccessDenied, Invalid
from portal.i18n import N_, _
from portal.keys import data_key
from portal.models import Cadre
from portal.tabular import short_text, text

MAX_PHOTO_BYTES = 1024 * 1024  # a form photo is 20–100 KB; a megabyte leaves room for scans
JPEG_MAGIC = b"\xff\xd8\xff"

# --- the fields and how a typed or imported value is read -------------------------------------


def _coded(code_list: codes.CodeList) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        try:
            return code_list.parse(text(value))
        except ValueError:
            raise ValueError(_("is not a name or code of %(standard)s",
                               standard=code_list.standard)) from None
    return parse


def month(value: Any) -> date:
    """A month (day 1) from a date cell or text such as 201907, 2019-07 or 2019.07."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.replace(day=1)
    return rules.parse_month(text(value)).replace(day=1)


def id_number(value: Any) -> str:
    return rules.normalize_id_number(text(value))


def resume(value: Any) -> tuple[list[dict], str]:
    """The résumé text → (dated lines as JSON, the lines that could not be read)."""
    lines, unparsed = rules.parse_resume(str(value))
    return [line.as_json() for line in lines], "\n".join(unparsed)


FAMILY_SEPARATORS = ("|", "｜")


def family(value: Any) -> list[dict]:
    """One member per line: ``称谓|姓名|出生年月|政治面貌|工作单位及职务`` (up to ten)."""
    members = []
    for number, line in enumerate([v for v in rules.normalize_lines(str(value)) if v.strip()],
                                  start=1):
        for separator in FAMILY_SEPARATORS[1:]:
            line = line.replace(separator, FAMILY_SEPARATORS[0])
        parts = [p.strip() for p in line.split(FAMILY_SEPARATORS[0])]
        if len(parts) != 5:
            raise ValueError(_("line %(n)s: write five parts separated by |: relation|name|birth "
                               "month|"
                               "political status|work unit and post", n=number))
        members.append(family_member(*parts, line=number).as_json())
    if len(members) > rules.MAX_FAMILY:
        raise ValueError(_("lists %(n)s people; the form has room for %(max)s", n=len(members),
                           max=rules.MAX_FAMILY))
    return members


def family_member(relation: str, name: str, born: str, political: str, work: str, *, line: int
                  ) -> rules.FamilyMember:
    """One family member from the form's texts; ``ValueError`` names the line and the part."""
    if not relation or not name:
        raise ValueError(_("line %(n)s: the relation and the name are needed", n=line))
    try:
        born_on = month(born) if born else None
    except ValueError as error:
        raise ValueError(_("line %(n)s, birth month: %(reason)s", n=line, reason=error)) from None
    try:
        status = codes.POLITICAL_STATUS.parse(political) if political else ""
    except ValueError:
        raise ValueError(_("line %(n)s: %(value)s is not a political status of GB/T 4762",
                           n=line, value=political)) from None
    if len(relation) > 20 or len(name) > 60 or len(work) > 200:
        raise ValueError(_("line %(n)s is too long (relation 20, name 60, work 200 characters)",
                           n=line))
    return rules.FamilyMember(relation, name, born_on, status, work)


@dataclass(frozen=True)
class Field:
    """A field of the record: its key (the model attribute), Chinese name, English label,
    how a value is read, and how it is written back as text."""

    key: str
    zh: str
    label: str
    parse: Callable[[Any], Any]
    code_list: codes.CodeList | None = None


FIELDS: tuple[Field, ...] = (
    Field("id_number", "身份证号", N_("National id number"), id_number),
    Field("ethnicity", "民族", N_("Ethnicity"), _coded(codes.ETHNICITY), codes.ETHNICITY),
    Field("native_place", "籍贯", N_("Native place"), short_text(60)),
    Field("birthplace", "出生地", N_("Birthplace"), short_text(60)),
    Field("party_joined", "入党时间", N_("Joined the Party"), month),
    Field("work_started", "参加工作时间", N_("Started work"), month),
    Field("health", "健康状况", N_("Health"), _coded(codes.HEALTH), codes.HEALTH),
    Field("professional_title", "专业技术职务", N_("Professional title"), short_text(60)),
    Field("expertise", "熟悉专业有何专长", N_("Expertise"), short_text(200)),
    Field("fulltime_education", "全日制学历", N_("Full-time education"), _coded(codes.EDUCATION),
          codes.EDUCATION),
    Field("fulltime_degree", "全日制学位", N_("Full-time degree"), _coded(codes.DEGREE),
          codes.DEGREE),
    Field("fulltime_education_school", "全日制学历毕业院校系及专业",
          N_("Full-time education: school and major"),
          short_text(120)),
    Field("fulltime_degree_school", "全日制学位毕业院校系及专业",
          N_("Full-time degree: school and major"),
          short_text(120)),
    Field("inservice_education", "在职学历", N_("In-service education"), _coded(codes.EDUCATION),
          codes.EDUCATION),
    Field("inservice_degree", "在职学位", N_("In-service degree"), _coded(codes.DEGREE),
          codes.DEGREE),
    Field("inservice_education_school", "在职学历毕业院校系及专业",
          N_("In-service education: school and major"),
          short_text(120)),
    Field("inservice_degree_school", "在职学位毕业院校系及专业",
          N_("In-service degree: school and major"),
          short_text(120)),
    Field("resume", "简历", N_("Résumé"), resume),
    Field("rewards_sanctions", "奖惩情况", N_("Rewards and sanctions"), short_text(4000)),
    Field("appraisal_results", "年度考核结果", N_("Annual appraisal results"), short_text(1000)),
    Field("family", "家庭成员", N_("Family members and important social relations"), family),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}
EMPTY: dict[str, Any] = {
    "id_number": None, "id_number_digest": None, "party_joined": None, "work_started": None,
                         "filled_on": None, "age_date": None,
    "resume": [], "family": [], **{key: "" for key in (
        "ethnicity", "native_place", "birthplace", "health", "professional_title", "expertise",
        "fulltime_education", "fulltime_degree", "fulltime_education_school",
                                                       "fulltime_degree_school",
        "inservice_education", "inservice_degree", "inservice_education_school",
                                                       "inservice_degree_school",
        "resume_note", "rewards_sanctions", "appraisal_results", "current_post", "proposed_post",
        "post_to_remove", "appointment_reason", "submitting_unit", "filled_by")},
}


def parse_values(raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Typed texts by field key → (model values, {field key: reason}). A blank clears the
    field; ``resume`` fills ``resume`` and ``resume_note`` (files are taken as written; the
    edit form also checks the periods are in order, ``rules.resume_problems``)."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for key, value in raw.items():
        field_ = FIELD_BY_KEY[key]
        if value is None or (isinstance(value, str) and not value.strip()):
            values.update({"resume": [],
                           "resume_note": ""} if key == "resume" else {key: EMPTY[key]})
            continue
        try:
            parsed = field_.parse(value)
        except ValueError as error:
            problems[key] = str(error)
            continue
        if key == "resume":
            values["resume"], values["resume_note"] = parsed
        else:
            values[key] = parsed
    return values, problems


def field_text(record: CadreRecord | None, key: str) -> str:
    """A field as the form and the import files write it (codes as names, months as YYYY-MM)."""
    if record is None:
        return ""
    field_ = FIELD_BY_KEY[key]
    value = getattr(record, key)
    if key == "resume":
        return rules.format_resume([rules.ResumeLine.from_json(r) for r in record.resume or []],
                                   record.resume_note)
    if key == "family":
        return "\n".join(family_line(rules.FamilyMember.from_json(m)) for m in record.family or [])
    if field_.code_list is not None:
        return field_.code_list.label(value)
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}"
    return value or ""


def family_line(member: rules.FamilyMember) -> str:
    born = f"{member.born.year:04d}-{member.born.month:02d}" if member.born else ""
    return "|".join([member.relation, member.name, born,
                     codes.POLITICAL_STATUS.label(member.political_status),
                     member.work])


# --- reading ----------------------------------------------------------------------------------

def may_view(actor: Actor, cadre: Cadre) -> bool:
    """Reviewers in scope and the cadre themself (not inspectors, not the administrators)."""
    return actor.may_see_cadre(cadre, scope.PROFILE)


def require_view(actor: Actor, cadre: Cadre) -> None:
    if not may_view(actor, cadre):
        raise AccessDenied(_("Your role may not see this cadre's full record."))


def record_of(session: Session, actor: Actor, cadre: Cadre) -> CadreRecord | None:
    """The cadre's full record (None before anyone filled it in)."""
    require_view(actor, cadre)
    return session.get(CadreRecord, cadre.id)


def shown_id_number(actor: Actor, cadre: Cadre, record: CadreRecord | None) -> str:
    """The id number as this viewer may see it: whole, or masked (``310**********1234``)."""
    number = record.id_number if record else None
    return (number or "") if scope.may_see_identity(actor, cadre) else rules.mask_id_number(number)


def photo_of(session: Session, actor: Actor, cadre: Cadre) -> bytes | None:
    require_view(actor, cadre)
    photo = session.get(CadrePhoto, cadre.id)
    return photo.data if photo else None


def id_digest(number: str) -> str:
    """The keyed hash the record is found by: the number itself is stored encrypted, so SQL
    cannot compare it (HMAC-SHA256 under the data key, which never sits in the database)."""
    return hmac.new(data_key(), b"cadre.id_number:" + number.encode("ascii"),
                    hashlib.sha256).hexdigest()


def find_by_id_number(session: Session, number: str) -> Cadre | None:
    """The cadre holding ``number`` (importers match forms by it; no scope: the caller checks)."""
    return session.scalar(select(Cadre).join(CadreRecord, CadreRecord.cadre_id == Cadre.id)
                          .where(CadreRecord.id_number_digest == id_digest(number)))


# --- changing ---------------------------------------------------------------------------------

def history_view(record: CadreRecord) -> dict:
    """The record's values for an audit summary, with the id number masked."""
    values = audit.snapshot(record,
                            exclude=("updated_at", "updated_by", "cadre_id", "id_number_digest"))
    values["id_number"] = rules.mask_id_number(values.get("id_number"))
    return values


def require_edit(actor: Actor, cadre: Cadre) -> None:
    """Reviewers in scope (``cadres.edit``) and the command line; never a cadre, not even for
    themself."""
    scope.require(actor, "cadres.edit", cadre)


def update_record(session: Session, actor: Actor, cadre: Cadre, values: dict[str, Any], *,
                  action: str = "cadre.record.updated") -> dict:
    """Set the given fields of the cadre's record (others keep their values); log what
    changed (the id number masked) and return it. ``Invalid`` when the id number is another
    cadre's."""
    require_edit(actor, cadre)
    record = session.get(CadreRecord, cadre.id)
    before = history_view(record) if record else {}
    if record is None:
        record = CadreRecord(cadre_id=cadre.id, **EMPTY)
        session.add(record)
    number = values.get("id_number")
    if number and number != record.id_number:
        holder = find_by_id_number(session, number)
        if holder is not None and holder.id != cadre.id:
            raise Invalid(_("This national id number is already recorded for another cadre."),
                          field="id_number")
    for key, value in values.items():
        setattr(record, key, value)
    if "id_number" in values:
        record.id_number_digest = id_digest(values["id_number"]) if values["id_number"] else None
    if record.party_joined and not cadre.party_member:
        cadre.party_member = True
    changes = audit.changes(before, history_view(record))
    if changes:
        record.updated_by = actor.username
        record.updated_at = utcnow()
        session.flush()
        audit.log(session, actor, action, entity_type="cadre", entity_id=cadre.id,
                  summary={"cadre": cadre.code, "changes": changes})
    return changes


def check_photo(data: bytes) -> None:
    """A JPEG of at most a megabyte; ``Invalid`` says what is wrong."""
    if len(data) > MAX_PHOTO_BYTES:
        raise Invalid(_("The photo is larger than %(n)s KB; use a smaller JPEG.",
                        n=MAX_PHOTO_BYTES // 1024),
                      field="photo")
    if not data.startswith(JPEG_MAGIC) or len(data) < 128:
        raise Invalid(_("The photo must be a JPEG image."), field="photo")


def set_photo(session: Session, actor: Actor, cadre: Cadre, data: bytes) -> None:
    """Store the cadre's photo (a checked JPEG) and log its hash and size."""
    require_edit(actor, cadre)
    check_photo(data)
    digest = hashlib.sha256(data).hexdigest()
    photo = session.get(CadrePhoto, cadre.id)
    if photo is not None and photo.sha256 == digest:
        return
    if photo is None:
        photo = CadrePhoto(cadre_id=cadre.id, data=data, sha256=digest, updated_by=actor.username)
        session.add(photo)
    else:
        photo.data, photo.sha256, photo.updated_by = data, digest, actor.username
        photo.updated_at = utcnow()
    session.flush()
    audit.log(session, actor, "cadre.photo.updated", entity_type="cadre", entity_id=cadre.id,
              summary={"cadre": cadre.code, "sha256": digest, "bytes": len(data)})
