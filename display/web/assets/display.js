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
    renderCalls(fresh);
    renderWaiting();
  }

  // renderCalls redraws the calls only: a waiting update must not restart
  // (or cut short) the blinking of the newest call.
  function renderCalls(fresh) {
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
  }

  function renderWaiting() {
    var ul = $('waiting');
    ul.textContent = '';
    var ws = Object.keys(waiting).map(function (id) { return waiting[id]; });
    ws.forEach(function (w) { w.label = w.name || serviceNames[w.id] || w.id; });
    // services with people waiting first, each group by name
    ws.sort(function (a, b) {
      return ((b.waiting > 0) - (a.waiting > 0)) || a.label.localeCompare(b.label, 'vi');
    });
    ws.forEach(function (w) {
      var li = el('li');
      var left = el('span', 'name', w.label);
      var mins = Math.ceil((w.estimated_wait_s || 0) / 60);
      if (w.waiting > 0 && mins > 0) left.appendChild(el('span', 'eta', 'khoảng ' + formatCount(mins) + ' phút'));
      li.appendChild(left);
      li.appendChild(el('span', 'count', formatCount(w.waiting || 0)));
      ul.appendChild(li);
    });
    fitWaiting();
  }

  // fitWaiting hides the rows that do not fit whole: no row cut in half.
  function fitWaiting() {
    var ul = $('waiting');
    var box = ul.parentNode;
    var rows = ul.children;
    var i;
    for (i = 0; i < rows.length; i++) rows[i].hidden = false;
    var limit = box.getBoundingClientRect().bottom;
    for (i = 0; i < rows.length; i++) {
      if (rows[i].getBoundingClientRect().bottom > limit + 1) rows[i].hidden = true;
    }
  }

  // ---- voice: strictly one announcement after another ----
  //
  // Each call is a chime, then its announcement (the server fills the
  // template) read data-repeat times (default 2); the next one waits for
  // the end of the last, never cutting it off. The voice is the screen's own vi-VN speech
  // synthesis when it has one, else WAV audio the server renders
  // (/api/v1/announce.wav, 404 when it cannot), else the chime and the
  // call on screen alone. The queue is open to tests and to the console as
  // window.motcuaAnnouncements.

  var audio = window.motcuaAudio;
  var speech = window.speechSynthesis || null;
  // How many times each announcement is read, from data-repeat (read at
  // each call, so a test or the console may change it). On a backlog of
  // three calls or more each is read once, so that the last in line is
  // not kept waiting minutes.
  function repeats() {
    var n = Math.max(1, Math.min(5, parseInt(body.getAttribute('data-repeat'), 10) || 2));
    return ann.queue.length >= 3 ? 1 : n;
  }
  var MAX_QUEUE = 8;    // pending: on a backlog the oldest calls are dropped
  var MAX_SPOKEN = 50;  // kept for tests and the console, oldest dropped
  var GAP = 600;        // ms of quiet between two readings
  var WAV_RETRY = 10 * 60 * 1000; // after a 404 the server has no voice: ask again later
  var ann = window.motcuaAnnouncements = { queue: [], spoken: [], speaking: null };
  var busy = false;
  var wavMissingUntil = 0;
  var wavCache = []; // the last few decoded readings, newest last: a recall is instant

  function vietVoice() {
    if (!speech || !speech.getVoices) return null;
    var vs = speech.getVoices() || [];
    var best = null;
    for (var i = 0; i < vs.length; i++) {
      var lang = String(vs[i].lang || '').toLowerCase().replace('_', '-');
      if (lang === 'vi-vn' || lang === 'vi') {
        if (!best || (vs[i].localService && !best.localService)) best = vs[i];
      }
    }
    return best;
  }

  function announce(text) {
    if (!text) return;
    if (ann.queue.indexOf(text) >= 0) return; // the same call already waits its turn
    ann.queue.push(text);
    while (ann.queue.length > MAX_QUEUE) ann.queue.shift();
    if (audio.running() && !vietVoice()) wav(text); // ready by its turn
    pump();
  }

  function pump() {
    if (busy || ann.queue.length === 0) return;
    busy = true;
    var text = ann.queue.shift();
    ann.speaking = text;
    console.info('motcua: announcement start: ' + text);
    audio.chime(function () {
      read(text, repeats(), function (how) {
        ann.speaking = null;
        ann.spoken.push(text);
        if (ann.spoken.length > MAX_SPOKEN) ann.spoken.splice(0, ann.spoken.length - MAX_SPOKEN);
        console.info('motcua: announcement end (' + how + '): ' + text);
        setTimeout(function () { busy = false; pump(); }, GAP);
      });
    });
  }

  // read reads text n times with the best voice there is, then calls
  // done(how) once: "speech", "server", or "none" (visual call only).
  function read(text, n, done) {
    var v = vietVoice();
    if (v) { repeat(n, function (next) { speakOnce(text, v, next); }, function () { done('speech'); }); return; }
    serverAudio(text, function (buf) {
      if (!buf) { done('none'); return; }
      repeat(n, function (next) { playOnce(buf, next); }, function () { done('server'); });
    });
  }

  // repeat runs step n times, one after another, with a gap between.
  function repeat(n, step, done) {
    var i = 0;
    (function one() {
      if (i++ >= n) { done(); return; }
      step(function () { if (i < n) setTimeout(one, GAP); else one(); });
    })();
  }

  // once wraps a callback so that it runs at most once, and at the latest
  // after ms: some speech engines never fire onend, and one stuck line
  // must not block every later call.
  function once(cb, ms, onTimeout) {
    var fired = false;
    var guard = setTimeout(function () { if (onTimeout) onTimeout(); fire(); }, ms);
    function fire() {
      if (fired) return;
      fired = true;
      clearTimeout(guard);
      cb.apply(null, arguments);
    }
    return fire;
  }

  function speakOnce(text, v, next) {
    var u = new SpeechSynthesisUtterance(text);
    u.voice = v;
    u.lang = v.lang;
    u.rate = 0.9;
    var fin = once(function () { u.onend = u.onerror = null; next(); }, 5000 + text.length * 150,
      function () { speech.cancel(); });
    u.onend = function () { fin(); };
    u.onerror = function (e) {
      if (e && e.error === 'not-allowed') showHint(true);
      fin();
    };
    speech.speak(u);
  }

  // wav fetches and decodes the server's reading of text once; a call's
  // audio is asked for as soon as the call arrives, so it is ready when its
  // turn comes. The promise gives null when there is none.
  function wav(text) {
    for (var i = 0; i < wavCache.length; i++) {
      if (wavCache[i].text === text) return wavCache[i].p;
    }
    var c = audio.audio();
    if (!c || !window.fetch || Date.now() < wavMissingUntil) return Promise.resolve(null);
    var entry = { text: text, p: null };
    entry.p = fetch('/api/v1/announce.wav?text=' + encodeURIComponent(text), { credentials: 'same-origin' })
      .then(function (r) {
        if (r.status === 404) wavMissingUntil = Date.now() + WAV_RETRY;
        if (!r.ok) throw new Error('announce.wav: ' + r.status);
        return r.arrayBuffer();
      })
      .then(function (b) { return new Promise(function (res, rej) { c.decodeAudioData(b, res, rej); }); })
      .then(null, function () {
        var i = wavCache.indexOf(entry);
        if (i >= 0) wavCache.splice(i, 1); // ask again for the next call
        return null;
      });
    wavCache.push(entry);
    if (wavCache.length > 6) wavCache.shift(); // about 1 MB a decoded reading
    return entry.p;
  }

  function serverAudio(text, cb) {
    if (!audio.running()) { cb(null); return; } // nobody would hear it
    wav(text).then(once(cb, 10000));
  }

  function playOnce(buf, next) {
    var c = audio.audio();
    var src;
    var fin = once(function () {
      if (src) { src.onended = null; try { src.disconnect(); } catch (e) { /* gone */ } }
      next();
    }, buf.duration * 1000 + 2000);
    try {
      src = c.createBufferSource();
      src.buffer = buf;
      src.connect(c.destination);
      src.onended = function () { fin(); };
      src.start();
    } catch (e) { fin(); }
  }

  // ---- autoplay ----
  //
  // A kiosk Chromium started with --autoplay-policy=no-user-gesture-required
  // plays at once. Any other browser keeps audio off until a touch: the
  // page then asks for one ("Chạm để bật âm thanh") and meanwhile still
  // shows every call and moves its queue along.

  function showHint(show) { $('sound-hint').hidden = !show; }

  function unlock() {
    audio.unlock();
    if (speech && !speech.speaking && !speech.pending) speech.speak(new SpeechSynthesisUtterance(''));
    setTimeout(function () { showHint(!audio.running() && !!audio.audio()); }, 300);
  }
  ['click', 'touchstart', 'keydown'].forEach(function (t) { document.addEventListener(t, unlock); });

  var actx = audio.audio();
  if (actx) {
    actx.onstatechange = function () { if (audio.running()) showHint(false); };
    setTimeout(function () { if (!audio.running()) showHint(true); }, 1500);
  }
  if (speech && speech.getVoices) speech.getVoices(); // starts loading the voices list

  // ---- ticker: the center's announcement line along the bottom ----

  var tickerText = '';

  function setTicker(text) {
    text = String(text || '').replace(/\s+/g, ' ').trim();
    if (text === tickerText) return;
    tickerText = text;
    $('ticker-text').textContent = text;
    $('ticker').hidden = !text;
    if (text) runTicker();
    fitWaiting();
  }

  // runTicker scrolls the line at an even, slow pace whatever its length:
  // about a twelfth of the screen's width a second.
  function runTicker() {
    var span = $('ticker-text');
    var speed = Math.max(60, window.innerWidth / 12);
    span.style.animationDuration = Math.max(6, span.offsetWidth / speed).toFixed(1) + 's';
    // the first pass starts with the text already a third of the way in
    span.style.animationDelay = (-$('ticker').clientWidth / 3 / speed).toFixed(1) + 's';
    restartAnimation(span, 'run');
  }

  var resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      if (tickerText) runTicker();
      fitWaiting();
    }, 300);
  });

  // ---- socket (stream.js) ----

  tick();
  render(false);
  window.motcuaStream(wsPath, function (msg) {
    applySnapshot(msg);
    setTicker(msg.ticker);
    render(false);
  }, function (msg) {
    if (msg.type === 'call') {
      applyCall(msg, true);
      renderCalls(true);
      announce(msg.announcement);
    } else if (msg.type === 'waiting') {
      applyWaiting(msg.services);
      renderWaiting();
    } else if (msg.type === 'ticker') {
      setTicker(msg.text);
    }
  });
})();
