// Progressive enhancement only: every page works without JavaScript.
(function () {
  // Forms with data-confirm ask before submitting (closing a ticket, revoking a grant…). Not while a box the form
  // needs (aria-required) is blank: the server sends the form back with the message beside that box, and "are you
  // sure?" before a refusal asked a question whose answer changed nothing.
  function blankNeededBox(form) {
    var boxes = form.querySelectorAll('[aria-required="true"]');
    for (var i = 0; i < boxes.length; i++) if (!String(boxes[i].value || '').trim()) return true;
    return false;
  }
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute('data-confirm');
    if (question && !blankNeededBox(form) && !window.confirm(question)) event.preventDefault();
  });

  // What a form held when it was sent, kept in this tab until the answer: a form sent after the session ended
  // leads to the sign-in page and, once signed in, back to the page it was on (server/middleware/errors.ts),
  // where its fields are filled in again to be checked and sent once more. Any other page after the post
  // (the post went through) forgets it. Passwords, files and hidden fields (the CSRF token, a ticket's
  // version, a form's id) are never kept: the page just shown has its own. Only the account that typed it gets it
  // back: someone else signing in at that computer's sign-in page finds the form empty, and it is forgotten.
  var PENDING = 'hubwatch.pendingForm';
  var KEPT_MS = 12 * 3600 * 1000;
  var SKIPPED = { hidden: 1, password: 1, file: 1, submit: 1, button: 1, reset: 1, image: 1 };
  function storage() {
    try {
      return window.sessionStorage;
    } catch (e) {
      return null; // storage turned off: nothing is kept, as without JavaScript
    }
  }
  /** A form's action, as its page names it. */
  function actionOf(form) {
    return form.getAttribute('action') || '';
  }
  /** The signed-in account whose page this is (the layout's meta), or '' signed out. */
  function account() {
    var meta = document.querySelector('meta[name="hubwatch-account"]');
    return (meta && meta.getAttribute('content')) || '';
  }
  function isAccountForm(form) {
    var action = form.getAttribute('action') || '';
    return /^\/(login|logout|locale|account\/password)(\?|$)/.test(action);
  }
  function keptFields(form) {
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || SKIPPED[el.type]) return;
      if ((el.type === 'checkbox' || el.type === 'radio') && !el.checked) return;
      if (el.tagName === 'SELECT' && el.multiple) {
        Array.prototype.forEach.call(el.selectedOptions, function (o) {
          fields.push([el.name, o.value]);
        });
        return;
      }
      if (el.value !== '') fields.push([el.name, el.value]);
    });
    return fields;
  }
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var store = storage();
    // The attribute, not form.method: a form with an input named "method" (the sharing request's 数据对接方式)
    // answers form.method with that input, and the handler broke before keeping anything.
    var method = (form.getAttribute && form.getAttribute('method')) || '';
    if (!store || event.defaultPrevented || method.toLowerCase() !== 'post' || isAccountForm(form)) return;
    var fields = keptFields(form);
    var typed = fields.some(function (f) {
      return f[1].trim() !== '';
    });
    if (!typed) return;
    var forms = Array.prototype.slice.call(document.forms);
    store.setItem(
      PENDING,
      JSON.stringify({
        path: location.pathname + location.search,
        action: actionOf(form),
        index: forms.indexOf(form),
        fields: fields,
        account: account(),
        at: Date.now(),
      }),
    );
  });
  function restorePending() {
    var store = storage();
    var raw = store && store.getItem(PENDING);
    if (!raw) return;
    if (location.pathname === '/login') return; // kept for the page after signing in
    store.removeItem(PENDING);
    var cameFromSignIn = /^\/login(\?|$)/.test(document.referrer.replace(location.origin, ''));
    var pending;
    try {
      pending = JSON.parse(raw);
    } catch (e) {
      return;
    }
    if (!cameFromSignIn || !pending || Date.now() - pending.at > KEPT_MS) return;
    if (!pending.account || pending.account !== account()) return;
    if (pending.path !== location.pathname + location.search) return;
    var form = document.forms[pending.index];
    if (!form || actionOf(form) !== pending.action) return;
    var byName = {};
    pending.fields.forEach(function (f) {
      (byName[f[0]] = byName[f[0]] || []).push(f[1]);
    });
    // Rows the page's script added before the post (增加一行, data-add-row) are added again, so that what was typed in
    // them has inputs to go to: `members[3][name]` needs a fourth members row.
    Object.keys(byName).forEach(function (name) {
      var row = /^([A-Za-z_]+)\[(\d+)\]/.exec(name);
      var button = row && form.querySelector('button[data-add-row="' + row[1] + '"]');
      if (!button) return;
      var inRow = '[name^="' + row[0] + '"]';
      for (var added = 0; !form.querySelector(inRow) && added < 100; added++) {
        var before = form.querySelectorAll('[name]').length;
        button.click();
        if (form.querySelectorAll('[name]').length === before) break;
      }
    });
    var filled = false;
    var done = [];
    // Two passes: a menu put back tells the page's own script (change event), which may add inputs that
    // depend on it (the error report's field menu and record-key boxes follow its table); the second pass
    // fills those.
    function fill(el) {
      if (!el.name || SKIPPED[el.type] || done.indexOf(el) !== -1) return;
      done.push(el);
      var values = byName[el.name] || [];
      if (el.type === 'checkbox' || el.type === 'radio') {
        el.checked = values.indexOf(el.value) !== -1;
        filled = filled || el.checked;
      } else if (el.tagName === 'SELECT') {
        if (!values.length) return;
        var before = el.value;
        Array.prototype.forEach.call(el.options, function (o) {
          o.selected = values.indexOf(o.value) !== -1;
        });
        filled = true;
        // Its options may come with the first pass's change (the report's field menu): try again in the second.
        if (values.indexOf(el.value) === -1) done.pop();
        if (el.value !== before) el.dispatchEvent(new Event('change', { bubbles: true }));
      } else if (values.length) {
        el.value = values.shift(); // same-named text boxes in their order
        filled = true;
      }
    }
    Array.prototype.slice.call(form.elements).forEach(fill);
    Array.prototype.slice.call(form.elements).forEach(fill);
    if (!filled) return;
    var main = document.getElementById('main');
    var notice = document.createElement('div');
    notice.className = 'flash flash-info';
    notice.setAttribute('role', 'status');
    notice.textContent = main.getAttribute('data-restored');
    main.insertBefore(notice, main.firstChild);
    var first = form.querySelector('textarea, input:not([type=hidden]), select');
    if (first) first.focus();
  }
  restorePending();

  // A form sent back with mistakes: focus goes to its summary of them (a keyboard or screen-reader user started at
  // the top of the page, a dozen Tabs away), and each of its links to the box its message is about — the link's
  // target is the message, which the box names in aria-describedby (it left focus after the box: Tab skipped it).
  // Refused without a form mistake (changed meanwhile, nothing selected): focus goes to the message that says so.
  var summary = document.querySelector('.error-summary') || document.querySelector('[data-sent-back]');
  if (summary) {
    summary.setAttribute('tabindex', '-1');
    summary.focus();
  }
  document.addEventListener('click', function (event) {
    var link = event.target instanceof Element ? event.target.closest('.error-summary a[href^="#"]') : null;
    if (!link) return;
    var id = link.getAttribute('href').slice(1);
    var box = document.querySelector('[aria-describedby~="' + (window.CSS && CSS.escape ? CSS.escape(id) : id) + '"]');
    // A choice's message describes its group (a fieldset, or a div role=group: the account form's roles): its first
    // button takes the focus.
    if (box && (box.tagName === 'FIELDSET' || box.getAttribute('role') === 'group'))
      box = box.querySelector('input:not([type=hidden]), select, textarea');
    if (!box || box.disabled || box.type === 'hidden') return;
    event.preventDefault();
    var label = box.id ? document.querySelector('label[for="' + box.id + '"]') : null;
    (label || box).scrollIntoView({ block: 'center' });
    box.focus({ preventScroll: true });
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
