// Small behaviours that need a script. No inline scripts anywhere: the CSP allows only files.
(function () {
  "use strict";

  // Scripts run: what only the plain forms need (their "Show free times" buttons) can go.
  document.documentElement.classList.add("js");

  // "/" focuses the page's main search box unless the user is typing somewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if (typing) return;
    var box = document.querySelector("[data-search-shortcut]");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });

  // Buttons and forms with data-confirm ask before they act (with or without htmx).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Shown when a page (or an htmx update) had to use an older copy of LatePoint's data;
  // the server sends an "upstreamNotice" event with every htmx answer, empty once it is fresh.
  document.addEventListener("upstreamNotice", function (event) {
    var notice = document.getElementById("upstream-notice");
    if (!notice) return;
    var text = (event.detail && event.detail.text) || "";
    if (notice.textContent !== text) notice.textContent = text;
    notice.hidden = !text;
  });
})();
