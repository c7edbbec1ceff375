"""Small, explicit test data: a city with two districts, users of every role, cadres."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from portal.access import SECOND_FACTOR_ROLES, Actor
from portal.enums import CadreCategory, Gender, LeaderRole, Rank, Role, UnitLevel
from portal.models import Cadre, Unit, User

PASSWORD = "Portal#2026"
# The factory logins' hash: scrypt as portal.passwords.hash_password makes it, at a lower cost
# (N=1024 instead of 32768): tests log in thousands of times and every login checks the hash
# (0.1-0.4 s at full cost). Passwords set through the portal still get the full cost, and
# their own tests check that.
_HASH = generate_password_hash(PASSWORD, "scrypt:1024:8:1")
# The authenticator secret of every factory login whose role needs a second factor;
# tests.web.login enters its current code.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def unit(session: Session, code: str, name: str, level: UnitLevel,
         parent: Unit | None = None) -> Unit:
    created = Unit(code=code, name=name, level=level, parent=parent, path="")
    session.add(created)
    session.flush()
    created.path = f"{parent.path if parent else '/'}{created.id}/"
    session.flush()
    return created


def cadre(session: Session, code: str, name: str, unit_: Unit, *,
          rank: Rank | None = Rank.TOWNSHIP_DEPUTY,
          category: CadreCategory = CadreCategory.LEADING,
          leader_role: LeaderRole = LeaderRole.DEPUTY,
          position: str = "副主任", position_since: date = date(2022, 1, 1),
          rank_since: date = date(2022, 1, 1)) -> Cadre:
    created = Cadre(code=code, name=name, gender=Gender.FEMALE, birth_date=date(1985, 5, 1),
                    unit=unit_,
                    position=position, rank=rank, category=category, leader_role=leader_role,
                    position_since=position_since, rank_since=rank_since, party_member=True)
    session.add(created)
    session.flush()
    return created


def user(session: Session, username: str, role: Role, unit_: Unit,
         cadre_: Cadre | None = None) -> User:
    created = User(username=username, display_name=username, password_hash=_HASH, role=role,
                   unit=unit_,
                   cadre=cadre_, session_nonce=f"n-{username}", lang="en",
                   totp_secret=TOTP_SECRET if role in SECOND_FACTOR_ROLES else None)
    session.add(created)
    session.flush()
    return created


@dataclass
class City:
    city: Unit
    d1: Unit
    d2: Unit
    s1: Unit
    s2: Unit
    c1: Unit
    c2: Unit
    cadre1: Cadre
    cadre2: Cadre
    users: dict[str, User]

    def actor(self, username: str) -> Actor:
        return Actor.for_user(self.users[username])


def city(session: Session) -> City:
    """市 → two districts → one street each → one community each; a user of every role."""
    root = unit(session, "C", "江州市", UnitLevel.CITY)
    d1 = unit(session, "D1", "青山区", UnitLevel.DISTRICT, root)
    d2 = unit(session, "D2", "临江区", UnitLevel.DISTRICT, root)
    s1 = unit(session, "S1", "桃桥街道", UnitLevel.STREET, d1)
    s2 = unit(session, "S2", "梅园街道", UnitLevel.STREET, d2)
    c1 = unit(session, "K1", "新源社区", UnitLevel.COMMUNITY, s1)
    c2 = unit(session, "K2", "石洲社区", UnitLevel.COMMUNITY, s2)
    cadre1 = cadre(session, "C0001", "王芳", s1)
    cadre2 = cadre(session, "C0002", "李娜", s2)
    users = {
        "admin": user(session, "admin", Role.ADMIN, root),
        "security": user(session, "security", Role.SECURITY, root),
        "auditor": user(session, "auditor", Role.AUDITOR, root),
        "reviewer": user(session, "reviewer", Role.REVIEWER, root),
        "reviewer-d1": user(session, "reviewer-d1", Role.REVIEWER, d1),
        "inspector": user(session, "inspector", Role.INSPECTOR, root),
        "cadre": user(session, "cadre", Role.CADRE, s1, cadre1),
        "cadre2": user(session, "cadre2", Role.CADRE, s2, cadre2),
    }
    session.commit()
    return City(root, d1, d2, s1, s2, c1, c2, cadre1, cadre2, users)
