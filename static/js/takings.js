// Takings: the Print button prints the day's sheet (the print styles leave the totals and the
// list). Delegated, so that it works after htmx swaps in another day.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest("[data-print]") : null;
    if (!button) return;
    event.preventDefault();
    window.print();
  });
})();
