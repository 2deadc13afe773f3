// Touch kiosk: choose a service (by department, by search, or as a priority
// citizen), confirm, take a ticket, show the number and its QR.
// API (see API.md): GET /api/v1/services, GET /api/v1/priorities,
// POST /api/v1/tickets, GET /api/v1/kiosks/{id}/status,
// POST /api/v1/kiosks/{id}/unlock; errors are application/problem+json
// whose "title" is shown as is (Vietnamese).
(function () {
  'use strict';

  var RESULT_OK = 20; // s the number stays up once printed
  var RESULT_PROBLEM = 60; // s when the ticket may not have printed
  var ERROR_SHOWN = 20; // s on the error screen
  var IDLE = 30000; // ms without a touch before a non-home screen goes home
  var REFRESH = 30000; // ms between service list refreshes on the home screen
  var RETRY = 10000; // ms before retrying a failed service list load
  var POST_TIMEOUT = 30000; // ms: printing can take a few seconds
  var PRINTER_POLL = 10000; // ms between printer state checks
  var HOLD = 3000; // ms of pressing the top-right corner to open the PIN pad
  var STORE = 'motcua.kiosk.';

  // ---- words, Vietnamese first ----

  var WORDS = {
    vi: {
      homeTitle: 'Xin mời chọn dịch vụ để lấy số thứ tự',
      searchPh: 'Tìm dịch vụ (gõ không dấu cũng được)',
      clear: 'Xóa',
      prioBtn: 'Ưu tiên: người cao tuổi, người khuyết tật, …',
      prioNow: 'Lấy số ưu tiên:',
      prioCancel: 'Bỏ ưu tiên',
      prioTitle: 'Chọn đối tượng ưu tiên',
      prioHint: 'Cán bộ có thể đề nghị xuất trình giấy tờ khi gọi đến quầy.',
      prioLabel: 'Ưu tiên: ',
      prioEmpty: 'Chưa có đối tượng ưu tiên nào. Vui lòng hỏi bàn hướng dẫn.',
      back: 'Quay lại',
      loading: 'Đang tải danh sách dịch vụ…',
      noServices: 'Hiện chưa có dịch vụ nào. Vui lòng liên hệ bàn hướng dẫn.',
      noMatch: 'Không tìm thấy dịch vụ phù hợp. Hãy thử từ khác hoặc hỏi bàn hướng dẫn.',
      retrying: ' Đang thử lại…',
      otherDept: 'Dịch vụ khác',
      stoppedTitle: 'Kiosk tạm ngừng cấp số',
      stoppedHint: 'Mời ông/bà lấy số ở kiosk khác hoặc hỏi bàn hướng dẫn.',
      confirmQ: 'Lấy số cho:',
      take: 'Lấy số',
      printing: 'Đang in vé…',
      yourNumber: 'Số thứ tự của bạn',
      ahead: 'Số người chờ trước bạn: ',
      estimate: 'Thời gian chờ dự kiến: khoảng {n} phút',
      qrHint: 'Quét mã để theo dõi lượt trên điện thoại',
      printed: 'Vé đã được in. Mời bạn nhận vé.',
      queued: 'Vé đang được in, mời bạn chờ nhận vé.',
      printFailed: 'Máy in gặp sự cố, vé chưa được in. Hãy chụp ảnh màn hình này hoặc quét mã QR, hoặc hỏi bàn hướng dẫn.',
      printUnknown: 'Không rõ vé đã in được chưa. Nếu không có vé, hãy chụp ảnh màn hình này hoặc quét mã QR, hoặc hỏi bàn hướng dẫn.',
      printNone: 'Kiosk này không in vé. Hãy chụp ảnh màn hình này hoặc quét mã QR, hoặc ghi nhớ số thứ tự.',
      done: 'Xong',
      errorLabel: 'Không lấy được số',
      retry: 'Thử lại',
      network: 'Không kết nối được máy chủ. Vui lòng thử lại hoặc liên hệ bàn hướng dẫn.',
      failed: 'Không lấy được số. Vui lòng thử lại hoặc liên hệ bàn hướng dẫn.',
      closed: 'Tạm đóng',
      opensAt: 'Mở lại lúc {t}, {d}',
      outOfHours: 'Ngoài giờ làm việc. ',
      noWait: 'Không phải chờ',
      waiting: '{n} người đang chờ',
      about: 'khoảng {n} phút',
      nearEnd: 'Máy in sắp hết giấy — vé vẫn được in bình thường.',
      printerBroken: 'Máy in đang gặp sự cố',
      pinTitle: 'Nhập mã PIN quản trị',
      pinWrong: 'Sai mã PIN',
      pinBlocked: 'Nhập sai quá nhiều lần, hãy thử lại sau',
      ok: 'Đồng ý',
      cancel: 'Hủy',
      settingsTitle: 'Cài đặt kiosk',
      reload: 'Tải lại trang',
      defaultLang: 'Ngôn ngữ mặc định: Tiếng Việt',
      large: 'Chữ lớn',
      contrast: 'Tương phản cao',
      kiosk: 'Ki-ốt',
      printerState: 'Máy in: ',
      kbSpace: 'Dấu cách',
      kbDel: 'Xóa lùi',
      kbClose: 'Xong',
      days: ['Chủ Nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy']
    },
    en: {
      homeTitle: 'Please choose a service to take a queue number',
      searchPh: 'Search for a service',
      clear: 'Clear',
      prioBtn: 'Priority: elderly, disabled, pregnant, …',
      prioNow: 'Priority number:',
      prioCancel: 'Cancel priority',
      prioTitle: 'Choose your priority category',
      prioHint: 'Staff may ask to see a document when you are called.',
      prioLabel: 'Priority: ',
      prioEmpty: 'No priority categories are set up. Please ask at the information desk.',
      back: 'Back',
      loading: 'Loading the services…',
      noServices: 'No services are available. Please ask at the information desk.',
      noMatch: 'No matching service. Try another word or ask at the information desk.',
      retrying: ' Retrying…',
      otherDept: 'Other services',
      stoppedTitle: 'This kiosk cannot issue numbers now',
      stoppedHint: 'Please take a number at the other kiosk or ask at the information desk.',
      confirmQ: 'Take a number for:',
      take: 'Take a number',
      printing: 'Printing your ticket…',
      yourNumber: 'Your number',
      ahead: 'People ahead of you: ',
      estimate: 'Estimated wait: about {n} min',
      qrHint: 'Scan to follow your turn on your phone',
      printed: 'Your ticket is printed. Please take it.',
      queued: 'Your ticket is being printed, please wait for it.',
      printFailed: 'The printer failed: no ticket was printed. Take a photo of this screen or scan the QR code, or ask at the information desk.',
      printUnknown: 'The ticket may not have printed. If there is none, take a photo of this screen or scan the QR code, or ask at the information desk.',
      printNone: 'This kiosk prints no tickets. Take a photo of this screen or scan the QR code, or remember your number.',
      done: 'Done',
      errorLabel: 'Could not take a number',
      retry: 'Try again',
      network: 'Cannot reach the server. Please try again or ask at the information desk.',
      failed: 'Could not take a number. Please try again or ask at the information desk.',
      closed: 'Closed',
      opensAt: 'Opens at {t}, {d}',
      outOfHours: 'Outside office hours. ',
      noWait: 'No wait',
      waiting: '{n} waiting',
      about: 'about {n} min',
      nearEnd: 'The printer is running out of paper — tickets still print.',
      printerBroken: 'The printer has a problem',
      pinTitle: 'Enter the admin PIN',
      pinWrong: 'Wrong PIN',
      pinBlocked: 'Too many wrong PINs, try again later',
      ok: 'OK',
      cancel: 'Cancel',
      settingsTitle: 'Kiosk settings',
      reload: 'Reload the page',
      defaultLang: 'Default language: English',
      large: 'Large text',
      contrast: 'High contrast',
      kiosk: 'Kiosk',
      printerState: 'Printer: ',
      kbSpace: 'Space',
      kbDel: 'Delete',
      kbClose: 'Done',
      days: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
      states: {
        ok: 'ready', near_end: 'paper near end', paper_end: 'The printer is out of paper',
        cover_open: 'The printer cover is open', offline: 'The printer is offline',
        unknown: 'The printer does not answer', none: 'no printer'
      }
    }
  };

  var html = document.documentElement;
  var body = document.body;
  var kioskID = body.getAttribute('data-kiosk');
  var clockOffset = (Number(body.getAttribute('data-server-time')) || Date.now()) - Date.now();

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function button(cls, text, fn) {
    var b = el('button', cls, text);
    b.type = 'button';
    if (fn) b.addEventListener('click', fn);
    return b;
  }

  function load(key, def) {
    try { var v = localStorage.getItem(STORE + key); return v === null ? def : v; } catch (e) { return def; }
  }
  function save(key, v) {
    try { localStorage.setItem(STORE + key, v); } catch (e) { /* private mode */ }
  }

  var defaultLang = load('lang', 'vi') === 'en' ? 'en' : 'vi';
  var lang = defaultLang;

  function w(key, n) {
    var s = WORDS[lang][key];
    if (s === undefined) s = WORDS.vi[key];
    if (n !== undefined) s = s.replace('{n}', n);
    return s;
  }

  // ---- locked down: nowhere to go, nothing to select ----

  ['contextmenu', 'selectstart', 'dragstart', 'gesturestart'].forEach(function (t) {
    document.addEventListener(t, function (e) { e.preventDefault(); });
  });
  document.addEventListener('click', function (e) {
    var a = e.target && e.target.closest ? e.target.closest('a') : null;
    if (a) e.preventDefault();
  }, true);
  if (window.history && history.pushState) {
    history.pushState({ kiosk: 1 }, '', location.href);
    window.addEventListener('popstate', function () { history.pushState({ kiosk: 1 }, '', location.href); });
  }
  document.addEventListener('keydown', function (e) {
    if ((e.altKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) || e.key === 'BrowserBack') e.preventDefault();
  });

  // ---- clock (Viet Nam is UTC+7 all year) ----

  function pad2(n) { return n < 10 ? '0' + n : String(n); }
  function vnDate(ms) { return new Date(ms + 7 * 3600 * 1000); } // read with getUTC*
  function tick() {
    var d = vnDate(Date.now() + clockOffset);
    $('clock').textContent = pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes()) + ' · ' +
      pad2(d.getUTCDate()) + '/' + pad2(d.getUTCMonth() + 1) + '/' + d.getUTCFullYear();
    setTimeout(tick, 1000 - (d.getTime() % 1000) + 20);
  }

  // opensText: "Mở lại lúc 07:30, Thứ Hai 30/11".
  function opensText(iso) {
    var ms = Date.parse(iso);
    if (isNaN(ms)) return w('closed');
    var d = vnDate(ms);
    return w('opensAt').replace('{t}', pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes()))
      .replace('{d}', w('days')[d.getUTCDay()] + ' ' + pad2(d.getUTCDate()) + '/' + pad2(d.getUTCMonth() + 1));
  }

  // ---- language, large text, high contrast ----

  var large = load('large', '0') === '1';
  var contrast = load('contrast', '0') === '1';

  function applyLang() {
    html.lang = lang;
    Array.prototype.forEach.call(document.querySelectorAll('[data-t]'), function (e) {
      e.textContent = w(e.getAttribute('data-t'));
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-tp]'), function (e) {
      e.placeholder = w(e.getAttribute('data-tp'));
    });
    $('lang').textContent = lang === 'vi' ? 'English' : 'Tiếng Việt';
    $('lang').lang = lang === 'vi' ? 'en' : 'vi';
    $('set-lang').textContent = WORDS[defaultLang].defaultLang;
    buildKeyboard();
    renderServices();
    renderPriorities();
    renderPrinter();
    if (current === 'confirm' && chosen) fillConfirm();
    if (current === 'result' && lastTicket) fillResult();
    if (current === 'settings') fillSettings();
  }

  function applyModes() {
    html.classList.toggle('large', large);
    html.classList.toggle('contrast', contrast);
    $('large').setAttribute('aria-pressed', String(large));
    $('contrast').setAttribute('aria-pressed', String(contrast));
    $('set-large').setAttribute('aria-pressed', String(large));
    $('set-contrast').setAttribute('aria-pressed', String(contrast));
  }

  function toggleLang() { lang = lang === 'vi' ? 'en' : 'vi'; applyLang(); }
  function toggleLarge() { large = !large; save('large', large ? '1' : '0'); applyModes(); }
  function toggleContrast() { contrast = !contrast; save('contrast', contrast ? '1' : '0'); applyModes(); }

  // ---- views ----

  var views = ['home', 'priority', 'stopped', 'confirm', 'printing', 'result', 'error', 'pin', 'settings'];
  var current = 'home';
  var timer = null; // the one pending "go home" or countdown timer

  function show(name) {
    current = name;
    views.forEach(function (v) { $(v).hidden = v !== name; });
    body.setAttribute('data-view', name);
    clearTimeout(timer);
    timer = null;
    if (name !== 'home') closeKeyboard();
    $('main').scrollTop = 0;
    window.scrollTo(0, 0);
  }

  // backHome shows the menu again, keeping the citizen's search and
  // priority (the "Quay lại" of a confirmation).
  function backHome() {
    if (stopped) { show('stopped'); return; }
    show('home');
    loadServices();
  }

  // reset is the end of one citizen's visit: everything back as it was.
  function reset() {
    prio = null;
    query = '';
    $('search').value = '';
    if (lang !== defaultLang) { lang = defaultLang; applyLang(); }
    applyFilter();
    renderPrio();
    backHome();
  }

  // homeIn counts down on span (if any) and resets after s seconds.
  function homeIn(s, span) {
    var left = s;
    if (span) span.textContent = left;
    function step() {
      left--;
      if (left <= 0) { reset(); return; }
      if (span) span.textContent = left;
      timer = setTimeout(step, 1000);
    }
    timer = setTimeout(step, 1000);
  }

  // Idle: a screen other than the plain menu goes back to it after IDLE
  // without a touch; the result screen has its own countdown.
  var lastTouch = Date.now();
  ['pointerdown', 'touchstart', 'mousedown', 'keydown'].forEach(function (t) {
    document.addEventListener(t, function () { lastTouch = Date.now(); }, true);
  });
  function idleCheck() {
    if (Date.now() - lastTouch < IDLE) return;
    var dirty = current === 'home' && (prio || query || kbOpen || lang !== defaultLang);
    if (dirty || current === 'priority' || current === 'confirm' || current === 'error' ||
        current === 'pin' || current === 'settings' || (current === 'stopped' && lang !== defaultLang)) {
      reset();
    }
  }

  // ---- numbers and waits ----

  function formatCount(n) { // 5.602: "." groups thousands
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  }

  function waitText(waiting, seconds) {
    var mins = Math.ceil((seconds || 0) / 60);
    if (!waiting && !mins) return w('noWait');
    var parts = [];
    if (waiting) parts.push(w('waiting', formatCount(waiting)));
    if (mins) parts.push(w('about', formatCount(mins)));
    return parts.join(' · ');
  }

  // fold: lower case without diacritics, "Đăng ký" → "dang ky".
  function fold(s) {
    s = String(s || '').replace(/[đĐ]/g, 'd');
    if (s.normalize) s = s.normalize('NFD');
    return s.replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
  }

  // ---- service list ----

  var services = [];
  var loading = false;
  var loadError = '';
  var loaded = false; // the list came once
  var refreshTimer = null;

  function getJSON(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (res) {
        if (!res.ok) return problemTitle(res).then(function (t) { throw { title: t }; });
        return res.json();
      });
  }

  function loadServices() {
    clearTimeout(refreshTimer);
    if (loading) return;
    loading = true;
    getJSON('/api/v1/services').then(function (list) {
      loading = false;
      loadError = '';
      loaded = true;
      services = Array.isArray(list) ? list : [];
      renderServices();
      refreshTimer = setTimeout(refreshIfHome, REFRESH);
    }).catch(function (err) {
      loading = false;
      loadError = err && err.title ? err.title : w('network');
      if (!services.length) renderServices();
      refreshTimer = setTimeout(refreshIfHome, RETRY);
    });
  }

  function refreshIfHome() {
    if (current === 'home') loadServices();
    else refreshTimer = setTimeout(refreshIfHome, REFRESH);
  }

  var rendered = []; // {key, button}: what the search filters
  var byID = {}; // service id → its button
  var layout = ''; // the ids, names and departments the buttons were built for

  function metaText(s) {
    if (s.open) return waitText(s.waiting, s.estimated_wait_s);
    return s.closed_reason === 'hours' && s.opens_at ? opensText(s.opens_at) : w('closed');
  }

  // renderServices builds the menu, or, when only the counts and states
  // changed (the usual refresh), updates the buttons in place, so that a
  // finger already on a button never loses it.
  function renderServices() {
    var box = $('services');
    var groups = [];
    var byDept = {};
    var hoursClosed = null;
    services.forEach(function (s) {
      var dept = s.department_name || s.department || w('otherDept');
      if (!byDept[dept]) { byDept[dept] = []; groups.push(dept); }
      byDept[dept].push(s);
      if (!s.open && s.closed_reason === 'hours' && s.opens_at) hoursClosed = s.opens_at;
    });
    var allHours = services.length > 0 && services.every(function (s) { return !s.open && s.closed_reason === 'hours'; });
    $('hours-banner').hidden = !allHours;
    if (allHours) $('hours-banner').textContent = w('outOfHours') + (hoursClosed ? opensText(hoursClosed) : '');

    var sig = lang + '|' + groups.map(function (d) {
      return d + ':' + byDept[d].map(function (s) { return s.id + '=' + s.name; }).join(',');
    }).join(';');
    if (sig !== layout) {
      layout = sig;
      box.textContent = '';
      rendered = [];
      byID = {};
      box.classList.toggle('multi', groups.length > 1);
      groups.forEach(function (dept) {
        var sec = el('div', 'dept');
        if (groups.length > 1) sec.appendChild(el('h2', null, dept));
        var grid = el('div', 'group');
        byDept[dept].forEach(function (s) {
          var b = button('service');
          b.setAttribute('data-id', s.id);
          b.appendChild(el('span', 'name', s.name));
          b.appendChild(el('span', 'meta'));
          grid.appendChild(b);
          byID[s.id] = b;
          rendered.push({ key: fold(s.name + ' ' + dept + ' ' + s.id.replace(/-/g, ' ')), button: b });
        });
        sec.appendChild(grid);
        box.appendChild(sec);
      });
    }
    services.forEach(function (s) {
      var b = byID[s.id];
      if (!b) return;
      b.disabled = !s.open;
      b.classList.toggle('closed', !s.open);
      b.lastChild.textContent = metaText(s);
    });
    applyFilter();
  }

  // one listener for every service button: the list it acts on is the
  // latest one
  $('services').addEventListener('click', function (e) {
    var b = e.target && e.target.closest ? e.target.closest('button.service') : null;
    if (!b || b.disabled) return;
    var id = b.getAttribute('data-id');
    for (var i = 0; i < services.length; i++) {
      if (services[i].id === id && services[i].open) { confirmService(services[i]); return; }
    }
  });

  // ---- search, with an on-screen keyboard (a kiosk has no other) ----

  var query = '';
  var kbOpen = false;

  function applyFilter() {
    var words = fold(query).split(' ').filter(Boolean);
    var shown = 0;
    rendered.forEach(function (r) {
      var ok = words.every(function (q) { return r.key.indexOf(q) >= 0; });
      r.button.hidden = !ok;
      if (ok) shown++;
    });
    Array.prototype.forEach.call($('services').querySelectorAll('.dept'), function (d) {
      d.hidden = !d.querySelector('.service:not([hidden])');
    });
    $('search-clear').hidden = !query;
    var status = $('services-status');
    if (!services.length) {
      status.textContent = loadError ? loadError + w('retrying') : loaded ? w('noServices') : w('loading');
      status.hidden = false;
    } else if (!shown) {
      status.textContent = w('noMatch');
      status.hidden = false;
    } else {
      status.hidden = true;
    }
  }

  function setQuery(q) {
    query = q;
    if ($('search').value !== q) $('search').value = q;
    applyFilter();
  }

  var KEYS = ['QWERTYUIOP', 'ASDFGHJKL', 'ZXCVBNM'];

  function buildKeyboard() {
    var kb = $('keyboard');
    kb.textContent = '';
    var addRow = function () { var r = el('div', 'kb-row'); kb.appendChild(r); return r; };
    KEYS.forEach(function (row, i) {
      var r = addRow();
      row.split('').forEach(function (ch) {
        var k = button('key', ch, function () { setQuery(query + ch.toLowerCase()); });
        k.setAttribute('data-key', ch.toLowerCase());
        r.appendChild(k);
      });
      if (i === 2) {
        var del = button('key wide', '⌫ ' + w('kbDel'), function () { setQuery(query.slice(0, -1)); });
        del.setAttribute('data-key', 'backspace');
        r.appendChild(del);
      }
    });
    var last = addRow();
    var clr = button('key wide', w('clear'), function () { setQuery(''); });
    var sp = button('key space', w('kbSpace'), function () { if (query && query.slice(-1) !== ' ') setQuery(query + ' '); });
    sp.setAttribute('data-key', ' ');
    var close = button('key wide ok', w('kbClose'), closeKeyboard);
    close.id = 'kb-close';
    last.appendChild(clr);
    last.appendChild(sp);
    last.appendChild(close);
  }

  function openKeyboard() {
    if (kbOpen) return;
    kbOpen = true;
    $('keyboard').hidden = false;
    body.classList.add('kb-open');
  }
  function closeKeyboard() {
    kbOpen = false;
    $('keyboard').hidden = true;
    body.classList.remove('kb-open');
    if (document.activeElement === $('search')) $('search').blur();
  }

  // ---- priority citizens ----

  var priorities = [];
  var prio = null; // {id, name} chosen for this visit

  function loadPriorities() {
    getJSON('/api/v1/priorities').then(function (list) {
      priorities = Array.isArray(list) ? list : [];
      renderPriorities();
    }).catch(function () { setTimeout(loadPriorities, RETRY); });
  }

  function renderPriorities() {
    var box = $('priorities');
    box.textContent = '';
    $('priority-btn').hidden = !priorities.length;
    priorities.forEach(function (p) {
      var b = button('btn prio-choice', p.name, function () {
        prio = p;
        renderPrio();
        backHome();
      });
      b.setAttribute('data-id', p.id);
      box.appendChild(b);
    });
    if (!priorities.length) box.appendChild(el('p', 'status', w('prioEmpty')));
  }

  function renderPrio() {
    $('prio-banner').hidden = !prio;
    $('prio-label').textContent = prio ? prio.name : '';
    body.classList.toggle('prio-mode', !!prio);
  }

  // ---- taking a ticket ----

  var chosen = null;
  var posting = false;
  var attempt = null; // {service, priority, key}: a retry sends the same key

  function fillConfirm() {
    $('confirm-name').textContent = chosen.name;
    $('confirm-wait').textContent = waitText(chosen.waiting, chosen.estimated_wait_s);
    $('confirm-prio').hidden = !prio;
    $('confirm-prio').textContent = prio ? w('prioLabel') + prio.name : '';
  }

  function confirmService(s) {
    chosen = s;
    fillConfirm();
    $('take').disabled = false;
    show('confirm');
  }

  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)motcua_csrf=([^;]*)/);
    if (!m) return '';
    try { return decodeURIComponent(m[1]); } catch (e) { return m[1]; }
  }

  function newKey() {
    var a = new Uint8Array(16);
    if (window.crypto && crypto.getRandomValues) crypto.getRandomValues(a);
    else for (var i = 0; i < a.length; i++) a[i] = Math.floor(Math.random() * 256);
    return 'k-' + Array.prototype.map.call(a, function (b) { return (b < 16 ? '0' : '') + b.toString(16); }).join('');
  }

  // problemTitle reads the Vietnamese title of an RFC 9457 problem.
  function problemTitle(res) {
    var ct = res.headers.get('Content-Type') || '';
    if (ct.indexOf('json') < 0) return Promise.resolve(w('failed'));
    return res.json().then(function (p) {
      return p && typeof p.title === 'string' && p.title ? p.title : w('failed');
    }, function () { return w('failed'); });
  }

  function takeTicket() {
    if (posting || !chosen || current !== 'confirm') return;
    attempt = { service: chosen, priority: prio, key: newKey() };
    post();
  }

  function post() {
    if (posting || !attempt) return;
    posting = true;
    $('take').disabled = true;
    var a = attempt;
    show('printing');
    var req = { service: a.service.id };
    if (a.priority) req.priority = a.priority.id;
    var ctrl = window.AbortController ? new AbortController() : null;
    var abort = ctrl ? setTimeout(function () { ctrl.abort(); }, POST_TIMEOUT) : null;
    fetch('/api/v1/tickets', {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'X-CSRF-Token': csrfToken(),
        'Idempotency-Key': a.key
      },
      body: JSON.stringify(req),
      signal: ctrl ? ctrl.signal : undefined
    }).then(function (res) {
      if (!res.ok) {
        if (res.status === 409) checkPrinter();
        // a server fault may have issued the ticket: a retry with the same
        // key gets that ticket back, never a second one
        return problemTitle(res).then(function (t) { showError(t, res.status >= 500); });
      }
      return res.json().then(function (t) { showTicket(t, a); }, function () { showError(w('failed'), true); });
    }, function () {
      showError(w('network'), true);
    }).then(function () {
      clearTimeout(abort);
      posting = false;
    });
  }

  var lastTicket = null; // {t, a}

  function fillResult() {
    var t = lastTicket.t, a = lastTicket.a;
    $('result-service').textContent = a.service.name;
    $('result-prio').hidden = !a.priority;
    $('result-prio').textContent = a.priority ? w('prioLabel') + a.priority.name : '';
    $('result-ahead').textContent = w('ahead') + formatCount(t.waiting_ahead || 0);
    var mins = Math.ceil((t.estimated_wait_s || 0) / 60);
    $('result-wait').textContent = mins > 0 ? w('estimate', formatCount(mins)) : '';
    $('result-wait').hidden = mins <= 0;
    var status = (t.print && t.print.status) || 'none';
    var msg = { printed: 'printed', queued: 'queued', failed: 'printFailed', unknown: 'printUnknown' }[status] || 'printNone';
    var p = $('result-print');
    p.className = 'print' + (status === 'printed' || status === 'queued' ? '' : ' failed');
    p.textContent = w(msg);
  }

  function showTicket(t, a) {
    lastTicket = { t: t, a: a };
    attempt = null;
    $('result-number').textContent = String(t.number);
    $('result').setAttribute('data-ticket-id', String(t.id));
    var token = String(t.track_url || '').split('?')[0].split('/').pop();
    var qr = $('result-qr');
    if (token) { qr.src = '/t/' + encodeURIComponent(token) + '/qr.svg'; qr.hidden = false; } else qr.hidden = true;
    fillResult();
    var status = (t.print && t.print.status) || 'none';
    var problem = !(status === 'printed' || status === 'queued');
    $('result').classList.toggle('problem', problem);
    show('result');
    homeIn(problem ? RESULT_PROBLEM : RESULT_OK, $('done-count'));
  }

  function showError(title, retry) {
    $('error-title').textContent = title || w('failed');
    $('error-retry').hidden = !retry || !attempt;
    show('error');
    timer = setTimeout(reset, ERROR_SHOWN * 1000);
  }

  // ---- the printer: near end is a notice, out of paper stops the menu ----

  var stopped = false;
  var printer = null; // {state, message}
  var printerTimer = null;

  function renderPrinter() {
    var st = printer ? printer.state : '';
    var n = $('notice');
    n.hidden = st !== 'near_end';
    n.textContent = w('nearEnd');
    var msg = printer && printer.message ? printer.message : w('printerBroken');
    if (lang === 'en' && WORDS.en.states[st]) msg = WORDS.en.states[st];
    $('stopped-reason').textContent = msg;
  }

  function checkPrinter() {
    clearTimeout(printerTimer);
    getJSON('/api/v1/kiosks/' + encodeURIComponent(kioskID) + '/status').then(function (st) {
      if (!st) return;
      printer = st.printer || null;
      renderPrinter();
      if (!st.accepting) {
        stopped = true;
        if (current === 'home' || current === 'confirm' || current === 'priority') show('stopped');
      } else if (stopped) {
        stopped = false;
        if (current === 'stopped') backHome();
      }
    }).catch(function () { /* the service list shows network trouble */ })
      .then(function () { printerTimer = setTimeout(checkPrinter, PRINTER_POLL); });
  }

  // ---- settings: hold the top-right corner, then the admin PIN ----

  var holdTimer = null;
  function holdStart(e) {
    if (e && e.cancelable) e.preventDefault();
    clearTimeout(holdTimer);
    holdTimer = setTimeout(openPin, HOLD);
  }
  function holdEnd() { clearTimeout(holdTimer); holdTimer = null; }
  (function () {
    var c = $('corner');
    if (window.PointerEvent) {
      c.addEventListener('pointerdown', holdStart);
      ['pointerup', 'pointercancel', 'pointerleave'].forEach(function (t) { c.addEventListener(t, holdEnd); });
    } else {
      c.addEventListener('touchstart', holdStart);
      c.addEventListener('mousedown', holdStart);
      ['touchend', 'touchcancel', 'mouseup', 'mouseleave'].forEach(function (t) { c.addEventListener(t, holdEnd); });
    }
  })();

  var pin = '';
  var pinBusy = false;

  function renderPin() {
    var dots = '';
    for (var i = 0; i < pin.length; i++) dots += '●';
    $('pin-dots').textContent = dots || '\u00a0';
  }

  function buildPinPad() {
    var pad = $('pin-pad');
    '123456789C0K'.split('').forEach(function (k) {
      var b;
      if (k === 'C') {
        b = button('key pin-key', '', function () { pin = ''; renderPin(); });
        b.setAttribute('data-t', 'clear');
      } else if (k === 'K') {
        b = button('key pin-key ok', '', submitPin);
        b.setAttribute('data-t', 'ok');
        b.id = 'pin-ok';
      } else {
        b = button('key pin-key', k, function () { if (pin.length < 8) { pin += k; renderPin(); } });
        b.setAttribute('data-key', k);
      }
      pad.appendChild(b);
    });
  }

  function openPin() {
    holdTimer = null;
    if (current === 'printing' || current === 'pin' || current === 'settings') return;
    pin = '';
    renderPin();
    $('pin-msg').textContent = '';
    show('pin');
  }

  function submitPin() {
    if (pinBusy || !pin) return;
    pinBusy = true;
    fetch('/api/v1/kiosks/' + encodeURIComponent(kioskID) + '/unlock', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrfToken() },
      body: JSON.stringify({ pin: pin })
    }).then(function (res) {
      pin = '';
      renderPin();
      if (res.status === 204 || res.ok) { fillSettings(); show('settings'); return; }
      if (lang === 'en' && (res.status === 403 || res.status === 429)) {
        $('pin-msg').textContent = w(res.status === 403 ? 'pinWrong' : 'pinBlocked');
        return;
      }
      return problemTitle(res).then(function (t) { $('pin-msg').textContent = t; });
    }, function () {
      $('pin-msg').textContent = w('network');
    }).then(function () { pinBusy = false; });
  }

  function fillSettings() {
    var st = printer ? printer.state : '?';
    $('settings-info').textContent = w('kiosk') + ' ' + kioskID + ' · ' + w('printerState') +
      (printer && printer.message && lang === 'vi' ? printer.message : (WORDS.en.states[st] || st));
    $('set-lang').textContent = WORDS[defaultLang].defaultLang;
  }

  // ---- wiring ----

  $('take').addEventListener('click', takeTicket);
  $('back').addEventListener('click', backHome);
  $('done').addEventListener('click', reset);
  $('error-back').addEventListener('click', backHome);
  $('error-retry').addEventListener('click', post);
  $('priority-btn').addEventListener('click', function () { closeKeyboard(); show('priority'); });
  $('priority-back').addEventListener('click', backHome);
  $('prio-cancel').addEventListener('click', function () { prio = null; renderPrio(); });
  $('search').addEventListener('focus', openKeyboard);
  $('search').addEventListener('click', openKeyboard);
  $('search').addEventListener('input', function () { setQuery($('search').value); });
  $('search').addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === 'Escape') closeKeyboard(); });
  $('search-clear').addEventListener('click', function () { setQuery(''); });
  $('lang').addEventListener('click', toggleLang);
  $('large').addEventListener('click', toggleLarge);
  $('contrast').addEventListener('click', toggleContrast);
  $('pin-cancel').addEventListener('click', reset);
  $('set-reload').addEventListener('click', function () { location.reload(); });
  $('set-lang').addEventListener('click', function () {
    defaultLang = defaultLang === 'vi' ? 'en' : 'vi';
    save('lang', defaultLang);
    lang = defaultLang;
    applyLang();
  });
  $('set-large').addEventListener('click', toggleLarge);
  $('set-contrast').addEventListener('click', toggleContrast);
  $('set-back').addEventListener('click', reset);

  buildPinPad();
  renderPin();
  applyModes();
  applyLang();
  tick();
  setInterval(idleCheck, 1000);
  backHome();
  loadPriorities();
  checkPrinter();
})();
