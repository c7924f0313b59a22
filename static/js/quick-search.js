// The Today search box as an ARIA combobox (the APG's "list autocomplete" pattern): focus stays
// in the box while ↑ and ↓ move through the results' options (aria-activedescendant), Enter
// opens the chosen one (a customer, a booking) or presses it (a Check in button), Escape lets
// go of the choice. With nothing chosen, Enter submits the box to the customer list as before.
// The results are server-rendered (htmx swaps them in, or `/?q=` renders them with the page).
(function () {
  "use strict";

  var BOX_ID = "quick-search-box";
  var LIST_ID = "quick-search-listbox";

  function box() { return document.getElementById(BOX_ID); }

  function options() {
    var list = document.getElementById(LIST_ID);
    return list ? Array.prototype.slice.call(list.querySelectorAll('[role="option"]')) : [];
  }

  function chosen() {
    var input = box();
    var id = input && input.getAttribute("aria-activedescendant");
    var option = id ? document.getElementById(id) : null;
    return option && option.getAttribute("role") === "option" ? option : null;
  }

  function choose(option) {
    var input = box();
    if (!input) return;
    options().forEach(function (each) {
      var on = each === option;
      each.setAttribute("aria-selected", on ? "true" : "false");
      each.classList.toggle("is-active", on);
    });
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  // After the results change: options are reached with the arrows, not Tab, and the choice
  // survives a swap only if its option is still there (a Check in button becomes the check-in).
  function sync() {
    var input = box();
    if (!input) return;
    var all = options();
    all.forEach(function (option) { option.setAttribute("tabindex", "-1"); });
    input.setAttribute("aria-expanded", all.length ? "true" : "false");
    choose(chosen());
  }

  document.addEventListener("keydown", function (event) {
    var input = box();
    if (!input || event.target !== input || event.altKey || event.ctrlKey || event.metaKey) return;
    var all = options();
    var current = chosen();
    var index = current ? all.indexOf(current) : -1;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!all.length) return;
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      if (index < 0) index = step > 0 ? 0 : all.length - 1;
      else index = (index + step + all.length) % all.length;
      choose(all[index]);
    } else if (event.key === "Enter" && current) {
      event.preventDefault();
      current.click();  // a link opens; a Check in button submits its form (htmx)
    } else if (event.key === "Escape" && current) {
      event.preventDefault();  // the first Escape lets go of the choice, the next clears the box
      choose(null);
    }
  });

  // Typing starts a new search: the old choice no longer applies.
  document.addEventListener("input", function (event) {
    if (event.target && event.target.id === BOX_ID) choose(null);
  });

  // A result clicked with the mouse becomes the choice too, so the arrows go on from there.
  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest && event.target.closest('#' + LIST_ID + ' [role="option"]');
    if (option) choose(option);
  });

  document.addEventListener("htmx:afterSettle", sync);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", sync);
  else sync();
})();
