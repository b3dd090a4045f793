/* Complaint analytics: draws each chart with plotly.min.js (served from the plotly package).
   Each [data-chart] element names the <script type="application/json"> holding its figure; the
   table under each chart has the same numbers, so the page works without this file. */
(function () {
  "use strict";

  function draw() {
    if (!window.Plotly) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-chart"));
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      element.hidden = false;
      window.Plotly.newPlot(element, figure.data, figure.layout, { responsive: true, displaylogo: false });
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
