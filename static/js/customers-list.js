// Customer list: the search box already searches as you type (htmx), so its "change" event
// must not also reach the filter form, which would send the same search a second time.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("id_q");
    if (!box) return;
    box.addEventListener("change", function (event) {
      event.stopPropagation();
    });
  });
})();
