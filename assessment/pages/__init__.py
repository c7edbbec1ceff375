"""The assessment pages; importing this package registers them with the portal."""

from assessment.pages import (  # noqa: F401
    indicator,
    overview,
    periods,
    schemes,
    scores,
    supervision,
    surveys,
    unit,
    warnings,
    whatif,
)
