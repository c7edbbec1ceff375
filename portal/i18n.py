"""Translations (gettext catalogs read with Babel) and the per-request language.

Source strings are English; each package keeps its Chinese catalog in
``<package>/translations/zh.po`` so packages never edit each other's files.
``_()`` translates into the language of the current request (the user's choice,
remembered on their account) or of the command line (``PORTAL_LANG``, default zh).
Run ``make i18n`` after adding strings; ``tests/test_i18n.py`` fails on any
visible string without a Chinese translation.
"""

from __future__ import annotations

import contextvars
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from functools import cache
from importlib import import_module
from pathlib import Path

from babel.messages.pofile import read_po

from portal.plugins import PACKAGES

_lang: contextvars.ContextVar[str] = contextvars.ContextVar("portal_lang", default="zh")


def catalog_path(package: str) -> Path:
    module = import_module(package)
    return Path(module.__file__).parent / "translations" / "zh.po"


@cache
def _catalog(package: str) -> dict[str, str]:
    path = catalog_path(package)
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle)
    messages: dict[str, str] = {}
    for message in catalog:
        if not message.id or not message.string or message.fuzzy:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        string = message.string[0] if isinstance(message.string, tuple | list) else message.string
        if string:
            messages[key] = string
    return messages


def _lookup(msgid: str, package: str | None) -> str | None:
    """The package's own catalogue first (the same English word may be translated
    differently in two packages), then the platform's, then the others'."""
    order = [package] if package in PACKAGES else []
    order += [p for p in PACKAGES if p != package]
    for name in order:
        found = _catalog(name).get(msgid)
        if found:
            return found
    return None


def _caller_package(depth: int = 2) -> str:
    return sys._getframe(depth).f_globals.get("__name__", "").partition(".")[0]


def reload_catalogs() -> None:
    _catalog.cache_clear()


def current_lang() -> str:
    return _lang.get()


def set_lang(lang: str) -> None:
    _lang.set(lang if lang in ("zh", "en") else "zh")


@contextmanager
def use_lang(lang: str) -> Iterator[None]:
    token = _lang.set(lang)
    try:
        yield
    finally:
        _lang.reset(token)


def translate(msgid: str, lang: str, package: str | None = None) -> str:
    if lang == "zh":
        return _lookup(msgid, package) or msgid
    return msgid


def gettext(msgid: str, **values) -> str:
    """Translate ``msgid`` into the current language (looking first in the calling
    package's catalogue) and fill ``%(name)s`` placeholders."""
    text = translate(msgid, current_lang(), _caller_package())
    return text % values if values else text


def gettext_for(package: str, msgid: str, **values) -> str:
    """``gettext`` on behalf of ``package`` (labels registered by one package, shown by another)."""
    text = translate(msgid, current_lang(), package.partition(".")[0])
    return text % values if values else text


def ngettext(singular: str, plural: str, n: int, **values) -> str:
    values.setdefault("num", n)
    if current_lang() == "zh":
        text = translate(singular, "zh", _caller_package())
    else:
        text = singular if n == 1 else plural
    return text % values


_ = gettext


def N_(msgid: str) -> str:
    """Mark a string for translation without translating it yet (module-level labels)."""
    return msgid


class LabeledEnum(StrEnum):
    """A ``StrEnum`` whose members carry an English label translated on display.

    Values are stable English codes (stored and used in files); ``label`` is what
    users read; ``parse`` accepts the code, the English label or the Chinese label.
    """

    def __new__(cls, value: str, label: str | None = None):
        member = str.__new__(cls, value)
        member._value_ = value
        member.msgid = label or value
        return member

    @property
    def label(self) -> str:
        return gettext_for(type(self).__module__, self.msgid)

    @classmethod
    def parse(cls, text: str):
        wanted = str(text).strip()
        for member in cls:
            names = {member.value, member.msgid,
                     translate(member.msgid, "zh", cls.__module__.partition(".")[0])}
            if wanted in names or wanted.lower() in {n.lower() for n in names}:
                return member
        raise ValueError(wanted)

    @classmethod
    def options(cls) -> list[dict[str, str]]:
        return [{"label": member.label, "value": member.value} for member in cls]
