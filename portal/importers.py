"""The platform's import and export kinds (contracts.md): units, logins (import only) and
the audit log (export only, for the audit administrator)."""

from portal.audit import export_events
from portal.provisioning import import_users
from portal.units import export_units, import_units

IMPORTERS = {"units": import_units, "users": import_users}
EXPORTERS = {"units": export_units, "audit": export_events}
