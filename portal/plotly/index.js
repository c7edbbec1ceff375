// The portal's plotly.js: the core (scatter) and the trace types its charts use. Keep this
// list and TRACES in portal/plotly_bundle.py the same; rebuild with ./build.sh.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/box'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/histogram'),
    require('plotly.js/lib/scatterpolar'),
    require('plotly.js/lib/treemap'),
    require('plotly.js/lib/waterfall'),
]);

module.exports = Plotly;
