#!/bin/sh
# Rebuild plotly-portal.min.js from index.js with the versions pinned in package-lock.json.
# plotly.js must stay at the version the Python plotly package draws for
# (python -c "from plotly.offline import get_plotlyjs_version as v; print(v())");
# tests/portal/test_plotly_bundle.py checks it. Needs Node.js and npm (not needed to run the portal).
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --ignore-scripts
version=$(node -p "require('plotly.js/package.json').version")
# as plotly.js's own esbuild-config.js, less what these traces do not use (maps' CSS, WebGL)
npx esbuild index.js --bundle --minify --format=iife --global-name=Plotly --target=es2016 \
  --define:global=window --define:define.amd=false --loader:.css=empty \
  --legal-comments=inline --log-level=warning \
  --banner:js="/*! plotly.js v$version, the portal's partial bundle (core, bar, box, heatmap, histogram, scatterpolar, treemap, waterfall). Copyright 2012-2026, Plotly, Inc. Licensed under the MIT license. */" \
  --outfile=plotly-portal.min.js
rm -rf node_modules
