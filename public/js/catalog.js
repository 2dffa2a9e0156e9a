// The catalog upload form is multipart: the server checks CSRF before it parses such a body, so the
// token goes in the X-CSRF-Token header. The answer (a full page) replaces the current one.
(function () {
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute('data-multipart-upload')) return;
    event.preventDefault();
    var meta = document.querySelector('meta[name="csrf-token"]');
    fetch(form.action, {
      method: 'POST',
      body: new FormData(form),
      credentials: 'same-origin',
      headers: { 'X-CSRF-Token': meta ? meta.getAttribute('content') : '', Accept: 'text/html' },
    })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        document.open();
        document.write(html);
        document.close();
      });
  });
})();
