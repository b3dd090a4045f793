// The builder, enhanced. The page works without this file: each button then reloads the page at
// the part it edited. With it:
// - after htmx redraws the form, the part just edited comes into view with the keyboard in it;
// - a link to a question (the check's list of problems) opens the question's fields;
// - a display condition shows its operator and value only when it names a question, and the
//   value only when the operator needs one.
(function () {
  "use strict";

  function reveal(target) {
    var fields = target.querySelector("details.q-fields");
    if (fields) { fields.open = true; }
    document.querySelectorAll(".builder-question.is-focused").forEach(function (el) { el.classList.remove("is-focused"); });
    if (target.classList.contains("builder-question")) { target.classList.add("is-focused"); }
    target.scrollIntoView({block: "center"});
    var field = target.matches("[tabindex]") ? target
      : target.querySelector(".q-fields textarea") || target.querySelector("input[type=text]:not([readonly]), select");
    if (field) { field.focus({preventScroll: true}); }
  }

  function syncCondition(row) {
    var selects = row.querySelectorAll("select");
    var value = row.querySelector("input[type=text]");
    if (selects.length < 2 || !value) { return; }
    var always = selects[0].value === "";
    selects[1].closest("label").hidden = always;
    value.closest("label").hidden = always || selects[1].value === "answered";
  }

  function setup(area) {
    area.querySelectorAll(".condition").forEach(function (row) {
      syncCondition(row);
      row.addEventListener("change", function () { syncCondition(row); });
    });
    var id = area.getAttribute("data-focus");
    var target = id ? document.getElementById(id) : null;
    if (target) { reveal(target); }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
    var target = link ? document.getElementById(link.getAttribute("href").slice(1)) : null;
    if (target && target.closest("#builder-area")) {
      event.preventDefault();
      reveal(target);
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    var area = document.getElementById("builder-area");
    if (area) { setup(area); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var area = document.getElementById("builder-area");
    if (!area) { return; }
    setup(area);
    var hashed = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
    if (hashed) { reveal(hashed); }
  });
}());
