"""Logins at a city's scale: a users file, or every cadre of a unit subtree in one action.

New logins get a one-time password, returned once as a sheet for the security
administrator to print or hand out (it is stored only as a hash) and changed at the
first login. A one-time password is 12 random characters (about 65 bits), so it is
hashed with a cheaper setting than chosen passwords: 52,000 full scrypt hashes would
take most of an hour, and guessing such a password offline is out of reach either way.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from portal import audit, plugins
from portal.access import Actor, in_subtree
from portal.enums import CadreStatus, Role
from portal.errors import NotFound
from portal.i18n import _
from portal.models import Cadre, Unit, User
from portal.passwords import one_time_password
from portal.tabular import (
    Column,
    ImportResult,
    Problems,
    Table,
    choice,
    optional,
    read_table,
    text,
)

ONE_TIME_HASH = "pbkdf2:sha256:2000"  # ~1 ms: 52,000 logins in about a minute

COLUMNS = [
    Column("username", "用户名", text),
    Column("role", "角色", choice(Role)),
    Column("unit_code", "单位编码", optional(text), required=False),
    Column("cadre_code", "干部编号", optional(text), required=False),
    Column("display_name", "姓名", optional(text), required=False),
    Column("department_code", "牵头部门编码", optional(text), required=False),
]

SHEET_COLUMNS = [
    Column("username", "用户名"),
    Column("display_name", "姓名"),
    Column("unit", "单位"),
    Column("password", "初始密码"),
]


@dataclass
class IssuedLogin:
    username: str
    display_name: str
    unit: str
    password: str


@dataclass
class AccountsResult(ImportResult):
    """An import of logins: besides the counts, the one-time passwords of the new ones."""

    issued: list[IssuedLogin] = field(default_factory=list)


def _new_login(session: Session, *, username: str, role: Role, unit: Unit, cadre: Cadre | None,
               display_name: str, department_code: str | None = None) -> IssuedLogin:
    password = one_time_password()
    user = User(username=username, display_name=display_name, role=role, unit=unit, cadre=cadre,
                department_code=department_code,
                password_hash=generate_password_hash(password, ONE_TIME_HASH),
                must_change_password=True, session_nonce=secrets.token_hex(8))
    session.add(user)
    return IssuedLogin(username, display_name, unit.name, password)


def _login_scope(session: Session, actor: Actor, number: int, values: dict, units: dict[str, Unit],
                 cadres: dict[str, Cadre],
                 problems: Problems) -> tuple[Unit, Cadre | None] | None:
    """The unit (and cadre) a row's login is for; None when the row has a problem (added)."""
    if len(values["username"]) > 64:
        problems.add(number, "username", values["username"][:20] + "…",
                     _("a username has at most 64 characters"))
        return None
    department = values.get("department_code") or None
    if department and values["role"] != Role.REPORTER:
        problems.add(number, "department_code", department,
                     _("only a reporter login is bound to a lead department"))
        return None
    if department and plugins.department_name(session, department) is None:
        problems.add(number, "department_code", department,
                     _("no lead department has this code"))
        return None
    if values["role"] != Role.CADRE:
        unit = units.get(values.get("unit_code") or "")
        if unit is None and department and not values.get("unit_code") and units:
            unit = min(units.values(), key=lambda u: len(u.path))  # the whole scope
        if unit is None:
            problems.add(number, "unit_code", values.get("unit_code") or "",
                         _("no unit in your scope has this code"))
            return None
        return unit, None
    cadre = cadres.get(values.get("cadre_code") or "")
    if cadre is None:
        problems.add(number, "cadre_code", values.get("cadre_code") or "",
                     _("a cadre login needs the code of a cadre in the registry"))
        return None
    if cadre.status != CadreStatus.SERVING or not actor.in_scope(cadre.unit.path):
        problems.add(number, "cadre_code", cadre.code, _("this cadre is not serving in your units"))
        return None
    return cadre.unit, cadre


