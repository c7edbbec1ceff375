// When the session has ended (idle timeout, logout elsewhere), a callback gets 401:
// send the user to the login page instead of leaving a silently broken screen.
// Any other error answer to a callback (400: the page is out of date or its CSRF token
// expired, 403: not allowed, 500: the server failed) shows a message in plain words at the top
// of the page: the texts come translated from the shell (data-failed-* on #portal-alarm,
// portal/shell.py callback_failure_texts), and 15-a11y.js reads the alert out.
(function () {
  var originalFetch = window.fetch;

  function failureText(status) {
    var texts = document.getElementById('portal-alarm');
    if (!texts) { return ''; }
    return texts.getAttribute('data-failed-' + status) || texts.getAttribute('data-failed-500') || '';
  }

  function showFailure(status) {
    var text = failureText(status);
    if (!text) { return; }
    var box = document.getElementById('portal-callback-failed');
    if (box) { box.remove(); }  // a new node, so the live region reads it again
    box = document.createElement('div');
    box.id = 'portal-callback-failed';
    box.className = 'alert alert-danger alert-dismissible position-fixed top-0 start-50 translate-middle-x mt-2 shadow';
    box.style.zIndex = '1080';
    box.style.maxWidth = 'min(40rem, calc(100vw - 1rem))';
    box.setAttribute('data-status', String(status));
    var words = document.createElement('span');
    words.textContent = text;
    var close = document.createElement('button');
    close.type = 'button';
    close.className = 'btn-close';
    close.setAttribute('aria-label', document.getElementById('portal-alarm').getAttribute('data-failed-close') || 'Close');
    close.addEventListener('click', function () { box.remove(); });
    box.appendChild(words);
    box.appendChild(close);
    document.body.appendChild(box);
  }

  window.fetch = function (input) {
    return originalFetch.apply(this, arguments).then(function (response) {
      var url = typeof input === 'string' ? input : (input && input.url) || response.url || '';
      if (url.indexOf('_dash-') === -1) { return response; }
      if (response.status === 401) {
        var next = encodeURIComponent(window.location.pathname + window.location.search);
        window.location.assign('/login?expired=1&next=' + next);
      } else if (response.status >= 400 && url.indexOf('_dash-update-component') !== -1) {
        showFailure(response.status);
      }
      return response;
    });
  };
})();
