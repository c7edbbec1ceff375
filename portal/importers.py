"""The platform's import and export kinds (contracts.md): units."""

from portal.units import export_units, import_units

IMPORTERS = {"units": import_units}
EXPORTERS = {"units": export_units}
