"""Indicator schemes (考核指标体系): versions, the indicator tree, validation and copying.

Only the newest version of a (year, level) scheme is edited. Once a published period
was scored with a version it is locked, and the first change after that starts the
next version, so published results keep the scheme they were computed with.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessment import rules
from assessment.enums import UNWEIGHTED_METHODS, Direction, Method
from assessment.models import Indicator, LeadDepartment, Scheme
from assessment.rules import IndicatorSpec, SchemeProblem, SchemeSpec
from portal import audit, forms
from portal.access import Actor
from portal.enums import UnitLevel
from portal.errors import Invalid, NotFound
from portal.i18n import _

VIEW = ("schemes.manage", "assessment.view")
INDICATOR_FIELDS = ("name", "parent_code", "weight", "direction", "method", "target", "bands",
                    "cap",
                    "per_item", "unit_label", "params", "lead_department_id")


def spec_of(scheme: Scheme) -> SchemeSpec:
    """The engine's view of a stored scheme."""
    return SchemeSpec(tuple(
        IndicatorSpec(code=i.code, name=i.name, parent_code=i.parent_code or None,
                      weight=float(i.weight or 0),
                      method=Method(i.method), direction=Direction(i.direction), target=i.target,
                      bands=tuple((float(t), float(s)) for t, s in (i.bands or ())), cap=i.cap,
                      per_item=i.per_item, unit_label=i.unit_label or "",
                      **rules.spec_params(i.params))
        for i in scheme.indicators
    ))


def latest(session: Session, year: int, level: UnitLevel) -> Scheme | None:
    """The newest version of the scheme for a year and level."""
    return session.scalars(
        select(Scheme).where(Scheme.year == year,
                             Scheme.level == level).order_by(Scheme.version.desc()).limit(1)
    ).first()


@dataclass(frozen=True)
class SchemeSummary:
    id: int
    year: int
    level: UnitLevel
    version: int
    name: str
    locked: bool
    indicators: int
    problems: int


def list_schemes(session: Session, actor: Actor) -> list[SchemeSummary]:
    """The newest version of every scheme, newest year first."""
    actor.require_any(*VIEW)
    newest = (select(Scheme.year, Scheme.level, func.max(Scheme.version).label("version"))
              .group_by(Scheme.year, Scheme.level).subquery())
    schemes = session.scalars(
        select(Scheme).join(newest,
                            (Scheme.year == newest.c.year) & (Scheme.level == newest.c.level)
                            & (Scheme.version == newest.c.version))
        .order_by(Scheme.year.desc(), Scheme.level)
    ).all()
    return [SchemeSummary(s.id, s.year, UnitLevel(s.level), s.version, s.name, s.locked,
                          len(s.indicators),
                          len(rules.validate_scheme(spec_of(s)))) for s in schemes]


def get_scheme(session: Session, actor: Actor, year: int, level: UnitLevel) -> Scheme | None:
    actor.require_any(*VIEW)
    return latest(session, year, level)


def scheme_by_id(session: Session, actor: Actor, scheme_id: int) -> Scheme:
    actor.require_any(*VIEW)
    scheme = session.get(Scheme, scheme_id)
    if scheme is None:
        raise NotFound(_("No such indicator scheme."))
    return scheme


def problems(scheme: Scheme | None) -> list[SchemeProblem]:
    if scheme is None:
        return [SchemeProblem("", _("There is no scheme for this year and level yet."))]
    return rules.validate_scheme(spec_of(scheme))


def _copy_indicators(source: Scheme, target: Scheme) -> None:
    for indicator in source.indicators:
        target.indicators.append(Indicator(
            code=indicator.code, position=indicator.position,
            **{name: getattr(indicator, name) for name in INDICATOR_FIELDS}))


def editable(session: Session, actor: Actor, year: int, level: UnitLevel, *,
             name: str = "") -> Scheme:
    """The version to change: the newest one, or a new version when that one is locked."""
    actor.require("schemes.manage")
    current = latest(session, year, level)
    if current is not None and not current.locked:
        return current
    scheme = Scheme(year=year, level=level, version=(current.version + 1) if current else 1,
                    name=(current.name if current else name) or _default_name(year, level),
                    created_by=actor.username)
    if current is not None:
        _copy_indicators(current, scheme)
    session.add(scheme)
    session.flush()
    audit.log(session, actor, "scheme.version", scheme,
              summary={"year": year, "level": level, "version": scheme.version,
                       "from_version": current.version if current else None})
    return scheme


def _default_name(year: int, level: UnitLevel) -> str:
    return _("%(year)s %(level)s assessment", year=year, level=level.label)


def _name(value, _key: str) -> str:
    name = str(value or "").strip()
    if not name:
        raise Invalid(_("Give the indicator a name."), field="name")
    return name


