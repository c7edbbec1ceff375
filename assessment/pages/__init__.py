"""The assessment pages; importing this package registers them with the portal."""

from assessment.pages import (  # noqa: F401
    announcement,
    appeal_form,
    appeals,
    indicator,
    overview,
    periods,
    schemes,
    scores,
    supervision,
    unit,
    warnings,
    whatif,
)
