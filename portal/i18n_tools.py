"""Keep the Chinese catalogues in step with the code: ``python -m portal.i18n_tools update|check``.

``update`` extracts every ``_()``, ``N_()`` and ``ngettext()`` string of each package
(Python and Jinja templates) into ``<package>/translations/zh.po``, keeping existing
translations and dropping strings no longer used. ``check`` lists what lacks a Chinese
translation (the test suite runs it).
"""

from __future__ import annotations

import re
import sys
from importlib import import_module
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from portal.i18n import catalog_path
from portal.plugins import PACKAGES

KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
METHODS = [("**/translations/**", "ignore"), ("**.py", "python"),
           ("**/templates/**.html", "jinja2")]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def package_dir(package: str) -> Path:
    return Path(import_module(package).__file__).parent


def extract(package: str) -> dict[str, list[tuple[str, int]]]:
    """msgid → where it is used, for one package."""
    found: dict[str, list[tuple[str, int]]] = {}
    root = package_dir(package)
    for filename, lineno, message, _comments, _context in extract_from_dir(
            root, METHODS, keywords=KEYWORDS, strip_comment_tags=True):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, []).append((f"{package}/{filename}", lineno))
    return found


def load(package: str) -> Catalog:
    path = catalog_path(package)
    if not path.exists():
        return Catalog(locale="zh_Hans_CN", project="governance-portal")
    with path.open("rb") as handle:
        return read_po(handle, locale="zh_Hans_CN")


def update(package: str) -> int:
    extracted = extract(package)
    old = load(package)
    catalog = Catalog(locale="zh_Hans_CN", project="governance-portal", fuzzy=False)
    for msgid in sorted(extracted):
        previous = old.get(msgid)
        catalog.add(msgid, previous.string if previous else "", locations=extracted[msgid][:3])
    path = catalog_path(package)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True, omit_header=False)
    return sum(1 for m in catalog if m.id and not m.string)


def problems(package: str) -> list[str]:
    """Strings used in code without a Chinese translation, or with mismatched placeholders."""
    catalog = load(package)
    found = []
    for msgid, places in sorted(extract(package).items()):
        message = catalog.get(msgid)
        where = "{}:{}".format(*places[0])
        if message is None or not message.string:
            found.append(f"{where}: no Chinese translation for {msgid!r}")
        elif set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(message.string)):
            found.append(f"{where}: placeholders differ in the translation of {msgid!r}")
    return found


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    packages = argv[2:] or list(PACKAGES)
    if command == "update":
        for package in packages:
            print(f"{package}: {update(package)} untranslated")
        return 0
    missing = [p for package in packages for p in problems(package)]
    print("\n".join(missing) or "all strings translated")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