def _number(value, key: str) -> float | None:
    if value in (None, ""):
        return 0.0 if key == "weight" else None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise Invalid(_("%(field)s must be a number.", field=key), field=key) from None


def _bands(value, _key: str) -> list[list[float]] | None:
    bands = value
    if isinstance(bands, str):
        try:
            bands = rules.parse_bands(bands) if bands.strip() else None
        except ValueError as error:
            raise Invalid(str(error), field="bands") from None
    return [list(b) for b in bands] if bands else None


def _params(value, _key: str) -> dict | None:
    """The method parameters from a form or a file: ``rank_points`` as a list or text
    ("60, 57, 54"), ``rank_start``, ``rank_step``, ``rank_floor`` numbers, ``source`` text."""
    given = value if isinstance(value, dict) else {}
    found: dict = {}
    points = given.get("rank_points")
    if isinstance(points, str):
        try:
            points = rules.parse_points(points) if points.strip() else None
        except ValueError as error:
            raise Invalid(str(error), field="rank_points") from None
    if points:
        found["rank_points"] = [float(p) for p in points]
    for key in ("rank_start", "rank_step", "rank_floor"):
        number = _number(given.get(key), key)
        if number is not None:
            found[key] = number
    source = str(given.get("source") or "").strip()
    if source:
        found["source"] = source[:rules.methods.SOURCE_LENGTH]
    return found or None


def relevant_params(method: Method, params) -> dict | None:
    """Only the parameters the method uses (a form keeps the others' fields filled)."""
    keys = {Method.RANK: rules.RANK_PARAMS, Method.IMPORTED: ("source",)}.get(method, ())
    kept = {k: v for k, v in (params or {}).items() if k in keys}
    return kept or None


# How each field of an indicator is read from a form or a file.
_CLEANERS = {
    "name": _name,
    "parent_code": lambda value, _key: str(value or "").strip() or None,
    "weight": _number, "target": _number, "cap": _number, "per_item": _number,
    "method": lambda value, _key: forms.choice(value or Method.DIRECT.value, Method, _("Scoring")),
    "direction": lambda value,
             _key: forms.choice(value or Direction.HIGHER.value, Direction, _("Direction")),
    "bands": _bands,
    "params": _params,
    "unit_label": lambda value, _key: str(value or "").strip(),
}


def _clean(values: dict) -> dict:
    """Normalize form or file values for an indicator; raise Invalid naming the field."""
    out = {k: values.get(k) for k in INDICATOR_FIELDS if k in values}
    return {key: _CLEANERS[key](value, key) if key in _CLEANERS else value for key,
            value in out.items()}


def save_indicator(session: Session, actor: Actor, year: int, level: UnitLevel, code: str,
                   values: dict) -> Indicator:
    """Add an indicator to the scheme, or change it (its code stays; scores refer to it)."""
    code = str(code or "").strip()
    if not code:
        raise Invalid(_("Give the indicator a code."), field="code")
    if len(code) > 32:
        raise Invalid(_("An indicator code has at most 32 characters."), field="code")
    cleaned = _clean(values)
    lead = (_lead_department(session, values["lead_department"])
            if "lead_department" in values else False)
    scheme = editable(session, actor, year, level)
    by_code = {i.code: i for i in scheme.indicators}
    parent = cleaned.get("parent_code")
    if parent and parent not in by_code:
        raise Invalid(_("There is no indicator %(code)s in this scheme to place it under.",
                        code=parent),
                      field="parent_code")
    if parent == code:
        raise Invalid(_("An indicator cannot be placed under itself."), field="parent_code")
    if parent and Method(by_code[parent].method) != Method.GROUP:
        by_code[parent].method = Method.GROUP  # it now has indicators below it: a dimension
    indicator = by_code.get(code)
    before = audit.snapshot(indicator) if indicator else None
    if indicator is None:
        indicator = Indicator(code=code, position=len(scheme.indicators), **{
            k: cleaned.get(k) for k in INDICATOR_FIELDS if k in cleaned})
        scheme.indicators.append(indicator)
    else:
        for key, value in cleaned.items():
            setattr(indicator, key, value)
    if lead is not False:
        indicator.lead_department = lead
    if indicator.method in UNWEIGHTED_METHODS:
        indicator.weight = 0.0
    indicator.params = relevant_params(Method(indicator.method or Method.DIRECT), indicator.params)
    session.flush()
    after = audit.snapshot(indicator)
    audit.log(session, actor, "indicator.save", indicator,
              summary={"scheme": scheme.id, "code": code,
                       "changes": audit.changes(before, after) if before else after})
    return indicator


def find_lead_department(session: Session, value) -> LeadDepartment | None:
    """The active lead department whose code, or else whose name, is ``value``."""
    value = str(value or "").strip()
    if not value:
        return None
    active = select(LeadDepartment).where(LeadDepartment.active.is_(True))
    return (session.scalars(active.where(LeadDepartment.code == value)).first()
            or session.scalars(active.where(LeadDepartment.name == value)
                               .order_by(LeadDepartment.code)).first())


