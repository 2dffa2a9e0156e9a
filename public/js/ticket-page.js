// Ticket page: the IT office's grant form says the due date the days it types would give, fewer than asked too. The
// dates come from the server (data-due-after: the date after 1, 2, … asked working days), which knows the holidays.
// Without this script the form still works; its help names the date for the days asked.
(function () {
  var input = document.getElementById('grant-days');
  var preview = document.getElementById('grant-preview');
  if (!input || !preview) return;
  var dues = (preview.getAttribute('data-due-after') || '').split(' ');
  var asked = Number(preview.getAttribute('data-asked'));
  var template = preview.getAttribute('data-template') || '';
  // English says "1 working day": that line comes whole from the server (its plural form), the others take {days}.
  var templateOne = preview.getAttribute('data-template-one') || template;
  // Fewer days than asked may give a due date already past (a late request: granting counts from the due date), though
  // the days asked do not: the page then says so as it says it for the days asked (its warning, shown by the server
  // when even those give a past date, in which case this one is not on the page).
  var past = document.getElementById('grant-preview-past');
  var today = past ? past.getAttribute('data-today') || '' : '';
  function update() {
    // Full-width digits, as a Chinese input method types them, count as the server counts them.
    var text = input.value.replace(/[\uFF10-\uFF19]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    });
    text = text.replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');
    var days = /^[0-9]{1,3}$/.test(text) ? Number(text) : 0;
    // The days asked are said by the help above; a number out of range is the server's to explain.
    if (days >= 1 && days < asked && dues[days - 1]) {
      preview.textContent = (days === 1 ? templateOne : template)
        .replace('{days}', String(days))
        .replace('{newDue}', dues[days - 1]);
      preview.hidden = false;
    } else {
      preview.hidden = true;
    }
    // Dates are YYYY-MM-DD: as strings they compare as dates.
    if (past) past.hidden = preview.hidden || !today || !(dues[days - 1] < today);
  }
  input.addEventListener('input', update);
  update();
})();
