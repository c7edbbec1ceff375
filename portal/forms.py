"""Form input parsed once, at the edge, before a service is called.

The same cell parsers as import files (``portal.tabular``), so a date or a number means
the same in a form and in a file. A blank value is ``None``; a bad one raises
``Invalid`` with one plain line naming the field, which the write helper
(``portal.ui.write``) shows as the form's alert.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import Any, TypeVar

from portal import tabular
from portal.errors import Invalid
from portal.i18n import _

T = TypeVar("T")


def _parse(value: Any, parse: Callable[[Any], T], what: str) -> T | None:
    if tabular.blank(value):
        return None
    try:
        return parse(value)
    except ValueError as reason:
        raise Invalid(_("%(what)s: “%(value)s” %(reason)s.", what=what, value=value, reason=reason),
                      field=what) from None


def day(value: Any, what: str) -> date | None:
    """A date from a date input (``YYYY-MM-DD``; a date-time is cut to its day)."""
    return _parse(value[:10] if isinstance(value, str) else value, tabular.iso_date, what)


def whole(value: Any, what: str) -> int | None:
    """A whole number (ids from stores and pickers, months, years)."""
    return _parse(value, tabular.integer, what)


def number(value: Any, what: str) -> float | None:
    return _parse(value, tabular.number, what)


def choice(value: Any, enum_cls: type[Enum], what: str) -> Enum | None:
    """A member of ``enum_cls`` from its code (or label)."""
    return _parse(value, tabular.choice(enum_cls), what)
