// Small conveniences on top of plain forms; every flow works without this file.
(function () {
  "use strict";

  function parseNumber(text) {
    var value = parseFloat(String(text || "").replace(",", "."));
    return isNaN(value) ? 0 : value;
  }

  // A split's running total against the ordered quantity, updated while the vendor types.
  function updateScheduleTotal(editor) {
    var ordered = parseNumber(editor.getAttribute("data-ordered"));
    var total = 0;
    editor.querySelectorAll(".schedule-quantity input").forEach(function (input) { total += parseNumber(input.value); });
    var sum = editor.querySelector(".schedule-sum");
    if (sum) { sum.textContent = total.toLocaleString(document.documentElement.lang || undefined); }
    var state = editor.querySelector(".schedule-state");
    if (state) {
      var diff = Math.round((total - ordered) * 10000) / 10000;
      state.setAttribute("data-state", diff === 0 ? "equal" : diff < 0 ? "less" : "more");
    }
  }

  document.addEventListener("input", function (event) {
    var editor = event.target.closest && event.target.closest(".schedule-editor");
    if (editor) { updateScheduleTotal(editor); }
  });

  // "Update delivery date": the header's date on every line that is not rejected or split, without a round trip.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#update-dates");
    if (!button) { return; }
    var form = button.form;
    var date = form.querySelector("[name='response-delivery_date']").value;
    if (!date) { return; }
    event.preventDefault();
    form.querySelectorAll("tbody.line-editor").forEach(function (line) {
      var action = line.querySelector(".line-action select");
      if (!action || action.value === "reject" || action.value === "split") { return; }
      var input = line.querySelector(".when-change input[type='date']");
      if (input) { input.value = date; }
      if (action.value === "accept" && date !== line.getAttribute("data-ordered-date")) { action.value = "change"; }
    });
  });
  // "Receive everything remaining" without a round trip; without JavaScript the button asks the server instead.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#fill-remaining");
    if (!button) { return; }
    event.preventDefault();
    button.form.querySelectorAll("input[data-remaining]").forEach(function (input) {
      input.value = input.getAttribute("data-remaining");
    });
  });

  // Codes and dates never break inside (PO-000004-3, ITEM-0001, 6-12-2026): a browser may break a line after any
  // hyphen, so each such token in running text is wrapped in a span that does not wrap. Tables and headings keep them
  // whole with CSS alone; this covers sentences, notes and facts.
  var TOKEN = /\b(?:[A-Z]{2,}-\d+(?:-\d+)*|\d{1,4}[-\/.]\d{1,2}[-\/.]\d{2,4})\b/g;
  var SKIP = "script, style, textarea, select, option, .nobr";
  function keepTokensWhole(root) {
    if (!root || !root.querySelectorAll) { return; }
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var found = [];
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      TOKEN.lastIndex = 0;
      // In a flex or grid container a span would become an item of its own and change the layout: left alone.
      if (TOKEN.test(node.data) && !node.parentElement.closest(SKIP) &&
          !/flex|grid/.test(getComputedStyle(node.parentElement).display)) { found.push(node); }
    }
    found.forEach(function (text) {
      var fragment = document.createDocumentFragment();
      var last = 0;
      text.data.replace(TOKEN, function (match, offset) {
        if (offset > last) { fragment.appendChild(document.createTextNode(text.data.slice(last, offset))); }
        var span = document.createElement("span");
        span.className = "nobr";
        span.textContent = match;
        fragment.appendChild(span);
        last = offset + match.length;
        return match;
      });
      if (last < text.data.length) { fragment.appendChild(document.createTextNode(text.data.slice(last))); }
      text.parentNode.replaceChild(fragment, text);
    });
  }
  keepTokensWhole(document.getElementById("main"));
  document.addEventListener("htmx:afterSwap", function (event) { keepTokensWhole(event.target); });

  // The header's menu: folded on a phone, shown on a wide screen by app.css. A browser without ::details-content
  // hides a closed <details>' content whatever the CSS says, so there it is opened on a wide screen; Escape folds it.
  var menu = document.querySelector("details.menu");
  if (menu) {
    var wide = window.matchMedia("(min-width: 701px)");
    var supported = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
    var follow = function () { if (!supported) { menu.open = wide.matches; } else if (wide.matches) { menu.open = false; } };
    follow();
    wide.addEventListener("change", follow);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open && !wide.matches) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }
})();
