// Progressive enhancement for pictures in the post editor: an image dropped
// or pasted into the body is uploaded at once and its Markdown put at the
// cursor. Without JavaScript the "Add an image" fieldset's Upload button
// does the same with a page load, so nothing here is needed for it to work.
// What it says comes from the fieldset's data-* attributes (templates/media/
// _upload.html), in the author's language; "{name}" marks where a value goes.
(function () {
  "use strict";

  var fieldset = document.querySelector(".image-upload[data-upload-url]");
  var body = document.getElementById("body");
  if (!fieldset || !body || !window.fetch || !window.FormData) return;
  var form = body.form;
  var altField = form.elements.image_alt;
  var status = fieldset.querySelector(".upload-status");
  var queue = Promise.resolve();
  var words = fieldset.dataset;

  function fillIn(pattern, values) {
    return pattern.replace(/\{(\w+)\}/g, function (whole, name) {
      return name in values ? values[name] : whole;
    });
  }

  function say(message) {
    status.textContent = message;
  }

  function imagesIn(files) {
    return Array.prototype.filter.call(files || [], function (file) {
      return file.type.indexOf("image/") === 0;
    });
  }

  // A paragraph of its own: blank lines before and after, none doubled.
  function insert(markdown) {
    var start = body.selectionStart, end = body.selectionEnd;
    var before = body.value.slice(0, start), after = body.value.slice(end);
    var lead = !before || /\n\n$/.test(before) ? "" : /\n$/.test(before) ? "\n" : "\n\n";
    var tail = !after ? "\n" : /^\n\n/.test(after) ? "" : /^\n/.test(after) ? "\n" : "\n\n";
    body.setRangeText(lead + markdown + tail, start, end, "end");
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function upload(file) {
    var name = file.name || words.unnamed;
    var data = new FormData();
    data.append("csrf_token", form.elements.csrf_token.value);
    data.append("image", file, file.name || "pasted-image.png");
    data.append("image_alt", altField.value);
    say(fillIn(words.uploading, { name: name }));
    return fetch(fieldset.dataset.uploadUrl, {
      method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" }
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          if (!response.ok) throw new Error(answer.errors.join(" "));
          return answer;
        });
      })
      .then(function (answer) {
        insert(answer.markdown);
        altField.value = "";
        say(fillIn(words.added, { name: answer.file_name }));
      })
      .catch(function (error) {
        say(fillIn(words.failed, { name: name, error: error.message || words.failedWhy }));
      });
  }

  function uploadAll(files) {
    files.forEach(function (file) {
      queue = queue.then(function () { return upload(file); });
    });
  }

  body.addEventListener("dragover", function (event) {
    if (Array.prototype.indexOf.call(event.dataTransfer.types, "Files") !== -1) event.preventDefault();
  });
  body.addEventListener("drop", function (event) {
    var files = imagesIn(event.dataTransfer.files);
    if (!files.length) return;
    event.preventDefault();
    uploadAll(files);
  });
  body.addEventListener("paste", function (event) {
    var files = imagesIn(event.clipboardData && event.clipboardData.files);
    if (!files.length) return;
    event.preventDefault();
    uploadAll(files);
  });
  say(words.hint);
})();
