// Data-sharing pages. Progressive enhancement: the field picker shows the chosen table's fields as
// checkboxes. The form itself posts natively (its CSRF token travels in the action URL, since the
// body is multipart).
(function () {
  var pickerData = document.getElementById('sharing-picker');
  var tables = pickerData ? JSON.parse(pickerData.textContent || '[]') : [];

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
      box.appendChild(label);
    });
  }

  document.querySelectorAll('[data-table-select]').forEach(function (select) {
    select.addEventListener('change', function () {
      renderChoices(select);
    });
  });
})();
