// The dashboard's common script: live figures on the campaign list, the
// editor's link preview, and a progress bar for content uploads. Every page
// works without it.
(function () {
  "use strict";

  // The campaign list polls its figures every few seconds.
  var table = document.querySelector("table[data-poll]");
  if (table) {
    var poll = function () {
      if (document.hidden) return;
      fetch(table.dataset.poll, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (res) { return res.ok ? res.json() : null; })
        .then(function (body) {
          if (!body) return;
          body.campaigns.forEach(function (c) {
            var row = table.querySelector('tr[data-id="' + c.id + '"]');
            if (!row) return;
            row.querySelectorAll("[data-field]").forEach(function (cell) {
              var v = String(c[cell.dataset.field]);
              if (cell.textContent !== v) cell.textContent = v;
            });
            var state = row.querySelector(".state");
            if (state) state.className = "state " + c.state;
          });
        })
        .catch(function () {});
    };
    setInterval(poll, 5000);
  }

  // The link preview follows the teaser fields as the marketer types.
  var og = document.querySelector("[data-preview]");
  if (og) {
    var title = document.getElementById("teaser.title");
    var campaignTitle = document.getElementById("title");
    var desc = document.getElementById("teaser.description");
    var show = function () {
      og.querySelector("[data-preview-title]").textContent =
        (title && title.value) || (campaignTitle && campaignTitle.value) || og.dataset.fallbackTitle;
      og.querySelector("[data-preview-desc]").textContent = desc ? desc.value : "";
    };
    [title, campaignTitle, desc].forEach(function (el) {
      if (el) el.addEventListener("input", show);
    });
  }

  // Content uploads go through XMLHttpRequest, the one API that reports
  // upload progress.
  var upload = document.querySelector("form.upload");
  if (upload) {
    var bar = upload.querySelector("progress");
    var status = upload.querySelector(".upload-status");
    upload.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", upload.action);
      xhr.setRequestHeader("Accept", "application/json");
      bar.hidden = false;
      bar.value = 0;
      status.textContent = upload.dataset.uploading;
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total);
      });
      xhr.addEventListener("load", function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) {}
        if (xhr.status === 200 && body.location) {
          bar.value = 100;
          status.textContent = upload.dataset.uploaded;
          window.location.href = body.location;
          return;
        }
        bar.hidden = true;
        status.textContent = upload.dataset.failed + " " + (body.error || xhr.statusText);
      });
      xhr.addEventListener("error", function () {
        bar.hidden = true;
        status.textContent = upload.dataset.failed + " " + xhr.statusText;
      });
      xhr.send(new FormData(upload));
    });
  }
})();
