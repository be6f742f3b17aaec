// The seeding pages' script: the deliveries table follows the outbox
// without a reload, and the printable page gets a print button. Both
// pages work without it.
(function () {
  "use strict";

  var print = document.querySelector("button[data-print]");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }

  var box = document.querySelector("[data-deliveries]");
  if (!box) return;
  var tbody = box.querySelector("table.deliveries tbody");

  // Rows are built with textContent: recipients and errors come from
  // outside and must never be read as HTML.
  var cell = function (row, text, className, tag) {
    var td = document.createElement("td");
    var inner = td;
    if (tag) {
      inner = document.createElement(tag);
      td.appendChild(inner);
    }
    if (className) inner.className = className;
    inner.textContent = text;
    row.appendChild(td);
  };

  var render = function (rows) {
    var fresh = document.createDocumentFragment();
    if (rows.length === 0) {
      var empty = document.createElement("tr");
      var td = document.createElement("td");
      td.colSpan = 5;
      td.textContent = box.dataset.empty;
      empty.appendChild(td);
      fresh.appendChild(empty);
    }
    rows.forEach(function (d) {
      var tr = document.createElement("tr");
      if (d.to) cell(tr, d.to);
      else cell(tr, box.dataset.erased, null, "em");
      cell(tr, d.channel);
      cell(tr, d.status_label, "delivery " + d.status, "span");
      cell(tr, d.updated);
      cell(tr, d.error);
      fresh.appendChild(tr);
    });
    tbody.replaceChildren(fresh);
  };

  var poll = function () {
    if (document.hidden) return;
    fetch(box.dataset.deliveries, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (body) {
        if (!body) return;
        box.querySelectorAll("[data-status]").forEach(function (el) {
          var v = String(body.counts[el.dataset.status] || 0);
          if (el.textContent !== v) el.textContent = v;
        });
        render(body.deliveries);
      })
      .catch(function () {});
  };
  setInterval(poll, 5000);
})();
