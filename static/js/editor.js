// The post editor, enhanced: the publishing button's label and the note under
// the publish date follow the date as it is typed. Without JavaScript the
// server sets both when the page is made, and the buttons mean the same.
// Every word shown comes from the form's data-* attributes, in the author's
// language; "{name}" marks where a value goes.
(function () {
  "use strict";

  function fillIn(pattern, values) {
    return pattern.replace(/\{(\w+)\}/g, function (whole, name) {
      return name in values ? values[name] : whole;
    });
  }

  var form = document.querySelector("form.post-form");
  if (!form) return;
  var date = form.querySelector('input[name="published_at"]');
  var publish = form.querySelector('input[name="publish"]');
  var note = document.getElementById("publish-note");
  var zone = form.dataset.siteZone;
  var live = form.dataset.live === "true";
  var words = form.dataset;
  var months = (words.months || "").split(",");

  function spelled(value) {
    // "2026-12-03T09:00" as the server writes it: "December 3, 2026 at 09:00, Europe/Berlin".
    var parts = value.match(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})/);
    if (!parts) return null;
    var day = fillIn(words.datePattern, {
      month: months[Number(parts[2]) - 1], day: Number(parts[3]), year: parts[1], time: parts[4]
    });
    return fillIn(words.whenPattern, { date: day, zone: zone });
  }

  function update() {
    // Both are wall-clock times in the site's zone, so they compare as text.
    var future = date.value !== "" && date.value > form.dataset.siteNow;
    if (!live) publish.value = future ? words.labelSchedule : words.labelPublish;
    var when = spelled(date.value);
    if (!when) {
      if (!live) note.textContent = words.noteEmpty;
      return;
    }
    note.textContent = fillIn(future ? words.noteFuture : words.notePast, { date: when });
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
      status.textContent = form.dataset.autosaveFailed;
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
