// The screens' websocket: one socket at a time, a snapshot on connect, then
// messages whose seq grows by one; a gap or a drop reconnects with
// exponential backoff (with jitter) for a fresh snapshot. The element
// #offline shows after OFFLINE_AFTER ms down. Shared by the lobby and the
// counter screens.
(function () {
  'use strict';

  var BACKOFF_MIN = 1000, BACKOFF_MAX = 30000; // ms
  var OFFLINE_AFTER = 2000; // ms down before the "lost the server" notice shows

  // motcuaStream(path, onSnapshot, onMessage) connects to path and calls
  // onSnapshot(msg) for each snapshot and onMessage(msg) for each message
  // after it, in order.
  window.motcuaStream = function (wsPath, onSnapshot, onMessage) {
    var sock = null;
    var lastSeq = -1;
    var backoff = BACKOFF_MIN;
    var retryTimer = null;
    var offlineTimer = null;
    var offline = document.getElementById('offline');

    function setOnline(up) {
      if (up) {
        clearTimeout(offlineTimer);
        offlineTimer = null;
        offline.hidden = true;
        return;
      }
      if (offlineTimer || !offline.hidden) return; // already counting or shown
      offlineTimer = setTimeout(function () {
        offlineTimer = null;
        offline.hidden = false;
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
          lastSeq = msg.seq;
          backoff = BACKOFF_MIN;
          setOnline(true);
          onSnapshot(msg);
          return;
        }
        if (lastSeq < 0) return;
        if (msg.seq !== lastSeq + 1) { drop(s); return; } // gap: resync
        lastSeq = msg.seq;
        onMessage(msg);
      };
      s.onclose = function () { drop(s); };
    }

    connect();
  };
})();
