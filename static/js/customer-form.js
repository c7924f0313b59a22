// Customer form: the "Yes, block this customer" box shows only while Blocked is chosen.
// Without JavaScript the box is always shown (and only required when blocking).
// A refused save's error summary and its links to the fields.
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

  // The error summary (focused by its autofocus) comes to the top of the screen with the page's
  // heading, also after htmx swapped the refused form in where the user had scrolled down.
  document.addEventListener("htmx:load", function (event) {
    var form = event.detail && event.detail.elt;
    var summary = form && form.id === "customer-form" && form.querySelector("[data-error-summary]");
    if (!summary) return;
    var top = summary.getBoundingClientRect().top + window.scrollY;
    window.scrollTo(0, top < window.innerHeight / 2 ? 0 : top - 16);
    if (document.activeElement !== summary) summary.focus({ preventScroll: true });
  });

  // A link of the error summary focuses its field, with the field's label in view (a plain
  // jump to the fragment would hide the label above the screen's edge).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    var holder = field.closest(".field") || field;
    if (holder.hidden) holder.hidden = false;
    holder.scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });
})();
