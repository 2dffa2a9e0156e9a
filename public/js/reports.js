// The report form (views/pages/reports/new.hbs): a searchable table list, and the field select and
// key inputs filled for the chosen table. Without JavaScript the "选择" button re-renders the form.
(function () {
  'use strict';
  var form = document.querySelector('[data-report-form]');
  if (!form) return;
  var data = document.getElementById('report-tables');
  var tables = data ? JSON.parse(data.textContent || '[]') : [];
  var tableSelect = form.querySelector('[data-report-table]');
  var fieldSelect = form.querySelector('[data-report-field]');
  var keys = form.querySelector('[data-report-keys]');
  var filter = form.querySelector('[data-table-filter]');

  form.querySelectorAll('.js-only').forEach(function (el) {
    el.hidden = false;
  });
  // After a look-up the page comes back with its answer mid-page: focus goes there (a keyboard or screen-reader user
  // started at the top and was not told). A form with mistakes focuses their summary instead (app.js).
  var lookup = document.getElementById('report-lookup');
  if (lookup && !document.querySelector('.error-summary')) {
    lookup.setAttribute('tabindex', '-1');
    lookup.focus();
  }

  // Removed, not hidden: a hidden "选择" button was still the form's first submit button, so Enter in any one-line box
  // pressed it and the form came back as it was, without a word. Now Enter runs the look-up (the next one).
  form.querySelectorAll('.no-js-only').forEach(function (el) {
    el.remove();
  });

  // Enter in a one-line box presses the button below it: in a key or the value seen, the look-up; in the suggested
  // value, below the look-up, 提交报告. The browser presses the form's first button, the look-up, from every box, so
  // Enter in the last box looked the record up again instead of sending the report. Not while an input method is
  // composing (its Enter picks the characters).
  form.addEventListener('keydown', function (event) {
    var box = event.target;
    if (event.key !== 'Enter' || event.isComposing || box.tagName !== 'INPUT' || box === filter) return;
    if (box.type === 'file' || box.type === 'checkbox' || box.type === 'radio') return;
    var buttons = form.querySelectorAll('button[type="submit"]');
    for (var i = 0; i < buttons.length; i++) {
      if (box.compareDocumentPosition(buttons[i]) & Node.DOCUMENT_POSITION_FOLLOWING) {
        event.preventDefault();
        buttons[i].click();
        return;
      }
    }
  });

  function tableNamed(name) {
    for (var i = 0; i < tables.length; i++) if (tables[i].name === name) return tables[i];
    return null;
  }

  function fill() {
    var table = tableNamed(tableSelect.value);
    var placeholder = fieldSelect.options[0];
    var keep = fieldSelect.value;
    fieldSelect.innerHTML = '';
    fieldSelect.appendChild(placeholder);
    var typed = {};
    keys.querySelectorAll('input[data-key]').forEach(function (input) {
      typed[input.dataset.key] = input.value;
    });
    keys.innerHTML = '';
    if (!table) return;
    table.fields.forEach(function (f) {
      var option = document.createElement('option');
      option.value = f.name;
      option.textContent = f.label;
      if (f.name === keep) option.selected = true;
      fieldSelect.appendChild(option);
    });
    table.key.forEach(function (k) {
      var label = document.createElement('label');
      if (k.title) label.appendChild(document.createTextNode(k.title + ' '));
      var code = document.createElement('code');
      code.textContent = k.name;
      label.appendChild(code);
      var input = document.createElement('input');
      input.id = 'report-key-' + k.name + '-input';
      input.name = 'record_key[' + k.name + ']';
      input.dataset.key = k.name;
      // The key's limit, as the page's own key boxes have it (data-key-max, {{limit "report.key"}}: server/views/limits.ts).
      if (keys.dataset.keyMax) input.maxLength = Number(keys.dataset.keyMax);
      input.value = typed[k.name] || '';
      label.appendChild(input);
      keys.appendChild(label);
    });
  }

  tableSelect.addEventListener('change', fill);
  if (filter) {
    filter.addEventListener('input', function () {
      var q = filter.value.trim().toLowerCase();
      Array.prototype.forEach.call(tableSelect.options, function (option, i) {
        if (i === 0) return;
        option.hidden = q !== '' && option.textContent.toLowerCase().indexOf(q) < 0;
      });
    });
    // Enter in the search box picks nothing and sends nothing (the list filters as one types).
    filter.addEventListener('keydown', function (event) {
      if (event.key === 'Enter') event.preventDefault();
    });
  }
})();
