// Staff pages' shared script (sign-in, counter console, monitor, admin).
// Plain script, no modules, no build step: it defines one global, Staff.
//
//   Staff.api(method, path, body, opts) → Promise of the parsed JSON (null
//       for 204). Sends X-CSRF-Token (cookie motcua_csrf) on every method
//       but GET/HEAD. opts.idem: an Idempotency-Key the caller keeps for one
//       press and reuses if it presses again. A problem answer rejects with
//       an Error whose message/.title is the server's Vietnamese title, with
//       .status, .code ("no-waiting" from "/problems/no-waiting") and
//       .retryAfter (s). A network failure retries the same request (same
//       key) 3 times with backoff, then rejects with "Mất kết nối tới máy
//       chủ" (.status 0). A POST without opts.idem is not retried unless
//       opts.retry is true. 401 goes to /login?next=<this page> unless
//       opts.noRedirect.
//   Staff.live(path, onMsg, onStatus) → {close()}. A websocket to path
//       (ws:/wss: as the page), reconnecting with jittered backoff (1 s to
//       30 s). Each message must carry seq = previous + 1: on a gap it
//       reconnects to get a fresh state. onMsg(msg) per message;
//       onStatus(true) on the first message of a connection, onStatus(false)
//       once it has been down for 2 s (a blip shows nothing). Silence for 25 s
//       (the server speaks every 10 s) counts as a drop.
//   Staff.dur(seconds) → "45 giây", "4 phút 05 giây", "1 giờ 02 phút".
//   Staff.time(iso) → "08:05", the center's time (Asia/Ho_Chi_Minh, UTC+7).
//   Staff.key() → a random idempotency key (32 hex digits).
//   Staff.toast(text, kind) shows a short message; kind "ok", "error", "info".
//   Staff.$(id), Staff.el(tag, cls, text) small DOM helpers (textContent only).
//   Staff.csrf() → the CSRF token from the cookie.
//   Staff.loginPage() runs the sign-in form; called by itself on pages whose
//       <body data-page="login">.
(function () {
  'use strict';

  var LOST = 'Mất kết nối tới máy chủ';
  var RETRIES = 3;            // after the first try, on a network failure
  var TIMEOUT = 15000;        // ms for one request
  var BACKOFF_MIN = 1000, BACKOFF_MAX = 30000; // ms, websocket
  var OFFLINE_AFTER = 2000;   // ms down before onStatus(false)
  var SILENCE = 25000;        // ms without a message: the socket is dead

  var Staff = window.Staff = {};

  Staff.$ = function (id) { return document.getElementById(id); };

  Staff.el = function (tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  };

  function cookie(name) {
    var parts = document.cookie ? document.cookie.split('; ') : [];
    for (var i = 0; i < parts.length; i++) {
      var j = parts[i].indexOf('=');
      if (parts[i].slice(0, j) === name) {
        try { return decodeURIComponent(parts[i].slice(j + 1)); } catch (e) { return parts[i].slice(j + 1); }
      }
    }
    return '';
  }
  Staff.csrf = function () { return cookie('motcua_csrf'); };

  // key: crypto.randomUUID needs a secure context, which a counter PC on
  // http://10.0.0.5 is not; getRandomValues works everywhere.
  Staff.key = function () {
    var b = new Uint8Array(16), s = '', i;
    if (window.crypto && window.crypto.getRandomValues) window.crypto.getRandomValues(b);
    else for (i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
    for (i = 0; i < 16; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
    return s;
  };

  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  function loginURL() {
    return '/login?next=' + encodeURIComponent(location.pathname + location.search);
  }

  function problemError(status, p, retryAfter) {
    var title = p && typeof p.title === 'string' && p.title ? p.title : '';
    if (!title) {
      title = status === 401 ? 'Phiên đăng nhập đã hết, hãy đăng nhập lại'
        : status === 403 ? 'Không có quyền thực hiện thao tác này'
        : status >= 500 ? 'Lỗi hệ thống, vui lòng thử lại hoặc báo quản trị viên'
        : 'Yêu cầu không thành công (mã ' + status + ')';
    }
    var err = new Error(title);
    err.title = title;
    err.status = status;
    err.code = p && typeof p.type === 'string' ? p.type.replace(/^.*\//, '') : '';
    err.problem = p || null;
    if (retryAfter) err.retryAfter = retryAfter;
    return err;
  }

  Staff.api = function (method, path, body, opts) {
    opts = opts || {};
    method = (method || 'GET').toUpperCase();
    var headers = { 'Accept': 'application/json' };
    if (body !== undefined && body !== null) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && method !== 'HEAD') {
      var t = Staff.csrf();
      if (t) headers['X-CSRF-Token'] = t;
    }
    if (opts.idem) headers['Idempotency-Key'] = String(opts.idem);
    var payload = body !== undefined && body !== null ? JSON.stringify(body) : undefined;
    var mayRetry = opts.retry !== undefined ? !!opts.retry : (method !== 'POST' || !!opts.idem);

    function once() {
      var ctl = window.AbortController ? new AbortController() : null;
      var timer = ctl ? setTimeout(function () { ctl.abort(); }, opts.timeout || TIMEOUT) : 0;
      return fetch(path, {
        method: method, headers: headers, body: payload,
        credentials: 'same-origin', cache: 'no-store', signal: ctl ? ctl.signal : undefined
      }).then(function (res) {
        clearTimeout(timer);
        return res;
      }, function (e) {
        clearTimeout(timer);
        throw e;
      });
    }

    function attempt(n) {
      return once().then(answer, function () {
        if (!mayRetry || n >= RETRIES) {
          var err = new Error(LOST);
          err.title = LOST;
          err.status = 0;
          err.code = 'network';
          throw err;
        }
        return sleep(500 * Math.pow(2, n) * (0.8 + Math.random() * 0.4)).then(function () { return attempt(n + 1); });
      });
    }

    function answer(res) {
      if (res.status === 204 || res.status === 205) return null;
      var ct = res.headers.get('Content-Type') || '';
      var isJSON = /json/.test(ct);
      return (isJSON ? res.json().catch(function () { return null; }) : res.text()).then(function (data) {
        if (res.ok) return isJSON ? data : (data || null);
        if (res.status === 401 && !opts.noRedirect) location.assign(loginURL());
        throw problemError(res.status, isJSON ? data : null, parseInt(res.headers.get('Retry-After'), 10) || 0);
      });
    }

    return attempt(0);
  };

  // ---- live state over a websocket ----

  Staff.live = function (path, onMsg, onStatus) {
    var sock = null, lastSeq = null, backoff = BACKOFF_MIN;
    var retryTimer = null, offlineTimer = null, silenceTimer = null;
    var up = null, closed = false, fails = 0;

    function status(v) {
      if (v) {
        clearTimeout(offlineTimer);
        offlineTimer = null;
        if (up !== true) { up = true; if (onStatus) onStatus(true); }
        return;
      }
      if (up === false || offlineTimer) return;
      offlineTimer = setTimeout(function () {
        offlineTimer = null;
        if (sock && lastSeq !== null) return; // back already
        up = false;
        if (onStatus) onStatus(false);
      }, up === null ? 0 : OFFLINE_AFTER);
    }

    function schedule() {
      if (retryTimer || closed) return;
      var d = backoff * (0.8 + Math.random() * 0.4);
      backoff = Math.min(backoff * 2, BACKOFF_MAX);
      retryTimer = setTimeout(function () { retryTimer = null; connect(); }, d);
    }

    function drop(s) {
      if (s !== sock) return;
      sock = null;
      lastSeq = null;
      clearTimeout(silenceTimer);
      try { s.close(); } catch (e) { /* closing already */ }
      if (closed) return;
      status(false);
      // A socket refused again and again may mean the session has ended
      // (signed out everywhere): ask once, a 401 goes to the sign-in page.
      if (++fails % 3 === 0) Staff.api('GET', '/api/v1/me').catch(function () { /* shown by the banner */ });
      schedule();
    }

    function hush(s) {
      clearTimeout(silenceTimer);
      silenceTimer = setTimeout(function () { drop(s); }, SILENCE);
    }

    function connect() {
      if (closed || sock) return;
      var s;
      try {
        s = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + path);
      } catch (e) {
        status(false);
        schedule();
        return;
      }
      sock = s;
      lastSeq = null;
      hush(s);
      s.onmessage = function (ev) {
        if (s !== sock) return;
        var m;
        try { m = JSON.parse(ev.data); } catch (e) { return; }
        if (typeof m.seq === 'number') {
          if (lastSeq !== null && m.seq !== lastSeq + 1) { drop(s); return; } // lost one: start afresh
          lastSeq = m.seq;
        } else if (lastSeq === null) lastSeq = 0;
        hush(s);
        backoff = BACKOFF_MIN;
        fails = 0;
        status(true);
        onMsg(m);
      };
      s.onclose = function () { drop(s); };
      s.onerror = function () { drop(s); };
    }

    // back from sleep or a cable pulled and plugged: try at once
    function wake() {
      if (closed || sock || document.hidden) return;
      clearTimeout(retryTimer);
      retryTimer = null;
      backoff = BACKOFF_MIN;
      connect();
    }
    window.addEventListener('online', wake);
    document.addEventListener('visibilitychange', wake);

    connect();
    return {
      close: function () {
        closed = true;
        clearTimeout(retryTimer);
        clearTimeout(offlineTimer);
        clearTimeout(silenceTimer);
        if (sock) { var s = sock; sock = null; try { s.close(); } catch (e) { /* closed */ } }
      },
      reconnect: function () { if (sock) drop(sock); else wake(); }
    };
  };

  // ---- words and times ----

  function pad2(n) { return n < 10 ? '0' + n : String(n); }

  Staff.dur = function (seconds) {
    var s = Math.max(0, Math.floor(Number(seconds) || 0));
    var h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), r = s % 60;
    if (h > 0) return h + ' giờ ' + pad2(m) + ' phút';
    if (m > 0) return m + ' phút ' + pad2(r) + ' giây';
    return r + ' giây';
  };

  // time: Viet Nam is UTC+7 all year, whatever the PC's own zone says.
  Staff.time = function (iso) {
    var t = typeof iso === 'number' ? iso : Date.parse(iso);
    if (!iso || isNaN(t)) return '';
    var d = new Date(t + 7 * 3600000);
    return pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes());
  };

  // ---- toasts ----

  Staff.toast = function (text, kind) {
    var box = Staff.$('staff-toasts');
    if (!box) {
      box = Staff.el('div', 'toasts');
      box.id = 'staff-toasts';
      box.setAttribute('aria-live', 'polite');
      document.body.appendChild(box);
    }
    var t = Staff.el('div', 'toast ' + (kind || 'info'), text);
    if (kind === 'error') t.setAttribute('role', 'alert');
    box.appendChild(t);
    while (box.children.length > 4) box.removeChild(box.firstChild);
    setTimeout(function () { if (t.parentNode) t.parentNode.removeChild(t); }, kind === 'error' ? 8000 : 4000);
    return t;
  };

  // ---- the sign-in page ----

  // safeNext keeps a redirect on this site: "/counter", never "//evil".
  function safeNext(n) {
    return typeof n === 'string' && /^\/(?![\/\\])/.test(n) ? n : '/counter';
  }

  Staff.loginPage = function () {
    var form = Staff.$('login');
    if (!form) return;
    var msg = Staff.$('login-msg');
    var btn = Staff.$('login-go');
    var user = Staff.$('username'), pass = Staff.$('password'), counter = Staff.$('counter');
    var next = safeNext(document.body.getAttribute('data-next'));
    var busy = false;

    function say(text) {
      msg.textContent = text;
      msg.hidden = !text;
    }

    (user.value ? pass : user).focus();
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      if (busy) return;
      if (!user.value.trim() || !pass.value) {
        say('Hãy nhập tên đăng nhập và mật khẩu');
        (user.value.trim() ? pass : user).focus();
        return;
      }
      var body = { username: user.value.trim(), password: pass.value };
      if (counter && counter.value) body.counter = counter.value;
      busy = true;
      btn.disabled = true;
      say('');
      btn.textContent = 'Đang đăng nhập…';
      Staff.api('POST', '/api/v1/session', body, { noRedirect: true, retry: true }).then(function () {
        location.replace(next);
      }, function (err) {
        busy = false;
        btn.disabled = false;
        btn.textContent = 'Đăng nhập';
        say(err.title || err.message);
        pass.value = '';
        pass.focus();
      });
    });
  };

  document.addEventListener('DOMContentLoaded', function () {
    if (document.body && document.body.getAttribute('data-page') === 'login') Staff.loginPage();
  });
})();
