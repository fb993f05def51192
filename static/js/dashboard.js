// The structure-target dashboard: trend charts (Chart.js from static/vendor) and progress bars.
// No inline script or style (the Content-Security-Policy forbids both): the data comes from data-*
// attributes, and sizes are set through element.style (the CSS object model), which the policy allows.
(function () {
  "use strict";

  var INK = "#1d3557";
  var GOAL = "#b22222";

  function setProgress(root) {
    root.querySelectorAll("[data-progress]").forEach(function (bar) {
      var value = Math.max(0, Math.min(100, Number(bar.getAttribute("data-progress")) || 0));
      bar.style.width = value + "%";
    });
  }

  function format(value, unit) {
    if (value === null || value === undefined) return "暂无数据";
    return unit === "%" ? value.toFixed(1) + "%" : value + " 人";
  }

  function draw(canvas) {
    if (!window.Chart || window.Chart.getChart(canvas)) return;
    var data;
    try {
      data = JSON.parse(canvas.getAttribute("data-chart"));
    } catch (error) {
      return;
    }
    var large = canvas.getAttribute("data-chart-size") === "large";
    var single = data.values.length === 1;
    var datasets = [{
      label: data.unit === "%" ? "比例" : "人数",
      data: data.values,
      borderColor: INK,
      backgroundColor: INK,
      borderWidth: large ? 2 : 1.5,
      pointRadius: large || single ? 2.5 : 0,
      pointHoverRadius: 4,
      spanGaps: true,
      tension: 0
    }];
    if (data.goal !== null && data.goal !== undefined) {
      datasets.push({
        label: "目标",
        data: data.labels.map(function () { return data.goal; }),
        borderColor: GOAL,
        borderDash: [5, 4],
        borderWidth: 1,
        pointRadius: 0,
        pointHoverRadius: 0,
        fill: false
      });
    }
    new window.Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        layout: { padding: large ? 4 : { top: 4, bottom: 2, left: 2, right: 2 } },
        plugins: {
          legend: { display: large, position: "bottom", labels: { boxWidth: 18, boxHeight: 2 } },
          tooltip: {
            callbacks: {
              label: function (item) {
                return item.dataset.label + "：" + format(item.raw, data.unit);
              }
            }
          }
        },
        scales: {
          x: { display: large, ticks: { maxTicksLimit: 8, maxRotation: 0 }, grid: { display: false } },
          y: {
            display: large,
            grace: "10%",
            ticks: {
              maxTicksLimit: 6,
              callback: function (value) { return data.unit === "%" ? value + "%" : value; }
            }
          }
        }
      }
    });
  }

  function init(root) {
    setProgress(root);
    root.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    var modal = document.getElementById("trend-modal");
    if (modal) {
      // A fresh "loading" body each time, so the previous target's chart never flashes up.
      modal.addEventListener("hidden.bs.modal", function () {
        var content = document.getElementById("trend-modal-content");
        content.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
          var chart = window.Chart && window.Chart.getChart(canvas);
          if (chart) chart.destroy();
        });
        content.innerHTML = '<div class="modal-body text-muted small">正在加载…</div>';
      });
    }
  });

  // The trend modal's body arrives through htmx: draw its chart once it is in place.
  document.addEventListener("htmx:afterSettle", function (event) {
    init(event.detail.elt || document);
  });
})();
