// The ticket's own page (/t/{token}): keeps the server-drawn page live over
// /ws/ticket/{token}, falling back to polling the public API every 15 s.
// Plain ES5 so that old phones and in-app browsers (Zalo) run it.
(function () {
  "use strict";
  var main = document.getElementById("ticket");
  if (!main) return;
  var token = main.getAttribute("data-token");
  var state = main.getAttribute("data-state");
  var FINAL = { done: 1, no_show: 1, expired: 1 };
  var POLL_MS = 15000;
  var title0 = document.title;
  var ws = null, seq = 0, failures = 0, timer = null, polling = false, polls = 0, stopped = false;
  var lastAlert = 0, audio = null;

  function $(id) { return document.getElementById(id); }
  function setText(id, s) { var e = $(id); if (e && e.textContent !== String(s)) e.textContent = s; }
  function show(id, on) { var e = $(id); if (e) e.hidden = !on; }
  function pad(n) { return n < 10 ? "0" + n : "" + n; }
  // the center's time (Asia/Ho_Chi_Minh, UTC+7 all year), whatever the phone's zone
  function clock() { var d = new Date(new Date().getTime() + 7 * 3600000); return pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()); }

  function waitText(s) {
    if (!(s > 0)) return "sắp đến lượt";
    var m = Math.ceil(s / 60);
    if (m < 60) return "khoảng " + m + " phút";
    return "khoảng " + Math.floor(m / 60) + " giờ" + (m % 60 ? " " + (m % 60) + " phút" : "");
  }

  function conn(msg, bad) {
    var e = $("conn");
    if (!e) return;
    e.textContent = msg;
    e.className = bad ? "conn bad" : "conn";
  }

  // apply draws a view (snapshot, update or polled); a ticket that has
  // just been called rings as a call message would.
  function apply(p) {
    var was = state;
    state = p.state;
    var called = state === "called" || state === "serving";
    setText("num", p.number);
    setText("svc", p.service);
    setText("state", p.message);
    var fl = called && / flash/.test($("state").className) ? " flash" : "";
    $("state").className = "state" + (called ? " called" + fl : state === "done" ? " done" : "");
    show("facts", state === "waiting");
    setText("ahead", p.waiting_ahead);
    setText("wait", waitText(p.estimated_wait_s));
    show("after", state === "done");
    link("rate", p.rate_url);
    link("dossier", p.dossier_url);
    // the tab's title tells of a call made while the page was open
    if (called && was !== "called" && was !== "serving") {
      document.title = p.message + " — Số " + p.number;
      ring();
    } else if (!called) document.title = title0;
    if (FINAL[state]) finish();
    else conn("Đang cập nhật trực tiếp · " + clock());
  }

  // called: the call message comes before the update that says so.
  function called(m) {
    state = "called";
    setText("state", "Mời đến quầy số " + m.counter_number);
    $("state").className = "state called";
    show("facts", false);
    document.title = "Mời đến quầy số " + m.counter_number + " — Số " + $("num").textContent;
    lastAlert = m.recall ? 0 : lastAlert;
    ring();
  }

  function link(id, url) {
    var e = $(id);
    if (!e) return;
    if (url) e.setAttribute("href", url);
    e.hidden = !url;
  }

  // ring: a short beep where Web Audio exists and has been allowed (the
  // sound button), a vibration where the phone allows, and a flash.
  function ring() {
    var now = new Date().getTime();
    if (now - lastAlert < 3000) return;
    lastAlert = now;
    var st = $("state");
    st.className = st.className.replace(/ flash/g, "");
    void st.offsetWidth; // restart the animation
    st.className += " flash";
    try { if (navigator.vibrate) navigator.vibrate([400, 200, 400, 200, 700]); } catch (e) { /* not allowed */ }
    beep();
  }

  function beep() {
    if (!audio) return;
    try {
      if (audio.state === "suspended" && audio.resume) audio.resume();
      var t = audio.currentTime + 0.05;
      for (var i = 0; i < 3; i++) {
        var o = audio.createOscillator(), g = audio.createGain();
        o.type = "sine";
        o.frequency.value = 880;
        g.gain.setValueAtTime(0.0001, t);
        g.gain.exponentialRampToValueAtTime(0.5, t + 0.02);
        g.gain.exponentialRampToValueAtTime(0.0001, t + 0.25);
        o.connect(g);
        g.connect(audio.destination);
        o.start(t);
        o.stop(t + 0.3);
        t += 0.4;
      }
    } catch (e) { /* no sound then */ }
  }

  // Browsers play sound only after a tap: the button asks for it once.
  function setupSound() {
    var b = $("sound");
    var AC = window.AudioContext || window.webkitAudioContext;
    if (!b || FINAL[state] || (!AC && !navigator.vibrate)) return;
    b.hidden = false;
    b.onclick = function () {
      try { if (AC && !audio) audio = new AC(); } catch (e) { audio = null; }
      beep();
      try { if (navigator.vibrate) navigator.vibrate(200); } catch (e) { /* not allowed */ }
      b.textContent = "Đã bật chuông báo";
      b.className = "btn on";
    };
  }

  function finish() {
    stopped = true;
    clearTimeout(timer);
    if (ws) { try { ws.close(); } catch (e) { /* closed */ } }
    show("sound", false);
    conn("", false);
  }

  function gone() {
    setText("state", "Vé đã hết hiệu lực");
    $("state").className = "state";
    show("facts", false);
    finish();
  }

  function later(fn, ms) {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  }

  function connect() {
    if (stopped) return;
    if (ws) return;
    if (!window.WebSocket || failures >= 5) { polling = true; poll(); return; }
    var opened = false;
    var s;
    try {
      s = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/ticket/" + token);
    } catch (e) { failed(); return; }
    ws = s;
    seq = 0;
    s.onopen = function () { opened = true; };
    s.onmessage = function (ev) {
      var m;
      try { m = JSON.parse(ev.data); } catch (e) { return; }
      if (m.seq !== seq + 1) { // a message was lost: start again from a snapshot
        s.onclose = null;
        s.close();
        ws = null;
        later(connect, 300);
        return;
      }
      seq = m.seq;
      failures = 0;
      polling = false;
      if (m.type === "call") called(m);
      else if (m.type === "snapshot" || m.type === "update") apply(m);
    };
    s.onclose = function () {
      if (ws === s) ws = null;
      if (stopped) return;
      if (!opened) failures++;
      failed();
    };
  }

  // failed: between attempts, read the state once by HTTP (it also tells
  // an expired ticket), then retry with a growing, jittered delay.
  function failed() {
    conn("Mất kết nối — đang thử lại…", true);
    get();
    var d = Math.min(30000, 1000 * Math.pow(2, failures));
    later(connect, d / 2 + Math.random() * d / 2);
  }

  function get() {
    var x;
    try { x = new XMLHttpRequest(); } catch (e) { return; }
    x.open("GET", "/api/v1/public/tickets/" + token, true);
    x.timeout = 10000;
    x.onreadystatechange = function () {
      if (x.readyState !== 4 || stopped) return;
      if (x.status === 404) { gone(); return; }
      if (x.status !== 200) return;
      try { apply(JSON.parse(x.responseText)); } catch (e) { /* keep what is shown */ }
      if (polling && !stopped) conn("Cập nhật mỗi 15 giây · " + clock(), false);
    };
    x.send();
  }

  // poll every 15 s; now and then try the websocket again.
  function poll() {
    if (stopped) return;
    get();
    polls++;
    if (window.WebSocket && polls % 8 === 0) { failures = 4; later(connect, POLL_MS); return; }
    later(poll, POLL_MS);
  }

  // A phone that slept or lost the network reconnects as soon as it is back.
  function wake() {
    if (stopped || document.hidden || ws) return;
    if (polling) { later(poll, 0); return; }
    failures = Math.min(failures, 3);
    later(connect, 0);
  }
  if (document.addEventListener) document.addEventListener("visibilitychange", wake);
  if (window.addEventListener) window.addEventListener("online", wake);

  setupSound();
  if (FINAL[state]) { conn("", false); return; }
  connect();
})();
