// The web rating pad (/rate/{counter}): a tablet facing the citizen at a
// counter without a keypad. It polls the counter's rating state every
// second; while a finished ticket awaits its rating it shows one big
// button per level (1 = Rất hài lòng, best, first) and posts the tap.
// Plain ES5 so an old Android tablet runs it; needs common.js (Staff).
//
// window.motcuaRate (for tests): state ("loading", "idle", "armed",
// "sending", "thanks", "error"), sent (the levels posted, once each per
// tap), offline, ticket (the armed number), poll (the last answer).
(function () {
  'use strict';

  var POLL_MS = 1000;         // between the end of one poll and the next
  var POLL_TIMEOUT = 4000;    // ms for one poll
  var POST_TIMEOUT = 5000;    // ms for one try of a tap (Staff.api tries 4 times)
  var OFFLINE_AFTER = 2;      // failed polls in a row before "Mất kết nối"
  var THANKS_MS = 5000;       // the thank-you stays this long
  var ERROR_MS = 4000;        // a refusal (409…) stays this long
  var TICK_MS = 250;          // countdown redraw
  var RELOAD_MS = 3000;       // before drawing the page anew on a 401/403

  // Each scale runs green (best) to red; "Hài lòng" is a good mark, so it
  // is light green and smiles, and only "Bình thường" of the 4-level scale
  // is amber and straight-faced. COLOURS[n] and SMILES[n] (+1 a broad
  // smile … -1 a frown) are per level, best first.
  var COLOURS = { 3: ['#1e8e3e', '#7cb342', '#d93025'], 4: ['#1e8e3e', '#7cb342', '#f9ab00', '#d93025'] };
  var SMILES = { 3: [1, 0.55, -1], 4: [1, 0.55, 0, -1] };
  var RAMP = ['#1e8e3e', '#7cb342', '#f9ab00', '#ef6c00', '#d93025'];
  var INK = '#1b2430';
  var SVG = 'http://www.w3.org/2000/svg';

  var body = document.body;
  var counter = body && body.getAttribute('data-counter');
  if (!counter || !window.Staff) return;
  var path = '/api/v1/counters/' + encodeURIComponent(counter) + '/rating';

  var R = window.motcuaRate = { state: 'loading', sent: [], offline: false, ticket: '', poll: null };

  var last = null;          // the last poll's answer
  var lastAt = 0;           // Date.now() when it came
  var fails = 0;
  var hold = 0;             // Date.now() until which thanks/error stays
  var pending = null;       // {key, ticket} of a tap whose outcome is unknown
  var levelsKey = '';       // the levels the buttons were drawn for
  var total = {};           // ticket → the longest window seen, for the bar
  var reloading = false;

  function $(id) { return document.getElementById(id); }
  function setText(id, s) { var e = $(id); if (e && e.textContent !== s) e.textContent = s; }

  // colour and smile of the i-th level of n (0 best); a scale of another
  // length, which the server does not make today, is spread evenly
  function colour(i, n) {
    if (COLOURS[n]) return COLOURS[n][i];
    return n <= 1 ? RAMP[0] : RAMP[Math.round(i * (RAMP.length - 1) / (n - 1))];
  }
  function smile(i, n) {
    if (SMILES[n]) return SMILES[n][i];
    return n <= 1 ? 1 : 1 - 2 * i / (n - 1);
  }

  // face draws a simple face for the i-th level of n (0 best): the mouth
  // bends from a broad smile to a frown.
  function face(i, n) {
    var s = smile(i, n);
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 100 100');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    svg.setAttribute('class', 'rt-face');
    function add(tag, attrs) {
      var e = document.createElementNS(SVG, tag);
      for (var k in attrs) if (attrs.hasOwnProperty(k)) e.setAttribute(k, attrs[k]);
      svg.appendChild(e);
    }
    add('circle', { cx: 50, cy: 50, r: 46, fill: colour(i, n), stroke: INK, 'stroke-width': 3 });
    add('circle', { cx: 35, cy: 40, r: 6, fill: INK });
    add('circle', { cx: 65, cy: 40, r: 6, fill: INK });
    var y = 68 - 6 * s, c = y + 28 * s;
    add('path', { d: 'M28 ' + y + ' Q50 ' + c + ' 72 ' + y, fill: 'none', stroke: INK, 'stroke-width': 6, 'stroke-linecap': 'round' });
    return svg;
  }

  function drawLevels(levels) {
    var key = JSON.stringify(levels);
    if (key === levelsKey) return;
    levelsKey = key;
    var box = $('levels');
    while (box.firstChild) box.removeChild(box.firstChild);
    box.className = 'rt-levels n' + levels.length;
    for (var i = 0; i < levels.length; i++) {
      var b = Staff.el('button', 'rt-level');
      b.type = 'button';
      b.setAttribute('data-level', String(levels[i].level));
      b.style.borderColor = colour(i, levels.length);
      b.appendChild(face(i, levels.length));
      b.appendChild(Staff.el('span', 'rt-label', levels[i].label));
      box.appendChild(b);
    }
  }

  function labelOf(level) {
    var ls = (last && last.levels) || [];
    for (var i = 0; i < ls.length; i++) if (ls[i].level === level) return ls[i].label;
    return '';
  }

  function indexOf(level) {
    var ls = (last && last.levels) || [];
    for (var i = 0; i < ls.length; i++) if (ls[i].level === level) return i;
    return 0;
  }

  // remaining is the armed window left, in ms: the server's own until and
  // now (its clock, not the tablet's), less the time since the answer.
  function remaining() {
    if (!last || !last.armed || !last.until) return 0;
    var u = Date.parse(last.until), n = Date.parse(last.now);
    if (isNaN(u) || isNaN(n)) return 0;
    return u - n - (Date.now() - lastAt);
  }

  function show(name) {
    var screens = ['idle', 'armed', 'sending', 'thanks', 'error'];
    for (var i = 0; i < screens.length; i++) {
      var e = $(screens[i]);
      if (e.hidden !== (screens[i] !== name)) e.hidden = screens[i] !== name;
    }
    R.state = name;
    body.setAttribute('data-state', name);
  }

  // draw picks the screen: a thank-you or a refusal holds its time, a tap
  // in flight holds until its answer; otherwise the last poll decides.
  function draw() {
    var now = Date.now();
    if (R.state === 'sending') return;
    if ((R.state === 'thanks' || R.state === 'error') && now < hold) return;
    if (!last) { if (R.state !== 'loading') show('idle'); return; }
    var left = remaining();
    if (last.armed && left > 0) {
      drawLevels(last.levels || []);
      R.ticket = last.ticket || '';
      setText('armed-ticket', R.ticket);
      var s = Math.ceil(left / 1000);
      total[R.ticket] = Math.max(total[R.ticket] || 0, left);
      setText('countdown', 'Còn ' + s + ' giây');
      var bar = $('count-bar');
      var w = Math.max(0, Math.min(100, 100 * left / total[R.ticket])).toFixed(1) + '%';
      if (bar.style.width !== w) bar.style.width = w;
      if (R.state !== 'armed') show('armed');
      return;
    }
    R.ticket = '';
    if (R.state !== 'idle') show('idle');
  }

  function setOffline(v) {
    if (R.offline === v) return;
    R.offline = v;
    $('offline').hidden = !v;
  }

  function poll() {
    Staff.api('GET', path, null, { retry: false, noRedirect: true, timeout: POLL_TIMEOUT }).then(function (st) {
      fails = 0;
      setOffline(false);
      if (st && typeof st === 'object') {
        last = st;
        lastAt = Date.now();
        R.poll = st;
      }
      draw();
    }, function (err) {
      if (err.status === 401 || err.status === 403) {
        // unpaired (the device was removed) or moved: the page, drawn
        // anew, says so; not at once, so a fault never spins
        if (!reloading) { reloading = true; setTimeout(function () { location.reload(); }, RELOAD_MS); }
        return;
      }
      if (++fails >= OFFLINE_AFTER) setOffline(true);
      draw();
    }).then(function () {
      setTimeout(poll, POLL_MS);
    });
  }

  function refuse(text) {
    setText('error-text', text);
    hold = Date.now() + ERROR_MS;
    show('error');
  }

  // rate posts one tap. The key stays with the tap until the server has
  // answered, so a tap after a lost answer (for the same ticket) is the
  // same request again and never a second rating; the next ticket gets a
  // key of its own, or a replay would hand it the last one's rating.
  function rate(level) {
    if (R.state !== 'armed') return; // in flight, or not for now: ignored
    if (!pending || pending.ticket !== R.ticket) pending = { key: Staff.key(), ticket: R.ticket };
    var p = pending;
    R.sent.push(level);
    show('sending');
    Staff.api('POST', path, { level: level }, { idem: p.key, noRedirect: true, timeout: POST_TIMEOUT }).then(function (res) {
      pending = null;
      var rt = res && res.rating ? res.rating : {};
      var lv = typeof rt.level === 'number' ? rt.level : level;
      var label = rt.label || labelOf(lv);
      var f = $('thanks-face');
      while (f.firstChild) f.removeChild(f.firstChild);
      f.appendChild(face(indexOf(lv), (last && last.levels && last.levels.length) || 3));
      setText('thanks-text', 'Cảm ơn ông/bà đã đánh giá: ' + label);
      hold = Date.now() + THANKS_MS;
      if (last) last.armed = false; // rated: the next poll agrees
      show('thanks');
    }, function (err) {
      if (err.status !== 0) pending = null; // answered: a new tap is a new request
      refuse(err.status === 0 ? 'Mất kết nối, chưa gửi được đánh giá. Xin mời bấm lại.' : (err.title || err.message));
      if (err.status === 401 && !reloading) { reloading = true; setTimeout(function () { location.reload(); }, ERROR_MS); }
    });
  }

  $('levels').addEventListener('click', function (ev) {
    var t = ev.target;
    while (t && t !== this && !t.hasAttribute('data-level')) t = t.parentNode;
    if (!t || t === this) return;
    rate(parseInt(t.getAttribute('data-level'), 10));
  });
  // a long press opens no menu on a public tablet
  document.addEventListener('contextmenu', function (ev) { ev.preventDefault(); });

  // keep the screen on where the browser allows it (secure contexts only)
  function wake() {
    if (!navigator.wakeLock || !navigator.wakeLock.request || document.hidden) return;
    navigator.wakeLock.request('screen').catch(function () { /* not allowed here: the tablet's own setting decides */ });
  }
  document.addEventListener('visibilitychange', wake);
  wake();

  setInterval(draw, TICK_MS);
  poll();
})();
