// Check runs: duration chart on the runs list, live progress on a running run's page, trend charts.
(function () {
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  // The charts' colours are app.css's palette (:root custom properties), the same as the rest of the UI.
  function palette(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  var runs = data('runs-data');
  var labels = data('runs-labels');
  var canvas = document.getElementById('runs-chart');
  if (runs && canvas && window.Chart) {
    new window.Chart(canvas, {
      type: 'line',
      data: {
        labels: runs.map(function (r) {
          return '#' + r.id;
        }),
        datasets: [
          {
            label: labels.seconds,
            data: runs.map(function (r) {
              return r.seconds;
            }),
            borderColor: palette('--chart-primary'),
            yAxisID: 'y',
          },
          {
            label: labels.failed,
            data: runs.map(function (r) {
              return r.failed;
            }),
            borderColor: palette('--chart-bad'),
            yAxisID: 'y1',
          },
        ],
      },
      options: {
        maintainAspectRatio: false,
        scales: {
          // Each axis titled by its line's own label: two unlabelled scales side by side read as one. Seconds keep
          // their fractions (a demo run takes 0.479 s: milliseconds under a second, as the table); failed checks are whole numbers, so whole ticks (a run with 1
          // failure read 0.2, 0.4, …).
          y: { beginAtZero: true, position: 'left', title: { display: true, text: labels.seconds } },
          y1: {
            beginAtZero: true,
            position: 'right',
            grid: { drawOnChartArea: false },
            ticks: { precision: 0 },
            title: { display: true, text: labels.failed },
          },
        },
      },
    });
  }

  var progress = document.getElementById('run-progress');
  if (progress) {
    var id = progress.getAttribute('data-run');
    var shownDone = Number(document.getElementById('run-progress-bar').getAttribute('value') || 0);
    // The tables finished so far and their failed checks, as the page renders them: without this the bar counted
    // 7 / 8 while the list below still said no table had been checked, until the run ended.
    var refreshResults = function () {
      fetch(window.location.pathname, { headers: { Accept: 'text/html' } })
        .then(function (r) {
          if (!r.ok) throw new Error('HTTP ' + r.status);
          return r.text();
        })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('run-results');
          var shown = document.getElementById('run-results');
          if (!fresh || !shown) return;
          shown.innerHTML = fresh.innerHTML;
          if (window.cardsNarrow) window.cardsNarrow(shown);
        })
        .catch(function () {
          shownDone = -1; // the next answer refreshes again
        });
    };
    var poll = function () {
      fetch('/runs/' + id + '/progress', { headers: { Accept: 'application/json' } })
        .then(function (r) {
          // Signed out meanwhile (the session ended) or no longer allowed: the page itself says so (the sign-in
          // page, then back here) instead of asking again every few seconds for as long as the tab is open.
          if (r.status >= 400 && r.status < 500) {
            window.location.reload();
            throw new Error('stopped');
          }
          if (!r.ok) throw new Error('HTTP ' + r.status);
          return r.json();
        })
        .then(function (run) {
          var bar = document.getElementById('run-progress-bar');
          var text = document.getElementById('run-progress-text');
          if (!run.tables_total) {
            // Still reading the catalog: no count yet (0 / 0 read as a run with nothing to do).
            bar.removeAttribute('value');
            text.textContent = text.getAttribute('data-preparing') || '…';
          } else {
            bar.max = run.tables_total;
            bar.value = run.tables_done;
            // The page's own sentence (已完成 3 / 8 张表), from the template it carries, not bare numbers.
            var template = text.getAttribute('data-template') || '{done} / {total}';
            text.textContent = template.replace('{done}', run.tables_done).replace('{total}', run.tables_total);
          }
          if (run.status === 'running' && run.tables_done !== shownDone) {
            shownDone = run.tables_done;
            refreshResults();
          }
          if (run.status === 'running') setTimeout(poll, 1500);
          else window.location.reload();
        })
        .catch(function (err) {
          if (err && err.message === 'stopped') return;
          setTimeout(poll, 5000); // the server or the network, for a moment: ask again
        });
    };
    setTimeout(poll, 1000);
  }

  // <canvas data-trend="/checks/trend?table=…&check=…&field=…" data-label="…">: one check's violations over time.
  // With data-table-show and data-table-time (the page's words: this script has no translations), the chart's figures
  // follow it as a table in a closed <details>, as the scorecards' trends have (views/partials/trend-table.hbs): a
  // canvas alone gave its numbers to no keyboard or screen reader.
  // One inside a closed <details> (the table page's other checks) is fetched and drawn when that is opened.
  Array.prototype.forEach.call(document.querySelectorAll('canvas[data-trend]'), function (el) {
    var folded = el.closest('details');
    if (folded && !folded.open) {
      folded.addEventListener('toggle', function draw() {
        if (!folded.open) return;
        folded.removeEventListener('toggle', draw);
        trend(el);
      });
    } else trend(el);
  });

  function trend(el) {
    if (!window.Chart) return;
    fetch(el.getAttribute('data-trend'), { headers: { Accept: 'application/json' } })
      .then(function (r) {
        return r.json();
      })
      .then(function (points) {
        var lang = document.documentElement.lang || undefined;
        // A whole-table verdict (freshness, a custom rule) plots 1 for failed, 0 for passed: its axis and its tooltip
        // say 未通过 / 通过 (data-failed, data-passed: the page's words) rather than bare 1 and 0. A count of problem
        // records reads as the results table beside it, of how many rows (11 / 1,783).
        var failedWord = el.getAttribute('data-failed');
        var passedWord = el.getAttribute('data-passed');
        var verdict = failedWord && passedWord;
        var colour = palette('--chart-bad');
        new window.Chart(el, {
          type: 'line',
          data: {
            labels: points.map(function (p) {
              return p.label;
            }),
            datasets: [
              {
                label: el.getAttribute('data-label') || '',
                data: points.map(function (p) {
                  return p.violations;
                }),
                borderColor: colour,
                backgroundColor: colour,
                pointRadius: 3,
                fill: false,
              },
            ],
          },
          options: {
            maintainAspectRatio: false,
            // A tap anywhere over the chart shows the nearest run's figure: a phone's finger seldom lands on a
            // 3 px point, which the tooltip needed.
            interaction: { mode: 'index', intersect: false },
            scales: {
              // One run so far: its point in the middle, not on the y axis where the axis line hid half of it.
              x: { offset: points.length < 2 },
              // Bad records are counted: whole ticks (0, 1, 2, 3), not 1.0, 1.2, 1.4 when the counts are small.
              y: verdict
                ? {
                    min: 0,
                    max: 1,
                    ticks: {
                      stepSize: 1,
                      callback: function (v) {
                        return v === 1 ? failedWord : v === 0 ? passedWord : '';
                      },
                    },
                  }
                : { beginAtZero: true, ticks: { precision: 0 } },
            },
            plugins: {
              tooltip: {
                callbacks: {
                  label: function (item) {
                    var p = points[item.dataIndex];
                    if (verdict) return p.passed ? passedWord : failedWord;
                    var shown = Number(p.violations).toLocaleString(lang);
                    if (p.checked != null) shown += ' / ' + Number(p.checked).toLocaleString(lang);
                    return (item.dataset.label ? item.dataset.label + ': ' : '') + shown;
                  },
                },
              },
            },
          },
        });
        figures(el, points);
      });
  }

  // The points as a table, newest first (a trend is read from its latest runs), after the chart's box. Built with
  // textContent only: a label or the page's words never become markup.
  function figures(el, points) {
    var show = el.getAttribute('data-table-show');
    var time = el.getAttribute('data-table-time');
    if (!show || !time) return;
    var lang = document.documentElement.lang || undefined;
    var cell = function (tag, text, numeric) {
      var c = document.createElement(tag);
      c.textContent = text;
      if (numeric) c.className = 'num';
      return c;
    };
    var details = document.createElement('details');
    details.className = 'trend-table';
    details.appendChild(cell('summary', show));
    var scroll = document.createElement('div');
    scroll.className = 'trend-table-scroll';
    var table = document.createElement('table');
    table.className = 'table';
    var head = document.createElement('tr');
    head.appendChild(cell('th', time));
    head.appendChild(cell('th', el.getAttribute('data-label') || '', true));
    table.appendChild(document.createElement('thead')).appendChild(head);
    var body = table.appendChild(document.createElement('tbody'));
    points
      .slice()
      .reverse()
      .forEach(function (p) {
        var row = body.appendChild(document.createElement('tr'));
        row.appendChild(cell('td', p.label));
        // A whole-table verdict in words, as its axis (未通过 / 通过), not 1 and 0.
        var failedWord = el.getAttribute('data-failed');
        var passedWord = el.getAttribute('data-passed');
        var shown = failedWord && passedWord ? (p.passed ? passedWord : failedWord) : Number(p.violations).toLocaleString(lang);
        row.appendChild(cell('td', shown, !(failedWord && passedWord)));
      });
    scroll.appendChild(table);
    details.appendChild(scroll);
    var box = el.parentNode && el.parentNode.classList.contains('chart-box') ? el.parentNode : el;
    box.parentNode.insertBefore(details, box.nextSibling);
  }
})();
