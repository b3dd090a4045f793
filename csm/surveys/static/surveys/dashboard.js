/* Satisfaction dashboard: draws each chart with plotly.min.js (served from the plotly package).
   Each [data-chart] element names the <script type="application/json"> holding its figure; the
   tables have the same numbers, so the page works without this file. */
(function () {
  "use strict";

  var config = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ["lasso2d", "select2d"] };

  function draw() {
    if (!window.Plotly) { return; }
    var charts = Array.prototype.filter.call(document.querySelectorAll("[data-chart]"), function (element) {
      return document.getElementById(element.getAttribute("data-chart"));
    });
    // Show every chart's box before drawing any: plotly sizes a chart to its box, and a grid of
    // charts only takes its final shape once all of them are visible.
    charts.forEach(function (element) { element.hidden = false; });
    window.requestAnimationFrame(function () {
      charts.forEach(function (element) {
        var figure = JSON.parse(document.getElementById(element.getAttribute("data-chart")).textContent);
        window.Plotly.newPlot(element, figure.data, figure.layout, config);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
