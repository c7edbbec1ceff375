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
from sqlalchemy import Text
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


class EncryptedText(TypeDecorator):
    """A text column encrypted at rest; ``None`` stays ``NULL`` and ``""`` stays empty."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None or value == "":
            return value
        return encrypt(value)

    def process_result_value(self, value, dialect):
        if value is None or value == "":
            return value
        return decrypt(value)
