// Progressive enhancement only: every page works without JavaScript.
(function () {
  // Forms with data-confirm ask before submitting (closing a ticket, revoking a grant…).
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
