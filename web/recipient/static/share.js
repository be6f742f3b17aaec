// Each share button mints a personal link, then opens the channel with it.
// Without JavaScript the same forms post and redirect to the channel.
(function () {
  "use strict";
  var box = document.querySelector(".share .buttons");
  var status = document.querySelector(".share .status");
  if (!box) return;
  if (navigator.share) {
    var native = box.querySelector("form.native");
    if (native) native.hidden = false;
  }
  box.addEventListener("submit", function (ev) {
    var form = ev.target;
    ev.preventDefault();
    var native = form.classList.contains("native");
    var channel = form.elements.channel.value;
    fetch(form.action, {
      method: "POST",
      headers: { "Accept": "application/json" },
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin"
    }).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) throw new Error(body.error || res.statusText);
        return body;
      });
    }).then(function (link) {
      if (native) {
        return navigator.share({ title: document.title, url: link.url });
      }
      if (channel === "link") {
        if (navigator.clipboard) {
          return navigator.clipboard.writeText(link.url).then(function () {
            status.textContent = box.dataset.copied;
          });
        }
        status.textContent = link.url;
        return;
      }
      window.location.href = link.share_url;
    }).catch(function (err) {
      if (err && err.name === "AbortError") return; // the share sheet was closed
      status.textContent = err.message;
    });
  });
})();
