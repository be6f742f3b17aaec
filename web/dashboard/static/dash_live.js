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

  // The elements a keyboard can reach inside a section.
  var focusable = "a[href], button, input, select, textarea, summary, [tabindex]";

  // focusKey names the focused element el holds, to find its twin in the
  // new HTML: by id, data-field, address or the details it opens, else by
  // its rank among the section's focusable elements.
  var focusKey = function (el) {
    var f = document.activeElement;
    if (!f || f === el || !el.contains(f)) return null;
    var details = f.tagName === "SUMMARY" ? f.closest("details[id]") : null;
    return {
      id: f.id, field: f.getAttribute("data-field"), href: f.getAttribute("href"),
      details: details ? details.id : "",
      rank: Array.prototype.indexOf.call(el.querySelectorAll(focusable), f)
    };
  };

  var refocus = function (el, key) {
    var q = function (attr, v) { return v ? el.querySelector("[" + attr + '="' + CSS.escape(v) + '"]') : null; };
    var again = q("id", key.id) || q("data-field", key.field) || q("href", key.href);
    if (!again && key.details) {
      var d = document.getElementById(key.details);
      again = d && d.querySelector("summary");
    }
    if (!again && key.rank >= 0) again = el.querySelectorAll(focusable)[key.rank];
    if (!again) { // gone: keep the keyboard in the section rather than lose it to the page
      el.tabIndex = -1;
      again = el;
    }
    again.focus({ preventScroll: true });
  };

  // swap replaces a section's HTML, keeping what the marketer had open
  // or focused: a table shown, a link or a summary under the keyboard.
  var swap = function (el, html) {
    var open = [];
    el.querySelectorAll("details[open][id]").forEach(function (d) { open.push(d.id); });
    var key = focusKey(el);
    el.innerHTML = html;
    open.forEach(function (id) {
      var d = document.getElementById(id);
      if (d) d.open = true;
    });
    if (key) refocus(el, key);
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
