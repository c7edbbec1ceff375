"""The portal's own plotly.js: only the trace types its charts draw.

Dash's graphs load Plotly from ``/_dash-component-suites/plotly/package_data/plotly.min.js``
when a page first shows a chart: the full bundle of the Python plotly package, 4.8 MB
(1.4 MB compressed) that a browser takes ~0.9 s to evaluate. This module answers that URL
with ``portal/plotly/plotly-portal.min.js`` instead: the same plotly.js version, built with
the core (scatter) and ``TRACES`` only (1.4 MB, 0.41 MB with brotli, ~0.15 s to evaluate).
``portal/plotly/build.sh`` rebuilds it; the tests check that the version matches the
Python package and that no chart uses a trace type left out.
"""

from __future__ import annotations

from flask import Flask, request, send_file

from portal.config import PROJECT_ROOT

BUNDLE = PROJECT_ROOT / "portal" / "plotly" / "plotly-portal.min.js"
DASH_PATH = "/_dash-component-suites/plotly/package_data/plotly.min.js"
# registered by portal/plotly/index.js, beside the core's scatter
TRACES = ("scatter", "bar", "box", "heatmap", "histogram", "scatterpolar", "treemap",
          "waterfall")


def init_app(server: Flask) -> None:
    @server.before_request
    def partial_plotly():
        if request.path == DASH_PATH:
            # compressed and given its ETag by ``portal.compress`` like any script
            return send_file(BUNDLE, mimetype="application/javascript", conditional=True,
                             etag=True, max_age=0)
        return None
