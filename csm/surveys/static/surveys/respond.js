// Display conditions on the respondent's page: a question with data-condition is shown only while
// the earlier answer it names meets it; while hidden, its inputs are disabled, so they are not sent
// (the server refuses answers to hidden questions). A kiosk goes back to its start after two idle
// minutes, so a half-filled form is not left for the next person.
(function () {
  "use strict";
  function valueOf(form, name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    if (checked) { return checked.value; }
    var field = form.querySelector('[name="' + name + '"]:not([type=radio]):not([type=checkbox])');
    if (field && field.value.trim() !== "") { return field.value.trim(); }
    var any = form.querySelector('input[name^="' + name + '."]:checked, input[name^="' + name + ':"]:checked');
    return any ? any.value : null;
  }
  function holds(condition, value) {
    if (condition.op === "answered") { return value !== null; }
    if (value === null) { return false; }
    var number = Number(value), wanted = condition.value;
    var actual = isNaN(number) || value === "" ? value : number;
    switch (condition.op) {
      case "eq": return actual === wanted;
      case "ne": return actual !== wanted;
      case "lte": return !isNaN(number) && number <= wanted;
      case "gte": return !isNaN(number) && number >= wanted;
      case "in": return wanted.indexOf(actual) !== -1;
    }
    return true;
  }
  function refresh(form) {
    form.querySelectorAll("[data-condition]").forEach(function (block) {
      var condition = JSON.parse(block.getAttribute("data-condition"));
      var known = form.querySelector('[name="' + condition.question + '"], [name^="' + condition.question + '."]');
      if (!known) { return; }  // the condition's question is on an earlier page: the server decided
      var shown = holds(condition, valueOf(form, condition.question));
      block.hidden = !shown;
      block.querySelectorAll("input, textarea, select").forEach(function (input) { input.disabled = !shown; });
    });
    form.querySelectorAll("[data-contact-for]").forEach(function (fields) {
      var yes = valueOf(form, fields.getAttribute("data-contact-for")) === "1";
      fields.hidden = !yes;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector(".respond-form");
    if (!form) { return; }
    form.addEventListener("change", function () { refresh(form); });
    form.addEventListener("input", function () { refresh(form); });
    refresh(form);
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
    if (form.getAttribute("data-kiosk") === "1") {
      var idle;
      var restart = function () { window.location = window.location.pathname; };
      var touch = function () { clearTimeout(idle); idle = setTimeout(restart, 120000); };
      ["click", "keydown", "touchstart"].forEach(function (e) { document.addEventListener(e, touch); });
      touch();
    }
  });
}());
