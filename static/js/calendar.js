// The day calendar (/calendar/): the arrow keys move between the grid's bookings (and free times
// where they lead to a new booking), Enter opens one in the side panel (htmx; the booking page
// without JavaScript), Escape closes the panel and goes back to its booking. The "now" line is
// drawn at the minute, the grid opens scrolled to now (or the day's first booking), and the
// refresh every 45 seconds keeps the scroll where it was.
(function () {
  "use strict";

  var ITEM = "[data-cal-item]";
  var KEYS = ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End"];
  var openerId = "";
  var lastId = "";
  var kept = null;

  function byId(id) { return document.getElementById(id); }

  function items() {
    var grid = byId("calendar-grid");
    return grid ? Array.prototype.slice.call(grid.querySelectorAll(".calendar-table " + ITEM)) : [];
  }

  function place(el) {
    return { col: Number(el.getAttribute("data-col")), row: Number(el.getAttribute("data-row")) };
  }

  // One item of the grid is in the tab order: the one last focused, else where the day starts.
  function roving(current) {
    var all = items();
    if (!all.length) return;
    if (all.indexOf(current) < 0) {
      var last = lastId && byId(lastId);
      current = all.indexOf(document.activeElement) >= 0 ? document.activeElement
        : (all.indexOf(last) >= 0 ? last
          : (byId("calendar-grid").querySelector("[data-cal-start]") || all[0]));
    }
    if (current.id) lastId = current.id;
    all.forEach(function (el) { el.tabIndex = el === current ? 0 : -1; });
  }

  // The item an arrow key leads to: up and down within the agent's column (in time order, the
  // grid's own order), left and right to the nearest in time of the next column that has one.
  function target(from, key) {
    var all = items();
    var here = place(from);
    var column = all.filter(function (el) { return place(el).col === here.col; });
    var index = column.indexOf(from);
    if (key === "ArrowDown") return column[index + 1];
    if (key === "ArrowUp") return column[index - 1];
    if (key === "Home") return column[0];
    if (key === "End") return column[column.length - 1];
    var cols = [];
    all.forEach(function (el) {
      var col = place(el).col;
      if (cols.indexOf(col) < 0) cols.push(col);
    });
    cols.sort(function (a, b) { return a - b; });
    var next = cols[cols.indexOf(here.col) + (key === "ArrowRight" ? 1 : -1)];
    if (next === undefined) return null;
    var best = null;
    all.forEach(function (el) {
      var at = place(el);
      if (at.col !== next) return;
      var distance = Math.abs(at.row - here.row) + (at.row > here.row ? 0.5 : 0);
      if (!best || distance < best.distance) best = { el: el, distance: distance };
    });
    return best && best.el;
  }

  function panel() { return byId("booking-panel"); }

  // The panel never hides the block it shows: at desk widths it sits beside the grid (CSS),
  // on a tablet it is a drawer from the bottom, and the block is scrolled into view above it
  // (the page's scroll-padding is the drawer's height while it is open).
  function drawer(box) {
    return window.getComputedStyle(box).position === "fixed";
  }

  function markOpen() {
    var box = panel();
    var open = box && !box.hidden;
    document.querySelectorAll(".cal-block.is-open").forEach(function (el) {
      if (!open || el.id !== openerId) el.classList.remove("is-open");
    });
    var block = open && openerId && byId(openerId);
    if (block) block.classList.add("is-open");
    document.documentElement.classList.toggle("has-drawer", Boolean(open && drawer(box)));
    return block;
  }

  function keepInView() {
    var block = markOpen();
    if (block) block.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  function closePanel() {
    var box = panel();
    if (!box || box.hidden) return;
    box.hidden = true;
    box.innerHTML = "";
    markOpen();
    var opener = openerId && byId(openerId);
    if (opener) {
      roving(opener);
      opener.focus();
    }
  }

  function drawNow() {
    var box = byId("calendar-scroll");
    if (!box) return;
    var line = box.querySelector(".cal-now-line");
    var row = box.querySelector("tr.is-now");
    var table = box.querySelector("table");
    if (!line || !row || !table) return;
    var offset = Number(row.getAttribute("data-now-offset")) || 0;
    line.style.top = (table.offsetTop + row.offsetTop + row.offsetHeight * offset / 100) + "px";
    line.style.width = table.offsetWidth + "px";
    line.hidden = false;
    box.classList.add("has-now-line");
  }

  // A new day opens at now (today) or at its first booking, below the agents' names.
  function scrollToStart() {
    var box = byId("calendar-scroll");
    if (!box) return;
    var start = box.querySelector("tr.is-now");
    var first = box.querySelector("[data-cal-start]");
    if (!start && first) start = first.closest("tr");
    if (!start) return;
    var head = box.querySelector("thead");
    box.scrollTop = Math.max(start.offsetTop - (head ? head.offsetHeight : 0) - start.offsetHeight, 0);
  }

  function setUp(fresh) {
    roving(null);
    drawNow();
    if (fresh) scrollToStart();
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      var box = panel();
      if (box && !box.hidden && !event.defaultPrevented) {
        event.preventDefault();
        closePanel();
      }
      return;
    }
    var el = event.target;
    if (KEYS.indexOf(event.key) < 0 || event.altKey || event.ctrlKey || event.metaKey) return;
    if (!el.matches || !el.matches(ITEM) || !el.closest("#calendar-grid")) return;
    event.preventDefault();
    var next = target(el, event.key);
    if (next) {
      roving(next);
      next.focus();
    }
  });

  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    if (event.target.closest("[data-panel-close]")) {
      closePanel();
      return;
    }
    var block = event.target.closest(".cal-block");
    if (block) {
      openerId = block.id;
      roving(block);
    }
  });

  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches(ITEM)) roving(event.target);
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var box = byId("calendar-scroll");
    if (event.target.id === "calendar-grid" && box) {
      kept = { top: box.scrollTop, left: box.scrollLeft };
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var id = event.target.id;
    if (id === "booking-panel") {
      event.target.hidden = false;
      // Opened: the focus goes to the panel. After an action it stays on the button htmx gave
      // it back to (same id), or goes to the panel when that button is gone.
      var verb = event.detail.requestConfig && event.detail.requestConfig.verb;
      var active = document.activeElement;
      if (verb === "get" || !active || active === document.body || !event.target.contains(active)) {
        var heading = byId("booking-panel-heading");
        if (heading) heading.focus({ preventScroll: true });
      }
      if (verb === "get") keepInView();
      else markOpen();
      return;
    }
    if (id === "calendar-grid") {
      var box = byId("calendar-scroll");
      if (box && kept) {
        box.scrollTop = kept.top;
        box.scrollLeft = kept.left;
      }
      kept = null;
      setUp(false);
      markOpen();
    } else if (id === "calendar") {
      // Another day: what was said about the last one no longer applies.
      var said = byId("messages");
      if (said) said.textContent = "";
      lastId = "";
      setUp(true);
    }
  });

  window.addEventListener("resize", function () {
    drawNow();
    markOpen();
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUp(true); });
  } else {
    setUp(true);
  }
})();
