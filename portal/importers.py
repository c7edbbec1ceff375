"""The platform's import and export kinds (contracts.md): units, and logins (import only)."""

from portal.provisioning import import_users
from portal.units import export_units, import_units

IMPORTERS = {"units": import_units, "users": import_users}
EXPORTERS = {"units": export_units}
