// Ticket queue: "select all" for bulk acknowledge. The page works without it.
(function () {
  var all = document.getElementById('ticket-select-all');
  if (!all) return;
  all.addEventListener('change', function () {
    var boxes = document.querySelectorAll('#ticket-bulk input[name="ids"]');
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = all.checked;
  });
})();
