// Lobby screen: shows the calls and waiting counts streamed on
// /ws/display/{screen} and reads each call aloud in Vietnamese.
//
// Protocol (see API.md): the first message is a snapshot carrying the
// stream's seq; every later message carries seq + 1. On a gap the page
// drops the socket and reconnects for a fresh snapshot.
(function () {
  'use strict';

  var body = document.body;
  var wsPath = body.getAttribute('data-ws');
  // The TV's own clock is often wrong in an offline center: follow the server's.
  var clockOffset = (Number(body.getAttribute('data-server-time')) || Date.now()) - Date.now();

  var MAX_RECENT = 6;
  var BACKOFF_MIN = 1000, BACKOFF_MAX = 30000; // ms
  var OFFLINE_AFTER = 2000; // ms down before the banner shows (a resync is not an outage)

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // ---- clock: Viet Nam is UTC+7 all year (no daylight saving) ----

  var WEEKDAYS = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];
  function pad2(n) { return n < 10 ? '0' + n : String(n); }
  function vnNow() { return new Date(Date.now() + clockOffset + 7 * 3600 * 1000); }

  // "Thứ Sáu, ngày 27 tháng 11 năm 2026": days below 10 and months 1 and 2
  // take a leading zero, as in documents.
  function vnDate(d) {
    var m = d.getUTCMonth() + 1;
    return WEEKDAYS[d.getUTCDay()] + ', ngày ' + pad2(d.getUTCDate()) +
      ' tháng ' + (m <= 2 ? pad2(m) : m) + ' năm ' + d.getUTCFullYear();
  }

  function tick() {
    var d = vnNow();
    $('date').textContent = vnDate(d);
    $('time').textContent = pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes());
    setTimeout(tick, 1000 - (d.getTime() % 1000) + 20);
  }

  // ---- state ----

  var counters = {};     // counter id → latest call there
  var recent = [];       // newest first
  var waiting = {};      // service id → {id, name, waiting, estimated_wait_s}
  var serviceNames = {}; // service id → name, learnt from calls
  var latest = null;

  function callTime(c) { var t = Date.parse(c.at); return isNaN(t) ? 0 : t; }

  function applyCall(c, live) {
    if (!c || !c.counter) return;
    var prev = counters[c.counter.id];
    if (live || !prev || callTime(c) >= callTime(prev)) counters[c.counter.id] = c;
    if (c.service && c.service.id && c.service.name) serviceNames[c.service.id] = c.service.name;
    recent = recent.filter(function (r) { return !(r.ticket === c.ticket && r.counter.id === c.counter.id); });
    recent.unshift(c);
    if (recent.length > MAX_RECENT) recent.length = MAX_RECENT;
    if (live || !latest || callTime(c) >= callTime(latest)) latest = c;
  }

  function applyWaiting(list) {
    (list || []).forEach(function (w) { waiting[w.id] = w; });
  }

  function applySnapshot(msg) {
    counters = {}; recent = []; waiting = {}; latest = null;
    var calls = (msg.calls || []).slice().sort(function (a, b) { return callTime(a) - callTime(b); });
    calls.forEach(function (c) { applyCall(c, false); });
    applyWaiting(msg.waiting);
  }

  // ---- rendering (textContent only: names come from configuration) ----

  function counterLabel(c) {
    var label = 'Quầy ' + c.counter.number;
    var name = c.counter.name || '';
    if (!name || name === label) return label;
    // "Quầy 1 — Sở …" already says which counter: do not repeat it
    if (name.indexOf(label) === 0 && !/[0-9]/.test(name.charAt(label.length))) return name;
    return label + ' · ' + name;
  }

  function restartAnimation(e, cls) {
    e.classList.remove(cls);
    void e.offsetWidth; // restart the CSS animation
    e.classList.add(cls);
  }

  function formatCount(n) { // 5.602: "." groups thousands
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  }

  function render(fresh) {
    var latestBox = $('latest');
    $('latest-ticket').textContent = latest ? latest.ticket : '—';
    $('latest-counter').textContent = latest ? 'Quầy ' + latest.counter.number : '';
    $('latest-recall').hidden = !(latest && latest.recall);
    latestBox.classList.toggle('idle', !latest);
    if (fresh) restartAnimation(latestBox, 'flash');

    var grid = $('counters');
    var list = Object.keys(counters).map(function (id) { return counters[id]; });
    list.sort(function (a, b) { return a.counter.number - b.counter.number; });
    grid.textContent = '';
    list.forEach(function (c) {
      var tile = el('div', 'counter');
      tile.appendChild(el('div', 'counter-name', counterLabel(c)));
      tile.appendChild(el('div', 'counter-ticket', c.ticket));
      if (latest && c === latest) {
        tile.classList.add('newest');
        if (fresh) tile.classList.add('flash');
      }
      grid.appendChild(tile);
    });
    $('counters-empty').hidden = list.length > 0;

    var ol = $('recent');
    ol.textContent = '';
    recent.forEach(function (c) {
      var li = el('li');
      li.appendChild(el('span', 'ticket', c.ticket));
      li.appendChild(el('span', 'where', '→ Quầy ' + c.counter.number + (c.recall ? ' (gọi lại)' : '')));
      ol.appendChild(li);
    });

    var ul = $('waiting');
    ul.textContent = '';
    var ws = Object.keys(waiting).map(function (id) { return waiting[id]; });
    ws.forEach(function (w) { w.label = w.name || serviceNames[w.id] || w.id; });
    ws.sort(function (a, b) { return a.label.localeCompare(b.label, 'vi'); });
    ws.forEach(function (w) {
      var li = el('li');
      var left = el('span', 'name', w.label);
      var mins = Math.ceil((w.estimated_wait_s || 0) / 60);
      if (w.waiting > 0 && mins > 0) left.appendChild(el('span', 'eta', 'khoảng ' + formatCount(mins) + ' phút'));
      li.appendChild(left);
      li.appendChild(el('span', 'count', formatCount(w.waiting || 0)));
      ul.appendChild(li);
    });
  }

  // ---- voice: one announcement after another, each read twice ----

  var speech = window.speechSynthesis || null;
  var voice = null;
  var sayQueue = [];
  var speaking = false;
  var MAX_QUEUE = 20;

  function pickVoice() {
    if (!speech) return;
    var vs = speech.getVoices() || [];
    var best = null;
    for (var i = 0; i < vs.length; i++) {
      var lang = String(vs[i].lang || '').toLowerCase().replace('_', '-');
      if (lang === 'vi-vn' || lang === 'vi') {
        if (!best || (vs[i].localService && !best.localService)) best = vs[i];
      }
    }
    voice = best;
  }

  function announce(text) {
    if (!speech || !text) return;
    sayQueue.push(text, text);
    while (sayQueue.length > MAX_QUEUE) sayQueue.shift(); // stale calls go first
    pump();
  }

  function pump() {
    if (speaking || sayQueue.length === 0) return;
    if (!voice) pickVoice();
    if (!voice) { sayQueue = []; return; } // no Vietnamese voice: stay silent
    var text = sayQueue.shift();
    var u = new SpeechSynthesisUtterance(text);
    u.voice = voice;
    u.lang = voice.lang;
    u.rate = 0.9;
    speaking = true;
    var finished = false;
    // Some engines never fire onend: do not let one stuck line block the rest.
    var guard = setTimeout(function () { speech.cancel(); done(); }, 5000 + text.length * 150);
    function done() {
      if (finished) return;
      finished = true;
      clearTimeout(guard);
      setTimeout(function () { speaking = false; pump(); }, 700); // a breath between lines
    }
    u.onend = done;
    u.onerror = function (e) {
      if (e && e.error === 'not-allowed') $('sound-hint').hidden = false;
      done();
    };
    speech.speak(u);
  }

  if (speech) {
    pickVoice();
    if (speech.addEventListener) speech.addEventListener('voiceschanged', pickVoice);
    else speech.onvoiceschanged = pickVoice;
  }

  // A browser that refuses speech before a user gesture is unlocked by one touch.
  var unlocked = false;
  function unlock() {
    if (unlocked && $('sound-hint').hidden) return;
    unlocked = true;
    $('sound-hint').hidden = true;
    if (speech) speech.speak(new SpeechSynthesisUtterance(''));
    pump();
  }
  ['click', 'touchstart', 'keydown'].forEach(function (t) { document.addEventListener(t, unlock); });

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
    if (offlineTimer || !$('offline').hidden) return; // already counting or shown
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
        applySnapshot(msg);
        lastSeq = msg.seq;
        backoff = BACKOFF_MIN;
        setOnline(true);
        render(false);
        return;
      }
      if (lastSeq < 0) return;
      if (msg.seq !== lastSeq + 1) { drop(s); return; } // gap: resync
      lastSeq = msg.seq;
      if (msg.type === 'call') {
        applyCall(msg, true);
        render(true);
        announce(msg.announcement);
      } else if (msg.type === 'waiting') {
        applyWaiting(msg.services);
        render(false);
      }
    };
    s.onclose = function () { drop(s); };
  }

  tick();
  render(false);
  connect();
})();
