"""Configuration read from the environment, with safe defaults for the embedded demo."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("zh", "en")


def instance_dir() -> Path:
    """Where the embedded database and the generated secret live (``instance/``)."""
    path = Path(os.environ.get("PORTAL_INSTANCE", PROJECT_ROOT / "instance"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_url() -> str:
    return f"sqlite:///{instance_dir() / 'portal.sqlite'}"


def normalize_database_url(url: str) -> str:
    """Accept the usual ``postgresql://`` spelling and use the psycopg 3 driver for it."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def instance_secret(filename: str, env: str) -> str:
    """The secret in ``$env``, else the one in ``instance/<filename>`` (created once, mode 0600)."""
    if os.environ.get(env):
        return os.environ[env].strip()
    path = instance_dir() / filename
    if not path.exists():
        try:
            with open(path, "x") as handle:  # two processes starting at once keep one secret
                handle.write(secrets.token_hex(32))
            path.chmod(0o600)
        except FileExistsError:
            pass
    return path.read_text().strip()


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    return instance_secret("secret_key", "SECRET_KEY")


@dataclass(frozen=True)
class Config:
    database_url: str = field(default_factory=default_database_url)
    secret_key: str = ""
    redis_url: str | None = None
    default_lang: str = "zh"
    idle_timeout_minutes: int = 30
    lockout_attempts: int = 5          # failures of one name from one source before it waits
    lockout_first_minutes: int = 1     # the first wait, doubled with each further failure …
    lockout_max_minutes: int = 60      # … up to this
    login_rate_limit: str = "30 per minute"
    # unknown codes tried at /survey/<code> per source address (guessing)
    survey_rate_limit: str = "30 per minute"
    # where printed survey slips send respondents (the QR code's address); "" = this server
    public_url: str = ""
    secure_cookies: bool = False
    hsts_seconds: int = 0  # > 0: Strict-Transport-Security on HTTPS responses (behind TLS only)
    testing: bool = False
    # `portal demo` only: the published demo logins skip the second factor and the
    # first-login password change, and the login page says so.
    demo: bool = False

    @classmethod
    def from_env(cls, **overrides) -> Config:
        env = os.environ
        lang = env.get("PORTAL_LANG", "zh")
        config = cls(
            database_url=normalize_database_url(env.get("DATABASE_URL") or default_database_url()),
            secret_key=_secret_key(),
            redis_url=env.get("REDIS_URL") or None,
            default_lang=lang if lang in LANGUAGES else "zh",
            idle_timeout_minutes=int(env.get("PORTAL_IDLE_MINUTES", "30")),
            secure_cookies=env.get("PORTAL_SECURE_COOKIES", "") in ("1", "true", "yes"),
            hsts_seconds=int(env.get("PORTAL_HSTS_SECONDS", "0") or 0),
            public_url=env.get("PORTAL_PUBLIC_URL", "").strip(),
        )
        return config.with_(**overrides)

    def with_(self, **changes) -> Config:
        if "database_url" in changes:
            changes["database_url"] = normalize_database_url(changes["database_url"])
        return replace(self, **changes)
