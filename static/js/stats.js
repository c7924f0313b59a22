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

// The form sits inside what its answer replaces, and a change made while a request is out waits
// for it (hx-sync "queue last": a replaced request would log errors). An answer for values the
// form no longer holds is not shown, so the form stays in the page and the waiting request,
// with the newest values, goes next.
(function () {
  "use strict";
  function values(form) {
    return new URLSearchParams(new FormData(form)).toString();
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.id === "stats-form") event.detail.xhr.statsValues = values(form);
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var config = event.detail.requestConfig;
    var form = config && config.elt;
    if (!form || form.id !== "stats-form" || !document.body.contains(form)) return;
    var sent = event.detail.xhr && event.detail.xhr.statsValues;
    if (sent !== undefined && sent !== values(form)) event.detail.shouldSwap = false;
  });
})();
