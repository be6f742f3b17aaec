// The live view of a campaign: every few seconds, the figures come back
// from /campaigns/{id}/live.json with the page's sections rendered by the
// server, and the sections that changed are swapped in. The page shows
// the same figures without this script, as of its loading.
(function () {
  "use strict";

  var root = document.querySelector("[data-live]");
  if (!root) return;
  var every = 5000;
  var last = {}; // the HTML last swapped in, by section
  var timer = null;
  var busy = false;
  var etag = null; // of the figures last shown

  // swap replaces a section's HTML, keeping what the marketer had open
  // or focused: a table shown, a link or a summary under the keyboard.
  var swap = function (el, html) {
    var open = [];
    el.querySelectorAll("details[open][id]").forEach(function (d) { open.push(d.id); });
    var focused = document.activeElement && el.contains(document.activeElement) ? document.activeElement : null;
    var focusDetails = focused && focused.closest("details[id]");
    el.innerHTML = html;
    open.forEach(function (id) {
      var d = document.getElementById(id);
      if (d) d.open = true;
    });
    if (focusDetails) {
      var again = document.getElementById(focusDetails.id);
      var summary = again && again.querySelector("summary");
      if (summary) summary.focus();
    }
  };

  var poll = function () {
    if (document.hidden || busy) return;
    busy = true;
    var headers = { "Accept": "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    fetch(root.dataset.live, { headers: headers, credentials: "same-origin", cache: "no-store" })
      .then(function (res) {
        if (res.status === 401) { // signed out elsewhere: stop asking
          clearInterval(timer);
          return null;
        }
        if (!res.ok) return null; // 304 too: nothing new
        etag = res.headers.get("ETag");
        return res.json();
      })
      .then(function (body) {
        if (!body || !body.sections) return;
        Object.keys(body.sections).forEach(function (name) {
          var el = root.querySelector('[data-section="' + name + '"]');
          var html = body.sections[name];
          if (el && last[name] !== html) {
            swap(el, html);
            last[name] = html;
          }
        });
      })
      .catch(function () {})
      .then(function () { busy = false; });
  };

  timer = setInterval(poll, every);
  // Back on the tab: catch up at once rather than at the next tick.
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) poll();
  });
})();
