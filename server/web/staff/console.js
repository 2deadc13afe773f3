// The counter console (/counter): what an official needs at a glance and
// one key per action, F1–F9 written on the buttons. State comes live from
// /ws/console/{counter} (and once by GET at load and after each action);
// the page never needs reloading. Needs common.js (Staff).
//
// For tests: window.motcuaConsole = {state: the last ConsoleState drawn,
// busy: true while an action is in flight, dossier: the receiving panel
// (open, busy while a dossier is sent, last: the server's answer)}.
(function () {
  'use strict';

  var S = window.Staff, $ = S.$, el = S.el;
  var body = document.body;
  var counter = body.getAttribute('data-counter') || '';
  var pub = window.motcuaConsole = { state: null, busy: false };
  var title0 = document.title;

  // ---- sign out (both the console and the counter picker) ----

  function signOut(everywhere) {
    S.api('DELETE', '/api/v1/session' + (everywhere ? '?everywhere=1' : ''), null, { noRedirect: true }).then(function () {
      location.assign('/login?next=' + encodeURIComponent(location.pathname + location.search));
    }, function (err) {
      if (err.status === 401) location.assign('/login');
      else say(err.title || err.message, 'error');
    });
  }
  $('signout').addEventListener('click', function () { signOut(false); });
  $('signout-all').addEventListener('click', function () { signOut(true); });

  function say(text, kind) {
    var m = $('msg');
    if (!m) { S.toast(text, kind); return; }
    m.textContent = text || '';
    m.className = 'alert' + (kind === 'info' ? ' info' : kind === 'ok' ? ' ok' : '');
    m.hidden = !text;
  }

  if (!counter) { picker(); return; }

  // ---- the counter picker, for supervisors not bound to a counter ----

  function picker() {
    var box0 = $('pick-list'), first0 = box0.querySelector('a');
    if (first0) { first0.focus(); return; } // drawn by the server
    S.api('GET', '/api/v1/counters').then(function (res) {
      var list = Array.isArray(res) ? res : (res && res.counters) || [];
      var box = $('pick-list');
      box.textContent = '';
      list.sort(function (a, b) { return a.number - b.number; });
      list.forEach(function (c) {
        var a = el('a', 'btn', c.name || 'Quầy ' + c.number);
        a.href = '/counter?c=' + encodeURIComponent(c.id);
        box.appendChild(a);
      });
      if (!list.length) box.appendChild(el('p', 'empty', 'Chưa cấu hình quầy nào.'));
      var first = box.querySelector('a');
      if (first) first.focus();
    }, function (err) {
      $('pick-list').textContent = err.title || err.message;
    });
  }

  // ---- state ----

  var st = null;        // the ConsoleState drawn
  var offset = 0;       // server clock − this PC's clock, ms
  var stAt = 0;         // server time of st.now, ms
  var pending = null;   // {what, key}: a press lost to the network, retried with the same key
  var base = '/api/v1/counters/' + encodeURIComponent(counter) + '/';

  function serverNow() { return Date.now() + offset; }
  function ms(iso) { var t = Date.parse(iso); return isNaN(t) ? 0 : t; }

  function apply(s) {
    if (!s || !s.counter) return;
    var at = ms(s.now);
    if (st && at && at < stAt) return; // an older answer overtaken by a newer one
    st = s;
    stAt = at;
    if (at) offset = at - Date.now();
    pub.state = s;
    render();
  }

  function refresh() {
    return S.api('GET', '/api/v1/console/' + encodeURIComponent(counter)).then(apply);
  }

  // ---- drawing ----

  function label(c) { return c ? (c.name || 'Quầy ' + c.number) : ''; }

  function setText(id, s) { var e = $(id); if (e && e.textContent !== String(s)) e.textContent = s; }

  var STATE_VI = { open: ['Đang mở', 'ok'], paused: ['Tạm nghỉ', 'warn'], closed: ['Đã đóng', 'none'] };

  function render() {
    var c = st.counter, cur = st.current;
    setText('c-title', label(c));
    var sv = STATE_VI[c.state] || [c.state, 'none'];
    var chip = $('c-state');
    chip.textContent = sv[0];
    chip.className = 'chip ' + sv[1];
    chip.hidden = false;
    if (st.me && st.me.name) setText('c-me', st.me.name);
    var p = $('paused');
    p.hidden = c.state !== 'paused';
    if (c.state === 'paused') p.textContent = 'Quầy đang tạm nghỉ' + (c.reason ? ': ' + c.reason : '') + '. Bấm F9 để mở lại quầy.';
    document.title = label(c) + (cur ? ' · ' + cur.number : '') + ' — ' + title0.replace(/^.*— /, '');

    drawCurrent(cur);
    drawButtons();
    drawQueue();
    drawHeld();
    drawPrints();
    drawRating();
    drawToday();
    drawDevices();
    drawDossierButton();
    drawDossierList();
    tick();
  }

  function drawCurrent(cur) {
    var box = $('cur');
    box.className = 'card cur' + (cur ? ' ' + cur.state : ' cur-idle');
    setText('cur-num', cur ? cur.number : '—');
    setText('cur-svc', cur ? cur.service_name || cur.service : '');
    var pr = $('cur-prio');
    pr.hidden = !(cur && cur.priority);
    if (cur && cur.priority) pr.textContent = 'Ưu tiên' + (cur.priority_name ? ': ' + cur.priority_name : '');
    var mv = $('cur-moved');
    mv.hidden = !(cur && cur.transfers > 0);
    if (cur && cur.transfers > 0) mv.textContent = 'Được chuyển đến';
    setText('cur-recalls', cur ? String(cur.recalls || 0) : '—');
    if (!cur) {
      var q = st.queue_total || 0;
      setText('cur-state', st.counter.state === 'paused' ? 'Quầy đang tạm nghỉ.'
        : q ? 'Chưa gọi vé nào. Bấm F1 để gọi công dân tiếp theo.' : 'Không còn công dân chờ.');
      setText('cur-waited', '—');
      setText('cur-served', '—');
    }
  }

  // what each button may do now; a reason when it may not
  function can() {
    var c = st && st.counter, cur = st && st.current;
    var r = {};
    if (!st) {
      ['next', 'recall', 'start', 'finish', 'noshow', 'transfer', 'hold', 'call', 'pause', 'close'].forEach(function (k) { r[k] = 'Đang tải trạng thái quầy…'; });
      return r;
    }
    var called = cur && cur.state === 'called';
    var active = cur && (cur.state === 'called' || cur.state === 'serving');
    var none = 'Quầy chưa gọi vé nào';
    var notCalled = cur ? 'Vé ' + cur.number + ' đang được phục vụ' : none;
    r.next = cur ? 'Quầy đang phục vụ số ' + cur.number + '; hãy bấm Hoàn thành, Vắng mặt hoặc Chuyển trước'
      : c.state === 'paused' ? 'Quầy đang tạm nghỉ; bấm F9 để mở lại quầy' : '';
    r.recall = called ? '' : notCalled;
    r.start = called ? '' : notCalled;
    r.noshow = called ? '' : notCalled;
    r.finish = active ? '' : none;
    r.transfer = active ? '' : none;
    r.hold = active ? '' : none;
    var callable = (st.held || []).length + (st.may_call_specific ? (st.queue || []).length : 0);
    r.call = cur ? r.next : c.state === 'paused' ? r.next
      : callable ? '' : st.may_call_specific ? 'Không có vé nào để gọi' : 'Không có vé tạm giữ để gọi lại';
    r.pause = '';
    r.close = cur ? 'Quầy còn vé đang phục vụ; hãy Hoàn thành hoặc Chuyển trước khi đóng quầy'
      : c.state === 'closed' ? 'Quầy đã đóng' : '';
    return r;
  }

  var BUTTONS = {
    next: 'b-next', recall: 'b-recall', start: 'b-start', finish: 'b-finish', noshow: 'b-noshow',
    transfer: 'b-transfer', hold: 'b-hold', call: 'b-call', pause: 'b-pause', close: 'b-close'
  };

  function drawButtons() {
    var r = can();
    Object.keys(BUTTONS).forEach(function (k) {
      var b = $(BUTTONS[k]);
      b.disabled = !!r[k];
      b.title = r[k] || '';
    });
    var reopen = st && st.counter.state !== 'open';
    setText('b-pause-l', reopen ? 'Mở quầy' : 'Tạm nghỉ');
    $('b-pause').className = reopen ? 'btn primary' : 'btn';
  }

  function ticketRow(t, tag) {
    var li = el(tag || 'li', t.priority ? 'prio' : '');
    li.appendChild(el('span', 'q-num', t.number));
    if (t.priority) li.appendChild(el('span', 'tag prio', t.priority_name || 'Ưu tiên'));
    if (t.target_counter) li.appendChild(el('span', 'tag info', 'Chuyển đến'));
    li.appendChild(el('span', 'q-svc', t.service_name || t.service));
    return li;
  }

  function waitSpan(t) {
    var w = el('span', 'q-wait');
    w.setAttribute('data-waited', t.waited_s || 0);
    w.setAttribute('data-ticking', t.called_at ? '' : '1');
    return w;
  }

  function drawQueue() {
    var ol = $('queue');
    ol.textContent = '';
    var q = st.queue || [];
    setText('q-count', String(st.queue_total || q.length));
    q.forEach(function (t) {
      var li = ticketRow(t);
      li.appendChild(waitSpan(t));
      if (st.may_call_specific) {
        var b = el('button', 'btn small', 'Gọi');
        b.type = 'button';
        b.title = 'Gọi số ' + t.number;
        b.disabled = !!can().call;
        b.addEventListener('click', function () { act('call', { ticket: t.id }); });
        li.appendChild(b);
      }
      ol.appendChild(li);
    });
    if (!q.length) ol.appendChild(el('li', 'empty', 'Không còn công dân chờ'));
    else if ((st.queue_total || 0) > q.length) ol.appendChild(el('li', 'muted', 'và ' + (st.queue_total - q.length) + ' người nữa'));
  }

  function drawHeld() {
    var ul = $('held'), h = st.held || [];
    $('held-box').hidden = !h.length;
    setText('h-count', String(h.length));
    ul.textContent = '';
    var r = can().call;
    h.forEach(function (t) {
      var li = ticketRow(t);
      var b = el('button', 'btn small', 'Gọi lại vé này');
      b.type = 'button';
      b.setAttribute('data-ticket', t.id);
      b.disabled = !!r;
      b.title = r || 'Gọi lại số ' + t.number;
      b.addEventListener('click', function () { act('call', { ticket: t.id }); });
      li.appendChild(b);
      ul.appendChild(li);
    });
  }

  var PRINT_VI = { failed: 'In lỗi', unknown: 'Không rõ đã in chưa', pending: 'Đang in' };

  function drawPrints() {
    var ul = $('prints'), pp = st.print_problems || [];
    $('print-box').hidden = !pp.length;
    setText('p-count', String(pp.length));
    ul.textContent = '';
    pp.forEach(function (t) {
      var li = ticketRow(t);
      li.appendChild(el('span', 'q-wait', PRINT_VI[t.print_status] || t.print_status || ''));
      var b = el('button', 'btn small', 'In lại');
      b.type = 'button';
      b.setAttribute('data-ticket', t.id);
      b.addEventListener('click', function () { reprint(t); });
      li.appendChild(b);
      ul.appendChild(li);
    });
  }

  function drawRating() {
    var r = st.rating || {}, lr = st.last_rating;
    var a = $('rate-armed');
    a.className = 'rate-armed' + (r.armed ? ' on' : '');
    if (!r.armed) a.textContent = 'Không có lượt chờ đánh giá';
    $('rate-last').textContent = lr
      ? 'Gần nhất: vé ' + lr.number + ' — ' + (lr.label || 'mức ' + lr.level) + (lr.at ? ' (' + S.time(lr.at) + ')' : '')
      : 'Hôm nay chưa có đánh giá.';
  }

  function drawToday() {
    var d = st.today || {};
    setText('t-served', String(d.served || 0));
    setText('t-noshow', String(d.no_shows || 0));
    setText('t-mean', d.served ? S.dur(d.mean_service_s) : '—');
  }

  var DEV_NAME = { keypad: 'Bàn phím đánh giá', screen: 'Màn hình quầy', printer: 'Máy in' };
  var DEV_STATE = {
    ok: ['hoạt động', 'ok'], none: ['không lắp', 'none'], offline: ['mất kết nối', 'bad'],
    near_end: ['sắp hết giấy', 'warn'], paper_end: ['hết giấy', 'bad'], cover_open: ['mở nắp', 'bad'],
    unknown: ['không rõ', 'warn']
  };

  function drawDevices() {
    var box = $('devices'), dv = st.devices || {};
    box.textContent = '';
    ['keypad', 'screen', 'printer'].forEach(function (k) {
      var d = dv[k] || { state: 'none' };
      var s = DEV_STATE[d.state] || [d.state, 'warn'];
      var text = DEV_NAME[k] + ': ' + s[0];
      if (k === 'screen' && d.state === 'ok' && d.clients > 1) text += ' (' + d.clients + ')';
      var c = el('span', 'chip ' + s[1], text);
      c.setAttribute('data-device', k);
      c.setAttribute('data-state', d.state || 'none');
      if (d.message) c.title = d.message;
      box.appendChild(c);
    });
  }

  // tick redraws what changes with time alone, each second.
  function tick() {
    if (!st) return;
    var now = serverNow(), since = stAt ? (now - stAt) / 1000 : 0;
    var cur = st.current;
    if (cur) {
      setText('cur-waited', S.dur(cur.waited_s || 0));
      if (cur.state === 'serving' && cur.started_at) {
        setText('cur-served', S.dur((now - ms(cur.started_at)) / 1000));
        setText('cur-state', 'Đang phục vụ từ ' + S.time(cur.started_at));
      } else {
        setText('cur-served', '—');
        var ago = cur.called_at ? ' (' + S.dur((now - ms(cur.called_at)) / 1000) + ' trước)' : '';
        setText('cur-state', 'Đã gọi lúc ' + S.time(cur.called_at) + ago + ' — chờ công dân đến quầy');
      }
    }
    var ws = document.querySelectorAll('#queue [data-waited]');
    for (var i = 0; i < ws.length; i++) {
      var w = Number(ws[i].getAttribute('data-waited')) + (ws[i].getAttribute('data-ticking') ? since : 0);
      ws[i].textContent = S.dur(w);
    }
    var r = st.rating || {};
    if (r.armed) {
      var left = Math.max(0, Math.round((ms(r.until) - now) / 1000));
      $('rate-armed').textContent = 'Vé ' + r.ticket + ' đang chờ đánh giá · còn ' + S.dur(left);
    }
  }
  setInterval(tick, 1000);

  // ---- actions ----

  function busy(on, btn) {
    pub.busy = on;
    var bs = document.querySelectorAll('.actions .btn');
    for (var i = 0; i < bs.length; i++) bs[i].classList.toggle('busy', on && bs[i] === btn);
    body.setAttribute('aria-busy', on ? 'true' : 'false');
  }

  // act posts one press. A press lost to the network keeps its key: pressing
  // the same again retries it under that key, so the server does it once.
  function act(action, payload, btn) {
    if (pub.busy) return;
    var sig = action + ' ' + JSON.stringify(payload || {});
    var key = pending && pending.sig === sig && Date.now() - pending.at < 120000 ? pending.key : S.key();
    busy(true, btn);
    say('');
    S.api('POST', base + action, payload || {}, { idem: key }).then(function (res) {
      pending = null;
      if (action === 'call-next' && res === null) say('Không còn công dân chờ', 'info');
      return refresh().catch(function () { /* the websocket brings it */ });
    }, function (err) {
      pending = err.status === 0 ? { sig: sig, key: key, at: Date.now() } : null;
      say(err.title || err.message, 'error');
      if (err.status !== 0) return refresh().catch(function () { /* shown already */ });
    }).then(function () {
      busy(false);
      drawButtons();
    });
  }

  function reprint(t) {
    if (pub.busy) return;
    busy(true);
    S.api('POST', '/api/v1/tickets/' + encodeURIComponent(t.id) + '/print', {}, { idem: S.key() }).then(function () {
      S.toast('Đã gửi lệnh in lại vé ' + t.number, 'ok');
      return refresh().catch(function () { /* the websocket brings it */ });
    }, function (err) {
      say(err.title || err.message, 'error');
    }).then(function () { busy(false); });
  }

  var PRESS = {
    next: function (b) { act('call-next', null, b); },
    recall: function (b) { act('recall', null, b); },
    start: function (b) { act('start', null, b); },
    finish: function (b) { act('finish', null, b); },
    noshow: function (b) { act('no-show', null, b); },
    hold: function (b) { act('hold', null, b); },
    transfer: function () { openTransfer(); },
    call: function () { openCall(); },
    pause: function (b) {
      if (st.counter.state === 'open') openPause();
      else act('open', null, b);
    },
    close: function () { openDialog($('d-close')); $('d-close-cancel').focus(); }
  };
  var FKEYS = { F1: 'next', F2: 'recall', F3: 'start', F4: 'finish', F5: 'noshow', F6: 'transfer', F7: 'hold', F8: 'call', F9: 'pause' };

  function press(k) {
    if (pub.busy) return;
    var b = $(BUTTONS[k]);
    var why = can()[k];
    if (why) { say(why, 'info'); return; }
    PRESS[k](b);
  }

  Object.keys(BUTTONS).forEach(function (k) {
    $(BUTTONS[k]).addEventListener('click', function () { press(k); });
  });

  function openDialogEl() { return document.querySelector('dialog[open]'); }

  // The F-keys belong to the console: F5 must never reload it, F1 never
  // open the browser's help. Inside a dialog they do nothing.
  document.addEventListener('keydown', function (ev) {
    if (!/^F[1-9]$/.test(ev.key)) return;
    ev.preventDefault();
    if (ev.repeat || ev.altKey || ev.ctrlKey || ev.metaKey || openDialogEl()) return;
    var k = FKEYS[ev.key];
    if (k) press(k);
  }, true);

  // ---- dialogs ----

  var lastFocus = null;
  function openDialog(d) {
    lastFocus = document.activeElement;
    if (d.showModal) d.showModal(); else d.setAttribute('open', '');
  }
  function closeDialog(d) {
    if (d.open && d.close) d.close(); else d.removeAttribute('open');
    if (lastFocus && lastFocus.focus && document.contains(lastFocus)) lastFocus.focus();
  }
  ['d-transfer', 'd-call', 'd-pause', 'd-close'].forEach(function (id) {
    var d = $(id);
    $(id + '-cancel').addEventListener('click', function () { closeDialog(d); });
    d.addEventListener('cancel', function (ev) { ev.preventDefault(); closeDialog(d); });
  });

  // fold: "Hộ tịch" and "ho tich" match, for typing on any keyboard.
  function fold(s) {
    return String(s || '').toLowerCase().replace(/đ/g, 'd')
      .normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  }

  // picker drives a filter box over a list of options: typing filters,
  // ↑/↓ move the choice, Enter confirms, Esc cancels (the dialog's own).
  function Picker(input, list, onChoose) {
    var opts = [], shown = [], sel = -1;
    function set(items) {
      opts = items;
      filter();
    }
    function draw() {
      list.textContent = '';
      var group = null;
      shown.forEach(function (o, i) {
        if (o.group !== group) {
          group = o.group;
          list.appendChild(el('h3', 'dlg-group', group));
        }
        var b = el('button', 'dlg-opt');
        b.type = 'button';
        b.tabIndex = -1;
        b.id = list.id + '-' + i;
        b.setAttribute('role', 'option');
        b.setAttribute('aria-selected', i === sel ? 'true' : 'false');
        Object.keys(o.data || {}).forEach(function (k) { b.setAttribute('data-' + k, o.data[k]); });
        b.appendChild(el('span', '', o.text));
        if (o.note) b.appendChild(el('span', 'muted', o.note));
        b.addEventListener('click', function () { sel = i; mark(); input.focus(); });
        b.addEventListener('dblclick', function () { sel = i; choose(); });
        list.appendChild(b);
      });
      if (!shown.length) list.appendChild(el('p', 'empty', 'Không có lựa chọn phù hợp'));
      mark();
    }
    function mark() {
      var bs = list.querySelectorAll('.dlg-opt');
      for (var i = 0; i < bs.length; i++) bs[i].setAttribute('aria-selected', i === sel ? 'true' : 'false');
      if (sel >= 0 && bs[sel]) {
        input.setAttribute('aria-activedescendant', bs[sel].id);
        if (bs[sel].scrollIntoView) bs[sel].scrollIntoView({ block: 'nearest' });
      } else input.removeAttribute('aria-activedescendant');
    }
    function filter() {
      var q = fold(input.value.trim());
      shown = opts.filter(function (o) { return !q || fold(o.text + ' ' + (o.keys || '')).indexOf(q) >= 0; });
      sel = shown.length ? 0 : -1;
      draw();
    }
    function choose() { onChoose(sel >= 0 ? shown[sel] : null, input.value.trim()); }
    input.addEventListener('input', filter);
    input.addEventListener('keydown', function (ev) {
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        if (!shown.length) return;
        sel = ev.key === 'ArrowDown' ? Math.min(shown.length - 1, sel + 1) : Math.max(0, sel - 1);
        mark();
      } else if (ev.key === 'Home' && !input.value) {
        sel = shown.length ? 0 : -1; mark();
      } else if (ev.key === 'Enter') {
        ev.preventDefault();
        choose();
      }
    });
    return { set: set, choose: choose };
  }

  // transfer: a service, a counter or an official from state.targets.
  var transferPick = Picker($('d-transfer-q'), $('d-transfer-list'), function (o) {
    if (!o) return;
    closeDialog($('d-transfer'));
    var n = st.current ? st.current.number : '';
    act('transfer', o.body, $('b-transfer'));
  });
  $('d-transfer-ok').addEventListener('click', function () { transferPick.choose(); });

  function openTransfer() {
    var tg = st.targets || {}, cur = st.current, items = [];
    (tg.services || []).forEach(function (s) {
      items.push({
        group: 'Dịch vụ', text: s.name, keys: s.id, body: { service: s.id }, data: { service: s.id },
        note: cur && cur.service === s.id ? 'dịch vụ hiện tại' : ''
      });
    });
    (tg.counters || []).forEach(function (c) {
      if (c.id === counter) return; // not to itself
      items.push({
        group: 'Quầy', text: c.name || 'Quầy ' + c.number, keys: 'quay ' + c.number + ' ' + c.id,
        body: { counter: c.id }, data: { counter: c.id },
        note: c.state && c.state !== 'open' ? (STATE_VI[c.state] || [c.state])[0].toLowerCase() : ''
      });
    });
    (tg.officials || []).forEach(function (o) {
      if (st.me && o.username === st.me.username) return;
      items.push({
        group: 'Cán bộ', text: o.name || o.username, keys: o.username, body: { official: o.username }, data: { official: o.username },
        note: o.counter_number ? 'Quầy ' + o.counter_number : ''
      });
    });
    setText('d-transfer-num', cur ? cur.number : '');
    $('d-transfer-q').value = '';
    transferPick.set(items);
    openDialog($('d-transfer'));
    $('d-transfer-q').focus();
  }

  // call a given ticket: held ones always, waiting ones when allowed.
  var callPick = Picker($('d-call-in'), $('d-call-list'), function (o, typed) {
    if (!o && typed) {
      var all = (st.held || []).concat(st.may_call_specific ? st.queue || [] : []);
      for (var i = 0; i < all.length; i++) if (fold(all[i].number) === fold(typed)) o = { ticket: all[i] };
      if (!o) {
        $('d-call-in').setAttribute('aria-invalid', 'true');
        say('Không thấy số ' + typed + ' trong các vé quầy này được gọi', 'error');
        return;
      }
    }
    if (!o) return;
    closeDialog($('d-call'));
    act('call', { ticket: o.ticket.id }, $('b-call'));
  });
  $('d-call-ok').addEventListener('click', function () { callPick.choose(); });

  function openCall() {
    var items = [];
    (st.held || []).forEach(function (t) {
      items.push({ group: 'Vé tạm giữ ở quầy này', text: t.number, keys: t.service_name, ticket: t, data: { ticket: t.id }, note: t.service_name });
    });
    if (st.may_call_specific) {
      (st.queue || []).forEach(function (t) {
        items.push({
          group: 'Hàng chờ', text: t.number, keys: t.service_name, ticket: t, data: { ticket: t.id },
          note: (t.priority ? 'Ưu tiên · ' : '') + (t.service_name || '')
        });
      });
    }
    $('d-call-in').value = '';
    $('d-call-in').removeAttribute('aria-invalid');
    callPick.set(items);
    openDialog($('d-call'));
    $('d-call-in').focus();
  }

  // pause: 1, 2, 3 for the usual reasons, or a reason typed.
  function pauseWith(reason) {
    reason = (reason || '').trim();
    if (!reason) { say('Hãy nhập lý do tạm nghỉ', 'error'); $('d-pause-in').focus(); return; }
    closeDialog($('d-pause'));
    act('pause', { reason: reason }, $('b-pause'));
  }
  var quick = $('d-pause-list').querySelectorAll('.dlg-opt');
  Array.prototype.forEach.call(quick, function (b) {
    b.addEventListener('click', function () { pauseWith(b.getAttribute('data-reason')); });
  });
  $('d-pause-ok').addEventListener('click', function () {
    var f = document.activeElement;
    pauseWith(f && f.getAttribute && f.getAttribute('data-reason') || $('d-pause-in').value);
  });
  $('d-pause').addEventListener('keydown', function (ev) {
    var inInput = document.activeElement === $('d-pause-in');
    if (!inInput && /^[1-3]$/.test(ev.key)) {
      ev.preventDefault();
      pauseWith(quick[Number(ev.key) - 1].getAttribute('data-reason'));
    } else if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      var order = Array.prototype.slice.call(quick).concat([$('d-pause-in')]);
      var i = order.indexOf(document.activeElement);
      i = ev.key === 'ArrowDown' ? Math.min(order.length - 1, i + 1) : Math.max(0, i - 1);
      order[i].focus();
    } else if (ev.key === 'Enter' && inInput) {
      ev.preventDefault();
      pauseWith($('d-pause-in').value);
    }
  });
  function openPause() {
    $('d-pause-in').value = '';
    openDialog($('d-pause'));
    quick[0].focus();
  }

  $('d-close-ok').addEventListener('click', function () {
    closeDialog($('d-close'));
    act('close', null, $('b-close'));
  });

  // ---- receiving a dossier (Alt+N) ----
  //
  // A panel beside the current ticket (not a modal: the number stays in
  // sight): the procedure, its papers as a checklist, the applicant, the
  // number of sets and the return channel, then one of three outcomes —
  // receive (a code, an appointment and the receipt on the counter's
  // printer), a supplement request or a refusal (a slip, no clock). One
  // press sends one request: the server keeps no idempotency key for it,
  // so a second press while the first is in flight must do nothing.

  var FORMS = [['original', 'Bản chính'], ['certified', 'Bản sao có chứng thực'], ['copy', 'Bản sao']];
  var dos = {
    open: false, busy: false, ticket: null, number: '', proc: null, step: '', done: false, last: null, back: null
  };
  pub.dossier = dos;

  function dmy(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
    return m ? m[3] + '/' + m[2] + '/' + m[1] : '';
  }

  function dosSay(text) {
    var m = $('dos-msg');
    m.textContent = text || '';
    m.hidden = !text;
    if (text && m.scrollIntoView) m.scrollIntoView({ block: 'nearest' });
  }

  function dosWhy() {
    var cur = st && st.current;
    if (!st) return 'Đang tải trạng thái quầy…';
    if (!cur || (cur.state !== 'called' && cur.state !== 'serving')) return 'Chỉ tiếp nhận hồ sơ khi đang phục vụ một công dân (bấm F1 để gọi)';
    return '';
  }

  function drawDossierButton() {
    var b = $('b-dossier'), why = dosWhy();
    b.disabled = !!why && !dos.open;
    b.title = why;
    b.setAttribute('aria-expanded', dos.open ? 'true' : 'false');
  }

  function drawDossierList() {
    var list = st.dossiers || [], ul = $('dossiers');
    setText('dos-count', String(list.length));
    ul.textContent = '';
    if (!list.length) { ul.appendChild(el('li', 'empty', 'Chưa tiếp nhận hồ sơ nào.')); return; }
    list.forEach(function (d) {
      var li = el('li');
      li.setAttribute('data-code', d.code);
      var top = el('div', 'd-top');
      top.appendChild(el('span', 'd-code', d.code));
      if (d.state_text) top.appendChild(el('span', 'tag info', d.state_text));
      li.appendChild(top);
      li.appendChild(el('div', 'd-proc', d.procedure_name || ''));
      var meta = [d.applicant_masked, d.received_at ? 'nhận ' + S.time(d.received_at) : '', d.due_date ? 'hẹn ' + dmy(d.due_date) : ''];
      li.appendChild(el('div', 'd-meta muted', meta.filter(Boolean).join(' · ')));
      var links = el('div', 'd-links');
      [[d.a5_url, 'Giấy tiếp nhận (A5)'], [d.control_sheet_url, 'Phiếu kiểm soát']].forEach(function (x) {
        if (!x[0]) return;
        var a = el('a', 'btn small', x[1]);
        a.href = x[0];
        a.target = '_blank';
        a.rel = 'noopener';
        links.appendChild(a);
      });
      li.appendChild(links);
      ul.appendChild(li);
    });
  }

  // the procedure
  var procPick = Picker($('dos-q'), $('dos-list'), function (o) {
    if (!o) { dosSay('Không có thủ tục phù hợp: hãy gõ tên hoặc mã khác'); return; }
    chooseProc(o.proc);
    $('dos-name').focus();
  });

  function procItems() {
    return (st.procedures || []).map(function (p) {
      return {
        group: p.for_ticket ? 'Thủ tục của dịch vụ đang phục vụ' : 'Thủ tục khác', text: p.name,
        keys: p.code + ' ' + (p.department_name || ''), proc: p, data: { code: p.code },
        note: p.code + (p.amount ? ' · ' + p.amount + ' ' + (p.unit_text || '') : '')
      };
    });
  }

  function chooseProc(p) {
    dos.proc = p;
    dosSay('');
    $('dos-pick').hidden = true;
    $('dos-chosen').hidden = false;
    setText('dos-proc-name', p.name);
    var meta = [p.code, p.department_name, p.amount ? 'thời hạn ' + p.amount + ' ' + (p.unit_text || '') : '', p.fees ? 'phí, lệ phí: ' + p.fees : ''];
    setText('dos-proc-meta', meta.filter(Boolean).join(' · '));
    $('dos-docs').textContent = '';
    (p.documents || []).forEach(function (name) { addDoc(name); });
    $('dos-docs-empty').hidden = true;
  }

  function changeProc() {
    $('dos-pick').hidden = false;
    $('dos-chosen').hidden = true;
    $('dos-q').value = '';
    procPick.set(procItems());
    $('dos-q').focus();
  }
  $('dos-proc-change').addEventListener('click', changeProc);

  // guessForm: a paper named "Bản sao …" is a copy; the rest originals.
  function guessForm(name) { return /^bản sao/i.test(name || '') ? 'copy' : 'original'; }

  var docSeq = 0;
  // addDoc adds a row to the checklist: a named paper of the procedure, or
  // (name undefined) one the official types.
  function addDoc(name) {
    var i = ++docSeq, tr = el('tr', 'dos-doc');
    var id = 'dos-doc-' + i;
    var tdC = el('td', 'c'), cb = el('input');
    cb.type = 'checkbox';
    cb.checked = true;
    cb.id = id;
    cb.className = 'dos-inc';
    tdC.appendChild(cb);
    var tdN = el('td', 'n'), nameIn = null;
    if (name !== undefined) {
      var lb = el('label', '', name);
      lb.htmlFor = id;
      tdN.appendChild(lb);
      tr.setAttribute('data-name', name);
    } else {
      nameIn = el('input', 'in dos-doc-name');
      nameIn.maxLength = 300;
      nameIn.autocomplete = 'off';
      nameIn.placeholder = 'Tên giấy tờ';
      nameIn.setAttribute('aria-label', 'Tên giấy tờ thêm');
      tdN.appendChild(nameIn);
      cb.setAttribute('aria-label', 'Có giấy tờ thêm này');
    }
    var tdF = el('td', 'f'), sel = el('select', 'in dos-form');
    FORMS.forEach(function (f) {
      var o = el('option', '', f[1]);
      o.value = f[0];
      sel.appendChild(o);
    });
    sel.value = guessForm(name);
    sel.setAttribute('aria-label', 'Hình thức' + (name ? ': ' + name : ''));
    tdF.appendChild(sel);
    var tdK = el('td', 'k'), cnt = el('input', 'in dos-count');
    cnt.type = 'number';
    cnt.min = '1';
    cnt.max = '99';
    cnt.value = '1';
    cnt.inputMode = 'numeric';
    cnt.setAttribute('aria-label', 'Số lượng' + (name ? ': ' + name : ''));
    tdK.appendChild(cnt);
    cb.addEventListener('change', function () { tr.classList.toggle('off', !cb.checked); });
    tr.appendChild(tdC);
    tr.appendChild(tdN);
    tr.appendChild(tdF);
    tr.appendChild(tdK);
    $('dos-docs').appendChild(tr);
    $('dos-docs-empty').hidden = true;
    return nameIn || cb;
  }
  $('dos-add-doc').addEventListener('click', function () { addDoc().focus(); });

  // docs reads the checklist: [{name, form, count, included}], or a message.
  function docs() {
    var out = [], rows = $('dos-docs').querySelectorAll('tr.dos-doc');
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i], nameIn = r.querySelector('.dos-doc-name');
      var name = nameIn ? nameIn.value.trim() : r.getAttribute('data-name');
      var inc = r.querySelector('.dos-inc').checked;
      if (!name) {
        if (inc && nameIn) return { error: 'Hãy ghi tên giấy tờ thêm, hoặc bỏ đánh dấu dòng đó', focus: nameIn };
        continue;
      }
      var cnt = r.querySelector('.dos-count'), n = Number(cnt.value);
      if (inc && (!(n >= 1 && n <= 99) || Math.floor(n) !== n)) return { error: 'Số lượng của "' + name + '" phải từ 1 đến 99', focus: cnt };
      out.push({ name: name, form: r.querySelector('.dos-form').value, count: n, included: inc });
    }
    return { list: out };
  }

  function resetForm() {
    dos.proc = null;
    dos.step = '';
    dos.done = false;
    dos.last = null;
    ['dos-name', 'dos-phone', 'dos-idn', 'dos-addr', 'dos-email', 'dos-supp-note', 'dos-ref-reason'].forEach(function (id) { $(id).value = ''; });
    $('dos-sets').value = '1';
    document.querySelector('input[name="dos-ch"][value="counter"]').checked = true;
    $('dos-docs').textContent = '';
    $('dos-docs-empty').hidden = false;
    $('dos-pick').hidden = false;
    $('dos-chosen').hidden = true;
    $('dos-q').value = '';
    $('dos-supp').hidden = true;
    $('dos-ref').hidden = true;
    $('dos-form').hidden = false;
    $('dos-foot').hidden = false;
    $('dos-result').hidden = true;
    dosSay('');
  }

  function openDossier() {
    var why = dosWhy();
    if (why && !dos.open) { say(why, 'info'); return; }
    var cur = st.current;
    if (!dos.open) dos.back = document.activeElement;
    // a new ticket, or the last dossier done: a blank form; the same
    // ticket after Esc: the form as it was left
    if (cur && (dos.ticket !== cur.id || dos.done)) {
      resetForm();
      dos.ticket = cur.id;
      dos.number = cur.number;
    }
    setText('dos-for', dos.number ? ' — vé ' + dos.number : '');
    dos.open = true;
    // just under the header, however tall it wraps
    var top = document.querySelector('.top');
    if (top) $('dos').style.top = Math.round(top.getBoundingClientRect().bottom) + 'px';
    $('dos').hidden = false;
    body.classList.add('dos-on');
    sideInert(true);
    drawDossierButton();
    if (dos.done) { $('dos-done').focus(); return; }
    if (!dos.proc) {
      procPick.set(procItems());
      $('dos-q').focus();
    } else if (dos.step) {
      $(dos.step === 'supplement' ? 'dos-supp-ok' : 'dos-ref-reason').focus();
    } else $('dos-name').focus();
  }

  // the side column lies under the panel: out of the Tab order meanwhile
  function sideInert(on) {
    var side = document.querySelector('.c-side');
    if (side) side.inert = on;
  }

  function closeDossier() {
    if (!dos.open) return;
    dos.open = false;
    $('dos').hidden = true;
    body.classList.remove('dos-on');
    sideInert(false);
    drawDossierButton();
    var b = dos.back;
    dos.back = null;
    if (b && b.focus && document.contains(b) && b !== document.body) b.focus();
    else $('b-dossier').focus();
  }
  $('b-dossier').addEventListener('click', function () { if (dos.open) closeDossier(); else openDossier(); });
  $('dos-x').addEventListener('click', closeDossier);
  $('dos-done').addEventListener('click', closeDossier);
  $('dos-again').addEventListener('click', function () {
    var t = dos.ticket, n = dos.number;
    resetForm();
    dos.ticket = t;
    dos.number = n;
    procPick.set(procItems());
    $('dos-q').focus();
  });

  // collect checks the form and builds the request of outcome, or says
  // what is missing and returns null.
  function collect(outcome) {
    dosSay('');
    if (!dos.proc) { dosSay('Hãy chọn thủ tục hành chính'); changeProc(); return null; }
    var d = docs();
    if (d.error) { dosSay(d.error); d.focus.focus(); return null; }
    var name = $('dos-name').value.trim();
    if (!name) {
      $('dos-name').setAttribute('aria-invalid', 'true');
      dosSay('Hãy nhập họ tên người nộp hồ sơ');
      $('dos-name').focus();
      return null;
    }
    $('dos-name').removeAttribute('aria-invalid');
    var sets = Number($('dos-sets').value);
    if (!(sets >= 1 && sets <= 20) || Math.floor(sets) !== sets) { dosSay('Số bộ hồ sơ phải từ 1 đến 20'); $('dos-sets').focus(); return null; }
    var included = d.list.filter(function (x) { return x.included; });
    if (outcome === 'receive' && !included.length) { dosSay('Hồ sơ chưa có giấy tờ nào: hãy đánh dấu giấy tờ đã nộp, hoặc chọn Yêu cầu bổ sung'); return null; }
    var ch = document.querySelector('input[name="dos-ch"]:checked');
    var app = { name: name, phone: $('dos-phone').value.trim(), address: $('dos-addr').value.trim() };
    if ($('dos-email').value.trim()) app.email = $('dos-email').value.trim();
    if ($('dos-idn').value.trim()) app.id_number = $('dos-idn').value.trim();
    return {
      ticket: dos.ticket, counter: counter, procedure: dos.proc.code, applicant: app,
      documents: included.map(function (x) { return { name: x.name, form: x.form, count: x.count }; }),
      sets: sets, return_channel: ch ? ch.value : 'counter', outcome: outcome
    };
  }

  function dosBusy(on) {
    dos.busy = on;
    $('dos').setAttribute('aria-busy', on ? 'true' : 'false');
    ['dos-receive', 'dos-supp-go', 'dos-ref-go', 'dos-supp-ok', 'dos-ref-ok', 'dos-supp-back', 'dos-ref-back'].forEach(function (id) {
      $(id).disabled = on;
    });
  }

  function send(req, btn) {
    if (dos.busy || dos.done || !req) return;
    dosBusy(true);
    btn.classList.add('busy');
    // one key per dossier until it is answered: a retry after a lost answer
    // gets the same dossier back, never a second code
    if (!dos.key) dos.key = S.key();
    S.api('POST', '/api/v1/dossiers', req, { idem: dos.key }).then(function (res) {
      dos.key = null;
      showResult(req, res || {});
      refresh().catch(function () { /* the websocket brings it */ });
    }, function (err) {
      dosSay(err.title || err.message);
    }).then(function () {
      btn.classList.remove('busy');
      dosBusy(false);
    });
  }

  function showResult(req, res) {
    dos.done = true;
    dos.last = res;
    dos.step = '';
    $('dos-form').hidden = true;
    $('dos-foot').hidden = true;
    $('dos-result').hidden = false;
    var slip = res.slip, a5 = $('dos-a5'), ctl = $('dos-ctl'), sl = $('dos-slip'), pr = $('dos-print');
    a5.hidden = ctl.hidden = sl.hidden = true;
    a5.className = 'btn';
    if (slip) {
      var refusal = slip.kind === 'refusal';
      setText('dos-res-h', refusal ? 'Đã lập phiếu từ chối tiếp nhận, giải quyết hồ sơ' : 'Đã lập phiếu yêu cầu bổ sung, hoàn thiện hồ sơ');
      setText('dos-code', 'Phiếu số ' + slip.number + (slip.year ? '/' + slip.year : ''));
      setText('dos-due', 'Hồ sơ chưa được tiếp nhận: không có mã hồ sơ, không tính thời hạn giải quyết.');
      pr.className = 'alert info';
      pr.textContent = 'Hãy in phiếu, ký và giao cho người nộp hồ sơ.';
      if (res.print_url) { sl.href = res.print_url; sl.hidden = false; }
      setText('dos-slip', refusal ? 'In phiếu từ chối' : 'In phiếu yêu cầu bổ sung');
      (sl.hidden ? $('dos-done') : sl).focus();
      return;
    }
    setText('dos-res-h', 'Đã tiếp nhận hồ sơ — mã hồ sơ');
    setText('dos-code', res.code || '');
    setText('dos-due', 'Hẹn trả kết quả: ngày ' + dmy(res.due_date) + (res.due_at ? ' lúc ' + S.time(res.due_at) : ''));
    var p = (res.receipt && res.receipt.print) || { status: 'none' };
    var rcpt = res.receipt || {};
    if (rcpt.a5_url) { a5.href = rcpt.a5_url; a5.hidden = false; }
    if (res.control_sheet_url) { ctl.href = res.control_sheet_url; ctl.hidden = false; }
    var focus = $('dos-done');
    if (p.status === 'printed') {
      pr.className = 'alert ok';
      pr.textContent = 'Đã in giấy hẹn trên máy in của quầy.';
    } else {
      pr.className = 'alert';
      pr.textContent = p.status === 'none'
        ? 'Quầy không có máy in giấy hẹn: hãy in giấy tiếp nhận khổ A5.'
        : 'Không in được giấy hẹn' + (p.error ? ': ' + p.error : '') + '. Hãy mở giấy tiếp nhận khổ A5 để in.';
      if (!a5.hidden) { a5.className = 'btn primary'; focus = a5; }
    }
    pr.setAttribute('data-status', p.status || '');
    focus.focus();
  }

  // the three outcomes
  function receive() { send(collect('receive'), $('dos-receive')); }

  function openStep(kind) {
    if (dos.busy) return;
    dosSay('');
    if (!dos.proc) { dosSay('Hãy chọn thủ tục hành chính'); changeProc(); return; }
    dos.step = kind;
    $('dos-supp').hidden = kind !== 'supplement';
    $('dos-ref').hidden = kind !== 'refusal';
    if (kind === 'supplement') {
      var box = $('dos-missing'), d = docs();
      box.textContent = '';
      (d.list || []).forEach(function (x, i) {
        var lb = el('label', 'dos-miss'), cb = el('input');
        cb.type = 'checkbox';
        cb.value = x.name;
        cb.checked = !x.included; // what the citizen did not bring
        lb.appendChild(cb);
        lb.appendChild(document.createTextNode(' ' + x.name));
        box.appendChild(lb);
      });
      if (!box.children.length) box.appendChild(el('p', 'empty', 'Thủ tục này không có danh sách giấy tờ: hãy ghi nội dung cần bổ sung.'));
      var first = box.querySelector('input:checked') || box.querySelector('input') || $('dos-supp-note');
      first.focus();
      if ($('dos-supp').scrollIntoView) $('dos-supp').scrollIntoView({ block: 'nearest' });
    } else {
      $('dos-ref-reason').focus();
      if ($('dos-ref').scrollIntoView) $('dos-ref').scrollIntoView({ block: 'nearest' });
    }
  }
  function closeStep() {
    dos.step = '';
    $('dos-supp').hidden = true;
    $('dos-ref').hidden = true;
    dosSay('');
  }

  function supplement() {
    var req = collect('supplement');
    if (!req) return;
    var ms = $('dos-missing').querySelectorAll('input:checked');
    req.missing = Array.prototype.map.call(ms, function (c) { return c.value; });
    req.reason = $('dos-supp-note').value.trim();
    if (!req.missing.length && !req.reason) {
      dosSay('Hãy đánh dấu giấy tờ cần bổ sung hoặc ghi nội dung cần hoàn thiện');
      ($('dos-missing').querySelector('input') || $('dos-supp-note')).focus();
      return;
    }
    send(req, $('dos-supp-ok'));
  }

  function refusal() {
    var req = collect('refusal');
    if (!req) return;
    req.reason = $('dos-ref-reason').value.trim();
    if (!req.reason) {
      $('dos-ref-reason').setAttribute('aria-invalid', 'true');
      dosSay('Hãy ghi lý do từ chối tiếp nhận hồ sơ');
      $('dos-ref-reason').focus();
      return;
    }
    $('dos-ref-reason').removeAttribute('aria-invalid');
    send(req, $('dos-ref-ok'));
  }

  $('dos-receive').addEventListener('click', receive);
  $('dos-supp-go').addEventListener('click', function () { openStep('supplement'); });
  $('dos-ref-go').addEventListener('click', function () { openStep('refusal'); });
  $('dos-supp-ok').addEventListener('click', supplement);
  $('dos-ref-ok').addEventListener('click', refusal);
  $('dos-supp-back').addEventListener('click', function () { closeStep(); $('dos-supp-go').focus(); });
  $('dos-ref-back').addEventListener('click', function () { closeStep(); $('dos-ref-go').focus(); });

  // Enter in a field sends the outcome in hand: the open step's, or else
  // receive. Not in the procedure search (its own Enter), a text area (a
  // new line; Ctrl+Enter sends) or on a button or link (their own press).
  $('dos').addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape') {
      ev.preventDefault();
      closeDossier();
      return;
    }
    if (ev.key !== 'Enter' || ev.defaultPrevented || ev.isComposing || dos.done) return;
    var t = ev.target, tag = t.tagName;
    if (t.id === 'dos-q') return;
    if (tag === 'TEXTAREA' && !ev.ctrlKey) return;
    if (tag !== 'INPUT' && tag !== 'SELECT' && tag !== 'TEXTAREA') return;
    ev.preventDefault();
    if (dos.step === 'supplement') supplement();
    else if (dos.step === 'refusal') refusal();
    else receive();
  });

  // Alt+N opens the panel from anywhere on the console (a dialog aside);
  // Esc outside the panel's fields closes it too.
  document.addEventListener('keydown', function (ev) {
    if (ev.altKey && !ev.ctrlKey && !ev.metaKey && (ev.code === 'KeyN' || ev.key === 'n' || ev.key === 'N')) {
      ev.preventDefault();
      if (ev.repeat || openDialogEl()) return;
      openDossier();
    } else if (ev.key === 'Escape' && dos.open && !openDialogEl() && !$('dos').contains(ev.target)) {
      ev.preventDefault();
      closeDossier();
    }
  });

  // ---- live ----

  S.live('/ws/console/' + encodeURIComponent(counter), function (m) {
    if (m.type === 'state') apply(m.state);
  }, function (up) {
    $('offline').hidden = up;
    if (up) refresh().catch(function () { /* the next message brings it */ });
  });

  drawButtons();
  refresh().catch(function (err) { say(err.title || err.message, 'error'); });
})();
