"""The platform's own pages: home, account, and the administrator's pages."""

from portal.pages import account, audit_log, home, transfer, units, users  # noqa: F401
