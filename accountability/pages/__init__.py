"""The accountability pages; importing this package registers them with the portal."""

from accountability.pages import (  # noqa: F401
    application,
    cadre,
    case,
    dashboard,
    desk,
    followups,
    my_records,
    register,
    rules_page,
    tolerance,
)
