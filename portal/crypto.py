"""Confidential text at rest: AES-256-GCM with the data key kept outside the database.

``EncryptedText`` is a column type: the ORM reads and writes plain ``str``; the table
holds ``v1:`` + base64(nonce ‖ ciphertext ‖ tag), a fresh 96-bit nonce per write. A
copied database file or backup therefore shows none of these texts. Because SQL cannot
look inside, searches over them decrypt the rows in scope and match in Python.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Text, column, select, type_coerce, update
from sqlalchemy import table as table_clause
from sqlalchemy.types import TypeDecorator

from portal.keys import data_key

PREFIX = "v1:"


class UnreadableText(RuntimeError):
    """A stored text does not decrypt with this installation's data key."""


def encrypt(plain: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(data_key()).encrypt(nonce, plain.encode("utf-8"), None)
    return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # written before encryption was switched on; sealed at the next write
    raw = base64.b64decode(stored[len(PREFIX):])
    try:
        return AESGCM(data_key()).decrypt(raw[:12], raw[12:], None).decode("utf-8")
    except InvalidTag as error:
        raise UnreadableText("a confidential text does not match the data key "
                             "(PORTAL_DATA_KEY or instance/data_key)") from error


def is_sealed(value: str) -> bool:
    """True only for a text sealed with this installation's key (nobody can forge one)."""
    if not value.startswith(PREFIX):
        return False
    try:
        decrypt(value)
    except (UnreadableText, ValueError):
        return False
    return True


def stored_form(column):
    """The column as the database stores it: a backup dump keeps the texts sealed."""
    return type_coerce(column, Text).label(column.name) if isinstance(column.type,
                                                                      EncryptedText) else column


class EncryptedText(TypeDecorator):
    """A text column encrypted at rest; ``None`` stays ``NULL`` and ``""`` stays empty."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None or value == "":
            return value
        if is_sealed(value):  # a restore brings the texts back as they were stored
            return value
        return encrypt(value)

    def process_result_value(self, value, dialect):
        if value is None or value == "":
            return value
        return decrypt(value)


def seal_existing(connection, table: str, columns: tuple[str, ...]) -> None:
    """Encrypt the plain texts already in ``table`` (a migration switching columns on)."""
    target = table_clause(table, column("id"), *(column(c) for c in columns))
    for row in connection.execute(select(target)).mappings().all():
        sealed = {
            c: encrypt(row[c]) for c in columns if row[c] and not str(row[c]).startswith(PREFIX)
        }
        if sealed:
            connection.execute(update(target).where(target.c.id == row["id"]).values(**sealed))
