// Bookings: a status form confirmed in the browser (data-confirm, see app.js) tells the server
// so, which then skips its own confirmation page. Without JavaScript that page asks instead.
// A form htmx posts (the calendar's side panel, a Today board row) has its values read before
// the submit event reaches the document, so its request is told here as well.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.getAttribute || !form.getAttribute("data-confirm")) return;
    var field = form.querySelector("input[data-confirmed]");
    if (field) field.value = "yes";
  });
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt;
    if (!form.getAttribute || !form.getAttribute("data-confirm")) return;
    if (form.querySelector("input[data-confirmed]")) event.detail.parameters.confirmed = "yes";
  });
})();
