// Lists read on a phone (tickets, my reports, triage, sharing requests, structure changes, check runs, a run's
// tables and failed checks, a catalog table's fields and latest check results, a department's scorecard, the closed assessment periods, the accounts and the audit log) opt in with table.cards-narrow: at a phone's
// width app.css shows each row as a card and each cell on a line of its own after its column's header. Progressive enhancement: without JavaScript the table scrolls in its box as any other.
(function () {
  // Also window.cardsNarrow(root): for lists a page puts in place later (a running run's tables, as they finish).
  function cardsNarrow(root) {
    Array.prototype.forEach.call(root.querySelectorAll('table.cards-narrow'), card);
  }
  window.cardsNarrow = cardsNarrow;
  cardsNarrow(document);

  function card(table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head) return;
    // A cell's label is its column header's own text, so the two cannot differ; a header's data-cell-label says
    // otherwise ("" for none: an id, a column of actions).
    var labels = [];
    Array.prototype.forEach.call(head.cells, function (th) {
      var label = th.hasAttribute('data-cell-label')
        ? th.getAttribute('data-cell-label')
        : th.textContent.replace(/\s+/g, ' ').trim();
      for (var i = 0; i < th.colSpan; i++) labels.push(th.colSpan === 1 ? label : '');
    });
    // display:block takes table semantics away in some browsers (WebKit): the table, its row groups, rows, headers
    // and cells say what they are, and app.css turns a table into cards only once they do (table[role=table]).
    Array.prototype.forEach.call(table.children, function (group) {
      if (/^T(HEAD|BODY|FOOT)$/.test(group.tagName)) group.setAttribute('role', 'rowgroup');
    });
    Array.prototype.forEach.call(table.rows, function (row) {
      row.setAttribute('role', 'row');
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        if (cell.tagName === 'TH') {
          cell.setAttribute('role', row.parentNode === table.tHead ? 'columnheader' : 'rowheader');
        } else {
          cell.setAttribute('role', 'cell');
          var label = cell.colSpan === 1 ? labels[column] : '';
          if (label) cell.setAttribute('data-label', label);
          // Only white space (no action for this reader): empty, so that the card gives it no line (td:empty).
          if (!cell.children.length && !cell.textContent.trim()) cell.textContent = '';
        }
        column += cell.colSpan;
      });
    });
    table.setAttribute('role', 'table');
  }
})();
