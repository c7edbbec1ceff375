"""The cadres package's callbacks, called by name (see tests/callbacks.py)."""

from __future__ import annotations

from functools import partial

from tests import callbacks
from tests.callbacks import pattern_id  # noqa: F401  (re-exported for the cadres tests)

cadres_callbacks = partial(callbacks.package_callbacks, package="cadres")


def call(client, app, name, values=None, triggered=None):
    return callbacks.call(client, app, "cadres", name, values, triggered)
