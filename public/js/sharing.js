// Data-sharing pages. Progressive enhancement: the field picker shows the chosen table's fields as
// checkboxes; the request form (multipart, with files) is posted with the CSRF header, because the
// server checks CSRF before it parses a multipart body.
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
    select.addEventListener('change', function () { renderChoices(select); });
  });

  var form = document.querySelector('[data-sharing-form]');
  if (form && window.fetch && window.FormData) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var data = new FormData(form);
      if (event.submitter && event.submitter.name) data.set(event.submitter.name, event.submitter.value);
      var meta = document.querySelector('meta[name="csrf-token"]');
      fetch(form.getAttribute('action'), {
        method: 'POST',
        body: data,
        credentials: 'same-origin',
        headers: { 'X-CSRF-Token': meta ? meta.getAttribute('content') : '', Accept: 'text/html' },
      }).then(function (res) {
        if (res.redirected) { window.location.href = res.url; return; }
        return res.text().then(function (html) {
          document.open();
          document.write(html);
          document.close();
        });
      });
    });
  }
})();
