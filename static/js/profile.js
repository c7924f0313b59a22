// Customer profile: an avatar that fails to load gives way to the customer's initials, and the
// booking tabs follow the WAI-ARIA tabs pattern (roving tabindex; arrow keys, Home and End).
(function () {
  "use strict";

  function useInitials(img) {
    var initials = img.nextElementSibling;
    img.hidden = true;
    if (initials) initials.hidden = false;
  }

  // Load errors do not bubble: listen in the capture phase.
  document.addEventListener("error", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("img[data-avatar]")) useInitials(target);
  }, true);

  // An image that failed before this script ran.
  function checkAll() {
    document.querySelectorAll("img[data-avatar]").forEach(function (img) {
      if (img.complete && img.naturalWidth === 0) useInitials(img);
    });
  }

  // Without this script every tab stays a plain link in the Tab order; with it, only the selected
  // tab is, and the arrow keys move between the tabs.
  function rovingTabindex() {
    document.querySelectorAll('[role="tablist"]').forEach(function (list) {
      var tabs = list.querySelectorAll('[role="tab"]');
      var selected = list.querySelector('[role="tab"][aria-selected="true"]') || tabs[0];
      tabs.forEach(function (tab) {
        tab.setAttribute("tabindex", tab === selected ? "0" : "-1");
      });
    });
  }

  var KEYS = { ArrowLeft: -1, ArrowRight: 1, Home: "first", End: "last" };

  document.addEventListener("keydown", function (event) {
    var tab = event.target;
    if (!tab || !tab.matches || !tab.matches('[role="tablist"] [role="tab"]')) return;
    if (!(event.key in KEYS) || event.altKey || event.ctrlKey || event.metaKey) return;
    var tabs = Array.prototype.slice.call(tab.closest('[role="tablist"]').querySelectorAll('[role="tab"]'));
    var index = tabs.indexOf(tab);
    var move = KEYS[event.key];
    var next;
    if (move === "first") next = tabs[0];
    else if (move === "last") next = tabs[tabs.length - 1];
    else next = tabs[(index + move + tabs.length) % tabs.length];
    event.preventDefault();
    if (next === tab) return;
    tabs.forEach(function (other) {
      other.setAttribute("tabindex", other === next ? "0" : "-1");
    });
    next.focus();
    // Each tab is an HTMX link: moving to it shows its panel. The swap keeps the focus on the
    // tab with the same id.
    if (next.getAttribute("aria-selected") !== "true") next.click();
  });

  document.addEventListener("htmx:afterSettle", rovingTabindex);

  function ready() {
    checkAll();
    rovingTabindex();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
