// Touch kiosk: choose a service, confirm, take a ticket, show the number.
// API (see API.md): GET /api/v1/services, POST /api/v1/tickets; errors are
// application/problem+json whose "title" is shown as is.
(function () {
  'use strict';

  var HOME_AFTER_RESULT = 15; // s on the result (or error) screen
  var HOME_AFTER_CONFIRM = 30; // s of doing nothing on the confirmation
  var REFRESH = 30000; // ms between service list refreshes on the home screen
  var RETRY = 10000; // ms before retrying a failed service list load
  var POST_TIMEOUT = 30000; // ms: printing can take a few seconds
  var PRINTER_POLL = 10000; // ms between printer state checks

  var MSG_NETWORK = 'Không kết nối được máy chủ. Vui lòng thử lại hoặc liên hệ bàn hướng dẫn.';
  var MSG_FAILED = 'Không lấy được số. Vui lòng thử lại hoặc liên hệ bàn hướng dẫn.';
  var MSG_PRINT_FAILED = 'Máy in gặp sự cố. Vui lòng chụp lại số này hoặc liên hệ bàn hướng dẫn.';
  var PRINT_STATUS = {
    printed: 'Vé đã được in. Mời bạn nhận vé.',
    queued: 'Vé đang được in, mời bạn chờ nhận vé.',
    none: 'Vui lòng ghi nhớ số thứ tự này.'
  };

  var body = document.body;
  var clockOffset = (Number(body.getAttribute('data-server-time')) || Date.now()) - Date.now();

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // No selection, no context menu, no drag on a public touch screen.
  ['contextmenu', 'selectstart', 'dragstart'].forEach(function (t) {
    document.addEventListener(t, function (e) { e.preventDefault(); });
  });

  // ---- clock (Viet Nam is UTC+7 all year) ----

  function pad2(n) { return n < 10 ? '0' + n : String(n); }
  function tick() {
    var d = new Date(Date.now() + clockOffset + 7 * 3600 * 1000);
    $('clock').textContent = pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes()) + ' · ' +
      pad2(d.getUTCDate()) + '/' + pad2(d.getUTCMonth() + 1) + '/' + d.getUTCFullYear();
    setTimeout(tick, 1000 - (d.getTime() % 1000) + 20);
  }

  // ---- views ----

  var views = ['home', 'stopped', 'confirm', 'printing', 'result', 'error'];
  var current = 'home';
  var timer = null; // the one pending "go home" or countdown timer

  function show(name) {
    current = name;
    views.forEach(function (v) { $(v).hidden = v !== name; });
    clearTimeout(timer);
    timer = null;
    window.scrollTo(0, 0);
  }

  function goHome() {
    if (stopped) {
      show('stopped');
      return;
    }
    show('home');
    loadServices();
  }

  // homeIn counts down on span (if any) and goes home after s seconds.
  function homeIn(s, span) {
    var left = s;
    if (span) span.textContent = left;
    function step() {
      left--;
      if (left <= 0) { goHome(); return; }
      if (span) span.textContent = left;
      timer = setTimeout(step, 1000);
    }
    timer = setTimeout(step, 1000);
  }

  // ---- numbers and waits ----

  function formatCount(n) { // 5.602: "." groups thousands
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  }

  function waitText(waiting, seconds) {
    var mins = Math.ceil((seconds || 0) / 60);
    if (!waiting && !mins) return 'Không phải chờ';
    var parts = [];
    if (waiting) parts.push(formatCount(waiting) + ' người đang chờ');
    if (mins) parts.push('khoảng ' + formatCount(mins) + ' phút');
    return parts.join(' · ');
  }

  // ---- service list ----

  var services = [];
  var loading = false;
  var refreshTimer = null;

  function loadServices() {
    clearTimeout(refreshTimer);
    if (loading) return;
    loading = true;
    fetch('/api/v1/services', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (res) {
        if (!res.ok) return problemTitle(res).then(function (t) { throw { title: t }; });
        return res.json();
      })
      .then(function (list) {
        loading = false;
        services = Array.isArray(list) ? list : [];
        renderServices();
        refreshTimer = setTimeout(refreshIfHome, REFRESH);
      })
      .catch(function (err) {
        loading = false;
        if (!services.length) {
          // A problem's title when the server answered, else the network failed.
          $('services-status').textContent = (err && err.title ? err.title : MSG_NETWORK) + ' Đang thử lại…';
          $('services-status').hidden = false;
        }
        refreshTimer = setTimeout(refreshIfHome, RETRY);
      });
  }

  function refreshIfHome() {
    if (current === 'home') loadServices();
    else refreshTimer = setTimeout(refreshIfHome, REFRESH);
  }

  function renderServices() {
    var box = $('services');
    box.textContent = '';
    var groups = [];
    var byDept = {};
    services.forEach(function (s) {
      var dept = s.department_name || s.department || 'Dịch vụ khác';
      if (!byDept[dept]) { byDept[dept] = []; groups.push(dept); }
      byDept[dept].push(s);
    });
    groups.forEach(function (dept) {
      if (groups.length > 1) box.appendChild(el('h2', null, dept));
      var grid = el('div', 'group');
      byDept[dept].forEach(function (s) {
        var b = el('button', 'service');
        b.type = 'button';
        b.setAttribute('data-id', s.id);
        b.appendChild(el('span', 'name', s.name));
        if (s.open) {
          b.appendChild(el('span', 'meta', waitText(s.waiting, s.estimated_wait_s)));
          b.addEventListener('click', function () { confirmService(s); });
        } else {
          b.disabled = true;
          b.appendChild(el('span', 'meta', 'Tạm đóng'));
        }
        grid.appendChild(b);
      });
      box.appendChild(grid);
    });
    var status = $('services-status');
    status.hidden = services.length > 0;
    status.textContent = 'Hiện chưa có dịch vụ nào. Vui lòng liên hệ bàn hướng dẫn.';
  }

  // ---- taking a ticket ----

  var chosen = null;
  var posting = false;

  function confirmService(s) {
    chosen = s;
    $('confirm-name').textContent = s.name;
    $('confirm-wait').textContent = waitText(s.waiting, s.estimated_wait_s);
    $('take').disabled = false;
    show('confirm');
    timer = setTimeout(goHome, HOME_AFTER_CONFIRM * 1000);
  }

  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)motcua_csrf=([^;]*)/);
    if (!m) return '';
    try { return decodeURIComponent(m[1]); } catch (e) { return m[1]; }
  }

  // problemTitle reads the Vietnamese title of an RFC 9457 problem.
  function problemTitle(res) {
    var ct = res.headers.get('Content-Type') || '';
    if (ct.indexOf('json') < 0) return Promise.resolve(MSG_FAILED);
    return res.json().then(function (p) {
      return p && typeof p.title === 'string' && p.title ? p.title : MSG_FAILED;
    }, function () { return MSG_FAILED; });
  }

  function takeTicket() {
    if (posting || !chosen || current !== 'confirm') return;
    posting = true;
    $('take').disabled = true;
    var service = chosen;
    show('printing');

    var ctrl = window.AbortController ? new AbortController() : null;
    var abort = ctrl ? setTimeout(function () { ctrl.abort(); }, POST_TIMEOUT) : null;
    fetch('/api/v1/tickets', {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'X-CSRF-Token': csrfToken()
      },
      body: JSON.stringify({ service: service.id }),
      signal: ctrl ? ctrl.signal : undefined
    }).then(function (res) {
      if (!res.ok) return problemTitle(res).then(showError);
      return res.json().then(function (t) { showTicket(t, service); }, function () { showError(MSG_FAILED); });
    }, function () {
      showError(MSG_NETWORK);
    }).then(function () {
      clearTimeout(abort);
      posting = false;
    });
  }

  function showTicket(t, service) {
    $('result-number').textContent = String(t.number);
    var name = service.name;
    if (t.service && typeof t.service === 'object' && t.service.name) name = t.service.name;
    $('result-service').textContent = name;
    $('result-ahead').textContent = 'Số người chờ trước bạn: ' + formatCount(t.waiting_ahead || 0);
    var mins = Math.ceil((t.estimated_wait_s || 0) / 60);
    $('result-wait').textContent = mins > 0 ? 'Thời gian chờ dự kiến: khoảng ' + formatCount(mins) + ' phút' : '';
    $('result-wait').hidden = mins <= 0;

    var status = (t.print && t.print.status) || 'none';
    var p = $('result-print');
    p.className = 'print' + (status === 'failed' ? ' failed' : '');
    p.textContent = status === 'failed' ? MSG_PRINT_FAILED : (PRINT_STATUS[status] || PRINT_STATUS.none);

    show('result');
    homeIn(HOME_AFTER_RESULT, $('done-count'));
  }

  function showError(title) {
    $('error-title').textContent = title || MSG_FAILED;
    show('error');
    homeIn(HOME_AFTER_RESULT, null);
  }

  // A kiosk whose printer is out of paper, open or offline offers no
  // numbers: the server refuses them anyway, and a citizen is told at once
  // to use the other kiosk instead of after choosing a service.
  var kioskID = body.getAttribute('data-kiosk');
  var stopped = false;
  function checkPrinter() {
    fetch('/api/v1/kiosks/' + encodeURIComponent(kioskID) + '/status', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (st) {
        if (!st) return;
        if (!st.accepting) {
          stopped = true;
          $('stopped-reason').textContent = (st.printer && st.printer.message) || 'Máy in đang gặp sự cố';
          if (current === 'home' || current === 'confirm') show('stopped');
        } else if (stopped) {
          stopped = false;
          if (current === 'stopped') goHome();
        }
      })
      .catch(function () { /* the service list shows network trouble */ })
      .then(function () { setTimeout(checkPrinter, PRINTER_POLL); });
  }

  $('take').addEventListener('click', takeTicket);
  $('back').addEventListener('click', goHome);
  $('done').addEventListener('click', goHome);
  $('error-back').addEventListener('click', goHome);

  tick();
  goHome();
  checkPrinter();
})();
