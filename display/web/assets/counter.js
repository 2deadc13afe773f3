// Counter screen: the number being served at one counter, from the stream
// /ws/counter/{counter} (the same messages as the lobby's, filtered to the
// counter). A new call chimes; the screen does not speak.
(function () {
  'use strict';

  var body = document.body;
  var counterID = body.getAttribute('data-counter');
  var wsPath = body.getAttribute('data-ws');

  function $(id) { return document.getElementById(id); }
  function callTime(c) { var t = Date.parse(c.at); return isNaN(t) ? 0 : t; }
  function ours(c) { return c && c.counter && c.counter.id === counterID; }

  var current = null;

  function show(c, fresh) {
    current = c;
    var t = $('ticket');
    t.textContent = c ? c.ticket : '—';
    $('service').textContent = c && c.service ? (c.service.name || '') : '';
    $('recall').hidden = !(c && c.recall);
    if (fresh) {
      t.classList.remove('flash');
      void t.offsetWidth; // restart the animation
      t.classList.add('flash');
    }
  }

  function latestOf(calls) {
    var best = null;
    (calls || []).forEach(function (c) {
      if (ours(c) && (!best || callTime(c) >= callTime(best))) best = c;
    });
    return best;
  }

  // ---- autoplay: see counter.html for the kiosk flags ----
  var audio = window.motcuaAudio;
  ['click', 'touchstart', 'keydown'].forEach(function (t) { document.addEventListener(t, audio.unlock); });
  audio.audio();

  // ---- socket (stream.js) ----

  show(null, false);
  window.motcuaStream(wsPath, function (msg) {
    show(latestOf(msg.calls), false);
  }, function (msg) {
    if (msg.type === 'call' && ours(msg)) {
      show(msg, true);
      audio.chime();
    }
  });
})();
