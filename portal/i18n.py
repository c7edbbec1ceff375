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
def _zh_messages() -> dict[str, str | tuple[str, ...]]:
    messages: dict[str, str | tuple[str, ...]] = {}
    for package in PACKAGES:
        path = catalog_path(package)
        if not path.exists():
            continue
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id or not message.string or message.fuzzy:
                continue
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            string = message.string
            if isinstance(string, tuple | list):
                string = string[0]
            if string:
                messages[key] = string
    return messages


def reload_catalogs() -> None:
    _zh_messages.cache_clear()


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


def translate(msgid: str, lang: str) -> str:
    if lang == "zh":
        return _zh_messages().get(msgid, msgid)  # type: ignore[return-value]
    return msgid


def gettext(msgid: str, **values) -> str:
    """Translate ``msgid`` into the current language and fill ``%(name)s`` placeholders."""
    text = translate(msgid, current_lang())
    return text % values if values else text


def ngettext(singular: str, plural: str, n: int, **values) -> str:
    values.setdefault("num", n)
    if current_lang() == "zh":
        text = translate(singular, "zh")
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
        return gettext(self.msgid)

    @classmethod
    def parse(cls, text: str):
        wanted = str(text).strip()
        for member in cls:
            names = {member.value, member.msgid, translate(member.msgid, "zh")}
            if wanted in names or wanted.lower() in {n.lower() for n in names}:
                return member
        raise ValueError(wanted)

    @classmethod
    def options(cls) -> list[dict[str, str]]:
        return [{"label": member.label, "value": member.value} for member in cls]
