// A large video or audio file may come from a signed URL of the media's
// bucket, which expires: a player still playing then fails its next byte
// range. It asks the server again, which checks the claim and signs anew,
// and resumes where it was; once per failure, so a lasting outage does
// not loop.
(function () {
  "use strict";
  var players = document.querySelectorAll("video[data-media], audio[data-media]");
  Array.prototype.forEach.call(players, function (el) {
    var retried = false;
    el.addEventListener("playing", function () { retried = false; });
    el.addEventListener("error", function () {
      if (retried) return;
      retried = true;
      var at = el.currentTime, playing = !el.paused;
      el.addEventListener("loadedmetadata", function () {
        el.currentTime = at;
        if (playing) el.play().catch(function () {});
      }, { once: true });
      el.src = el.dataset.media;
      el.load();
    });
  });
})();
