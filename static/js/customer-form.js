// Customer form: the "Yes, block this customer" box shows only while Blocked is chosen.
// Without JavaScript the box is always shown (and only required when blocking).
(function () {
  "use strict";

  function sync(form) {
    if (!form) return;
    var status = form.querySelector("select[name=status]");
    var confirm = form.querySelector("[data-block-confirm]");
    if (!status || !confirm) return;
    confirm.hidden = status.value !== "blocked" && !confirm.classList.contains("has-error");
  }

  function syncAll() {
    sync(document.getElementById("customer-form"));
  }

  document.addEventListener("change", function (event) {
    if (event.target && event.target.name === "status") sync(event.target.form);
  });
  document.addEventListener("DOMContentLoaded", syncAll);
  document.addEventListener("htmx:load", syncAll);
})();
