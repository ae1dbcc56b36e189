// Campaign page: one horizontal bar chart per pool, used slots stacked with the ones left, from
// the JSON the page carries (the table above each chart holds the same numbers).
(function () {
  "use strict";
  var data = document.getElementById("quota-data");
  if (!data || typeof window.Chart === "undefined") return;
  JSON.parse(data.textContent).forEach(function (pool) {
    var canvas = document.querySelector('canvas[data-quota-chart="' + pool.pool_id + '"]');
    if (!canvas) return;
    var left = pool.limit.map(function (limit, i) {
      return limit === null ? null : Math.max(limit - pool.used[i], 0);
    });
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: pool.labels,
        datasets: [
          { label: "Đã dùng", data: pool.used, backgroundColor: "#1f5fa8" },
          { label: "Còn lại", data: left, backgroundColor: "#cfd8e3" }
        ]
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
          // Long category names are cut on the axis; the tooltip and the table keep them whole.
          y: {
            stacked: true,
            ticks: {
              callback: function (value) {
                var label = pool.labels[value];
                return label.length > 28 ? label.slice(0, 27) + "…" : label;
              }
            }
          }
        },
        plugins: {
          tooltip: {
            callbacks: {
              footer: function (items) {
                var limit = pool.limit[items[0].dataIndex];
                return limit === null ? "Không giới hạn" : "Chỉ tiêu: " + limit;
              }
            }
          }
        }
      }
    });
  });
})();
