// Accessibility glue for the whole portal (issue 16, WCAG 2.1 AA), kept in one file so the
// Content-Security-Policy needs no inline script:
// - the document's lang and text size follow the user's choice (clientside callback);
// - Dash 4's dropdowns and date pickers get a keyboard-reachable, named trigger and only
//   the ARIA attributes their roles allow; file inputs of uploads get a name;
// - alerts, toasts and form errors are read out through the shell's live regions;
// - every chart gets a text summary and its data as a table (see chartTable below).
(function () {
  'use strict';

  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.portal = Object.assign({}, window.dash_clientside.portal, {
    applyDocument: function (data) {
      if (data && data.lang) { document.documentElement.lang = data.lang; }
      if (data && data.textSize) { document.documentElement.dataset.textSize = data.textSize; }
      return window.dash_clientside.no_update;
    }
  });

  var labelSeq = 0;

  function labelFor(id) {
    if (!id) { return null; }
    var label = document.querySelector('label[for="' + (window.CSS ? CSS.escape(id) : id) + '"]');
    if (label && !label.id) { label.id = 'portal-label-' + (++labelSeq); }
    return label;
  }

  // Dash 4 dropdown: the real trigger is a <button tabindex=-1> behind an aria-hidden
  // <input> that forwards focus. Make the button itself the tab stop (listbox pattern:
  // Enter/ArrowDown opens, arrows move, Enter picks, Escape closes) and name it by its label.
  function fixDropdown(target) {
    if (target.getAttribute('tabindex') !== '-1') { target.setAttribute('tabindex', '-1'); }
    var button = target.nextElementSibling;
    if (!button || button.tagName !== 'BUTTON') { return; }
    if (button.getAttribute('tabindex') !== '0' && !button.disabled) { button.setAttribute('tabindex', '0'); }
    var label = labelFor(button.id);
    // no <label for>: the caption just above the dropdown (a small text line) names it
    var caption = target.parentElement && target.parentElement.previousElementSibling;
    if (!label && caption && !caption.querySelector('input, button, select, textarea') &&
        caption.textContent.trim().length && caption.textContent.trim().length < 60) {
      if (!caption.id) { caption.id = 'portal-label-' + (++labelSeq); }
      label = caption;
    }
    var labelled = button.getAttribute('aria-labelledby') || '';
    if (label && labelled.split(' ').indexOf(label.id) === -1) {
      button.setAttribute('aria-labelledby', (label.id + ' ' + labelled).trim());
    }
  }

  // Dash 4 date pickers: the wrapper <div> carries popup attributes only a button may have.
  function fixDatePicker(wrapper) {
    ['aria-expanded', 'aria-haspopup', 'type'].forEach(function (name) {
      if (wrapper.hasAttribute(name)) { wrapper.removeAttribute(name); }
    });
    if (wrapper.getAttribute('role') !== 'group') { wrapper.setAttribute('role', 'group'); }
  }

  function fixDateClear(link) {
    if (link.getAttribute('role') !== 'button') { link.setAttribute('role', 'button'); }
    if (!link.hasAttribute('tabindex')) { link.setAttribute('tabindex', '0'); }
  }

  // dcc.Upload: the keyboard reaches the (transparent) file input; give it the box's words.
  function fixUpload(input) {
    var box = input.parentElement;
    var text = box ? box.textContent.trim() : '';
    if (text && input.getAttribute('aria-label') !== text) { input.setAttribute('aria-label', text); }
  }

  // A progress bar is named by its wrapper's data-progress-label, else by the words before it.
  function fixProgress(bar) {
    if (bar.getAttribute('aria-label') || bar.getAttribute('aria-labelledby')) { return; }
    var holder = bar.closest('[data-progress-label]');
    var track = bar.closest('.progress') || bar;
    var before = track.previousElementSibling;
    var name = holder ? holder.getAttribute('data-progress-label') : (before ? before.textContent.trim() : '');
    if (name) { bar.setAttribute('aria-label', name); }
  }


  // ---- charts: a text summary and the data as a table, from the figure actually drawn ----
  var formats = {};  // one formatter per language: making one costs more than formatting

  function fmt(value) {
    if (typeof value === 'number' && isFinite(value)) {
      var lang = document.documentElement.lang || 'zh-CN';
      formats[lang] = formats[lang] || new Intl.NumberFormat(lang, {maximumFractionDigits: 2});
      return formats[lang].format(value);
    }
    return value === null || value === undefined || value === '' ? '—' : String(value);
  }

  // Plotly labels are HTML-escaped text with <br>: read as text in an inert document
  // (nothing in it loads or runs), entities decoded.
  var parser = new DOMParser();

  function plain(text) {
    var html = String(text === undefined || text === null ? '' : text);
    // most labels are plain words: only markup or an entity needs the (slow) parser
    if (html.indexOf('<') === -1 && html.indexOf('&') === -1) { return html.trim(); }
    html = html.replace(/<br\s*\/?>/gi, ' ');
    return (parser.parseFromString(html, 'text/html').body.textContent || '').trim();
  }

  function axisTitle(layout, name) {
    var axis = layout && layout[name];
    var title = axis && axis.title;
    return plain(title && (title.text !== undefined ? title.text : title));
  }

  // One trace as {name, pairs: [[category, value], ...]}; heatmaps give one trace per row.
  // ``trace`` is Plotly's full trace (typed arrays decoded), ``given`` the figure's own.
  function traceSeries(trace, given, calc, words) {
    var name = plain(given.name);
    var pairs = [];
    var i;
    var type = trace.type || 'scatter';
    if (type === 'pie' || type === 'treemap' || type === 'sunburst' || type === 'funnelarea' || type === 'icicle') {
      // a hierarchy coloured by a score shows the score; otherwise the sizes
      var colours = trace.marker && trace.marker.colors;
      var byColour = colours && colours.length && typeof colours[0] === 'number';
      Array.prototype.forEach.call(trace.labels || [], function (label, k) {
        pairs.push([plain(label), byColour ? colours[k] : trace.values ? trace.values[k] : null]);
      });
      return [{name: name, pairs: pairs}];
    }
    if (type === 'heatmap') {
      return Array.prototype.map.call(trace.z || [], function (row, r) {
        var rowName = plain(trace.y ? trace.y[r] : r + 1);
        return {name: rowName, pairs: Array.prototype.map.call(row, function (v, c) {
          return [plain(trace.x ? trace.x[c] : c + 1), v];
        })};
      });
    }
    if (type === 'scatterpolar' || type === 'barpolar') {
      Array.prototype.forEach.call(trace.theta || [], function (t, k) { pairs.push([plain(t), trace.r[k]]); });
      return [{name: name, pairs: pairs}];
    }
    if (type === 'histogram' && calc) {
      calc.forEach(function (bin) {
        if (bin.s) { pairs.push([fmt(bin.ph0) + ' – ' + fmt(bin.ph1), bin.s]); }
      });
      return [{name: name || words.count, pairs: pairs}];
    }
    if (type === 'box' && calc) {
      calc.forEach(function (box) {
        pairs.push([plain(name || box.pos), fmt(box.q1) + ' / ' + fmt(box.med) + ' / ' + fmt(box.q3)]);
      });
      return [{name: words.median, pairs: pairs}];
    }
    if (type === 'indicator') { return [{name: name, pairs: [[name || words.value, trace.value]]}]; }
    var horizontal = trace.orientation === 'h';
    var cats = horizontal ? trace.y : trace.x;
    var vals = horizontal ? trace.x : trace.y;
    if (!vals) { return []; }
    // points placed on a numeric axis (a jittered strip) are named by their own text, if any
    var names = [given.hovertext, given.text, trace.hovertext, trace.text].filter(function (a) {
      return Array.isArray(a) && a.length === vals.length && typeof a[0] === 'string';
    })[0];
    var numericCats = cats && typeof cats[0] === 'number';
    for (i = 0; i < vals.length; i++) {
      pairs.push([plain(names && (numericCats || !cats) ? names[i] : cats ? cats[i] : i + 1), vals[i]]);
    }
    return [{name: name, pairs: pairs, horizontal: horizontal}];
  }

  function chartData(gd, words) {
    var series = [];
    (gd._fullData || []).forEach(function (trace, k) {
      var given = (gd.data || [])[trace.index] || {};
      if (trace.visible !== true) { return; }
      traceSeries(trace, given, gd.calcdata && gd.calcdata[k], words).forEach(function (one) {
        if (one.pairs.length) { series.push(one); }
      });
    });
    return series;
  }

  function buildTable(series, gd, words) {
    var across = series[0] && series[0].horizontal;  // horizontal bars: categories on the y axis
    var categories = [];
    var seen = {};
    var columns = series.map(function (one, k) {
      var values = {};
      one.pairs.forEach(function (pair) {
        var key = String(pair[0]);
        if (!seen.hasOwnProperty(key)) { seen[key] = true; categories.push(key); }
        values[key] = pair[1];
      });
      return {name: one.name || (series.length === 1 ? (axisTitle(gd.layout, across ? 'xaxis' : 'yaxis') || words.value) : words.series + ' ' + (k + 1)),
              values: values};
    });
    var table = document.createElement('table');
    table.className = 'table table-sm chart-table-grid';
    var head = table.createTHead().insertRow();
    [(across ? '' : axisTitle(gd.layout, 'xaxis')) || words.category].concat(columns.map(function (c) { return c.name; }))
      .forEach(function (text) {
        var th = document.createElement('th'); th.scope = 'col'; th.textContent = text; head.appendChild(th);
      });
    var body = table.createTBody();
    categories.slice(0, 500).forEach(function (category) {
      var row = body.insertRow();
      var th = document.createElement('th'); th.scope = 'row'; th.textContent = category; row.appendChild(th);
      columns.forEach(function (column) {
        var cell = row.insertCell();
        cell.textContent = fmt(column.values[category]);
        if (typeof column.values[category] === 'number') { cell.className = 'text-end'; }
      });
    });
    return table;
  }

  function summarize(series, gd, words) {
    var title = plain(gd.layout && gd.layout.title && (gd.layout.title.text || gd.layout.title));
    var count = 0;
    var best = null;
    var worst = null;
    series.forEach(function (one) {
      one.pairs.forEach(function (pair) {
        count += 1;
        if (typeof pair[1] !== 'number' || !isFinite(pair[1])) { return; }
        var label = (series.length > 1 && one.name ? one.name + ' · ' : '') + pair[0];
        if (!best || pair[1] > best[1]) { best = [label, pair[1]]; }
        if (!worst || pair[1] < worst[1]) { worst = [label, pair[1]]; }
      });
    });
    if (!count) { return words.noData; }
    var parts = [(title ? title + ': ' : '') + words.points.replace('%(n)s', fmt(count))];
    if (best && worst && best[0] !== worst[0]) {
      parts.push(words.highest + ' ' + best[0] + ' (' + fmt(best[1]) + ')');
      parts.push(words.lowest + ' ' + worst[0] + ' (' + fmt(worst[1]) + ')');
    }
    return parts.join('; ') + '.';
  }

  function describeChart(gd) {
    var figure = gd.closest('.portal-chart');
    if (!figure) { return; }
    var words = JSON.parse(figure.getAttribute('data-chart-words') || '{}');
    var series = chartData(gd, words);
    var summary = figure.querySelector('.chart-summary');
    var holder = figure.querySelector('.chart-table');
    if (summary) { summary.textContent = summarize(series, gd, words); }
    if (holder) {
      holder.textContent = '';
      if (series.length) { holder.appendChild(buildTable(series, gd, words)); }
    }
    figure.classList.toggle('chart-empty', !series.length);
  }

  function watchChart(node) {
    var gd = node.closest && node.closest('.js-plotly-plot');
    if (!gd || gd.__portalDescribed || typeof gd.on !== 'function') { return; }
    gd.__portalDescribed = true;
    gd.on('plotly_afterplot', function () { describeChart(gd); });
    describeChart(gd);
  }

  // dbc.RadioItems: radios without a shared name are one tab stop each; named, the group is
  // one stop and the arrow keys choose (the native radio-group pattern).
  function fixRadio(radio) {
    var match = /^_dbcprivate_radioitems_(.+)_input_/.exec(radio.id || '');
    if (match && !radio.name) { radio.name = match[1]; }
  }

  var FIXES = [
    ['input[type=radio]', fixRadio],
    ['.plot-container', watchChart],
    ['[role=progressbar]', fixProgress],
    ['.dash-dropdown-focus-target', fixDropdown],
    ['.dash-datepicker-input-wrapper', fixDatePicker],
    ['.dash-datepicker-clear', fixDateClear],
    ['input[type=file]', fixUpload]
  ];

  function fixAll(root) {
    FIXES.forEach(function (fix) {
      if (root.matches && root.matches(fix[0])) { fix[1](root); }
      if (root.querySelectorAll) { root.querySelectorAll(fix[0]).forEach(fix[1]); }
    });
  }

  // Announce what appears: alerts and form errors assertively, the rest politely.
  var ANNOUNCED = '.alert, .toast, .invalid-feedback, .form-error';
  var lastSaid = {};

  function say(regionId, text) {
    var region = document.getElementById(regionId);
    if (!region || !text) { return; }
    // the same words twice in a row are still read: clear first, then set
    region.textContent = '';
    window.setTimeout(function () { region.textContent = text; lastSaid[regionId] = text; }, 50);
  }

  function announce(node) {
    if (!node.matches || !node.matches(ANNOUNCED)) { return; }
    if (node.closest('[aria-live]') || node.getAttribute('aria-hidden') === 'true') { return; }
    var urgent = node.matches('.alert-danger, .alert-warning, .invalid-feedback, .form-error, .text-bg-danger');
    // the shell's live regions, present from the start, read it once (not twice via role=alert)
    if (node.getAttribute('role') === 'alert') { node.removeAttribute('role'); }
    say(urgent ? 'portal-alarm' : 'portal-announcer', node.textContent.replace(/\s+/g, ' ').trim());
  }

  function scan(node) {
    // a chart's own drawing (thousands of SVG elements) holds nothing to fix or announce
    if (node.nodeType !== 1 || node instanceof SVGElement) { return; }
    fixAll(node);
    announce(node);
    if (node.querySelectorAll) { node.querySelectorAll(ANNOUNCED).forEach(announce); }
  }

  // A box that scrolls sideways (a wide table in a card on a phone) must take the focus so
  // the keyboard can scroll it (WCAG 2.1.1); checked after changes and on resize.
  var SCROLLERS = '.portal-main .card-body, .ca-ar-chart, .chart-table, .ca-certificate';
  var scrollCheck = 0;

  function markScrollers() {
    scrollCheck = 0;
    document.querySelectorAll(SCROLLERS).forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1 &&
        getComputedStyle(box).overflowY !== 'visible';
      if (scrolls && !box.hasAttribute('tabindex')) {
        box.setAttribute('tabindex', '0');
        box.dataset.portalScroller = '1';
      } else if (!scrolls && box.dataset.portalScroller) {
        box.removeAttribute('tabindex');
        delete box.dataset.portalScroller;
      }
    });
  }

  function laterMarkScrollers() {
    if (!scrollCheck) { scrollCheck = window.setTimeout(markScrollers, 100); }
  }

  window.addEventListener('resize', laterMarkScrollers);

  // After moving to another page without a reload, the focus goes to the new page's content
  // (WCAG 2.4.3), as a reload would put it at the top: not left on the menu item.
  var shownPath = window.location.pathname;
  var focusPending = false;

  function pathChanged() {
    if (window.location.pathname !== shownPath) {
      shownPath = window.location.pathname;
      focusPending = true;
    }
  }

  function focusNewPage(mutation) {
    if (!focusPending || !mutation.target.closest || !mutation.target.closest('#_pages_content')) { return; }
    focusPending = false;
    var main = document.getElementById('main-content');
    if (main && !main.contains(document.activeElement)) { main.focus({preventScroll: true}); }
  }

  // An open modal dialog keeps Tab and Shift+Tab inside it (WCAG 2.4.3): Bootstrap's own trap
  // lets the focus fall onto the page body after the dialog's last control. Closing gives the
  // focus back to the control that opened it (react-bootstrap's restoreFocus).
  var FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), ' +
    'textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Tab') { return; }
    var dialogs = document.querySelectorAll('[role=dialog][aria-modal=true]');
    var dialog = dialogs[dialogs.length - 1];
    if (!dialog || !dialog.offsetParent && getComputedStyle(dialog).display === 'none') { return; }
    var stops = Array.prototype.filter.call(dialog.querySelectorAll(FOCUSABLE), function (el) {
      return el.offsetWidth || el.offsetHeight || el.getClientRects().length;
    });
    if (!stops.length) { return; }
    var first = stops[0];
    var last = stops[stops.length - 1];
    var inside = dialog.contains(document.activeElement);
    if (event.shiftKey && (!inside || document.activeElement === first || document.activeElement === dialog)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (!inside || document.activeElement === last)) {
      event.preventDefault();
      first.focus();
    }
  }, true);

  window.addEventListener('_dashprivate_pushstate', pathChanged);
  window.addEventListener('popstate', pathChanged);

  var observer = new MutationObserver(function (mutations) {
    laterMarkScrollers();
    mutations.forEach(function (m) {
      if (m.type === 'childList') { focusNewPage(m); }
      if (m.type === 'attributes') {
        fixAll(m.target);
      } else {
        m.addedNodes.forEach(scan);
        if (m.target.nodeType === 1 && m.target.matches(ANNOUNCED)) { announce(m.target); }
      }
    });
  });

  function start() {
    fixAll(document.body);
    observer.observe(document.body, {
      childList: true, subtree: true, attributes: true,
      attributeFilter: ['tabindex', 'aria-expanded', 'aria-labelledby']
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
