"""Form input parsed once, at the edge, before a service is called.

The same cell parsers as import files (``portal.tabular``), so a date or a number means
the same in a form and in a file. A blank value is ``None``; a bad one raises
``Invalid`` with one plain line naming the field, which the write helper
(``portal.ui.write``) shows as the form's alert.
"""

from __future__ import annotations

import base64
import binascii
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


def upload(contents: Any, message: str | None = None, field: str | None = None) -> bytes:
    """The bytes of a ``dcc.Upload`` data URL (``data:…;base64,…``); ``Invalid`` with
    ``message`` (naming ``field``) when it is not one, as from a forged request."""
    try:
        return base64.b64decode(str(contents).split(",", 1)[1], validate=True)
    except (IndexError, binascii.Error):
        raise Invalid(message or _("The upload could not be read; please choose the file again."),
                      field=field) from None
