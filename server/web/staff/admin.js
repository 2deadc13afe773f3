// The admin page (/admin): staff accounts. Lists them with their active
// sign-ins, adds one (a generated password is shown once), edits one
// (name, role, counter, locked, new password) and signs one out
// everywhere. Needs common.js (Staff). Exposes window.motcuaAdmin for tests.
(function () {
  'use strict';
  var S = window.Staff;
  var $ = S.$, el = S.el;

  var ROLE = { official: 'Cán bộ', supervisor: 'Giám sát', admin: 'Quản trị' };
  // no 0/O, 1/l/I: a password read aloud or copied from paper
  var ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  var PW_LEN = 14;

  var adm = window.motcuaAdmin = { users: [] };
  var editing = null;   // the user being edited
  var armed = {};       // username → timer of a "sign out everywhere" awaiting its second press

  function counterName(id) {
    if (!id) return '—';
    var o = $('add-counter').querySelector('option[value="' + (window.CSS && CSS.escape ? CSS.escape(id) : id) + '"]');
    return o ? o.textContent : id;
  }

  function fail(err, where) {
    var t = (err && (err.title || err.message)) || 'Yêu cầu không thành công';
    if (where) { where.textContent = t; where.hidden = false; }
    S.toast(t, 'error');
  }
  function clearErr(form) {
    var e = form.querySelector('.err');
    if (e) { e.hidden = true; e.textContent = ''; }
    return e;
  }
  function busy(form, on) {
    var bs = form.querySelectorAll('button');
    for (var i = 0; i < bs.length; i++) bs[i].disabled = on;
  }

  // password: PW_LEN characters, unbiased (rejection sampling).
  function password() {
    var out = '', b = new Uint8Array(1), lim = 256 - 256 % ALPHABET.length;
    while (out.length < PW_LEN) {
      window.crypto.getRandomValues(b);
      if (b[0] < lim) out += ALPHABET.charAt(b[0] % ALPHABET.length);
    }
    return out;
  }
  function generate(input) {
    input.value = password();
    input.type = 'text'; // shown, so it can be written down
    input.focus();
    input.select();
  }

  // ---- the list ----

  function load() {
    return S.api('GET', '/api/v1/users').then(function (r) {
      adm.users = (r && r.users) || [];
      draw();
    }, function (e) { fail(e); });
  }

  function draw() {
    var body = $('users');
    body.textContent = '';
    $('users-count').textContent = String(adm.users.length);
    adm.users.forEach(function (u) {
      var tr = el('tr', u.disabled ? 'disabled' : '');
      tr.setAttribute('data-user', u.username);
      tr.appendChild(el('td', 'u-username', u.username));
      tr.appendChild(el('td', 'u-name', u.name));
      tr.appendChild(el('td', 'u-role', ROLE[u.role] || u.role));
      tr.appendChild(el('td', 'u-counter', counterName(u.counter)));
      var st = el('td', 'u-state');
      st.appendChild(el('span', 'chip ' + (u.disabled ? 'bad' : 'ok'), u.disabled ? 'Đã khoá' : 'Đang hoạt động'));
      tr.appendChild(st);
      tr.appendChild(el('td', 'num u-sessions', String(u.sessions || 0)));
      var act = el('td', 'u-acts');
      var edit = el('button', 'btn small', 'Sửa');
      edit.type = 'button';
      edit.setAttribute('data-act', 'edit');
      edit.setAttribute('data-user', u.username);
      act.appendChild(edit);
      var out = el('button', 'btn small danger', armed[u.username] ? 'Bấm lần nữa để xác nhận' : 'Đăng xuất mọi nơi');
      out.type = 'button';
      out.setAttribute('data-act', 'signout');
      out.setAttribute('data-user', u.username);
      if (u.sessions) act.appendChild(out); // nothing to end otherwise
      tr.appendChild(act);
      body.appendChild(tr);
    });
  }

  function find(username) {
    for (var i = 0; i < adm.users.length; i++) if (adm.users[i].username === username) return adm.users[i];
    return null;
  }

  function showOnce(username, pw) {
    $('pw-once-user').textContent = username;
    $('pw-once-value').textContent = pw;
    $('pw-once').hidden = false;
    if ($('pw-once').scrollIntoView) $('pw-once').scrollIntoView({ block: 'center' });
  }

  // ---- add ----

  function add(ev) {
    ev.preventDefault();
    var form = ev.target, err = clearErr(form);
    var b = {
      username: $('add-username').value.trim().toLowerCase(),
      name: $('add-name').value.trim(),
      role: $('add-role').value,
      counter: $('add-counter').value,
      department: $('add-department').value,
      password: $('add-password').value
    };
    var miss = !b.username ? ['add-username', 'Hãy nhập tên đăng nhập']
      : !b.name ? ['add-name', 'Hãy nhập họ tên']
      : b.password.length < 10 ? ['add-password', 'Mật khẩu cần ít nhất 10 ký tự'] : null;
    if (miss) { err.textContent = miss[1]; err.hidden = false; $(miss[0]).focus(); return; }
    busy(form, true);
    S.api('POST', '/api/v1/users', b, { retry: false }).then(function (u) {
      busy(form, false);
      S.toast('Đã thêm tài khoản ' + ((u && u.username) || b.username), 'ok');
      if ($('add-password').type === 'text') showOnce(b.username, b.password);
      form.reset();
      $('add-password').type = 'password';
      return load();
    }, function (e) { busy(form, false); fail(e, err); });
  }

  // ---- edit ----

  function openEdit(username) {
    var u = find(username);
    if (!u) return;
    editing = u;
    var form = $('form-edit');
    clearErr(form);
    $('edit-title').textContent = 'Sửa tài khoản ' + u.username;
    $('edit-name').value = u.name;
    $('edit-role').value = u.role;
    var sel = $('edit-counter');
    if (!sel.options.length) sel.innerHTML = $('add-counter').innerHTML; // same server-drawn options
    sel.value = u.counter || '';
    var dep = $('edit-department');
    if (!dep.options.length) dep.innerHTML = $('add-department').innerHTML;
    dep.value = u.department || '';
    $('edit-disabled').checked = !!u.disabled;
    $('edit-password').value = '';
    $('edit-password').type = 'password';
    var d = $('dlg-edit');
    if (d.showModal) { if (!d.open) d.showModal(); } else d.setAttribute('open', '');
    $('edit-name').focus();
  }

  function closeEdit() {
    var d = $('dlg-edit');
    if (d.close) { if (d.open) d.close(); } else d.removeAttribute('open');
    editing = null;
  }

  function saveEdit(ev) {
    ev.preventDefault();
    var form = ev.target, err = clearErr(form), u = editing;
    if (!u) return;
    var b = {}, n = 0;
    var name = $('edit-name').value.trim();
    if (name !== u.name) { b.name = name; n++; }
    if ($('edit-role').value !== u.role) { b.role = $('edit-role').value; n++; }
    if ($('edit-counter').value !== (u.counter || '')) { b.counter = $('edit-counter').value; n++; }
    if ($('edit-department').value !== (u.department || '')) { b.department = $('edit-department').value; n++; }
    if ($('edit-disabled').checked !== !!u.disabled) { b.disabled = $('edit-disabled').checked; n++; }
    var pw = $('edit-password').value;
    if (pw) {
      if (pw.length < 10) { err.textContent = 'Mật khẩu cần ít nhất 10 ký tự'; err.hidden = false; return; }
      b.password = pw;
      n++;
    }
    if (!name) { err.textContent = 'Hãy nhập họ tên'; err.hidden = false; return; }
    if (!n) { closeEdit(); return; }
    var shown = pw && $('edit-password').type === 'text';
    busy(form, true);
    S.api('PUT', '/api/v1/users/' + encodeURIComponent(u.username), b).then(function () {
      busy(form, false);
      closeEdit();
      S.toast(b.disabled === true ? 'Đã khoá tài khoản ' + u.username
        : b.disabled === false ? 'Đã mở khoá tài khoản ' + u.username
        : 'Đã lưu tài khoản ' + u.username, 'ok');
      if (shown) showOnce(u.username, pw);
      return load();
    }, function (e) { busy(form, false); fail(e, err); });
  }

  // ---- sign out everywhere: a second press within 5 s confirms ----

  function signOutEverywhere(username, b) {
    if (!armed[username]) {
      armed[username] = setTimeout(function () { delete armed[username]; draw(); }, 5000);
      b.textContent = 'Bấm lần nữa để xác nhận';
      return;
    }
    clearTimeout(armed[username]);
    delete armed[username];
    b.disabled = true;
    S.api('DELETE', '/api/v1/users/' + encodeURIComponent(username) + '/sessions').then(function () {
      S.toast('Đã đăng xuất ' + username + ' ở mọi nơi', 'ok');
      return load();
    }, function (e) { fail(e); draw(); });
  }

  function clicks(ev) {
    var b = ev.target.closest ? ev.target.closest('button[data-act]') : null;
    if (!b || b.disabled) return;
    var u = b.getAttribute('data-user');
    if (b.getAttribute('data-act') === 'edit') openEdit(u);
    else if (b.getAttribute('data-act') === 'signout') signOutEverywhere(u, b);
  }

  function init() {
    document.addEventListener('click', clicks);
    $('form-add').addEventListener('submit', add);
    $('form-edit').addEventListener('submit', saveEdit);
    $('add-gen').addEventListener('click', function () { generate($('add-password')); });
    $('edit-gen').addEventListener('click', function () { generate($('edit-password')); });
    $('pw-once-done').addEventListener('click', function () {
      $('pw-once').hidden = true;
      $('pw-once-value').textContent = '';
    });
    var cancels = document.querySelectorAll('dialog button.cancel');
    for (var i = 0; i < cancels.length; i++) cancels[i].addEventListener('click', closeEdit);
    $('dlg-edit').addEventListener('close', function () { editing = null; });
    $('signout').addEventListener('click', function () {
      S.api('DELETE', '/api/v1/session', null, { retry: true, noRedirect: true }).then(function () {
        location.assign('/login?next=' + encodeURIComponent('/admin'));
      }, function (e) { fail(e); });
    });
    load();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
