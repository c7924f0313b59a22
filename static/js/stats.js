// Stats: the From and To dates are for "Custom dates" only. The server shows them when that is
// the period; choosing it here shows them at once (the form also applies it, see hx-trigger).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select || select.name !== "period" || !select.form) return;
    var dates = select.form.querySelector("[data-custom-dates]");
    if (dates) dates.hidden = select.value !== "custom";
  });
})();
