/* CSM: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function setupNavToggle() {
    var button = document.querySelector(".nav-toggle");
    var nav = document.getElementById("app-nav");
    if (!button || !nav) { return; }
    nav.classList.add("is-collapsed");
    button.setAttribute("aria-expanded", "false");
    button.addEventListener("click", function () {
      var collapsed = nav.classList.toggle("is-collapsed");
      button.setAttribute("aria-expanded", collapsed ? "false" : "true");
    });
  }

  function closeMenus(except) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (menu !== except) { menu.removeAttribute("open"); }
    });
  }

  function setupMenus() {
    document.addEventListener("click", function (event) {
      closeMenus(event.target.closest ? event.target.closest("details.menu") : null);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      var open = document.querySelector("details.menu[open]");
      if (open) {
        open.removeAttribute("open");
        open.querySelector("summary").focus();
      }
    });
  }

  function setupCopyButtons() {
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      button.addEventListener("click", function () {
        var target = document.querySelector(button.getAttribute("data-copy-target"));
        if (!target || !navigator.clipboard) { return; }
        navigator.clipboard.writeText(target.textContent.trim()).then(function () {
          var status = document.getElementById(button.getAttribute("aria-describedby") || "");
          if (status) { status.textContent = button.getAttribute("data-copied-label") || "Copied"; }
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupNavToggle();
    setupMenus();
    setupCopyButtons();
  });
})();
