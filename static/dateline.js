// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  function wireCopyButtons(root) {
    root.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
      if (!navigator.clipboard) { return; }
      button.hidden = false;
      if (button.dataset.wired) { return; }
      button.dataset.wired = "1";
      button.addEventListener("click", function () {
        var field = document.getElementById(button.dataset.copy);
        var status = button.closest(".share").querySelector(".copy-status");
        navigator.clipboard.writeText(field.value).then(function () {
          status.textContent = "Link copied.";
        }, function () {
          field.select();
          status.textContent = "Press Ctrl+C to copy the selected link.";
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { wireCopyButtons(document); });
  document.addEventListener("htmx:afterSwap", function (event) { wireCopyButtons(event.target); });
})();
