"""The domain packages the platform assembles, and the conventional modules it looks for.

``portal`` imports nothing from the domain packages except through this module, and
only to assemble them: their pages (``<pkg>.pages``), importers and exporters
(``<pkg>.importers.IMPORTERS`` / ``EXPORTERS``), demo data (``<pkg>.demo.seed``)
and models (``<pkg>.models``).
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

DOMAINS = ("assessment", "cadres", "accountability")
PACKAGES = ("portal", *DOMAINS)


def domain_module(domain: str, name: str) -> ModuleType | None:
    """``<domain>.<name>`` if that module exists, else None."""
    qualified = f"{domain}.{name}"
    if find_spec(domain) is None or find_spec(qualified) is None:
        return None
    return import_module(qualified)


def domain_modules(name: str) -> list[ModuleType]:
    return [m for d in DOMAINS if (m := domain_module(d, name)) is not None]


def load_all_models() -> None:
    """Import every package's models so that ``Base.metadata`` knows every table."""
    import_module("portal.models")
    domain_modules("models")


def collect(module_name: str, attribute: str) -> dict:
    """Merge a dict attribute (e.g. IMPORTERS) from every package that has the module."""
    merged: dict = {}
    for package in PACKAGES:
        module = domain_module(package, module_name)
        if module is not None:
            merged.update(getattr(module, attribute, {}))
    return merged


def department_name(session, code: str) -> str | None:
    """The name of the lead department (牵头部门) ``code`` as a domain package knows it
    (``<pkg>.service.lead_department_name``), or None when none does: a reporter login
    bound to a department stores only its code."""
    for module in domain_modules("service"):
        finder = getattr(module, "lead_department_name", None)
        if finder is not None and (name := finder(session, code)):
            return name
    return None
