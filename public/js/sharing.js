// Data-sharing pages. Progressive enhancement: the field picker shows the chosen table's fields as
// checkboxes. The form itself posts natively (multipart, its CSRF token a hidden field like any form's).
(function () {
  var pickerData = document.getElementById('sharing-picker');
  var tables = pickerData ? JSON.parse(pickerData.textContent || '[]') : [];
  // The page's word for the badge (敏感 / sensitive): the server-drawn list marks sensitive fields so, and a list
  // drawn here after the table changes must say the same, or a sensitive field looks like any other.
  var form = document.querySelector('[data-sharing-form]');
  var sensitiveLabel = (form && form.getAttribute('data-sensitive-label')) || '';

  function fieldsOf(name) {
    for (var i = 0; i < tables.length; i++) if (tables[i].name === name) return tables[i].fields;
    return [];
  }

  function renderChoices(select) {
    var row = select.closest('[data-item-row]');
    var box = row && row.querySelector('[data-field-choices]');
    if (!box) return;
    var index = box.getAttribute('data-index');
    box.textContent = '';
    fieldsOf(select.value).forEach(function (f) {
      var label = document.createElement('label');
      label.className = 'check';
      var input = document.createElement('input');
      input.type = 'checkbox';
      input.name = 'items[' + index + '][fields][]';
      input.value = f.name;
      label.appendChild(input);
      label.appendChild(document.createTextNode(' ' + (f.title ? f.title + ' ' : '')));
      var code = document.createElement('code');
      code.textContent = f.name;
      label.appendChild(code);
      // Same markup as views/pages/sharing/form.hbs: ' <span class="badge warn">敏感</span>' after the code.
      if (f.sensitive && sensitiveLabel) {
        label.appendChild(document.createTextNode(' '));
        var badge = document.createElement('span');
        badge.className = 'badge warn';
        badge.textContent = sensitiveLabel;
        label.appendChild(badge);
      }
      box.appendChild(label);
    });
  }

  // One listener for every table menu, rows added below included.
  document.addEventListener('change', function (event) {
    var select = event.target;
    if (select.matches && select.matches('[data-table-select]')) renderChoices(select);
  });

  // "增加一行" under the members, vendors and field tables: the server draws the rows typed plus a few blank ones
  // (and more after 保存草稿); the button adds a blank row numbered after the last, so a long list needs no round
  // trip. Without JavaScript the button stays hidden.
  function blankRow(last, name, index) {
    var row = last.cloneNode(true);
    var pattern = new RegExp('^' + name + '\\[\\d+\\]');
    row.querySelectorAll('[name]').forEach(function (el) {
      el.setAttribute('name', el.getAttribute('name').replace(pattern, name + '[' + index + ']'));
      if (el.tagName === 'SELECT') el.selectedIndex = 0;
      else if (el.type === 'checkbox' || el.type === 'radio') el.checked = false;
      else el.value = '';
      el.removeAttribute('aria-invalid');
      el.removeAttribute('aria-describedby');
    });
    // The row's messages belong to the row it was copied from.
    row.querySelectorAll('.field-error').forEach(function (p) {
      p.remove();
    });
    var choices = row.querySelector('[data-field-choices]');
    if (choices) {
      choices.setAttribute('data-index', String(index));
      choices.removeAttribute('aria-describedby');
      // The drawn field boxes go; the free-text input for other fields stays (emptied above).
      choices.querySelectorAll('label.check').forEach(function (label) {
        label.remove();
      });
    }
    if (row.hasAttribute('data-item-row')) row.firstElementChild.textContent = String(index + 1);
    return row;
  }
  document.querySelectorAll('[data-add-row]').forEach(function (button) {
    var name = button.getAttribute('data-add-row');
    var body = form && form.querySelector('tbody[data-rows="' + name + '"]');
    if (!body || !body.lastElementChild) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      var row = blankRow(body.lastElementChild, name, body.children.length);
      body.appendChild(row);
      var first = row.querySelector('input:not([type=hidden]), select');
      if (first) first.focus();
    });
  });
})();
