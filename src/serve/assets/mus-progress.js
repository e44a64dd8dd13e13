// Updates a running batch's progress bar; when the batch is done, shows the page with the
// download. Without this script the page has an "Opdater" link.
(function () {
  var box = document.getElementById('mus-progress');
  if (!box) { return; }
  var bar = document.getElementById('progress');
  var text = document.getElementById('progress-text');
  function poll() {
    fetch(box.getAttribute('data-status'), { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.finished) { window.location.reload(); return; }
        bar.max = s.total; bar.value = s.done;
        text.textContent = s.done + ' af ' + s.total + ' guides er lavet.';
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
