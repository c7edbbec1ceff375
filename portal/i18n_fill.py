"""Developer helper: ``python -m portal.i18n_fill PACKAGE FILE.json`` writes translations
from a JSON object {msgid: 中文} into the package's catalogue (after ``make i18n``)."""

from __future__ import annotations

import json
import sys

from babel.messages.pofile import write_po

from portal.i18n import catalog_path
from portal.i18n_tools import load


def fill(package: str, translations: dict[str, str]) -> list[str]:
    catalog = load(package)
    unknown = []
    for msgid, text in translations.items():
        message = catalog.get(msgid)
        if message is None:
            unknown.append(msgid)
            continue
        message.string = text
    with catalog_path(package).open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True)
    return unknown


if __name__ == "__main__":
    package, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as handle:
        missing = fill(package, json.load(handle))
    for msgid in missing:
        print(f"not in the catalogue (run make i18n first?): {msgid!r}")
