"""Errors that are part of the interface: each carries a message a clerk understands."""

from __future__ import annotations


class PortalError(Exception):
    """Base for errors shown to users as they are (already translated)."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AccessDenied(PortalError):
    """The acting user may not do this, or may not see this record."""

    status = 403


class NotFound(PortalError):
    status = 404


class Invalid(PortalError):
    """Input that cannot be accepted; ``field`` names where, when there is one place."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class Conflict(PortalError):
    """Somebody else changed the record since it was read; reload before saving."""

    status = 409
