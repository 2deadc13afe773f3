// The supervisor's live monitor (/monitor), drawn for a 1920×1080 screen:
// every counter, the waiting per service, the alerts, the kiosks' printers
// and the screens, kept live over /ws/monitor; and the rebalancing tools:
// a counter's services, open/pause/close, moving waiting tickets.
// Needs common.js (Staff). Exposes window.motcuaMonitor for tests.
(function () {
  'use strict';
  var S = window.Staff;
  var $ = S.$, el = S.el;

  var CSTATE = { open: 'Đang mở', paused: 'Tạm nghỉ', closed: 'Đóng' };
  var TSTATE = { called: 'Đang gọi', serving: 'Đang phục vụ', waiting: 'Đang chờ', held: 'Tạm giữ' };
  var KIND = { wait: 'Chờ lâu', unserved: 'Không có quầy phục vụ', idle: 'Quầy rảnh', printer: 'Máy in', screen: 'Màn hình', keypad: 'Bàn phím đánh giá', dossier: 'Hồ sơ' };
  var DEVICE = { keypad: 'Bàn phím đánh giá', screen: 'Màn hình quầy', printer: 'Máy in quầy' };
  var PRINTER = {
    ok: 'Sẵn sàng', near_end: 'Sắp hết giấy', paper_end: 'Hết giấy', cover_open: 'Nắp máy in đang mở',
    offline: 'Mất kết nối', unknown: 'Không rõ tình trạng', none: 'Không có'
  };

  var mon = window.motcuaMonitor = { state: null, alerts: [] };
  var state = null;       // the last MonitorState
  var got = 0;            // Date.now() when it came: times tick on from there
  var pending = [];       // alerts announced by a message, not yet in a state
  var flashed = {};       // alert id → Date.now() of its message, to flash it
  var audio = null;
  var page = document.body;

  // ---- small helpers ----

  function serverNow() { return state ? Date.parse(state.now) + (Date.now() - got) : Date.now(); }
  function secondsSince(iso) { var t = Date.parse(iso); return isNaN(t) ? 0 : Math.max(0, Math.floor((serverNow() - t) / 1000)); }
  function threshold(name, def) {
    var th = state && state.thresholds;
    var m = th && typeof th[name] === 'number' ? th[name] : def;
    return m * 60;
  }
  function svcName(id) {
    var ss = (state && state.services) || [];
    for (var i = 0; i < ss.length; i++) if (ss[i].id === id) return ss[i].name || id;
    return id;
  }
  function counterOf(id) {
    var cs = (state && state.counters) || [];
    for (var i = 0; i < cs.length; i++) if (cs[i].id === id) return cs[i];
    return null;
  }
  function serviceOf(id) {
    var ss = (state && state.services) || [];
    for (var i = 0; i < ss.length; i++) if (ss[i].id === id) return ss[i];
    return null;
  }
  // ticking: an element whose text is a duration that grows by itself
  function ticking(cls, seconds, prefix) {
    var e = el('span', 'tick ' + (cls || ''));
    e.setAttribute('data-s', String(Math.max(0, Math.floor(seconds || 0))));
    e.setAttribute('data-at', String(Date.now()));
    if (prefix) e.setAttribute('data-prefix', prefix);
    e.textContent = (prefix || '') + S.dur(seconds);
    return e;
  }
  // minutes: an estimate needs no seconds: "≈ 16 phút", "≈ 1 giờ 05".
  function minutes(sec) {
    var m = Math.round((sec || 0) / 60);
    if (m < 1) return 'ngay';
    if (m < 60) return '≈ ' + m + ' phút';
    return '≈ ' + Math.floor(m / 60) + ' giờ ' + (m % 60 < 10 ? '0' : '') + (m % 60);
  }
  function chip(text, cls, title) {
    var c = el('span', 'chip ' + (cls || ''), text);
    if (title) c.title = title;
    return c;
  }
  function button(text, act, id, cls) {
    var b = el('button', cls || 'btn', text);
    b.type = 'button';
    b.setAttribute('data-act', act);
    b.setAttribute('data-id', id);
    return b;
  }
  function fail(err, where) {
    var t = (err && (err.title || err.message)) || 'Yêu cầu không thành công';
    if (where) { where.textContent = t; where.hidden = false; }
    S.toast(t, 'error');
  }

  // ---- drawing ----

  function draw() {
    if (!state) return;
    drawAlerts();
    drawCounters();
    drawServices();
    drawDevices();
    drawDossiers();
    $('mon-updated').textContent = 'Cập nhật lúc ' + S.time(state.now);
    tick();
  }

  // alerts: the state's list, plus any announced by a message that the
  // next state has not yet carried.
  function currentAlerts() {
    var list = ((state && state.alerts) || []).slice();
    var ids = {};
    for (var i = 0; i < list.length; i++) ids[list[i].id] = true;
    for (i = 0; i < pending.length; i++) if (!ids[pending[i].id]) list.push(pending[i]);
    // critical first, then the oldest
    list.sort(function (a, b) {
      var sa = a.severity === 'critical' ? 0 : 1, sb = b.severity === 'critical' ? 0 : 1;
      return sa - sb || Date.parse(a.since) - Date.parse(b.since);
    });
    return list;
  }

  function drawAlerts() {
    var list = currentAlerts();
    var ul = $('alerts');
    var items = [];
    var now = Date.now();
    for (var i = 0; i < list.length; i++) {
      var a = list[i];
      var li = el('li', 'al sev-' + (a.severity === 'critical' ? 'critical' : 'warning'));
      li.setAttribute('data-alert', a.id);
      li.setAttribute('data-kind', a.kind || '');
      if (flashed[a.id] && now - flashed[a.id] < 6000) li.className += ' flash';
      li.appendChild(el('span', 'alert-sev', a.severity === 'critical' ? 'Nghiêm trọng' : 'Cảnh báo'));
      if (KIND[a.kind]) li.appendChild(el('span', 'alert-kind', KIND[a.kind]));
      li.appendChild(el('span', 'alert-title', a.title));
      var when = el('span', 'alert-since', 'từ ' + S.time(a.since) + ' · ');
      when.appendChild(ticking('', secondsSince(a.since)));
      li.appendChild(when);
      items.push(li);
    }
    reconcile(ul, items);
    $('alerts-none').hidden = list.length > 0;
    $('alerts-count').textContent = list.length ? String(list.length) : '';
    $('alerts-count').hidden = !list.length;
    var crit = list.some(function (a) { return a.severity === 'critical'; });
    $('alerts-box').className = 'alerts-box' + (list.length ? (crit ? ' has-critical' : ' has-warning') : '');
  }

  function deviceChips(devs) {
    var box = el('div', 'devs');
    if (!devs) return box;
    ['printer', 'keypad', 'screen'].forEach(function (k) {
      var d = devs[k];
      if (!d || !d.state || d.state === 'none') return;
      var bad = d.state === 'offline' || d.state === 'paper_end' || d.state === 'cover_open' || d.state === 'unknown';
      var warn = d.state === 'near_end';
      var label = DEVICE[k];
      if (k === 'printer') label += ': ' + (PRINTER[d.state] || d.state);
      else if (d.state === 'offline') label += ': mất kết nối';
      if (k === 'screen' && d.state === 'ok' && typeof d.clients === 'number') label += ' (' + d.clients + ')';
      box.appendChild(chip(label, bad ? 'bad' : warn ? 'warn' : 'ok', d.message || ''));
    });
    return box;
  }

  function drawCounters() {
    var grid = $('counters');
    var tiles = [];
    var cs = state.counters || [];
    var idleMax = threshold('idle_minutes', 5), waitMax = threshold('wait_minutes', 30);
    for (var i = 0; i < cs.length; i++) {
      var c = cs[i];
      var tile = el('article', 'counter st-' + c.state);
      tile.setAttribute('data-counter', c.id);
      var head = el('header', 'c-head');
      head.appendChild(el('span', 'c-num', String(c.number)));
      var nm = el('span', 'c-name', c.name);
      if (c.general) nm.appendChild(el('span', 'tag', 'Tổng hợp'));
      head.appendChild(nm);
      var st = el('span', 'c-state st-' + c.state, CSTATE[c.state] || c.state);
      head.appendChild(st);
      tile.appendChild(head);
      if (c.state === 'paused' && c.reason) tile.appendChild(el('p', 'c-reason', 'Lý do: ' + c.reason));
      tile.appendChild(el('p', 'c-official' + (c.official ? '' : ' none'), c.official ? c.official : 'Chưa có cán bộ đăng nhập'));

      var cur = el('div', 'c-current');
      if (c.current) {
        var t = c.current;
        cur.appendChild(el('span', 'c-ticket', t.number));
        var info = el('span', 'c-tinfo');
        info.appendChild(el('span', 'c-tstate', TSTATE[t.state] || t.state));
        var secs = t.started_at ? t.served_s : t.called_at ? secondsSince(t.called_at) : t.waited_s;
        info.appendChild(ticking('c-tdur', secs));
        info.appendChild(el('span', 'c-tsvc', t.service_name || svcName(t.service)));
        cur.appendChild(info);
      } else {
        cur.className += ' free';
        cur.appendChild(el('span', 'c-free', c.state === 'open' ? 'Không có vé đang phục vụ' : '—'));
      }
      tile.appendChild(cur);
      if (c.idle_s > 0) {
        var idle = el('p', 'c-idle' + (c.idle_s >= idleMax ? ' over' : ''));
        idle.appendChild(document.createTextNode('Rảnh '));
        idle.appendChild(ticking('', c.idle_s));
        idle.appendChild(document.createTextNode(' trong khi có người chờ'));
        tile.appendChild(idle);
      }

      // tickets transferred or moved to this counter alone
      if (c.waiting > 0) {
        var own = el('p', 'c-waiting' + (c.longest_wait_s >= waitMax ? ' over' : ''));
        own.appendChild(document.createTextNode('Chờ riêng quầy này: ' + c.waiting + ' người · lâu nhất '));
        own.appendChild(ticking('', c.longest_wait_s));
        tile.appendChild(own);
      }

      var stats = el('dl', 'c-stats');
      stat(stats, 'Đã phục vụ', String(c.served_today || 0));
      stat(stats, 'Thời gian TB', c.mean_service_s ? S.dur(c.mean_service_s) : '—');
      stat(stats, 'Vắng mặt', String(c.no_shows || 0));
      tile.appendChild(stats);

      var svcs = el('div', 'c-svcs');
      (c.services || []).forEach(function (id) { svcs.appendChild(chip(svcName(id), 'svc', svcName(id))); });
      tile.appendChild(svcs);
      tile.appendChild(deviceChips(c.devices));

      var acts = el('div', 'c-acts');
      acts.appendChild(button('Dịch vụ', 'services', c.id));
      if (c.state !== 'open') acts.appendChild(button('Mở quầy', 'open', c.id, 'btn ok'));
      if (c.state === 'open') acts.appendChild(button('Tạm nghỉ', 'pause', c.id));
      if (c.state !== 'closed') acts.appendChild(button('Đóng quầy', 'close', c.id, 'btn quiet'));
      tile.appendChild(acts);
      tiles.push(tile);
    }
    reconcile(grid, tiles);
  }

  function stat(dl, k, v) {
    var d = el('div');
    d.appendChild(el('dt', '', k));
    d.appendChild(el('dd', '', v));
    dl.appendChild(d);
  }

  // servingCounters: the open counters whose live services include id.
  function servingCounters(id) {
    return (state.counters || []).filter(function (c) {
      return c.state === 'open' && (c.services || []).indexOf(id) >= 0;
    });
  }

  function drawServices() {
    var body = $('services');
    var rows = [];
    var max = threshold('wait_minutes', 30);
    var ss = state.services || [];
    var total = 0;
    for (var i = 0; i < ss.length; i++) {
      var s = ss[i];
      total += s.waiting || 0;
      var tr = el('tr', s.waiting ? 'busy' : 'quiet');
      tr.setAttribute('data-service', s.id);
      var name = el('td', 's-name', s.name);
      if (s.department_name) name.appendChild(el('span', 's-dep', s.department_name));
      tr.appendChild(name);
      tr.appendChild(el('td', 'num s-waiting', String(s.waiting || 0)));
      var lw = el('td', 'num s-longest');
      if (s.waiting) {
        lw.appendChild(ticking('', s.longest_wait_s));
        if (s.longest_wait_s >= max) lw.className += ' over';
        else if (s.longest_wait_s >= max * 0.75) lw.className += ' near';
      } else lw.textContent = '—';
      tr.appendChild(lw);
      var oc = servingCounters(s.id);
      var ctd = el('td', 's-counters');
      if (oc.length) ctd.textContent = oc.map(function (c) { return 'Quầy ' + c.number; }).join(', ');
      else if (s.waiting) {
        ctd.textContent = 'Không quầy nào mở';
        ctd.className += ' over';
      } else ctd.textContent = '—';
      tr.appendChild(ctd);
      tr.appendChild(el('td', 'num s-est', s.waiting ? minutes(s.estimated_wait_s) : '—'));
      var act = el('td', 's-act');
      if (movable(s)) act.appendChild(button('Chuyển vé chờ', 'move', s.id, 'btn small'));
      tr.appendChild(act);
      rows.push(tr);
    }
    reconcile(body, rows);
    $('waiting-total').textContent = String(total);
  }

  function drawDevices() {
    var ul = $('kiosks');
    var items = [];
    (state.kiosks || []).forEach(function (k) {
      var li = el('li', 'dev');
      li.setAttribute('data-kiosk', k.id);
      li.appendChild(el('span', 'dev-name', k.name));
      var p = k.printer || {};
      var s = p.state || 'unknown';
      var cls = s === 'ok' ? 'ok' : s === 'near_end' ? 'warn' : 'bad';
      li.appendChild(chip('Máy in: ' + (PRINTER[s] || s), cls, p.message || ''));
      items.push(li);
    });
    reconcile(ul, items);
    ul = $('screens');
    items = [];
    (state.screens || []).forEach(function (sc) {
      var li = el('li', 'dev');
      li.setAttribute('data-screen', sc.id);
      li.appendChild(el('span', 'dev-name', sc.name));
      var n = sc.clients || 0;
      li.appendChild(chip(n ? n + ' màn hình đang kết nối' : 'Không có màn hình kết nối', n ? 'ok' : 'bad'));
      items.push(li);
    });
    reconcile(ul, items);
  }

  // ---- dossiers: overdue, possibly lost, near their due date ----

  var DGROUP = [
    { key: 'overdue', title: 'Quá hạn' },
    { key: 'lost', title: 'Có thể thất lạc' },
    { key: 'near', title: 'Sắp đến hạn' }
  ];
  var HOLDER = { center: 'Trung tâm', post: 'Bưu điện', applicant: 'Người nộp hồ sơ', online: 'Trực tuyến' };

  // dmy: "2026-03-05" or an RFC 3339 time → "05/03/2026" (Viet Nam's day).
  function dmy(v) {
    if (!v) return '';
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
    if (m) return m[3] + '/' + m[2] + '/' + m[1];
    if (/^\d{2}\/\d{2}\/\d{4}$/.test(v)) return v;
    var t = Date.parse(v);
    if (isNaN(t)) return v;
    var d = new Date(t + 7 * 3600000);
    var p = function (n) { return n < 10 ? '0' + n : String(n); };
    return p(d.getUTCDate()) + '/' + p(d.getUTCMonth() + 1) + '/' + d.getUTCFullYear();
  }
  // when: a time as "14:30 05/03/2026", a date as "05/03/2026".
  function when(v) {
    if (!v) return '';
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return dmy(v);
    var t = S.time(v);
    return (t ? t + ' ' : '') + dmy(v);
  }
  function deptName(id) {
    var ds = (state && state.dossiers) || {};
    for (var g = 0; g < DGROUP.length; g++) {
      var l = ds[DGROUP[g].key] || [];
      for (var i = 0; i < l.length; i++) if (l[i].department === id && l[i].department_name) return l[i].department_name;
    }
    var ss = (state && state.services) || [];
    for (i = 0; i < ss.length; i++) if (ss[i].department === id && ss[i].department_name) return ss[i].department_name;
    return id;
  }
  // holderText: who holds the paper dossier, in words: the server may
  // send a name or a place id ("department:stp", "center", "post").
  function holderText(h) {
    if (!h) return '—';
    var m = /^department:(.+)$/.exec(h);
    if (m) return deptName(m[1]);
    return HOLDER[h] || h;
  }

  var dsDepts = '';  // the department options drawn, to keep the select still

  function drawDossiers() {
    var box = $('ds-box');
    var ds = state.dossiers;
    if (!ds) { box.hidden = true; return; }
    box.hidden = false;

    // the department filter: every department with a dossier listed
    // (a dossier both overdue and possibly lost counts once)
    var depts = {}, order = [], seen = {};
    DGROUP.forEach(function (g) {
      (ds[g.key] || []).forEach(function (d) {
        var k = d.department || '';
        if (!depts[k]) { depts[k] = { name: d.department_name || d.department || 'Không rõ cơ quan', n: 0 }; order.push(k); }
        if (!seen[d.code]) { seen[d.code] = true; depts[k].n++; }
      });
    });
    order.sort(function (a, b) { return depts[a].name.localeCompare(depts[b].name, 'vi'); });
    var sel = $('ds-dept'), chosen = sel.value;
    if (chosen && !depts[chosen]) { depts[chosen] = { name: deptName(chosen), n: 0 }; order.push(chosen); }
    var total = 0;
    order.forEach(function (k) { total += depts[k].n; });
    var sig = total + '|' + order.map(function (k) { return k + ':' + depts[k].n; }).join(',');
    if (sig !== dsDepts) {
      dsDepts = sig;
      sel.textContent = '';
      var all = el('option', '', 'Mọi cơ quan (' + total + ')');
      all.value = '';
      sel.appendChild(all);
      order.forEach(function (k) {
        var o = el('option', '', depts[k].name + ' (' + depts[k].n + ')');
        o.value = k;
        sel.appendChild(o);
      });
      sel.value = chosen;
    }

    var rows = [], shown = 0;
    var near = typeof ds.near_due_days === 'number' ? ds.near_due_days : 0;
    DGROUP.forEach(function (g) {
      var list = (ds[g.key] || []).filter(function (d) { return !chosen || (d.department || '') === chosen; });
      // by department, then the most urgent first
      list.sort(function (a, b) {
        var da = a.department_name || a.department || '', db = b.department_name || b.department || '';
        return da.localeCompare(db, 'vi') ||
          (g.key === 'overdue' ? (b.days_late || 0) - (a.days_late || 0) : 0) ||
          String(a.due_date || '').localeCompare(String(b.due_date || '')) ||
          String(a.code).localeCompare(String(b.code));
      });
      var n = $('ds-n-' + g.key);
      n.textContent = g.title + ' ' + list.length;
      n.className = 'chip ' + (list.length ? (g.key === 'overdue' ? 'bad' : g.key === 'lost' ? 'warn' : 'near') : 'none');
      if (!list.length) return;
      shown += list.length;
      var head = el('tr', 'ds-group g-' + g.key);
      head.setAttribute('data-group-head', g.key);
      var th = el('th', '', g.title + ' (' + list.length + ')' + (g.key === 'near' && near ? ' — trong ' + near + ' ngày làm việc tới' : ''));
      th.colSpan = 5;
      head.appendChild(th);
      rows.push(head);
      list.forEach(function (d) { rows.push(dossierRow(d, g.key)); });
    });
    reconcile($('dossiers'), rows);
    $('ds-none').hidden = shown > 0;
    $('ds-none').textContent = chosen ? 'Cơ quan này không có hồ sơ quá hạn, có thể thất lạc hay sắp đến hạn.' : 'Không có hồ sơ quá hạn, có thể thất lạc hay sắp đến hạn.';
  }

  function dossierRow(d, group) {
    var tr = el('tr', 'ds ds-' + group);
    tr.setAttribute('data-dossier', d.code);
    tr.setAttribute('data-group', group);
    tr.setAttribute('data-department', d.department || '');
    tr.appendChild(el('td', 'ds-code', d.code));
    var p = el('td', 'ds-what');
    p.appendChild(el('span', 'ds-proc', d.procedure_name || ''));
    p.appendChild(el('span', 'ds-dep', d.department_name || d.department || ''));
    p.title = (d.procedure_name || '') + ' — ' + (d.department_name || d.department || '');
    tr.appendChild(p);
    tr.appendChild(el('td', 'ds-due', dmy(d.due_date)));
    var h = el('td', 'ds-holder');
    var who = holderText(d.holder);
    var w = el('span', 'ds-who', who === page.getAttribute('data-center') ? 'Trung tâm' : who);
    w.title = who;
    h.appendChild(w);
    var since = d.holder_since || d.since || d.held_since;
    if (group === 'lost' && since && Date.parse(since) > Date.UTC(2000, 0, 1)) h.appendChild(el('span', 'ds-since', 'từ ' + when(since)));
    tr.appendChild(h);
    var st = el('td', 'ds-state');
    st.appendChild(el('span', 'ds-st', d.state_text || ''));
    if (group === 'overdue') st.appendChild(el('span', 'ds-flag ds-late', 'Quá hạn ' + (d.days_late || 0) + ' ngày'));
    else if (group === 'lost') st.appendChild(el('span', 'ds-flag ds-lostf', 'Có thể thất lạc'));
    else st.appendChild(el('span', 'ds-flag ds-nearf', 'Sắp đến hạn'));
    tr.appendChild(st);
    return tr;
  }

  // reconcile puts nodes into parent, keeping each old node that looks the
  // same but for its ticking times (those it takes over): a state comes
  // every 2 s, and a button replaced under the pointer between press and
  // release would lose the click.
  function reconcile(parent, nodes) {
    for (var i = 0; i < nodes.length; i++) {
      var n = nodes[i], old = parent.children[i];
      n.setAttribute('data-sig', signature(n));
      if (old && old.getAttribute('data-sig') === n.getAttribute('data-sig')) {
        var a = old.querySelectorAll('.tick'), b = n.querySelectorAll('.tick');
        for (var j = 0; j < a.length && j < b.length; j++) {
          a[j].setAttribute('data-s', b[j].getAttribute('data-s'));
          a[j].setAttribute('data-at', b[j].getAttribute('data-at'));
        }
      } else if (old) parent.replaceChild(n, old);
      else parent.appendChild(n);
    }
    while (parent.children.length > nodes.length) parent.removeChild(parent.lastChild);
  }

  function signature(n) {
    var c = n.cloneNode(true);
    var ts = c.querySelectorAll('.tick');
    for (var i = 0; i < ts.length; i++) {
      ts[i].textContent = '';
      ts[i].removeAttribute('data-s');
      ts[i].removeAttribute('data-at');
    }
    return c.outerHTML;
  }

  // tick: every second the durations grow, without waiting for the server.
  function tick() {
    var es = document.querySelectorAll('.tick[data-s]');
    var now = Date.now();
    for (var i = 0; i < es.length; i++) {
      var e = es[i];
      var s = +e.getAttribute('data-s') + Math.floor((now - +e.getAttribute('data-at')) / 1000);
      var t = (e.getAttribute('data-prefix') || '') + S.dur(s);
      if (e.textContent !== t) e.textContent = t;
    }
    var c = $('clock');
    if (c) c.textContent = S.time(serverNow());
  }

  // ---- a new alert: flash, chime, notification ----

  function alerted(a) {
    if (!a || !a.id) return;
    mon.alerts.push(a);
    flashed[a.id] = Date.now();
    var known = false;
    for (var i = 0; i < pending.length; i++) if (pending[i].id === a.id) { pending[i] = a; known = true; }
    if (!known) pending.push(a);
    if (state) drawAlerts();
    chime(a.severity === 'critical');
    notify(a);
    setTimeout(function () { if (state) drawAlerts(); }, 6500); // the flash ends
  }

  function audioContext() {
    var AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return null;
    if (!audio) { try { audio = new AC(); } catch (e) { audio = null; } }
    return audio;
  }

  // chime: two or three short tones made here, no sound file. Browsers
  // play only after a click on the page, which a supervisor makes soon.
  function chime(critical) {
    var ac = audioContext();
    if (!ac) return;
    try {
      if (ac.state === 'suspended' && ac.resume) ac.resume();
      var t = ac.currentTime + 0.05;
      var notes = critical ? [988, 784, 988] : [784, 988];
      for (var i = 0; i < notes.length; i++) {
        var o = ac.createOscillator(), g = ac.createGain();
        o.type = 'sine';
        o.frequency.value = notes[i];
        g.gain.setValueAtTime(0.0001, t);
        g.gain.exponentialRampToValueAtTime(0.35, t + 0.02);
        g.gain.exponentialRampToValueAtTime(0.0001, t + 0.35);
        o.connect(g);
        g.connect(ac.destination);
        o.start(t);
        o.stop(t + 0.4);
        t += 0.25;
      }
    } catch (e) { /* no sound then */ }
  }

  function notify(a) {
    if (!window.Notification || Notification.permission !== 'granted') return;
    try {
      var n = new Notification((a.severity === 'critical' ? 'Nghiêm trọng: ' : 'Cảnh báo: ') + (KIND[a.kind] || 'Giám sát'), {
        body: a.title, tag: a.id, lang: 'vi'
      });
      n.onclick = function () { window.focus(); n.close(); };
    } catch (e) { /* some browsers allow notifications only from a service worker */ }
  }

  function notifyButton() {
    var b = $('notify');
    if (!window.Notification) { b.hidden = true; return; }
    var p = Notification.permission;
    b.hidden = p === 'granted';
    b.disabled = p === 'denied';
    b.textContent = p === 'denied' ? 'Thông báo bị chặn trong trình duyệt' : 'Bật thông báo';
  }

  // ---- live ----

  function onMsg(m) {
    if (m.type === 'state' && m.state) {
      state = m.state;
      got = Date.now();
      mon.state = state;
      // alerts the state now carries, or has already dropped again
      pending = pending.filter(function (a) { return flashed[a.id] && Date.now() - flashed[a.id] < 3000 && !has(state.alerts, a.id); });
      draw();
      refreshDialogs();
    } else if (m.type === 'alert') {
      alerted(m.alert);
    }
  }
  function has(list, id) {
    for (var i = 0; list && i < list.length; i++) if (list[i].id === id) return true;
    return false;
  }

  function onStatus(ok) {
    var c = $('conn');
    c.textContent = ok ? 'Trực tiếp' : 'Mất kết nối — đang thử lại…';
    c.className = 'conn ' + (ok ? 'ok' : 'bad');
    page.classList.toggle('stale', !ok);
  }

  // ---- rebalancing: dialogs ----

  var dlg = { counter: null, service: null, key: '' };

  function openDialog(d) {
    var err = d.querySelector('.err');
    if (err) { err.hidden = true; err.textContent = ''; }
    if (d.showModal) { if (!d.open) d.showModal(); } else d.setAttribute('open', '');
  }
  function closeDialog(d) {
    if (d.close) { if (d.open) d.close(); } else d.removeAttribute('open');
  }
  function busy(form, on) {
    var bs = form.querySelectorAll('button');
    for (var i = 0; i < bs.length; i++) bs[i].disabled = on;
  }

  // services dialog: all services as checkboxes.
  function openServices(id) {
    var c = counterOf(id);
    if (!c) return;
    dlg.counter = id;
    $('svc-title').textContent = 'Dịch vụ của ' + c.name;
    var box = $('svc-list');
    box.textContent = '';
    (state.services || []).forEach(function (s) {
      var lab = el('label', 'check');
      var cb = el('input');
      cb.type = 'checkbox';
      cb.name = 'svc';
      cb.value = s.id;
      cb.checked = (c.services || []).indexOf(s.id) >= 0;
      lab.appendChild(cb);
      lab.appendChild(el('span', '', s.name));
      if (s.waiting) lab.appendChild(el('span', 'muted', ' · ' + s.waiting + ' người chờ'));
      box.appendChild(lab);
    });
    openDialog($('dlg-services'));
  }

  function saveServices(ev) {
    ev.preventDefault();
    var form = ev.target, c = counterOf(dlg.counter);
    if (!c) return;
    var checked = [];
    var cbs = form.querySelectorAll('input[name="svc"]');
    for (var i = 0; i < cbs.length; i++) if (cbs[i].checked) checked.push(cbs[i].value);
    var err = form.querySelector('.err');
    if (!checked.length) { err.textContent = 'Hãy chọn ít nhất một dịch vụ'; err.hidden = false; return; }
    // keep the counter's own order (it decides which queue comes first),
    // new ones after, in the center's order
    var list = (c.services || []).filter(function (s) { return checked.indexOf(s) >= 0; });
    checked.forEach(function (s) { if (list.indexOf(s) < 0) list.push(s); });
    busy(form, true);
    S.api('PUT', '/api/v1/counters/' + encodeURIComponent(c.id) + '/services', { services: list }).then(function () {
      busy(form, false);
      closeDialog($('dlg-services'));
      S.toast('Đã cập nhật dịch vụ của ' + c.name, 'ok');
    }, function (e) { busy(form, false); fail(e, err); });
  }

  function counterAction(id, action, body, key, form) {
    var c = counterOf(id);
    var err = form ? form.querySelector('.err') : null;
    if (form) busy(form, true);
    return S.api('POST', '/api/v1/counters/' + encodeURIComponent(id) + '/' + action, body || null, { idem: key || S.key() }).then(function () {
      if (form) busy(form, false);
      var what = { open: 'Đã mở ', close: 'Đã đóng ', pause: 'Đã cho tạm nghỉ ' }[action] || 'Xong: ';
      S.toast(what + (c ? c.name : id), 'ok');
      return true;
    }, function (e) { if (form) busy(form, false); fail(e, err); return false; });
  }

  function openPause(id) {
    var c = counterOf(id);
    if (!c) return;
    dlg.counter = id;
    dlg.key = S.key();
    $('pause-title').textContent = 'Tạm nghỉ — ' + c.name;
    $('pause-reason').value = '';
    openDialog($('dlg-pause'));
    $('pause-reason').focus();
  }

  function savePause(ev) {
    ev.preventDefault();
    var form = ev.target;
    var reason = $('pause-reason').value.trim();
    if (!reason) {
      var err = form.querySelector('.err');
      err.textContent = 'Hãy nhập lý do tạm nghỉ';
      err.hidden = false;
      return;
    }
    counterAction(dlg.counter, 'pause', { reason: reason }, dlg.key, form).then(function (ok) {
      if (ok) closeDialog($('dlg-pause'));
    });
  }

  // move dialog: the N oldest or all waiting tickets of a service, to
  // another service or to a counter.
  function openMove(id) {
    var s = serviceOf(id);
    if (!s) return;
    dlg.service = id;
    dlg.key = S.key();
    $('move-title').textContent = 'Chuyển vé chờ — ' + s.name;
    var n = $('move-n');
    n.max = String(Math.max(1, movable(s)));
    n.value = String(Math.max(1, Math.min(+n.value || 5, movable(s))));
    $('move-some').checked = true;
    $('move-all-label').textContent = 'Tất cả ' + movable(s) + ' vé đang chờ';
    var sel = $('move-service');
    sel.textContent = '';
    (state.services || []).forEach(function (o) {
      if (o.id === id) return;
      var op = el('option', '', o.name);
      op.value = o.id;
      sel.appendChild(op);
    });
    sel = $('move-counter');
    sel.textContent = '';
    (state.counters || []).forEach(function (c) {
      var op = el('option', '', c.name + (c.state !== 'open' ? ' (' + (CSTATE[c.state] || c.state).toLowerCase() + ')' : ''));
      op.value = c.id;
      sel.appendChild(op);
    });
    moveSummary();
    openDialog($('dlg-move'));
  }

  // movable: the tickets of the service's common queue; one already sent
  // to a particular counter stays there.
  function movable(s) { return s.waiting_ids ? s.waiting_ids.length : s.waiting; }

  function moveIDs() {
    var s = serviceOf(dlg.service);
    var ids = (s && s.waiting_ids) || [];
    if ($('move-all').checked) return ids.slice();
    var n = Math.max(1, Math.floor(+$('move-n').value || 1));
    return ids.slice(0, n);
  }

  function moveSummary() {
    var s = serviceOf(dlg.service);
    if (!s) return;
    var ids = moveIDs();
    var p = $('move-summary');
    if (!s.waiting_ids) { p.textContent = 'Máy chủ chưa gửi danh sách vé chờ; không thể chuyển.'; return; }
    var nums = s.waiting_numbers ? s.waiting_numbers.slice(0, ids.length) : [];
    p.textContent = 'Sẽ chuyển ' + ids.length + ' vé' + (nums.length ? ': ' + nums.join(', ') : '') + '. Vé giữ nguyên thời điểm lấy số.';
    var toSvc = $('move-to-service').checked;
    $('move-service').disabled = !toSvc;
    $('move-counter').disabled = toSvc;
  }

  function saveMove(ev) {
    ev.preventDefault();
    var form = ev.target, err = form.querySelector('.err');
    var ids = moveIDs();
    if (!ids.length) { err.textContent = 'Không còn vé nào đang chờ để chuyển'; err.hidden = false; return; }
    var body = { tickets: ids };
    var label;
    if ($('move-to-service').checked) { body.service = $('move-service').value; label = svcName(body.service); }
    else { body.counter = $('move-counter').value; var c = counterOf(body.counter); label = c ? c.name : body.counter; }
    busy(form, true);
    S.api('POST', '/api/v1/tickets/move', body, { idem: dlg.key }).then(function (r) {
      busy(form, false);
      closeDialog($('dlg-move'));
      var n = r && r.tickets ? r.tickets.length : ids.length;
      S.toast('Đã chuyển ' + n + ' vé sang ' + label, 'ok');
    }, function (e) { busy(form, false); fail(e, err); });
  }

  // refreshDialogs keeps an open move dialog's count honest as tickets go.
  function refreshDialogs() {
    var d = $('dlg-move');
    if (d.open && dlg.service) {
      var s = serviceOf(dlg.service);
      if (s) {
        $('move-all-label').textContent = 'Tất cả ' + movable(s) + ' vé đang chờ';
        $('move-n').max = String(Math.max(1, movable(s)));
      }
      moveSummary();
    }
  }

  // ---- wiring ----

  function clicks(ev) {
    var b = ev.target.closest ? ev.target.closest('button[data-act]') : null;
    if (!b || b.disabled) return;
    var id = b.getAttribute('data-id');
    switch (b.getAttribute('data-act')) {
      case 'services': openServices(id); break;
      case 'pause': openPause(id); break;
      case 'move': openMove(id); break;
      case 'open':
      case 'close':
        b.disabled = true;
        counterAction(id, b.getAttribute('data-act')).then(function () { b.disabled = false; });
        break;
    }
  }

  function init() {
    document.addEventListener('click', clicks);
    // the first touch of the page lets the chime play later
    document.addEventListener('pointerdown', function () { var ac = audioContext(); if (ac && ac.state === 'suspended') ac.resume(); }, { once: true });
    $('ds-dept').addEventListener('change', function () { if (state) drawDossiers(); });
    $('form-services').addEventListener('submit', saveServices);
    $('form-pause').addEventListener('submit', savePause);
    $('form-move').addEventListener('submit', saveMove);
    $('form-move').addEventListener('change', moveSummary);
    $('form-move').addEventListener('input', moveSummary);
    $('move-n').addEventListener('focus', function () { $('move-some').checked = true; moveSummary(); });
    var reasons = document.querySelectorAll('#pause-presets button');
    for (var i = 0; i < reasons.length; i++) {
      reasons[i].addEventListener('click', function (ev) { $('pause-reason').value = ev.currentTarget.textContent; });
    }
    var cancels = document.querySelectorAll('dialog button.cancel');
    for (i = 0; i < cancels.length; i++) {
      cancels[i].addEventListener('click', function (ev) { closeDialog(ev.currentTarget.closest('dialog')); });
    }
    $('notify').addEventListener('click', function () {
      audioContext();
      chime(false);
      if (!window.Notification) return;
      var p = Notification.requestPermission(function () { notifyButton(); });
      if (p && p.then) p.then(notifyButton, notifyButton);
    });
    notifyButton();
    S.live('/ws/monitor', onMsg, onStatus);
    setInterval(tick, 1000);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
