"""The portal's partial plotly.js (``portal.plotly_bundle``): the version the Python plotly
package writes figures for, and every trace type the charts use."""

from __future__ import annotations

import re

import plotly.graph_objects as go
from plotly.basedatatypes import BaseTraceType
from plotly.offline import get_plotlyjs_version

from portal.config import PROJECT_ROOT
from portal.plotly_bundle import BUNDLE, TRACES

PACKAGES = ("portal", "assessment", "cadres", "accountability")
ALL_TRACES = {name.lower(): name for name in dir(go) if name[:1].isupper()
              and isinstance(getattr(go, name), type)
              and issubclass(getattr(go, name), BaseTraceType)}


def test_the_bundle_is_the_plotly_js_version_of_the_python_package():
    banner = BUNDLE.read_text(encoding="utf-8")[:300]
    found = re.search(r"plotly\.js v([0-9.]+)", banner)
    assert found, "portal/plotly/plotly-portal.min.js has no version banner"
    assert found.group(1) == get_plotlyjs_version(), (
        "the Python plotly package was upgraded: set plotly.js in portal/plotly/package.json to "
        f"{get_plotlyjs_version()} and run portal/plotly/build.sh")
    assert "MIT license" in banner


def test_the_bundle_registers_the_traces_listed():
    index = (PROJECT_ROOT / "portal" / "plotly" / "index.js").read_text(encoding="utf-8")
    registered = set(re.findall(r"require\('plotly\.js/lib/(\w+)'\)", index)) - {"core"}
    assert registered | {"scatter"} == set(TRACES)


def _used_traces() -> dict[str, set[str]]:
    """Trace types named in the code: ``go.Bar(``, ``figure.add_bar(`` and ``type="bar"``
    (trace dicts)."""
    classes = "|".join(ALL_TRACES.values())
    made = re.compile(rf"\bgo\.({classes})\(")
    added = re.compile(r"\.add_(\w+)\(")
    typed = re.compile(r"""type["']?\s*[=:]\s*["'](\w+)["']""")
    used: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in (PROJECT_ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            names = {m.lower() for m in made.findall(text)}
            names |= {a for a in added.findall(text) if a in ALL_TRACES}
            names |= {t for t in typed.findall(text) if t in ALL_TRACES}
            for name in names:
                used.setdefault(name, set()).add(str(path.relative_to(PROJECT_ROOT)))
    return used


def test_every_trace_type_a_chart_uses_is_in_the_bundle():
    used = _used_traces()
    assert {"bar", "scatter", "treemap", "scatterpolar"} <= set(used), \
        "the scan finds the charts' traces"
    missing = {name: sorted(paths) for name, paths in used.items() if name not in TRACES}
    assert not missing, (f"charts use trace types the partial bundle lacks: {missing}; add them "
                         "to portal/plotly/index.js and TRACES, then run portal/plotly/build.sh")
