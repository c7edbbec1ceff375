"""Pure rules of the assessment package: no database, no Flask, no Dash. Schemes come in
as ``IndicatorSpec`` tuples, scores and units as pandas DataFrames, and the answers go
out the same way, so every rule is tested with hand-computed examples.

- ``schemes``: indicator schemes and their validation;
- ``scoring``: the scoring engine (leaf points, composite, ranks, grades);
- ``methods``: rank, proportional-to-the-best and imported points, and the sentence
  explaining a leaf's points;
- ``announcement``: the announcement window (公示) and appeals (申诉);
- ``what_if``: results under other dimension weights;
- ``periods``: the period workflow and period codes;
- ``supervision``: supervision items' status and deductions;
- ``warnings``: the early-warning list.

Every name is re-exported here, so ``from assessment import rules; rules.score_units``
and ``from assessment.rules import SchemeSpec`` keep working.
"""

from assessment.rules.announcement import *  # noqa: F403
from assessment.rules.methods import *  # noqa: F403
from assessment.rules.periods import *  # noqa: F403
from assessment.rules.schemes import *  # noqa: F403
from assessment.rules.scoring import *  # noqa: F403
from assessment.rules.submissions import *  # noqa: F403
from assessment.rules.supervision import *  # noqa: F403
from assessment.rules.warnings import *  # noqa: F403
from assessment.rules.what_if import *  # noqa: F403
