// Data-sharing pages. Progressive enhancement: the field picker shows the chosen table's fields as
// checkboxes. The form itself posts natively (its CSRF token travels in the action URL, since the
// body is multipart).
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

  document.querySelectorAll('[data-table-select]').forEach(function (select) {
    select.addEventListener('change', function () {
      renderChoices(select);
    });
  });
})();
