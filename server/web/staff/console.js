// The counter console (/counter): what an official needs at a glance and
// one key per action, F1–F9 written on the buttons. State comes live from
// /ws/console/{counter} (and once by GET at load and after each action);
// the page never needs reloading. Needs common.js (Staff).
//
// For tests: window.motcuaConsole = {state: the last ConsoleState drawn,
// busy: true while an action is in flight}.
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
