// Moving a booking on the day calendar (/calendar/). Drag a block onto a free time of any agent,
// or focus a block and press M: the arrow keys move the target by a row (15 minutes) or an
// agent, Enter asks to move it there, Escape puts it back. A target is allowed when every row
// the booking needs is a free time of the grid (or its own); the server then checks it against
// the times LatePoint offers and answers the confirmation (bookings/move_views.py), whose
// Confirm posts the move. After a move the grid redraws, the focus goes back to the booking,
// and Undo (or U) moves it back for a short time. Without JavaScript the block stays a link to
// the booking and its reschedule page.
(function () {
  "use strict";

  var moving = null;  // {block, id, seen, span, fromCol, fromRow, col, row, mode, grab, free}
  var focusAfter = "";  // the block to focus once the grid has redrawn
  var undoTimer = null;
  var lastId = "";  // the block last picked up

  function byId(id) { return document.getElementById(id); }
  function box() { return byId("calendar-move"); }
  function scroller() { return byId("calendar-scroll"); }

  function say(text) {
    var live = byId("calendar-move-live");
    if (!live) return;
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 30);
  }

  function headers() {
    var s = scroller();
    return s ? Array.prototype.slice.call(s.querySelectorAll(".calendar-table thead th.cal-agent")) : [];
  }

  function rows() {
    var s = scroller();
    return s ? Array.prototype.slice.call(s.querySelectorAll(".calendar-table tbody tr")) : [];
  }

  function rowTime(tr) {
    var cell = tr && tr.querySelector("th");
    var found = cell && cell.textContent.match(/\d{2}:\d{2}/);
    return found ? found[0] : "";
  }

  function agentName(col) {
    var th = headers()[col];
    if (!th) return "";
    var named = th.querySelector(".cal-agent-name");
    if (named) return named.textContent.trim();
    var copy = th.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll(".cal-agent-count, .cal-agent-short, .sr-only"), function (el) {
      el.remove();
    });
    return copy.textContent.trim();
  }

  function agentOf(col) {
    var s = scroller();
    var el = s && s.querySelector('[data-col="' + col + '"][data-agent]');
    return el ? el.getAttribute("data-agent") : "";
  }

  // Every free time of the grid, "column:row".
  function freeCells() {
    var free = {};
    var s = scroller();
    if (!s) return free;
    Array.prototype.forEach.call(s.querySelectorAll(".cal-gap-link[data-col][data-row]"), function (el) {
      free[el.getAttribute("data-col") + ":" + el.getAttribute("data-row")] = true;
    });
    return free;
  }

  function allowed(col, row) {
    if (!moving) return false;
    var count = rows().length;
    if (!agentOf(col)) return false;
    if (col === moving.fromCol && row === moving.fromRow) return false;
    for (var k = 0; k < moving.span; k++) {
      var r = row + k;
      if (r >= count) return false;
      var own = col === moving.fromCol && r >= moving.fromRow && r < moving.fromRow + moving.span;
      if (!own && !moving.free[col + ":" + r]) return false;
    }
    return true;
  }

  function words(col, row) {
    var time = rowTime(rows()[row]);
    var name = agentName(col);
    return time + (name ? " with " + name : "");
  }

  function marker() {
    var s = scroller();
    if (!s) return null;
    var el = s.querySelector(".cal-move-target");
    if (!el) {
      el = document.createElement("div");
      el.className = "cal-move-target";
      el.setAttribute("aria-hidden", "true");
      s.appendChild(el);
    }
    return el;
  }

  function clearMarker() {
    var s = scroller();
    var el = s && s.querySelector(".cal-move-target");
    if (el) el.remove();
  }

  // The target drawn over the grid: the agent's column, the rows the booking would take.
  function draw() {
    if (!moving) return;
    var th = headers()[moving.col];
    var all = rows();
    var first = all[moving.row];
    var last = all[Math.min(moving.row + moving.span, all.length) - 1];
    var el = marker();
    if (!th || !first || !last || !el) return;
    var table = scroller().querySelector("table");
    var refused = moving.refused === moving.col + ":" + moving.row;
    var ok = !refused && allowed(moving.col, moving.row);
    var same = moving.col === moving.fromCol && moving.row === moving.fromRow;
    el.className = "cal-move-target " + (same ? "is-here" : ok ? "is-allowed" : "is-blocked");
    el.style.left = (table.offsetLeft + th.offsetLeft + 3) + "px";
    el.style.width = Math.max(th.offsetWidth - 6, 20) + "px";
    el.style.top = (table.offsetTop + first.offsetTop + 1) + "px";
    el.style.height = Math.max(last.offsetTop + last.offsetHeight - first.offsetTop - 3, 10) + "px";
    var label = document.createElement("span");
    label.className = "cal-move-label";
    var why = refused ? ": not offered" : ": not free";
    label.textContent = words(moving.col, moving.row) + (same ? " (where it is)" : ok ? "" : why);
    el.replaceChildren(label);
    return ok;
  }

  function pickUp(block, mode) {
    moving = {
      block: block,
      id: block.getAttribute("data-move"),
      seen: block.getAttribute("data-move-seen"),
      span: Math.max(Number(block.getAttribute("data-span")) || 1, 1),
      fromCol: Number(block.getAttribute("data-col")),
      fromRow: Number(block.getAttribute("data-row")),
      mode: mode,
      grab: 0,
      free: freeCells()
    };
    moving.col = moving.fromCol;
    moving.row = moving.fromRow;
    lastId = block.id;
    block.classList.add("is-moving");
  }

  function putBack(focus) {
    var was = moving;
    moving = null;
    clearMarker();
    if (!was) return;
    was.block.classList.remove("is-moving");
    if (focus) {
      var block = byId(was.block.id) || was.block;
      block.focus();
    }
  }

  function ask() {
    var base = box() && box().getAttribute("data-move-base");
    if (!moving || !base || !window.htmx) return;
    var agent = agentOf(moving.col);
    var url = base.replace(/\/0\/$/, "/" + moving.id + "/") + "?" + new URLSearchParams({
      date: byId("calendar-grid").getAttribute("data-day"),
      time: rowTime(rows()[moving.row]),
      agent: agent,
      seen: moving.seen
    }).toString();
    moving.asked = true;
    window.htmx.ajax("GET", url, { target: "#calendar-move", swap: "innerHTML" });
  }

  function closeBox() {
    var b = box();
    if (b) b.innerHTML = "";
    if (undoTimer) window.clearTimeout(undoTimer);
    undoTimer = null;
  }

  function cancel() {
    closeBox();
    putBack(false);
    var block = lastId && byId(lastId);
    if (block) block.focus();
    say("Not moved.");
  }

  function arrow(key) {
    var cols = headers().length;
    var count = rows().length;
    if (key === "ArrowUp") moving.row = Math.max(moving.row - 1, 0);
    if (key === "ArrowDown") moving.row = Math.min(moving.row + 1, count - 1);
    if (key === "ArrowLeft") moving.col = Math.max(moving.col - 1, 0);
    if (key === "ArrowRight") moving.col = Math.min(moving.col + 1, cols - 1);
    var ok = draw();
    var here = moving.col === moving.fromCol && moving.row === moving.fromRow;
    say(words(moving.col, moving.row) + (here ? ", where it is now." : ok ? ", free." : ", not free."));
    var target = scroller().querySelector(".cal-move-target");
    if (target && target.scrollIntoView) target.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  window.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var el = event.target;
    var open = box() && box().firstElementChild;
    if (event.key === "Escape" && open && (moving || box().contains(el))) {
      event.preventDefault();
      event.stopPropagation();
      cancel();
      return;
    }
    if (moving && moving.mode === "keys" && !moving.asked) {
      if (["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"].indexOf(event.key) >= 0) {
        event.preventDefault();
        event.stopPropagation();
        arrow(event.key);
      } else if (event.key === "Enter") {
        event.preventDefault();
        event.stopPropagation();
        if (allowed(moving.col, moving.row)) {
          ask();
        } else {
          say(words(moving.col, moving.row) + " is not a free time: choose another.");
        }
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        putBack(true);
        say("Not moved.");
      }
      return;
    }
    if (!el.matches || el.matches("input, select, textarea")) return;
    if ((event.key === "m" || event.key === "M") && el.matches("[data-move]") && !moving) {
      event.preventDefault();
      event.stopPropagation();
      closeBox();
      pickUp(el, "keys");
      draw();
      say("Picked up " + el.textContent.replace(/\s+/g, " ").trim() + ". Arrow keys choose a time and an agent, Enter moves it there, Escape puts it back.");
    } else if ((event.key === "u" || event.key === "U") && !moving) {
      var undo = box() && box().querySelector("[data-move-undo] button");
      if (undo && el.closest && el.closest("#calendar-grid, #calendar-move")) {
        event.preventDefault();
        undo.click();
      }
    }
  }, true);

  document.addEventListener("dragstart", function (event) {
    var block = event.target.closest && event.target.closest("[data-move]");
    if (!block || !block.closest("#calendar-grid")) return;
    closeBox();
    putBack(false);
    pickUp(block, "drag");
    var all = rows();
    var first = all[moving.fromRow];
    var height = first ? first.offsetHeight : 1;
    var top = block.getBoundingClientRect().top;
    moving.grab = Math.max(Math.min(Math.floor((event.clientY - top) / height), moving.span - 1), 0);
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", block.getAttribute("href") || moving.id);
  });

  // The column and row under the pointer (the booking's top row: where it was grabbed counts).
  function under(event) {
    var col = -1;
    headers().forEach(function (th, i) {
      var r = th.getBoundingClientRect();
      if (event.clientX >= r.left && event.clientX < r.right) col = i;
    });
    var row = -1;
    rows().forEach(function (tr, i) {
      var r = tr.getBoundingClientRect();
      if (event.clientY >= r.top && event.clientY < r.bottom) row = i;
    });
    if (col < 0 || row < 0) return null;
    return { col: col, row: Math.max(row - moving.grab, 0) };
  }

  document.addEventListener("dragover", function (event) {
    if (!moving || moving.mode !== "drag" || !event.target.closest || !event.target.closest("#calendar-scroll")) return;
    var at = under(event);
    if (!at) return;
    moving.col = at.col;
    moving.row = at.row;
    if (draw()) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
    } else {
      event.dataTransfer.dropEffect = "none";
    }
  });

  document.addEventListener("drop", function (event) {
    if (!moving || moving.mode !== "drag") return;
    event.preventDefault();
    if (allowed(moving.col, moving.row)) ask();
  });

  document.addEventListener("dragend", function () {
    if (moving && moving.mode === "drag" && !moving.asked) putBack(false);
  });

  document.addEventListener("click", function (event) {
    var cancelLink = event.target.closest && event.target.closest("#calendar-move [data-move-cancel]");
    if (!cancelLink) return;
    event.preventDefault();
    cancel();
  });

  window.addEventListener("resize", function () { if (moving) draw(); });

  document.addEventListener("htmx:afterSettle", function (event) {
    var id = event.target.id;
    if (id === "calendar-move") {
      var b = box();
      var confirm = b.querySelector("[data-move-confirm]");
      var result = b.querySelector("[data-move-result]");
      var title = b.querySelector(".move-title");
      var said = b.querySelector(".move-said");
      if (confirm) {
        confirm.focus();
        return;
      }
      if (!result) {
        // Not allowed there (LatePoint does not offer that time): nothing was sent. With the
        // keys the booking stays picked up to try another time; OK or Escape puts it back.
        if (moving) {
          moving.refused = moving.col + ":" + moving.row;
          if (moving.mode === "keys") moving.asked = false;
          draw();
        }
        if (title) title.focus();
        if (said) say(said.textContent.trim());
        return;
      }
      putBack(false);
      if (result.hasAttribute("data-moved")) focusAfter = "cal-booking-" + result.getAttribute("data-moved");
      var undo = b.querySelector("[data-move-undo]");
      if (said) say(said.textContent.trim() + (undo ? " Press U to undo." : ""));
      var seconds = Number(result.getAttribute("data-undo-seconds")) || 0;
      if (undoTimer) window.clearTimeout(undoTimer);
      undoTimer = seconds ? window.setTimeout(function () {
        var form = b.querySelector("[data-move-undo]");
        var note = b.querySelector("[data-move-undo-note]");
        if (form) form.remove();
        if (note) note.textContent = "Undo is no longer available: move it back on the calendar.";
      }, seconds * 1000) : null;
      return;
    }
    if (id === "calendar-grid" && moving && !moving.asked) {
      // The grid redrew (its refresh) while a booking was picked up: carry on over the new one.
      var again = byId(moving.block.id);
      if (!again || again.getAttribute("data-move-seen") !== moving.seen) {
        putBack(false);
        if (again) again.focus();
        say("The booking changed meanwhile: it is shown where it is now. Pick it up again to move it.");
        return;
      }
      moving.block = again;
      moving.free = freeCells();
      again.classList.add("is-moving");
      if (moving.mode === "keys") again.focus();
      draw();
      return;
    }
    if (id === "calendar-grid" && focusAfter) {
      var block = byId(focusAfter);
      if (block) {
        block.focus();
        focusAfter = "";
      }
    }
  });
})();
