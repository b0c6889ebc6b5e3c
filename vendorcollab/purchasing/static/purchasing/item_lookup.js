// The item field of the PO form as a combobox: typing two characters or more asks the server (through htmx) for up
// to twenty items of the vendor's company; arrow keys, Enter and a click choose one, Escape closes the list.
// Without this script the field is what the server renders: a plain text input for the item number.
(function () {
  "use strict";

  var MIN_LENGTH = 2;
  var DELAY_MS = 200;

  function vendorId(form) {
    // The vendor of a PO being edited cannot change, so its select is disabled; its value still says which it is.
    var select = form.querySelector("[name='po-vendor']");
    return select ? select.value : "";
  }

  function options(list) {
    return Array.prototype.slice.call(list.querySelectorAll("[role='option']:not([aria-disabled='true'])"));
  }

  function close(input, list) {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function activate(input, list, index) {
    var all = options(list);
    all.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
      option.classList.toggle("is-active", i === index);
    });
    if (index >= 0 && all[index]) {
      input.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function choose(input, list, option) {
    input.value = option.getAttribute("data-number");
    close(input, list);
    input.dispatchEvent(new Event("change", { bubbles: true }));
    input.focus();
  }

  function setUp(form, input, index) {
    if (input.getAttribute("role") === "combobox") return;
    var list = document.createElement("ul");
    list.id = input.id + "-options";
    list.className = "item-lookup-options";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.getAttribute("data-options-label") || "");
    list.hidden = true;
    input.insertAdjacentElement("afterend", list);
    input.parentElement.classList.add("item-lookup");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");

    var timer = null;
    var asked = 0;
    var active = -1;

    function lookUp() {
      var term = input.value.trim();
      if (term.length < MIN_LENGTH) {
        close(input, list);
        return;
      }
      var url = input.getAttribute("data-item-lookup") +
        "?vendor=" + encodeURIComponent(vendorId(form)) + "&q=" + encodeURIComponent(term);
      var mine = ++asked;
      fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          if (mine !== asked || !html) return; // a later keystroke asked again: its answer wins
          // htmx swaps the fragment in (and processes it), as it would for an hx-get.
          window.htmx.swap(list, html, { swapStyle: "innerHTML" });
          list.querySelectorAll("[role='option']").forEach(function (option, i) {
            option.id = list.id + "-" + i;
          });
          active = -1;
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookUp, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      var all = options(list);
      if (list.hidden || !all.length) {
        if (event.key === "ArrowDown" && input.value.trim().length >= MIN_LENGTH) lookUp();
        return;
      }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active = event.key === "ArrowDown" ? Math.min(active + 1, all.length - 1) : Math.max(active - 1, 0);
        activate(input, list, active);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault(); // choosing is not submitting the form
        choose(input, list, all[active]);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close(input, list);
      }
    });
    input.addEventListener("blur", function () {
      // Later than the option's mousedown, which chooses.
      window.setTimeout(function () { close(input, list); }, 150);
    });
    list.addEventListener("mousedown", function (event) {
      var option = event.target.closest("[role='option']:not([aria-disabled='true'])");
      if (option) {
        event.preventDefault();
        choose(input, list, option);
      }
    });
  }

  function init() {
    var form = document.getElementById("po-form");
    if (!form || !window.htmx || !window.fetch) return;
    form.querySelectorAll("input[data-item-lookup]").forEach(function (input, index) {
      setUp(form, input, index);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
