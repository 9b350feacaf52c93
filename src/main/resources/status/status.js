// Refreshes the status page in place: fetches the page again every data-refresh seconds and swaps in its
// #status element (rendered and escaped by the server), so the data changes without a reload.
(function () {
  'use strict';
  var seconds = parseInt(document.body.getAttribute('data-refresh'), 10);
  if (!(seconds > 0)) {
    return;
  }
  var stale = document.getElementById('stale');

  function refresh() {
    fetch(window.location.pathname, { cache: 'no-store', credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('status');
        var current = document.getElementById('status');
        if (!fresh || !current) {
          throw new Error('the page has no #status element');
        }
        current.replaceWith(document.importNode(fresh, true));
        stale.hidden = true;
      })
      .catch(function (e) {
        // textContent: the message is never parsed as HTML.
        stale.textContent = 'Could not refresh (' + e.message + '); showing the data of the time above.';
        stale.hidden = false;
      })
      .then(function () {
        window.setTimeout(refresh, seconds * 1000);
      });
  }

  window.setTimeout(refresh, seconds * 1000);
})();