def _lead_department(session: Session, value) -> LeadDepartment | None:
    """The lead department a form or file names by code or name (empty: none, the
    unit reports the indicator itself)."""
    if not str(value or "").strip():
        return None
    department = find_lead_department(session, value)
    if department is None:
        raise Invalid(_("There is no lead department %(code)s.", code=str(value).strip()),
                      field="lead_department")
    return department


def delete_indicator(session: Session, actor: Actor, year: int, level: UnitLevel,
                     code: str) -> None:
    scheme = editable(session, actor, year, level)
    indicator = next((i for i in scheme.indicators if i.code == code), None)
    if indicator is None:
        raise NotFound(_("There is no indicator %(code)s in this scheme.", code=code))
    if any(i.parent_code == code for i in scheme.indicators):
        raise Invalid(_("Remove or move the indicators below %(code)s first.", code=code))
    scheme.indicators.remove(indicator)
    session.flush()
    audit.log(session, actor, "indicator.delete", scheme,
              summary={"code": code, "name": indicator.name})


def rename_scheme(session: Session, actor: Actor, year: int, level: UnitLevel, name: str) -> Scheme:
    name = str(name or "").strip()
    if not name:
        raise Invalid(_("Give the scheme a name."), field="name")
    scheme = editable(session, actor, year, level)
    before = scheme.name
    scheme.name = name[:120]
    audit.log(session, actor, "scheme.rename", scheme,
              summary={"before": before, "after": scheme.name})
    return scheme


def copy_year(session: Session, actor: Actor, from_year: int, to_year: int,
              level: UnitLevel) -> Scheme:
    """Start a year's scheme as a copy of another year's (usually last year's)."""
    actor.require("schemes.manage")
    source = latest(session, from_year, level)
    if source is None or not source.indicators:
        raise Invalid(_("There is no %(level)s scheme for %(year)s to copy.", level=level.label,
                        year=from_year))
    target = latest(session, to_year, level)
    if target is not None and target.indicators:
        raise Invalid(_("The %(year)s %(level)s scheme already has indicators; remove them before "
                        "copying.",
                        year=to_year, level=level.label))
    if target is None or target.locked:
        target = editable(session, actor, to_year, level)
    target.name = source.name.replace(str(from_year),
                                      str(to_year)) if source.name else _default_name(to_year,
                                                                                      level)
    _copy_indicators(source, target)
    session.flush()
    audit.log(session, actor, "scheme.copy", target,
              summary={"from": source.id, "from_year": from_year, "to_year": to_year,
                       "level": level,
                       "indicators": len(target.indicators)})
    return target


def indicator_rows(scheme: Scheme | None) -> list[dict]:
    """The scheme as table rows in tree order, with each node's depth and dimension."""
    if scheme is None:
        return []
    spec = spec_of(scheme)
    by_parent: dict[str | None, list[Indicator]] = {}
    for indicator in scheme.indicators:
        by_parent.setdefault(indicator.parent_code or None, []).append(indicator)
    known = {i.code for i in scheme.indicators}
    rows: list[dict] = []

    def walk(parent: str | None, depth: int) -> None:
        for indicator in by_parent.get(parent, []):
            rows.append(_row(indicator, depth, spec))
            if depth < 10:
                walk(indicator.code, depth + 1)

    walk(None, 0)
    orphans = [i for i in scheme.indicators if i.parent_code and i.parent_code not in known]
    rows.extend(_row(i, 0, spec) for i in orphans)
    return rows


def _row(indicator: Indicator, depth: int, spec: SchemeSpec) -> dict:
    method = Method(indicator.method)
    return {
        "code": indicator.code,
        "name": indicator.name,
        "parent_code": indicator.parent_code or "",
        "depth": depth,
        "weight": indicator.weight,
        "method": method.value,
        "method_label": method.label,
        "direction": Direction(indicator.direction).value,
        "direction_label": Direction(indicator.direction).label,
        "target": indicator.target,
        "bands": rules.format_bands(indicator.bands),
        "cap": indicator.cap,
        "per_item": indicator.per_item,
        "unit_label": indicator.unit_label,
        "rank_points": rules.format_points((indicator.params or {}).get("rank_points")),
        "lead_department": indicator.lead_department.code if indicator.lead_department else "",
        "lead_department_name": (indicator.lead_department.name if indicator.lead_department
                                 else ""),
        **{key: (indicator.params or {}).get(key) for key in ("rank_start", "rank_step",
                                                               "rank_floor")},
        "source": (indicator.params or {}).get("source", ""),
        "dimension": spec.dimension_of(indicator.code)
        if indicator.code in spec.by_code
        else indicator.code,
    }
