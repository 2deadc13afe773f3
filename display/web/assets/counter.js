// Counter screen: the number being served at one counter, from the stream
// /ws/counter/{counter} (the same messages as the lobby's, filtered to the
// counter). A new call chimes; the screen does not speak.
(function () {
  'use strict';

  var body = document.body;
  var counterID = body.getAttribute('data-counter');
  var wsPath = body.getAttribute('data-ws');
  var BACKOFF_MIN = 1000, BACKOFF_MAX = 30000; // ms
  var OFFLINE_AFTER = 2000; // ms down before "mất kết nối" shows

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

  // ---- socket ----

  var sock = null;
  var lastSeq = -1;
  var backoff = BACKOFF_MIN;
  var retryTimer = null;
  var offlineTimer = null;

  function setOnline(up) {
    if (up) {
      clearTimeout(offlineTimer);
      offlineTimer = null;
      $('offline').hidden = true;
      return;
    }
    if (offlineTimer || !$('offline').hidden) return;
    offlineTimer = setTimeout(function () {
      offlineTimer = null;
      $('offline').hidden = false;
    }, OFFLINE_AFTER);
  }

  function scheduleReconnect() {
    if (retryTimer) return;
    var delay = backoff * (0.8 + Math.random() * 0.4);
    backoff = Math.min(backoff * 2, BACKOFF_MAX);
    retryTimer = setTimeout(function () { retryTimer = null; connect(); }, delay);
  }

  function drop(s) {
    if (s !== sock) return;
    sock = null;
    try { s.close(); } catch (e) { /* already closing */ }
    setOnline(false);
    scheduleReconnect();
  }

  function connect() {
    var proto = location.protocol === 'https:' ? 'wss://' : 'ws://';
    var s;
    try {
      s = new WebSocket(proto + location.host + wsPath);
    } catch (e) {
      setOnline(false);
      scheduleReconnect();
      return;
    }
    sock = s;
    lastSeq = -1;
    s.onmessage = function (ev) {
      if (s !== sock) return;
      var msg;
      try { msg = JSON.parse(ev.data); } catch (e) { return; }
      if (msg.type === 'snapshot') {
        show(latestOf(msg.calls), false);
        lastSeq = msg.seq;
        backoff = BACKOFF_MIN;
        setOnline(true);
        return;
      }
      if (lastSeq < 0) return;
      if (msg.seq !== lastSeq + 1) { drop(s); return; } // gap: resync
      lastSeq = msg.seq;
      if (msg.type === 'call' && ours(msg)) {
        show(msg, true);
        audio.chime();
      }
    };
    s.onclose = function () { drop(s); };
  }

  show(null, false);
  connect();
})();
