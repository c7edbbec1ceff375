"""Password rules and hashing (scrypt, through Werkzeug)."""

from __future__ import annotations

import string

from werkzeug.security import check_password_hash, generate_password_hash

from portal.i18n import _

MIN_LENGTH = 10
MIN_CLASSES = 3


def character_classes(password: str) -> int:
    classes = [
        any(c in string.ascii_lowercase for c in password),
        any(c in string.ascii_uppercase for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(classes)


def password_problems(password: str) -> list[str]:
    """What is wrong with a new password, in words; empty when it is acceptable."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("The password must have at least %(n)s characters.", n=MIN_LENGTH))
    if character_classes(password) < MIN_CLASSES:
        problems.append(_("The password must mix at least three of: lower-case letters, "
                          "upper-case letters, digits, symbols."))
    return problems


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def password_matches(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


# Used when the username is unknown, so that both paths take the same time.
DUMMY_HASH = hash_password("not-a-real-password-1A!")
