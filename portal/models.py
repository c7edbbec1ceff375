"""Platform tables: units, the cadre registry, users, settings and the audit log.

The cadre registry record (who a person is and which unit they serve) is master data
like the units themselves: users, case subjects, unit leaders and training all refer to
it, so it lives here and the domain packages never need to import one another for it.
Training, grades, eligibility and decisions about cadres live in ``cadres``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    DDL,
    JSON,
    Enum,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.crypto import EncryptedText
from portal.db import Base, utcnow
from portal.enums import (
    CadreCategory,
    CadreStatus,
    Gender,
    LeaderRole,
    Rank,
    Role,
    TextSize,
    UnitKind,
    UnitLevel,
)


def enum_column(enum_cls, **kwargs):
    """A VARCHAR column holding the enum's stable English code."""
    return mapped_column(
        Enum(enum_cls, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e],
             validate_strings=True),
        **kwargs,
    )


class Unit(Base):
    """An organization in the four-level hierarchy; ``path`` is the materialized path
    of ids (``/1/5/23/``) so that a subtree is one indexed prefix query."""

    __tablename__ = "unit"
    # varchar_pattern_ops lets PostgreSQL use the index for ``path LIKE '/1/5/%'``.
    __table_args__ = (Index("ix_unit_path", "path", postgresql_ops={"path": "varchar_pattern_ops"}),
                      )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[UnitLevel] = enum_column(UnitLevel)
    kind: Mapped[UnitKind] = enum_column(UnitKind, default=UnitKind.TERRITORIAL)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    path: Mapped[str] = mapped_column(String(400))
    active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[Unit | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Unit {self.code} {self.name}>"


class Cadre(Base):
    """A cadre (干部) in the registry (干部名册)."""

    __tablename__ = "cadre"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    gender: Mapped[Gender] = enum_column(Gender)
    birth_date: Mapped[date | None]
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    position: Mapped[str] = mapped_column(String(120), default="")
    rank: Mapped[Rank | None] = enum_column(Rank, nullable=True)
    category: Mapped[CadreCategory] = enum_column(CadreCategory)
    leader_role: Mapped[LeaderRole] = enum_column(LeaderRole, default=LeaderRole.MEMBER)
    position_since: Mapped[date | None]
    rank_since: Mapped[date | None]
    party_member: Mapped[bool] = mapped_column(default=True)
    status: Mapped[CadreStatus] = enum_column(CadreStatus, default=CadreStatus.SERVING)

    unit: Mapped[Unit] = relationship()

    def __repr__(self) -> str:
        return f"<Cadre {self.code} {self.name}>"


class User(Base):
    """A login. ``unit`` is the root of the subtree the user may see (their scope)."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = enum_column(Role)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    cadre_id: Mapped[int | None] = mapped_column(ForeignKey("cadre.id"))
    # A reporter who scores for a lead department (牵头部门): the department's code as the
    # assessment package knows it (a string, so the platform imports no domain model).
    department_code: Mapped[str | None] = mapped_column(String(32))
    lang: Mapped[str] = mapped_column(String(5), default="zh")
    text_size: Mapped[TextSize] = enum_column(TextSize, default=TextSize.STANDARD,
                                              server_default=TextSize.STANDARD.value)
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when someone else chose the password (creation, reset): changed at the next login.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    session_nonce: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Second factor (TOTP, RFC 6238): the shared secret encrypted at rest, the last time
    # step accepted (a code is never accepted twice) and the hashes of unused recovery codes.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText())
    totp_last_step: Mapped[int | None]
    recovery_codes: Mapped[list] = mapped_column(JSON, default=list)

    unit: Mapped[Unit] = relationship()
    cadre: Mapped[Cadre | None] = relationship()


class PasswordHistory(Base):
    """Earlier password hashes of a user, so that a change cannot go back to one of them."""

    __tablename__ = "password_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoginThrottle(Base):
    """Failed logins of one username from one source address.

    Kept per username *and* source, so an outsider who types wrong passwords for a
    name slows down only themselves, never the owner logging in from elsewhere.
    Unknown usernames get rows too, so the behaviour does not reveal which names exist.
    """

    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("username", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(default=0)
    blocked_until: Mapped[datetime | None]
    last_failure_at: Mapped[datetime] = mapped_column(default=utcnow)


class Setting(Base):
    """A configurable rule value (domain.md keeps every number as data), with its source."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64), default="")


class AuditEvent(Base):
    """One write (or a view of a confidential record), appended to a keyed chain:
    ``hash`` is an HMAC over this row and ``prev_hash``."""

    __tablename__ = "audit_event"
    __table_args__ = (UniqueConstraint("seq"),
                      Index("ix_audit_event_entity", "entity_type", "entity_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int]
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None]
    actor: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    entity_type: Mapped[str] = mapped_column(String(64), default="")
    entity_id: Mapped[str] = mapped_column(String(64), default="")
    summary: Mapped[Any] = mapped_column(JSON, default=dict)
    client_addr: Mapped[str] = mapped_column(String(64), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The single row holding the chain's last sequence number and hash.

    Updating it first in every append takes the write lock, so concurrent workers
    append one after another and a deleted tail row is still detected.
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str] = mapped_column(String(64))
    # HMAC over (base, seq, hash): rewinding the head to an earlier event needs the key.
    mac: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # Where the chain in the table starts after `portal audit archive` moved older events out.
    base_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    base_hash: Mapped[str] = mapped_column(String(64), default="0" * 64, server_default="0" * 64)


event.listen(
    AuditHead.__table__, "after_create",
    DDL("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '" + "0" * 64 + "')"),
)


class Job(Base):
    """Long work (the annual report workbook, a big import or export) queued by a user and run
    by a worker thread of any process (``portal.jobs``). Its progress and its result (a file,
    kept here so that any worker on any host serves the download) are read from this row."""

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_owner_kind", "owner_id", "kind", "id"),
                      Index("ix_job_status", "status", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    upload: Mapped[bytes | None] = mapped_column(LargeBinary)  # the file to import, dropped after
    lang: Mapped[str] = mapped_column(String(5), default="zh")
    status: Mapped[str] = mapped_column(String(10), default="queued")
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    stage: Mapped[str] = mapped_column(String(40), default="")
    result_name: Mapped[str | None] = mapped_column(String(200))
    result_type: Mapped[str | None] = mapped_column(String(100))
    result: Mapped[bytes | None] = mapped_column(LargeBinary)
    summary: Mapped[Any] = mapped_column(JSON, default=dict)  # the outcome in words (notes)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]


class Notice(Base):
    """A message to one user (a claim decided, a figure returned, a stage overdue), kept
    with its English msgid and parameters so it is rendered in the reader's language.

    ``package`` names the catalogue that translates ``title``; ``key`` (when set) makes a
    generated notice unique per user, so a check run at every read adds it only once.
    """

    __tablename__ = "notice"
    __table_args__ = (Index("ix_notice_user_unread", "user_id", "read_at"),
                      UniqueConstraint("user_id", "key", name="uq_notice_user_key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    package: Mapped[str] = mapped_column(String(32), default="portal")
    href: Mapped[str] = mapped_column(String(300), default="")
    key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[datetime | None]
