// Scorecards: the dashboard's score trend (mean and the lowest departments), the departments' period
// scores as bars (dashboard and closed period), and a department's trend.
(function () {
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  var COLORS = ['#c62828', '#ef6c00', '#6a1b9a', '#00838f', '#558b2f', '#4e342e', '#ad1457'];
  // Lines are drawn without point markers; a series with a single value (the day after the first
  // snapshot, a department scored on one day) has no line, so its value is drawn as a dot.
  function pointRadius(values) {
    var known = values.filter(function (v) {
      return v !== null && v !== undefined;
    });
    return known.length === 1 ? 4 : 0;
  }
  // A single day stands in the middle of the x axis rather than on the y axis.
  function lineOptions(labels) {
    return {
      maintainAspectRatio: false,
      animation: false,
      spanGaps: true,
      scales: { x: { offset: labels.length === 1 }, y: { min: 0, max: 100 } },
      elements: { point: { radius: 0 } },
    };
  }

  var dashboard = data('sc-trend-data');
  var canvas = document.getElementById('sc-trend');
  if (dashboard && canvas && window.Chart) {
    var sets = [
      {
        label: dashboard.meanLabel,
        data: dashboard.mean,
        borderColor: '#1f4e8c',
        backgroundColor: '#1f4e8c',
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
    barCanvas.parentNode.style.height = Math.max(160, bars.labels.length * 30 + 80) + 'px';
    var barSets = [{ label: bars.scoreLabel, data: bars.score, backgroundColor: '#1f4e8c' }];
    bars.components.forEach(function (c, i) {
      barSets.push({ label: c.label, data: c.values, backgroundColor: COLORS[i % COLORS.length], hidden: true });
    });
    new window.Chart(barCanvas, {
      type: 'bar',
      data: { labels: bars.labels, datasets: barSets },
      options: { indexAxis: 'y', maintainAspectRatio: false, animation: false, scales: { x: { min: 0, max: 100 } } },
    });
  }

  var card = data('sc-card-data');
  var cardCanvas = document.getElementById('sc-card-trend');
  if (card && cardCanvas && window.Chart) {
    var datasets = [
      {
        label: card.scoreLabel,
        data: card.score,
        borderColor: '#1f4e8c',
        backgroundColor: '#1f4e8c',
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
        label: card.componentLabels[key],
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
