// The session's questionnaire page: asks every 3 seconds who has answered and shows it, without a reload.
// Polling pauses while the tab is hidden, and stops after 20 minutes without a key press or touch, so that an
// unattended screen still reaches the sign-in idle timeout.
(function () {
  'use strict';
  var root = document.querySelector('[data-measures-url]');
  if (!root || !window.fetch) { return; }
  var url = root.getAttribute('data-measures-url');
  var summary = document.getElementById('measures-summary');
  var note = document.getElementById('measures-live-note');
  var everyMs = 3000;
  var idleLimitMs = 20 * 60 * 1000;
  var lastActivity = Date.now();
  var timer = null;
  var busy = false;

  ['keydown', 'pointerdown', 'scroll'].forEach(function (name) {
    window.addEventListener(name, function () {
      lastActivity = Date.now();
      if (timer === null) { start(); }
    }, { passive: true });
  });

  function setText(element, text) {
    if (element && element.textContent !== text) { element.textContent = text; }
  }

  function render(data) {
    setText(summary, data.summary);
    (data.members || []).forEach(function (member) {
      var row = root.querySelector('tr[data-member="' + member.memberId + '"]');
      if (!row) { return; }
      var status = row.querySelector('.m-status');
      if (status) {
        setText(status, member.status);
        status.setAttribute('data-state', member.state);
      }
      var list = row.querySelector('.m-scores');
      if (!list) { return; }
      var texts = member.scores.map(function (s) { return s.text; });
      var current = Array.prototype.map.call(list.children, function (li) { return li.textContent; });
      if (texts.join('\n') === current.join('\n')) { return; }
      while (list.firstChild) { list.removeChild(list.firstChild); }
      member.scores.forEach(function (s) {
        var li = document.createElement('li');
        li.textContent = s.text;
        if (s.risk) { li.className = 'risk'; }
        list.appendChild(li);
      });
    });
  }

  function poll() {
    if (busy || document.hidden) { return; }
    if (Date.now() - lastActivity > idleLimitMs) {
      stop();
      setText(note, 'Live updates paused while you were away. Touch or press a key to resume.');
      return;
    }
    busy = true;
    fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'application/json' }, cache: 'no-store' })
      .then(function (response) {
        if (response.status === 401) {
          stop();
          setText(note, 'Live updates stopped: you were signed out. Reload the page to sign in again.');
          return null;
        }
        return response.ok ? response.json() : null;
      })
      .then(function (data) { if (data) { render(data); } })
      .catch(function () { /* a dropped connection: the next poll tries again */ })
      .then(function () { busy = false; });
  }

  function start() {
    setText(note, 'This list updates by itself while the page is open.');
    timer = window.setInterval(poll, everyMs);
  }

  function stop() {
    if (timer !== null) { window.clearInterval(timer); timer = null; }
  }

  start();
})();
