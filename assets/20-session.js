// When the session has ended (idle timeout, logout elsewhere), a callback gets 401:
// send the user to the login page instead of leaving a silently broken screen.
(function () {
  var originalFetch = window.fetch;
  window.fetch = function (input) {
    return originalFetch.apply(this, arguments).then(function (response) {
      var url = typeof input === 'string' ? input : (input && input.url) || response.url || '';
      if (response.status === 401 && url.indexOf('_dash-') !== -1) {
        var next = encodeURIComponent(window.location.pathname + window.location.search);
        window.location.assign('/login?expired=1&next=' + next);
      }
      return response;
    });
  };
})();
