"""The accountability package's callbacks, called by name (see tests/callbacks.py)."""

from __future__ import annotations

from functools import partial

from tests import callbacks

accountability_callbacks = partial(callbacks.package_callbacks, package="accountability")


def call(client, app, name, values=None, triggered=None):
    return callbacks.call(client, app, "accountability", name, values, triggered)
