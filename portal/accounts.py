"""Users: creation, authentication with lockout, language and text-size preferences, password changes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.access import Actor
from portal.db import utcnow
from portal.enums import Role, TextSize
from portal.errors import Invalid, NotFound, PortalError
from portal.i18n import _
from portal.models import Cadre, Unit, User
from portal.passwords import DUMMY_HASH, hash_password, password_matches, password_problems


@dataclass(frozen=True)
class LockoutPolicy:
    attempts: int = 5
    minutes: int = 15


class LoginFailed(PortalError):
    status = 401


def create_user(session: Session, actor: Actor, *, username: str, password: str, role: Role,
                unit_code: str | None = None, cadre_code: str | None = None,
                display_name: str | None = None) -> User:
    """Create a login; a cadre login is linked to its cadre and scoped to the cadre's unit."""
    actor.require("users.manage")
    username = username.strip()
    if not username:
        raise Invalid(_("A username is required."), field="username")
    if session.scalar(select(User.id).where(User.username == username)):
        raise Invalid(_("The username %(name)s is already taken.", name=username), field="username")
    problems = password_problems(password)
    if problems:
        raise Invalid(" ".join(problems), field="password")
    cadre = None
    if role == Role.CADRE:
        if not cadre_code:
            raise Invalid(_("A cadre login needs the cadre's code (--cadre)."), field="cadre")
        cadre = session.scalar(select(Cadre).where(Cadre.code == cadre_code))
        if cadre is None:
            raise Invalid(_("No cadre has the code %(code)s.", code=cadre_code), field="cadre")
        unit = cadre.unit
    elif unit_code:
        unit = session.scalar(select(Unit).where(Unit.code == unit_code))
        if unit is None:
            raise Invalid(_("No unit has the code %(code)s.", code=unit_code), field="unit")
    else:
        unit = session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
        if unit is None:
            raise Invalid(_("There are no units yet; import units first."), field="unit")
    user = User(username=username, display_name=display_name or (cadre.name if cadre else username),
                password_hash=hash_password(password), role=role, unit=unit, cadre=cadre,
                session_nonce=secrets.token_hex(8))
    session.add(user)
    session.flush()
    audit.log(session, actor, "user.create", user, summary={"after": audit.snapshot(user)})
    return user


def authenticate(session: Session, username: str, password: str, client_addr: str,
                 policy: LockoutPolicy, now: datetime | None = None) -> User:
    """The user if the password is right; otherwise ``LoginFailed`` and an audit event.

    Failed attempts are written even though the login fails, so the caller commits in
    both cases. After ``policy.attempts`` failures the account is locked for
    ``policy.minutes``; unknown usernames cost the same time as known ones.
    """
    now = now or utcnow()
    user = session.scalar(select(User).where(User.username == username.strip()))
    wrong = LoginFailed(_("Wrong username or password."))
    if user is None or not user.active:
        password_matches(DUMMY_HASH, password)
        _log_failure(session, username, client_addr, "unknown user" if user is None else "inactive")
        raise wrong
    if user.locked_until and user.locked_until > now:
        _log_failure(session, username, client_addr, "locked", user)
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise LoginFailed(_("Too many failed attempts: this account is locked for %(n)s more minute(s).",
                            n=minutes))
    if not password_matches(user.password_hash, password):
        user.failed_logins += 1
        locked = user.failed_logins >= policy.attempts
        if locked:
            user.locked_until = now + timedelta(minutes=policy.minutes)
            user.failed_logins = 0
        _log_failure(session, username, client_addr, "locked out" if locked else "wrong password", user)
        if locked:
            raise LoginFailed(_("Too many failed attempts: this account is locked for %(n)s minutes.",
                                n=policy.minutes))
        raise wrong
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if not user.session_nonce:
        user.session_nonce = secrets.token_hex(8)
    audit.log(session, Actor.for_user(user, client_addr), "login", user)
    return user


def _log_failure(session: Session, username: str, client_addr: str, reason: str,
                 user: User | None = None) -> None:
    actor = Actor.for_user(user, client_addr) if user is not None else None
    audit.log(session, actor, "login.failed", entity_type="app_user", entity_id=user.id if user else "",
              summary={"username": username, "reason": reason}, username=username,
              client_addr=client_addr)


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
        audit.log(session, actor, "user.text_size", user, summary={"text_size": [user.text_size.value, chosen.value]})
        user.text_size = chosen
    return chosen


def change_password(session: Session, actor: Actor, current: str, new: str) -> None:
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound(_("Unknown user."))
    if not password_matches(user.password_hash, current):
        raise Invalid(_("The current password is wrong."), field="current")
    problems = password_problems(new)
    if problems:
        raise Invalid(" ".join(problems), field="new")
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    user.session_nonce = secrets.token_hex(8)
    audit.log(session, actor, "user.password", user)


def list_users(session: Session, actor: Actor) -> list[User]:
    actor.require("users.manage")
    return list(session.scalars(
        select(User).join(Unit, User.unit_id == Unit.id).where(actor.unit_clause()).order_by(User.username)
    ))
