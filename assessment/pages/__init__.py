"""The assessment pages; importing this package registers them with the portal."""

from assessment.pages import (  # noqa: F401
    announcement,
    appeal_form,
    appeals,
    indicator,
    overview,
    periods,
    report,
    schemes,
    scores,
    submissions,
    supervision,
    surveys,
    unit,
    warnings,
    whatif,
)
