"""Pure rules of the cadres package: no database, no Flask, no Dash.

- ``training``: training standards, plans and progress (干部教育培训工作条例 2023).
- ``eligibility``: the negative list for promotion, rank promotion and commendation
  (干部选拔任用工作条例 2019), with reasons, sources and lift dates.
- ``grades``: which annual grade a cadre may receive under their measures (domain.md §7).

The training names are re-exported here, so ``from cadres.rules import TrainingProgress``
keeps working.
"""

from cadres.rules.training import *  # noqa: F403
