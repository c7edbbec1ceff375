"""The platform's own pages: home, account, and the administrator's pages."""

from portal.pages import (  # noqa: F401
    account,
    audit_log,
    home,
    jobs,
    notices,
    todo_panel,
    transfer,
    units,
    users,
)
