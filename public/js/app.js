// Progressive enhancement only: every page works without JavaScript.
(function () {
  // Forms with data-confirm ask before submitting (closing a ticket, revoking a grant…).
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) event.preventDefault();
  });

  // A button with data-copy copies the text of the element it names (a password shown once); where the
  // clipboard is out of reach, the text is selected for Ctrl+C. Without JavaScript the button stays hidden.
  function selectText(target) {
    var range = document.createRange();
    range.selectNodeContents(target);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  Array.prototype.forEach.call(document.querySelectorAll('button[data-copy]'), function (button) {
    var target = document.getElementById(button.getAttribute('data-copy'));
    if (!target) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      var done = function () {
        button.textContent = button.getAttribute('data-copied');
      };
      selectText(target);
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(target.textContent).then(done, function () {});
      } else {
        try {
          if (document.execCommand('copy')) done();
        } catch (e) {
          // Selected: the person copies it with Ctrl+C.
        }
      }
    });
  });
})();
