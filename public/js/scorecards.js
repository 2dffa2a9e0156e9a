// Scorecards: the dashboard's score trend (mean and the lowest departments), the departments' period
// scores as bars (dashboard and closed period), and a department's trend.
(function () {
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  // The heat map's newest days are its right-hand columns: where it scrolls sideways (a phone), it opens on them — the
  // table names stay in view (sticky) — not on the oldest, often grey, days.
  document.querySelectorAll('.sc-heat').forEach(function (heat) {
    heat.scrollLeft = heat.scrollWidth;
  });
  // The charts' colours are app.css's palette (:root custom properties), the same as the rest of the UI: the
  // score in the primary, the departments and components each in one of the series colours.
  function palette(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }
  var PRIMARY = palette('--chart-primary');
  var COLORS = [1, 2, 3, 4, 5, 6, 7].map(function (i) {
    return palette('--chart-' + i);
  });
  // Lines are drawn without point markers; a series with a single value (the day after the first
  // snapshot, a department scored on one day) has no line, so its value is drawn as a dot.
  function pointRadius(values) {
    var known = values.filter(function (v) {
      return v !== null && v !== undefined;
    });
    return known.length === 1 ? 4 : 0;
  }
  // A label shortened to `room` pixels in `font`, its beginning kept and … at the end: a department's
  // full name (人事处（党委教师工作部、人才工作办公室）) is wider than a phone's chart, and chart.js
  // cuts it at the canvas's edge, so the beginning that tells departments apart was lost.
  function fitText(chart, font, text, room) {
    var ctx = chart.ctx;
    var chars = Array.from(String(text));
    ctx.save();
    ctx.font = window.Chart.helpers.toFont(font).string;
    var fits = ctx.measureText(chars.join('')).width <= room;
    while (!fits && chars.length > 1 && ctx.measureText(chars.join('') + '…').width > room) chars.pop();
    ctx.restore();
    return fits ? String(text) : chars.join('') + '…';
  }
  // The legend's entries each within the chart's width (a box, its gap and padding beside the text);
  // the tooltips keep the datasets' full names.
  var legendLabels = {
    generateLabels: function (chart) {
      var font = chart.options.plugins.legend.labels.font;
      return window.Chart.defaults.plugins.legend.labels.generateLabels(chart).map(function (item) {
        item.text = fitText(chart, font, item.text, Math.max(60, chart.width - 80));
        return item;
      });
    },
  };
  // A tooltip says each figure as the pages and the table under the chart do: a score with its two decimals (87.40,
  // not 87.4), a component in percent with one (100.0%, not 100 beside a score of 94.63). A dataset's `percent` says
  // which it is, its `name` how the tooltip names it (the legend's "(%)" is the value's unit there).
  function tooltipLabel(item) {
    var dataset = item.dataset;
    var value = item.parsed[item.chart.options.indexAxis === 'y' ? 'x' : 'y'];
    var text = value === null || value === undefined ? '—' : dataset.percent ? value.toFixed(1) + '%' : value.toFixed(2);
    return (dataset.name || dataset.label) + ': ' + text;
  }
  var tooltip = { callbacks: { label: tooltipLabel } };
  // A single day stands in the middle of the x axis rather than on the y axis. The y axis ends at 100 and starts
  // where the lines in sight need it (chart.js fits it to the shown series, again when a legend entry is chosen):
  // on 0–100, scores of 99.6 and 99.9 were one line. Pointing at a day lists every line's value on it, not the
  // one line under the pointer. The figures are also in the table under the chart (partials/trend-table.hbs).
  // Days of one year are written on the axis as MM-DD (the period above the chart gives the year; pointing at a day
  // shows it whole): ten-character dates stood rotated on a phone, taking a third of the chart's height.
  function lineOptions(labels) {
    var oneYear = labels.every(function (label) {
      return String(label).slice(0, 4) === String(labels[0]).slice(0, 4);
    });
    var dayTicks = {
      callback: function (value) {
        var label = String(this.getLabelForValue(value));
        return oneYear && /^\d{4}-\d{2}-\d{2}$/.test(label) ? label.slice(5) : label;
      },
    };
    return {
      maintainAspectRatio: false,
      animation: false,
      spanGaps: true,
      scales: { x: { offset: labels.length === 1, ticks: dayTicks }, y: { max: 100 } },
      interaction: { mode: 'index', intersect: false },
      elements: { point: { radius: 0 } },
      plugins: { legend: { labels: legendLabels }, tooltip: tooltip },
    };
  }

  var dashboard = data('sc-trend-data');
  var canvas = document.getElementById('sc-trend');
  if (dashboard && canvas && window.Chart) {
    var sets = [
      {
        label: dashboard.meanLabel,
        data: dashboard.mean,
        borderColor: PRIMARY,
        backgroundColor: PRIMARY,
        borderWidth: 3,
        pointRadius: pointRadius(dashboard.mean),
      },
    ];
    dashboard.series.forEach(function (s, i) {
      var color = COLORS[i % COLORS.length];
      sets.push({
        label: s.name,
        data: s.scores,
        borderColor: color,
        backgroundColor: color,
        borderWidth: 1.5,
        pointRadius: pointRadius(s.scores),
      });
    });
    new window.Chart(canvas, {
      type: 'line',
      data: { labels: dashboard.labels, datasets: sets },
      options: lineOptions(dashboard.labels),
    });
  }

  // Departments' period scores as horizontal bars (the table below holds the same figures);
  // the components are in the legend, hidden until chosen.
  var bars = data('sc-ranking-data');
  var barCanvas = document.getElementById('sc-ranking-bars');
  if (bars && barCanvas && window.Chart) {
    var box = barCanvas.parentNode;
    box.style.height = Math.max(160, bars.labels.length * 30 + 80) + 'px';
    var barSets = [{ label: bars.scoreLabel, data: bars.score, backgroundColor: PRIMARY }];
    bars.components.forEach(function (c, i) {
      barSets.push({
        label: c.label,
        name: c.name,
        percent: true,
        data: c.values,
        backgroundColor: COLORS[i % COLORS.length],
        hidden: true,
      });
    });
    var barChart = new window.Chart(barCanvas, {
      type: 'bar',
      data: { labels: bars.labels, datasets: barSets },
      options: {
        indexAxis: 'y',
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { min: 0, max: 100 },
          // Department names take at most 40 % of the width (the tooltip names the department in full).
          y: {
            ticks: {
              callback: function (value) {
                return fitText(this.chart, this.options.ticks.font, this.getLabelForValue(value), this.chart.width * 0.4);
              },
            },
          },
        },
        plugins: { legend: { labels: legendLabels }, tooltip: tooltip },
      },
    });
    // On a narrow screen the legend wraps onto several lines: the box grows by them, so that the bars
    // keep about 30 px each below it.
    var needed = bars.labels.length * 30 + barChart.legend.height + 60;
    if (needed > box.clientHeight) {
      box.style.height = needed + 'px';
      barChart.resize();
    }
  }

  var card = data('sc-card-data');
  var cardCanvas = document.getElementById('sc-card-trend');
  if (card && cardCanvas && window.Chart) {
    var datasets = [
      {
        label: card.scoreLabel,
        data: card.score,
        borderColor: PRIMARY,
        backgroundColor: PRIMARY,
        borderWidth: 3,
        pointRadius: pointRadius(card.score),
      },
    ];
    Object.keys(card.components).forEach(function (key, i) {
      if (
        card.components[key].every(function (v) {
          return v === null;
        })
      )
        return;
      datasets.push({
        // In percent, as the dashboard's bars say in their legend: the score beside them is no percentage.
        label: card.componentLabels[key] + ' (%)',
        name: card.componentLabels[key],
        percent: true,
        data: card.components[key],
        borderColor: COLORS[i % COLORS.length],
        backgroundColor: COLORS[i % COLORS.length],
        borderWidth: 1,
        pointRadius: pointRadius(card.components[key]),
        hidden: true,
      });
    });
    new window.Chart(cardCanvas, {
      type: 'line',
      data: { labels: card.labels, datasets: datasets },
      options: lineOptions(card.labels),
    });
  }
})();
