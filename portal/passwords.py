"""Password rules and hashing (scrypt, through Werkzeug).

Besides length and character mix, a password may not be built on a common word (the
``Password12`` that passes every mix rule), on the username, on the product's name or
on the published demo password; nor may it repeat one of the user's last passwords.
"""

from __future__ import annotations

import re
import secrets
import string

from werkzeug.security import check_password_hash, generate_password_hash

from portal.i18n import _

MIN_LENGTH = 10
MIN_CLASSES = 3
HISTORY = 5  # a new password differs from the current one and the 5 before it
DEMO_PASSWORD = "Portal#2026"  # published in the README: never valid outside the demo

# Stems of the most common passwords (after lower-casing and dropping the digits and
# symbols around them): "Password12", "Qwerty2024!", "Admin@123456" all reduce to one.
COMMON_STEMS = frozenset(["password", "passw0rd", "passwort", "pass", "admin", "administrator",
                          "root", "user", "guest", "test", "demo", "welcome", "login", "letmein",
                          "qwerty", "qwertyuiop", "asdf", "asdfgh", "asdfghjkl", "zxcvbnm", "abc",
                          "abcd", "abcdef", "abcdefg", "iloveyou", "love", "monkey", "dragon",
                          "master", "sunshine", "princess", "football", "baseball", "shadow",
                          "superman", "batman", "trustno1", "whatever", "secret", "changeme",
                          "default", "system", "manager", "security", "auditor", "woaini",
                          "woaini1314", "aini", "nihao", "zhongguo", "china", "beijing", "shanghai",
                          "qazwsx", "qazwsxedc", "zaq", "xsw", "abc123", "a1b2c3", "qwe", "asd",
                          "zxc", "aaa", "aaaa", "aaaaaa"])
# The product's own words: the first guess against any installation of it.
PRODUCT_WORDS = ("portal", "governance", "dangjian", "djyl", "zhili")


def character_classes(password: str) -> int:
    classes = [
        any(c in string.ascii_lowercase for c in password),
        any(c in string.ascii_uppercase for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(classes)


def _stem(password: str) -> str:
    """The letters of a password without the digits and symbols people add around them."""
    return re.sub(r"^[^a-z]+|[^a-z]+$", "", password.lower())


def blocked_reason(password: str, username: str = "") -> str | None:
    """Why a password is too guessable, or ``None``."""
    lowered = password.lower()
    if password == DEMO_PASSWORD:
        return _("The demo password is published; choose another.")
    if username and len(username) >= 3 and username.lower() in lowered:
        return _("The password may not contain the username.")
    if any(word in lowered for word in PRODUCT_WORDS):
        return _("The password may not contain the product's name.")
    stem = _stem(password)
    digits_only = re.sub(r"[^0-9]", "", password)
    if stem in COMMON_STEMS or (not stem and len(set(digits_only)) <= 3) or len(set(lowered)) <= 3:
        return _("This password is among the most common ones; choose another.")
    return None


def password_problems(password: str, username: str = "") -> list[str]:
    """What is wrong with a new password, in words; empty when it is acceptable."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("The password must have at least %(n)s characters.", n=MIN_LENGTH))
    if character_classes(password) < MIN_CLASSES:
        problems.append(_("The password must mix at least three of: lower-case letters, "
                          "upper-case letters, digits, symbols."))
    reason = blocked_reason(password, username)
    if reason:
        problems.append(reason)
    return problems


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def password_matches(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


def one_time_password() -> str:
    """An initial password handed out on paper: 12 characters, unambiguous, all rules met."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        body = "".join(secrets.choice(alphabet) for _ in range(11))
        candidate = body[:5] + "-" + body[5:]
        if character_classes(candidate) >= 4 and not blocked_reason(candidate):
            return candidate


# Used when the username is unknown, so that both paths take the same time.
DUMMY_HASH = hash_password("not-a-real-password-1A!")
