// Asking once before an answer goes to the customer, and choosing several POs at once. Everything here has a
// plain-form fallback on the server: without this script Accept shows a confirmation page, and the response
// editor answers a surprising quantity with a confirmation step.
(function () {
  "use strict";

  // A button with data-confirm-dialog="<id>" opens that <dialog> instead of submitting its form.
  function wireDialogs(root) {
    root.querySelectorAll("[data-confirm-dialog]").forEach(function (button) {
      if (button.dataset.confirmWired) return;
      var dialog = document.getElementById(button.dataset.confirmDialog);
      if (!dialog || typeof dialog.showModal !== "function") return;
      button.dataset.confirmWired = "1";
      button.addEventListener("click", function (event) {
        event.preventDefault();
        dialog.showModal();
      });
      dialog.querySelectorAll("[data-dialog-close]").forEach(function (close) {
        close.addEventListener("click", function (event) {
          event.preventDefault();
          dialog.close();
          button.focus();
        });
      });
    });
  }

  // "Select all on this page" on the list of POs for review.
  function wireSelectAll(root) {
    root.querySelectorAll("input[data-select-all]").forEach(function (all) {
      if (all.dataset.selectWired) return;
      all.dataset.selectWired = "1";
      var formId = all.getAttribute("form");
      var boxes = function () {
        return document.querySelectorAll('input[type=checkbox][name="' + all.dataset.selectAll + '"][form="' + formId + '"]');
      };
      var sync = function () {
        var list = Array.prototype.slice.call(boxes());
        var checked = list.filter(function (box) { return box.checked; }).length;
        all.checked = list.length > 0 && checked === list.length;
        all.indeterminate = checked > 0 && checked < list.length;
      };
      all.hidden = false;
      all.addEventListener("change", function () {
        boxes().forEach(function (box) { box.checked = all.checked; });
      });
      boxes().forEach(function (box) { box.addEventListener("change", sync); });
      sync();
    });
  }

  // The response editor: a change or split whose total differs from the ordered quantity asks once, in a dialog
  // listing the lines, before the answer is sent. The server asks the same when this script does not run.
  function parseQuantity(text) {
    var value = String(text || "").trim().replace(/\s/g, "");
    if (!value) return NaN;
    if (value.indexOf(",") >= 0 && value.indexOf(".") >= 0) value = value.replace(/\./g, "");
    return Number(value.replace(",", "."));
  }

  function differences(form) {
    var found = [];
    form.querySelectorAll("tbody.line-editor").forEach(function (line) {
      var ordered = parseQuantity(line.dataset.orderedQuantity);
      var action = line.querySelector("select.line-action, .line-action select, select[name$='-action']");
      if (!action) return;
      var confirmed = NaN;
      if (action.value === "change" || action.value === "substitute") {
        var input = line.querySelector("input[name$='-quantity']:not([name*='-schedule-'])");
        confirmed = input ? parseQuantity(input.value) : NaN;
      } else if (action.value === "split") {
        confirmed = 0;
        line.querySelectorAll("input[name*='-schedule-'][name$='-quantity']").forEach(function (input) {
          var value = parseQuantity(input.value);
          if (!isNaN(value)) confirmed += value;
        });
      } else {
        return;
      }
      if (isNaN(confirmed) || isNaN(ordered) || Math.abs(confirmed - ordered) < 1e-9) return;
      found.push({ line: line.id.replace("line-", ""), confirmed: confirmed, ordered: ordered, unit: line.dataset.unit || "" });
    });
    return found;
  }

  function wireAskOnce(root) {
    var form = root.querySelector("form[data-ask-quantities]");
    var dialog = document.getElementById("quantities-dialog");
    if (!form || !dialog || form.dataset.askWired || typeof dialog.showModal !== "function") return;
    form.dataset.askWired = "1";
    var flag = form.querySelector("input[name=quantities_confirmed]");
    var list = dialog.querySelector("[data-differences]");
    var template = dialog.querySelector("template[data-difference]");
    var pending = null;
    var number = new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 4 });
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      if (submitter && submitter.name === "quantities_confirmed") return; // the server's step, answered
      var command = submitter && submitter.name === "command" ? submitter.value : "submit";
      if (command !== "submit" || (flag && flag.value === "1")) return;
      var found = differences(form);
      if (!found.length) return;
      event.preventDefault();
      pending = submitter;
      list.textContent = "";
      found.forEach(function (item) {
        var li = document.createElement("li");
        li.textContent = template.content.textContent
          .replace("__line__", item.line)
          .replace("__confirmed__", number.format(item.confirmed))
          .replace("__ordered__", number.format(item.ordered))
          .trim();
        list.appendChild(li);
      });
      dialog.showModal();
    });
    dialog.querySelector("[data-send-anyway]").addEventListener("click", function (event) {
      event.preventDefault();
      if (flag) flag.value = "1";
      dialog.close();
      if (pending && typeof form.requestSubmit === "function") form.requestSubmit(pending);
      else form.submit();
    });
    dialog.querySelectorAll("[data-dialog-close]").forEach(function (close) {
      close.addEventListener("click", function (event) {
        event.preventDefault();
        dialog.close();
      });
    });
  }

  function wire(root) {
    wireDialogs(root);
    wireSelectAll(root);
    wireAskOnce(root);
  }

  document.addEventListener("DOMContentLoaded", function () { wire(document); });
  document.addEventListener("htmx:load", function (event) { wire(event.target || document); });
})();
