// Bookings: a status form confirmed in the browser (data-confirm, see app.js) tells the server
// so, which then skips its own confirmation page. Without JavaScript that page asks instead.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.getAttribute || !form.getAttribute("data-confirm")) return;
    var field = form.querySelector("input[data-confirmed]");
    if (field) field.value = "yes";
  });
})();
