"""The cadres pages; importing this package registers them with the portal."""

from cadres.pages import (  # noqa: F401
    annual_report,
    appointment_form,
    certificate,
    claims,
    courses,
    decision_view,
    decisions,
    grades,
    linkage,
    my_training,
    overview,
    plans,
    profile,
    records,
    registry,
    roster,
    roster_print,
    standards,
    teams,
)
