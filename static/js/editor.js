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
