// Audit trail: an HTMX update refills the filters' messages out of band; each filter is then
// marked invalid, and described by its message, exactly while it has one.
(function () {
  "use strict";

  function linkMessages() {
    document.querySelectorAll("[data-error-for]").forEach(function (message) {
      var input = document.getElementById(message.getAttribute("data-error-for"));
      var invalid = message.textContent.trim() !== "";
      message.hidden = !invalid;
      if (!input) return;
      var ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
        return id && id !== message.id;
      });
      if (invalid) {
        input.setAttribute("aria-invalid", "true");
        ids.push(message.id);
      } else {
        input.removeAttribute("aria-invalid");
      }
      if (ids.length) {
        input.setAttribute("aria-describedby", ids.join(" "));
      } else {
        input.removeAttribute("aria-describedby");
      }
    });
  }

  document.addEventListener("htmx:afterSettle", linkMessages);
})();
