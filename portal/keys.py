"""Keys kept outside the database: the session secret, the audit key and the data key.

Each comes from an environment variable when set (several hosts share it that way),
else from a file under ``instance/`` generated once with mode 0600. Whoever copies the
database or a backup does not get them, so the audit chain cannot be recomputed and the
confidential columns cannot be read from the copy. Back the keys up separately: without
the data key the encrypted texts are lost, without the audit key the chain cannot be
verified.
"""

from __future__ import annotations

import base64
import binascii
from functools import cache

from portal.config import instance_secret


class KeyProblem(RuntimeError):
    """A key given in the environment cannot be used."""


def _key_bytes(text: str, env: str) -> bytes:
    """32 bytes from hex (64 characters) or URL-safe base64 (44 characters)."""
    try:
        raw = bytes.fromhex(text) if len(text) == 64 else base64.urlsafe_b64decode(text)
    except (ValueError, binascii.Error) as error:
        raise KeyProblem(f"{env} must be 32 bytes in hex or base64") from error
    if len(raw) != 32:
        raise KeyProblem(f"{env} must be 32 bytes in hex or base64")
    return raw


@cache
def audit_key() -> bytes:
    """The HMAC key of the audit chain (``PORTAL_AUDIT_KEY`` or ``instance/audit_key``)."""
    return _key_bytes(instance_secret("audit_key", "PORTAL_AUDIT_KEY"), "PORTAL_AUDIT_KEY")


@cache
def data_key() -> bytes:
    """The AES-256-GCM key of confidential columns (``PORTAL_DATA_KEY`` or
    ``instance/data_key``)."""
    return _key_bytes(instance_secret("data_key", "PORTAL_DATA_KEY"), "PORTAL_DATA_KEY")


def forget() -> None:
    """Drop the cached keys (tests that change the environment)."""
    audit_key.cache_clear()
    data_key.cache_clear()
