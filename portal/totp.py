"""Time-based one-time passwords (TOTP, RFC 6238) and recovery codes: the second factor.

Any authenticator app works (30-second steps, six digits, SHA-1 as the apps expect).
A code is accepted for the current step and one step either side (clock drift), and
never twice: the caller stores the step it was accepted for. Recovery codes are
single-use and stored only as hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
import time
from base64 import b64encode

import pyotp
import segno

STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODES = 10
ISSUER = "Governance Portal"


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def current_step(now: float | None = None) -> int:
    return int((now if now is not None else time.time()) // STEP_SECONDS)


def accepted_step(secret: str, code: str, last_step: int | None,
                  now: float | None = None) -> int | None:
    """The time step ``code`` belongs to, if it is valid and newer than ``last_step``."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    step = current_step(now)
    for candidate in range(step - DRIFT_STEPS, step + DRIFT_STEPS + 1):
        if last_step is not None and candidate <= last_step:
            continue
        if hmac.compare_digest(totp.at(candidate * STEP_SECONDS), code):
            return candidate
    return None


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The ``otpauth://`` URI as an SVG QR code, ready for an ``<img src>``."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=5, border=2)
    return "data:image/svg+xml;base64," + b64encode(buffer.getvalue()).decode("ascii")


def new_recovery_codes() -> list[str]:
    """Ten codes like ``7kq2m-x9fh3`` (50 bits each), shown once."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for _ in range(RECOVERY_CODES):
        body = "".join(secrets.choice(alphabet) for _ in range(10))
        codes.append(f"{body[:5]}-{body[5:]}")
    return codes


def recovery_hash(code: str) -> str:
    normalized = code.strip().lower().replace(" ", "").replace("-", "")
    return hashlib.sha256(normalized.encode()).hexdigest()


def code_for(secret: str, step: int) -> str:
    """The code of a given step (tests and the test client's login helper)."""
    return pyotp.TOTP(secret).at(step * STEP_SECONDS)
