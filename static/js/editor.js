// The post editor, enhanced: the publishing button's label and the note under
// the publish date follow the date as it is typed. Without JavaScript the
// server sets both when the page is made, and the buttons mean the same.
(function () {
  "use strict";

  var form = document.querySelector("form.post-form");
  if (!form) return;
  var date = form.querySelector('input[name="published_at"]');
  var publish = form.querySelector('input[name="publish"]');
  var note = document.getElementById("publish-note");
  var zone = form.dataset.siteZone;
  var live = form.dataset.live === "true";
  var months = ["January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"];

  function spelled(value) {
    // "2026-12-03T09:00" as the server writes it: "December 3, 2026 at 09:00, Europe/Berlin".
    var parts = value.match(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})/);
    if (!parts) return null;
    return months[Number(parts[2]) - 1] + " " + Number(parts[3]) + ", " + parts[1] +
      " at " + parts[4] + ", " + zone;
  }

  function update() {
    // Both are wall-clock times in the site's zone, so they compare as text.
    var future = date.value !== "" && date.value > form.dataset.siteNow;
    if (!live) publish.value = future ? "Schedule" : "Publish";
    var words = spelled(date.value);
    if (!words) {
      if (!live) note.textContent = "Empty: published the moment you press Publish.";
      return;
    }
    note.textContent = (future ? "Will be published on " : "Published on ") + words + ".";
  }

  if (date && publish && note) {
    date.addEventListener("input", update);
    date.addEventListener("change", update);
  }
})();

// Nothing typed is lost: the editor's text is autosaved every few seconds
// while it changes and when the page is left, and leaving with changes not
// saved asks first. Without JavaScript every Preview keeps an autosave.
(function () {
  "use strict";

  var form = document.querySelector("form.post-form[data-autosave-url]");
  if (!form) return;
  var status = document.getElementById("autosave-status");
  var url = form.dataset.autosaveUrl;
  var seconds = Number(form.dataset.autosaveSeconds) || 30;

  function snapshot() {
    return new URLSearchParams(new FormData(form)).toString();
  }

  var loaded = snapshot(); // what the page came with: changes since are unsaved
  var autosaved = loaded; // what the server holds as an autosave
  var submitting = false;

  function changed(since) {
    return snapshot() !== since;
  }

  function autosave() {
    if (!changed(autosaved)) return;
    var sent = snapshot();
    fetch(url, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json" },
      redirect: "manual"
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("json") !== -1;
      if (!response.ok || !json) throw new Error("not saved");
      return response.json();
    }).then(function (answer) {
      autosaved = sent;
      status.textContent = answer.message;
    }).catch(function () {
      status.textContent = "Not autosaved (has your session expired?). " +
        "Your text is still here: press Save draft to keep it.";
    });
  }

  function autosaveOnLeaving() {
    if (submitting || !changed(autosaved) || !navigator.sendBeacon) return;
    if (navigator.sendBeacon(url, new FormData(form))) autosaved = snapshot();
  }

  window.setInterval(autosave, seconds * 1000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") autosaveOnLeaving();
  });
  window.addEventListener("pagehide", autosaveOnLeaving);
  form.addEventListener("submit", function () {
    submitting = true;
  });
  window.addEventListener("beforeunload", function (event) {
    if (submitting || !changed(loaded)) return;
    event.preventDefault();
    event.returnValue = ""; // older browsers need it set to show the question
  });
})();
