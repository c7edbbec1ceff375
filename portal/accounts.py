"""Users: creation, authentication, the steps a login may still owe, and the security
administrator's work on accounts (disable, enable, unlock, reset, change role), and the
user's own preferences (language, text size).

Every refusal at the login form says the same words, whether the password was wrong,
the name unknown or the source slowed down, so the form cannot be used to probe names.
Failures are counted per username *and* source address with growing delays, so an
outsider cannot lock a user out from elsewhere; the security administrator can unlock.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal import audit, plugins, settings, totp
from portal.access import SECOND_FACTOR_ROLES, Actor
from portal.db import utcnow
from portal.enums import CadreStatus, Role, TextSize
from portal.errors import AccessDenied, Invalid, NotFound, PortalError
from portal.i18n import _
from portal.models import Cadre, LoginThrottle, PasswordHistory, Setting, Unit, User
from portal.passwords import (
    DUMMY_HASH,
    HISTORY,
    hash_password,
    one_time_password,
    password_matches,
    password_problems,
)

PASSWORD_MAX_AGE = settings.Default(
    0, "GB/T 22239-2019 8.1.4.1: passwords changed periodically (0 = no expiry)",
    "Password expiry in days (0: never)")
PASSWORD_MAX_AGE_KEY = "accounts.password_max_age_days"

# The steps a login may still owe before it becomes a session (contracts.md).
STEP_TOTP, STEP_ENROL, STEP_PASSWORD = "totp", "enrol", "password"


@dataclass(frozen=True)
class LockoutPolicy:
    """After ``attempts`` failures of one name from one source, that source waits
    ``first_delay_minutes``, doubling with each further failure up to ``max_delay_minutes``."""

    attempts: int = 5
    first_delay_minutes: int = 1
    max_delay_minutes: int = 60

    def delay(self, failures: int) -> timedelta | None:
        if failures < self.attempts:
            return None
        minutes = self.first_delay_minutes * 2 ** min(failures - self.attempts, 16)
        return timedelta(minutes=min(minutes, self.max_delay_minutes))


class LoginFailed(PortalError):
    status = 401


def refused() -> LoginFailed:
    """The one message for a wrong password, an unknown name and a slowed-down source."""
    return LoginFailed(_("Wrong username or password, or too many attempts: "
                         "wait a few minutes or ask the security administrator."))


# --- creating logins ---------------------------------------------------------------------

def _unit_for(session: Session, role: Role, unit_code: str | None, cadre: Cadre | None) -> Unit:
    if cadre is not None:
        return cadre.unit
    if unit_code:
        unit = session.scalar(select(Unit).where(Unit.code == unit_code))
        if unit is None:
            raise Invalid(_("No unit has the code %(code)s.", code=unit_code), field="unit")
        return unit
    unit = session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
    if unit is None:
        raise Invalid(_("There are no units yet; import units first."), field="unit")
    return unit


def _cadre_for(session: Session, role: Role, cadre_code: str | None) -> Cadre | None:
    if role != Role.CADRE:
        return None
    if not cadre_code:
        raise Invalid(_("A cadre login needs the cadre's code (--cadre)."), field="cadre")
    cadre = session.scalar(select(Cadre).where(Cadre.code == cadre_code))
    if cadre is None:
        raise Invalid(_("No cadre has the code %(code)s.", code=cadre_code), field="cadre")
    if cadre.status != CadreStatus.SERVING:
        raise Invalid(_("Cadre %(code)s is no longer serving and cannot get a login.",
                        code=cadre_code),
                      field="cadre")
    return cadre


def _department_for(session: Session, role: Role, unit_code: str | None,
                    department_code: str | None) -> str | None:
    """A reporter is bound to a unit (it reports its own figures) or to a lead department
    (牵头部门, scoring its indicators for every unit of the login's scope); nobody else is."""
    code = str(department_code or "").strip() or None
    if role != Role.REPORTER:
        if code:
            raise Invalid(_("Only a reporter login is bound to a lead department."),
                          field="department")
        return None
    if code is None:
        if not unit_code:
            raise Invalid(_("A reporter login needs a unit (--unit CODE: the unit reports its "
                            "own figures) or a lead department (--department CODE)."),
                          field="unit")
        return None
    if plugins.department_name(session, code) is None:
        raise Invalid(_("No lead department has the code %(code)s.", code=code),
                      field="department")
    return code


def create_user(session: Session, actor: Actor, *, username: str, password: str, role: Role,
                unit_code: str | None = None, cadre_code: str | None = None,
                display_name: str | None = None, department_code: str | None = None) -> User:
    """Create a login; a cadre login is linked to its cadre and scoped to the cadre's unit.

    The password was chosen by someone else, so it must be changed at the first login.
    """
    actor.require("users.manage")
    username = (username or "").strip()
    if not username:
        raise Invalid(_("A username is required."), field="username")
    if len(username) > 64:
        raise Invalid(_("A username has at most 64 characters."), field="username")
    if session.scalar(select(User.id).where(User.username == username)):
        raise Invalid(_("The username %(name)s is already taken.", name=username), field="username")
    problems = password_problems(password, username)
    if problems:
        raise Invalid(" ".join(problems), field="password")
    cadre = _cadre_for(session, role, cadre_code)
    department = _department_for(session, role, unit_code, department_code)
    unit = _unit_for(session, role, unit_code, cadre)
    actor.require("users.manage", unit)
    user = User(username=username, display_name=display_name or (cadre.name if cadre else username),
                password_hash=hash_password(password), role=role, unit=unit, cadre=cadre,
                department_code=department, session_nonce=secrets.token_hex(8),
                must_change_password=True)
    session.add(user)
    session.flush()
    audit.log(session, actor, "user.create", user,
              summary={"after": audit.snapshot(user, exclude=SECRET_FIELDS)})
    return user


SECRET_FIELDS = ("password_hash", "session_nonce", "totp_secret", "recovery_codes")


# --- logging in --------------------------------------------------------------------------

def _throttle(session: Session, username: str, source: str) -> LoginThrottle | None:
    return session.scalar(select(LoginThrottle).where(LoginThrottle.username == username[:64],
                                                      LoginThrottle.source == source[:64]))


def record_failure(session: Session, username: str, source: str, reason: str, policy: LockoutPolicy,
                   user: User | None = None, now: datetime | None = None) -> None:
    """Count a failed attempt of ``username`` from ``source`` and audit it."""
    now = now or utcnow()
    row = _throttle(session, username, source)
    if row is None:
        row = LoginThrottle(username=username[:64], source=source[:64], failures=0)
        session.add(row)
    row.failures += 1
    row.last_failure_at = now
    delay = policy.delay(row.failures)
    row.blocked_until = now + delay if delay else None
    actor = Actor.for_user(user, source) if user is not None else None
    audit.log(session, actor, "login.failed", entity_type="app_user",
              entity_id=user.id if user else "",
              summary={"username": username[:64], "reason": reason, "failures": row.failures,
                       "wait_minutes": int(delay.total_seconds() // 60) if delay else 0},
              username=username[:64], client_addr=source)


def is_throttled(session: Session, username: str, source: str, now: datetime | None = None) -> bool:
    row = _throttle(session, username, source)
    return bool(row and row.blocked_until and row.blocked_until > (now or utcnow()))


def authenticate(session: Session, username: str, password: str, client_addr: str,
                 policy: LockoutPolicy, now: datetime | None = None) -> User:
    """The user if the password is right; otherwise ``LoginFailed`` (always the same
    words) and an audit event. The caller commits in both cases, so failures are kept.

    A waiting source is refused without looking at the password; an unknown name costs
    the same time as a known one. A cadre who no longer serves loses the login here too.
    """
    now = now or utcnow()
    username = (username or "").strip()
    user = session.scalar(select(User).where(User.username == username))
    if is_throttled(session, username, client_addr, now):
        password_matches(DUMMY_HASH, password)
        _audit_refusal(session, username, client_addr, "waiting", user)
        raise refused()
    if user is None or not user.active:
        password_matches(DUMMY_HASH, password)
        record_failure(session, username, client_addr,
                       "unknown user" if user is None else "inactive",
                       policy, user, now)
        raise refused()
    if not password_matches(user.password_hash, password):
        record_failure(session, username, client_addr, "wrong password", policy, user, now)
        raise refused()
    if user.cadre is not None and user.cadre.status != CadreStatus.SERVING:
        close_login(session, Actor.system(session, "login"), user,
                    f"cadre {user.cadre.status.value}")
        raise refused()
    return user


def _audit_refusal(session: Session, username: str, source: str, reason: str,
                   user: User | None) -> None:
    audit.log(session, Actor.for_user(user, source) if user else None, "login.failed",
              entity_type="app_user", entity_id=user.id if user else "",
              summary={"username": username[:64], "reason": reason}, username=username[:64],
              client_addr=source)


def password_expired(session: Session, user: User, now: datetime | None = None) -> bool:
    days = int(settings.get(session, PASSWORD_MAX_AGE_KEY, PASSWORD_MAX_AGE) or 0)
    return days > 0 and user.password_changed_at + timedelta(days=days) < (now or utcnow())


def steps_owed(session: Session, user: User, *, demo: bool) -> list[str]:
    """What this login must still do before it becomes a session, in order.

    The second factor first (entered, or enrolled where the role requires one), then a
    new password when someone else chose the current one or it expired. The demo owes
    nothing: its logins and password are published.
    """
    if demo:
        return []
    steps = []
    if user.totp_secret:
        steps.append(STEP_TOTP)
    elif Role(user.role) in SECOND_FACTOR_ROLES:
        steps.append(STEP_ENROL)
    if user.must_change_password or password_expired(session, user):
        steps.append(STEP_PASSWORD)
    return steps


def check_second_factor(session: Session, user: User, code: str, client_addr: str,
                        policy: LockoutPolicy) -> None:
    """Accept a current TOTP code or an unused recovery code; otherwise count a failure."""
    if is_throttled(session, user.username, client_addr):
        _audit_refusal(session, user.username, client_addr, "waiting", user)
        raise refused()
    step = totp.accepted_step(user.totp_secret or "", code, user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        return
    wanted = totp.recovery_hash(code or "")
    if code and wanted in (user.recovery_codes or []):
        user.recovery_codes = [h for h in user.recovery_codes if h != wanted]
        audit.log(session, Actor.for_user(user, client_addr), "user.recovery_code_used", user,
                  summary={"left": len(user.recovery_codes)})
        return
    record_failure(session, user.username, client_addr, "wrong second factor", policy, user)
    raise LoginFailed(_("The code is not right. Enter the six digits your authenticator app shows "
                        "now, or one of your recovery codes."))


def enrol_second_factor(session: Session, user: User, secret: str, code: str, client_addr: str,
                        policy: LockoutPolicy) -> list[str]:
    """Keep ``secret`` once the user proves their app shows its codes; returns the
    recovery codes (shown once, stored only as hashes)."""
    step = totp.accepted_step(secret, code, None)
    if step is None:
        record_failure(session, user.username, client_addr, "wrong enrolment code", policy, user)
        raise Invalid(_("The code does not match: scan the QR code again and enter the six digits "
                        "your app shows."), field="code")
    codes = totp.new_recovery_codes()
    user.totp_secret, user.totp_last_step = secret, step
    user.recovery_codes = [totp.recovery_hash(c) for c in codes]
    audit.log(session, Actor.for_user(user, client_addr), "user.totp_enrolled", user)
    return codes


def complete_login(session: Session, user: User, client_addr: str) -> None:
    """Every step done: the attempt counter of this source starts again and the login is audited."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.username == user.username,
                                                LoginThrottle.source == client_addr[:64]))
    user.last_login_at = utcnow()
    if not user.session_nonce:
        user.session_nonce = secrets.token_hex(8)
    audit.log(session, Actor.for_user(user, client_addr), "login", user)


def logout(session: Session, actor: Actor, reason: str = "logout") -> None:
    """End every session of the user (the nonce in their cookie no longer matches)."""
    user = session.get(User, actor.user_id)
    if user is not None:
        user.session_nonce = secrets.token_hex(8)
        audit.log(session, actor, reason, user)


def set_lang(session: Session, actor: Actor, lang: str) -> None:
    if lang not in ("zh", "en"):
        raise Invalid(_("Unknown language."), field="lang")
    user = session.get(User, actor.user_id)
    if user is not None and user.lang != lang:
        audit.log(session, actor, "user.lang", user, summary={"lang": [user.lang, lang]})
        user.lang = lang


def set_text_size(session: Session, actor: Actor, size: str) -> TextSize:
    """Remember the user's text size (适老化) on their account, audited like the language."""
    try:
        chosen = TextSize(size)
    except ValueError:
        raise Invalid(_("Unknown text size."), field="text_size") from None
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound(_("Unknown user."))
    if user.text_size != chosen:
        audit.log(session, actor, "user.text_size", user,
                  summary={"text_size": [user.text_size.value, chosen.value]})
        user.text_size = chosen
    return chosen


# --- passwords ---------------------------------------------------------------------------

def _store_password(session: Session, user: User, new: str, *, must_change: bool) -> None:
    session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash,
                                set_at=user.password_changed_at))
    old = session.scalars(select(PasswordHistory).where(PasswordHistory.user_id == user.id)
                          .order_by(PasswordHistory.set_at.desc(), PasswordHistory.id.desc())
                          .offset(HISTORY)).all()
    for row in old:
        session.delete(row)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    user.must_change_password = must_change
    user.session_nonce = secrets.token_hex(8)


def _check_new_password(session: Session, user: User, new: str, field: str = "new") -> None:
    problems = password_problems(new, user.username)
    if problems:
        raise Invalid(" ".join(problems), field=field)
    earlier = [user.password_hash, *session.scalars(
        select(PasswordHistory.password_hash).where(PasswordHistory.user_id == user.id)
        .order_by(PasswordHistory.set_at.desc(), PasswordHistory.id.desc()).limit(HISTORY))]
    if any(password_matches(h, new) for h in earlier):
        raise Invalid(_("Choose a password you have not used for your last %(n)s passwords.",
                        n=HISTORY + 1),
                      field=field)


def change_password(session: Session, actor: Actor, current: str, new: str) -> None:
    """The user changes their own password, knowing the current one."""
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound(_("Unknown user."))
    if not password_matches(user.password_hash, current):
        raise Invalid(_("The current password is wrong."), field="current")
    _check_new_password(session, user, new)
    _store_password(session, user, new, must_change=False)
    audit.log(session, actor, "user.password", user)


def replace_owed_password(session: Session, user: User, new: str, client_addr: str) -> None:
    """The forced change at login (first login, after a reset, or expired)."""
    _check_new_password(session, user, new, field="new_password")
    _store_password(session, user, new, must_change=False)
    audit.log(session, Actor.for_user(user, client_addr), "user.password", user,
              summary={"reason": "owed at login"})


# --- the security administrator's work ---------------------------------------------------

def find_user(session: Session, actor: Actor, username: str) -> User:
    actor.require("users.manage")
    user = session.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None or not actor.in_scope(user.unit.path):
        raise NotFound(_("No login is called %(name)s.", name=username))
    return user


def _not_oneself(actor: Actor, user: User) -> None:
    if actor.user_id is not None and actor.user_id == user.id:
        raise AccessDenied(_("Another security administrator must do this for your own login."))


def disable_user(session: Session, actor: Actor, username: str) -> User:
    user = find_user(session, actor, username)
    _not_oneself(actor, user)
    if user.active:
        user.active = False
        user.session_nonce = secrets.token_hex(8)  # ends their sessions now
        audit.log(session, actor, "user.disable", user)
    return user


def enable_user(session: Session, actor: Actor, username: str) -> User:
    user = find_user(session, actor, username)
    if user.cadre is not None and user.cadre.status != CadreStatus.SERVING:
        raise Invalid(_("The cadre of this login is no longer serving."), field="username")
    if not user.active:
        user.active = True
        audit.log(session, actor, "user.enable", user)
    return user


def unlock_user(session: Session, actor: Actor, username: str) -> int:
    """Forget the failed attempts of this login from every source; returns how many sources
    waited."""
    user = find_user(session, actor, username)
    rows = session.scalars(
        select(LoginThrottle).where(LoginThrottle.username == user.username)
    ).all()
    waiting = sum(1 for r in rows if r.blocked_until and r.blocked_until > utcnow())
    for row in rows:
        session.delete(row)
    audit.log(session, actor, "user.unlock", user, summary={"sources": [r.source for r in rows]})
    return waiting


def reset_password(session: Session, actor: Actor, username: str,
                   password: str | None = None) -> str:
    """Give the login a new password (one-time unless given) that must be changed at the
    next login; returns it so it can be handed to the user."""
    user = find_user(session, actor, username)
    _not_oneself(actor, user)
    new = password or one_time_password()
    problems = password_problems(new, user.username)
    if problems:
        raise Invalid(" ".join(problems), field="password")
    _store_password(session, user, new, must_change=True)
    audit.log(session, actor, "user.password_reset", user)
    return new


def set_role(session: Session, actor: Actor, username: str, role: Role,
             unit_code: str | None = None,
             cadre_code: str | None = None, department_code: str | None = None) -> User:
    user = find_user(session, actor, username)
    _not_oneself(actor, user)
    before = audit.snapshot(user, exclude=SECRET_FIELDS)
    cadre = _cadre_for(session, role, cadre_code or (user.cadre.code if user.cadre else None))
    unit_code = unit_code or (None if cadre else user.unit.code)
    department = _department_for(session, role, unit_code, department_code)
    unit = _unit_for(session, role, unit_code, cadre)
    actor.require("users.manage", unit)
    user.role, user.unit, user.cadre = role, unit, cadre
    user.department_code = department
    user.session_nonce = secrets.token_hex(8)  # the new rights start with a new login
    session.flush()
    audit.log(session, actor, "user.role", user,
              summary=audit.changes(before, audit.snapshot(user, exclude=SECRET_FIELDS)))
    return user


def reset_second_factor(session: Session, actor: Actor, username: str) -> User:
    """Forget the login's authenticator and recovery codes: it enrols again at the next login."""
    user = find_user(session, actor, username)
    _not_oneself(actor, user)
    user.totp_secret, user.totp_last_step, user.recovery_codes = None, None, []
    user.session_nonce = secrets.token_hex(8)
    audit.log(session, actor, "user.totp_reset", user)
    return user


def set_password_max_age(session: Session, actor: Actor, days: int) -> None:
    """Password expiry is the security administrator's setting (0 switches it off)."""
    actor.require("users.manage")
    if not isinstance(days, int) or not 0 <= days <= 3650:
        raise Invalid(_("Password expiry is a number of days from 0 (never) to 3650."),
                      field="days")
    row = session.get(Setting, PASSWORD_MAX_AGE_KEY)
    before = row.value if row else PASSWORD_MAX_AGE.value
    if row is None:
        row = Setting(key=PASSWORD_MAX_AGE_KEY, value=days, source=PASSWORD_MAX_AGE.source)
        session.add(row)
    row.value, row.updated_at, row.updated_by = days, utcnow(), actor.username
    audit.log(session, actor, "setting.update", entity_type="setting",
              entity_id=PASSWORD_MAX_AGE_KEY,
              summary={"before": before, "after": days})


def close_login(session: Session, actor: Actor, user: User, reason: str) -> None:
    """Disable a login automatically (its cadre retired or transferred out), audited."""
    if user.active:
        user.active = False
        user.session_nonce = secrets.token_hex(8)
        audit.log(session, actor, "user.disable", user,
                  summary={"reason": reason, "automatic": True})


def close_logins_of_departed_cadres(session: Session, actor: Actor) -> int:
    """Disable every active login whose cadre no longer serves; returns how many."""
    departed = session.scalars(
        select(User).join(Cadre, User.cadre_id == Cadre.id)
        .where(User.active, Cadre.status != CadreStatus.SERVING)).all()
    for user in departed:
        close_login(session, actor, user, f"cadre {user.cadre.status.value}")
    return len(departed)


def list_users(session: Session, actor: Actor) -> list[User]:
    actor.require("users.manage")
    return list(
        session.scalars(
            select(User)
            .join(Unit, User.unit_id == Unit.id)
            .where(actor.unit_clause())
            .order_by(User.username)
        )
    )


def waiting_sources(session: Session, actor: Actor) -> dict[str, datetime]:
    """For each username, until when its slowest source must wait (the users page shows it)."""
    actor.require("users.manage")
    found: dict[str, datetime] = {}
    rows = session.scalars(select(LoginThrottle).where(LoginThrottle.blocked_until > utcnow()))
    for row in rows:
        if row.username not in found or row.blocked_until > found[row.username]:
            found[row.username] = row.blocked_until
    return found
