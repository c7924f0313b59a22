// A list that waits on a slow LatePoint says so: after a few seconds its loading indicator
// ("Loading customers…") reads its data-slow-text instead ("Still waiting for LatePoint…"),
// until the server answers (fresh rows, an older copy with its notice, or the error, which
// htmx swaps in too: see responseHandling in base.html) or the request is dropped.
(function () {
  "use strict";

  var SLOW_AFTER_MS = 3000;
  var pending = new WeakMap(); // xhr -> {timer, marked: the indicators it made slow}

  // The indicators htmx shows for a request: hx-indicator on the element or an ancestor (a
  // CSS selector, or "closest <selector>"), else the element itself.
  function indicatorsOf(elt) {
    var holder = elt.closest("[hx-indicator], [data-hx-indicator]");
    if (!holder) return [elt];
    var spec = holder.getAttribute("hx-indicator") || holder.getAttribute("data-hx-indicator");
    try {
      if (spec.indexOf("closest ") === 0) {
        var found = elt.closest(spec.slice(8));
        return found ? [found] : [];
      }
      return Array.prototype.slice.call(document.querySelectorAll(spec));
    } catch (error) {
      return []; // htmx's extended selectors ("next", "find"): no slow text for those
    }
  }

  function markSlow(indicator) {
    indicator.slowCount = (indicator.slowCount || 0) + 1;
    if (indicator.slowCount > 1) return;
    indicator.normalText = indicator.textContent;
    indicator.textContent = indicator.getAttribute("data-slow-text");
    indicator.classList.add("is-slow");
  }

  function unmarkSlow(indicator) {
    indicator.slowCount = Math.max((indicator.slowCount || 0) - 1, 0);
    if (indicator.slowCount > 0) return;
    if (indicator.normalText !== undefined) indicator.textContent = indicator.normalText;
    indicator.classList.remove("is-slow");
  }

  // beforeSend: htmx has just shown the request's indicators.
  document.addEventListener("htmx:beforeSend", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (!xhr) return;
    // An indicator region (the profile's tab panel) may hold the loading text itself.
    var indicators = [];
    indicatorsOf(event.detail.elt).forEach(function (indicator) {
      if (indicator.hasAttribute("data-slow-text")) indicators.push(indicator);
      indicator.querySelectorAll(".htmx-indicator[data-slow-text]").forEach(function (inner) {
        indicators.push(inner);
      });
    });
    if (!indicators.length) return;
    var state = { marked: [], timer: 0 };
    state.timer = window.setTimeout(function () {
      state.marked = indicators.filter(function (indicator) {
        return indicator.closest(".htmx-request");
      });
      state.marked.forEach(markSlow);
    }, SLOW_AFTER_MS);
    pending.set(xhr, state);
  });

  // Every end of a request (answer, error, abort, timeout) comes through afterRequest.
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail && event.detail.xhr;
    var state = xhr && pending.get(xhr);
    if (state) {
      pending.delete(xhr);
      window.clearTimeout(state.timer);
      state.marked.forEach(unmarkSlow);
    }
    sweep();
  });

  // An indicator htmx no longer shows never keeps the slow text (say its request ended on an
  // element that had left the page, whose afterRequest does not reach the document).
  function sweep() {
    document.querySelectorAll(".is-slow").forEach(function (indicator) {
      if (indicator.closest(".htmx-request")) return;
      indicator.slowCount = 1;
      unmarkSlow(indicator);
    });
  }
})();
