// Progressive enhancement for "Reply": move the comment form under the
// comment instead of reloading the page. Without JavaScript the link
// reloads the page with the form set up by the server, so nothing here is
// needed for the page to work.
(function () {
  "use strict";

  var respond = document.getElementById("respond");
  if (!respond) return;
  var form = respond.querySelector("form");
  var parentInput = form.querySelector('input[name="parent_id"]');
  var titleText = document.getElementById("reply-title-text");
  var cancel = document.getElementById("cancel-comment-reply-link");
  var home = document.createElement("div");
  home.hidden = true;
  respond.parentNode.insertBefore(home, respond);
  // Every label comes translated from the page (data-* attributes), never from here.
  var originalTitle = titleText.dataset.leaveReply;
  var opener = null; // the Reply link that opened the form, to return focus to

  function replyTo(link) {
    var comment = link.closest("article");
    var parentId = new URL(link.href).searchParams.get("replytocom");
    if (!comment || !parentId) return false;
    opener = link;
    comment.after(respond);
    parentInput.value = parentId;
    titleText.textContent = link.dataset.replyTitle;
    cancel.hidden = false;
    form.querySelector("textarea").focus();
    return true;
  }

  function cancelReply() {
    home.after(respond);
    parentInput.value = "";
    titleText.textContent = originalTitle;
    cancel.hidden = true;
    // Keyboard and screen reader users go back to where they were.
    if (opener && document.contains(opener)) opener.focus();
    opener = null;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.comment-reply-link");
    if (link && replyTo(link)) {
      event.preventDefault();
    } else if (event.target === cancel && respond.previousElementSibling !== home) {
      event.preventDefault();
      cancelReply();
    }
  });
})();