def import_users(session: Session, actor: Actor, data: bytes, filename: str, *,
                 dry_run: bool = False, **_options) -> AccountsResult:
    """Create the logins of a file (username, role, unit_code or cadre_code); a username
    that exists already keeps its password and gets the file's role and scope."""
    actor.require("users.manage")
    rows = read_table(data, filename, COLUMNS, key=("username",))
    name = Path(filename).name
    units = {u.code: u for u in session.scalars(select(Unit).where(actor.unit_clause()))}
    cadre_codes = {v["cadre_code"] for _n, v in rows if v.get("cadre_code")}
    cadres = {c.code: c for c in session.scalars(select(Cadre).where(Cadre.code.in_(cadre_codes)))}
    existing = {u.username: u for u in session.scalars(
        select(User).where(User.username.in_([v["username"] for _n, v in rows])))}
    problems = Problems(filename, COLUMNS)
    planned = []
    for number, values in rows:
        login = _login_scope(session, actor, number, values, units, cadres, problems)
        if login is not None:
            planned.append((values, values["role"], *login))
    problems.raise_if_any()
    result = AccountsResult(kind="users", rows=len(rows), dry_run=dry_run)
    for values, role, unit, cadre in planned:
        user = existing.get(values["username"])
        display = values.get("display_name") or (cadre.name if cadre else values["username"])
        department = values.get("department_code") or None
        if user is None:
            result.issued.append(_new_login(session, username=values["username"], role=role,
                                            unit=unit, cadre=cadre, display_name=display,
                                            department_code=department))
            result.created += 1
        elif (user.role, user.unit_id, user.cadre_id, user.department_code) != (
                role, unit.id, cadre.id if cadre else None, department):
            user.role, user.unit, user.cadre = role, unit, cadre
            user.department_code = department
            user.session_nonce = secrets.token_hex(8)
            result.updated += 1
        else:
            result.unchanged += 1
    session.flush()
    audit.log(session, actor, "import", entity_type="app_user",
              summary={"file": name, "rows": result.rows, "created": result.created,
                       "updated": result.updated, "dry_run": dry_run,
                       "usernames": [i.username for i in result.issued][:200]})
    return result


def create_cadre_logins(session: Session, actor: Actor, unit_id: int) -> list[IssuedLogin]:
    """A login (username = cadre code) for every serving cadre of the unit's subtree who has
    none."""
    actor.require("users.manage")
    unit = session.get(Unit, unit_id)
    if unit is None or not actor.in_scope(unit.path):
        raise NotFound(_("Choose a unit of your scope."))
    with_login = select(User.cadre_id).where(User.cadre_id.is_not(None))
    taken = set(session.scalars(select(User.username)))
    cadres = session.scalars(
        select(Cadre).join(Unit, Cadre.unit_id == Unit.id)
        .where(in_subtree(Unit.path, unit.path),
               Cadre.status == CadreStatus.SERVING,
               Cadre.id.not_in(with_login))
        .order_by(Unit.path, Cadre.code)).all()
    issued = []
    for cadre in cadres:
        username = cadre.code if cadre.code not in taken else f"{cadre.code}-{secrets.token_hex(2)}"
        taken.add(username)
        issued.append(_new_login(session, username=username, role=Role.CADRE, unit=cadre.unit,
                                 cadre=cadre,
                                 display_name=cadre.name))
    session.flush()
    audit.log(session, actor, "user.bulk_create", unit,
              summary={"unit": unit.code, "created": len(issued),
                       "usernames": [i.username for i in issued][:200]})
    return issued


def password_sheet(issued: list[IssuedLogin]) -> Table:
    """The one-time passwords as a table (CSV/XLSX), for printing or handing out."""
    return Table(kind="passwords", columns=SHEET_COLUMNS,
                 rows=[{"username": i.username, "display_name": i.display_name, "unit": i.unit,
                        "password": i.password} for i in issued])
