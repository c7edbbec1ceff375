"""One error-tolerance application (容错申请): its own page; the layout and callbacks live
with the list in ``pages.tolerance``."""

from accountability.pages.tolerance import application_layout
from portal import ui
from portal.i18n import N_

ui.register(__name__, path="/accountability/tolerance/application",
            title=N_("Error-tolerance application"),
            layout=application_layout, permission="tolerance.view", section=None)
