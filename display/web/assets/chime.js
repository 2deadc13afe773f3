// Shared by the lobby and counter screens: a soft three-tone chime made
// with the Web Audio API (no audio files), and the one AudioContext a page
// keeps for its whole life (a context per call would leak on a screen that
// runs for weeks).
(function () {
  'use strict';

  var Ctx = window.AudioContext || window.webkitAudioContext;
  var ctx = null;

  // audio returns the page's AudioContext, made on first use; null when the
  // browser has none. In Chromium started with
  // --autoplay-policy=no-user-gesture-required it runs at once; otherwise
  // it stays "suspended" until a touch calls unlock.
  function audio() {
    if (!ctx && Ctx) {
      try { ctx = new Ctx(); } catch (e) { ctx = null; }
    }
    return ctx;
  }

  // running tells whether sound can be heard now.
  function running() { var c = audio(); return !!c && c.state === 'running'; }

  // unlock resumes the context after a user gesture.
  function unlock() {
    var c = audio();
    if (c && c.state !== 'running' && c.resume) {
      try { c.resume(); } catch (e) { /* not allowed yet */ }
    }
  }

  // The tones of the chime: a falling major third and fifth (E5 C5 G4),
  // soft attack, long decay. CHIME_MS is how long it sounds in all.
  var TONES = [659.25, 523.25, 392.0];
  var STEP = 0.42, DECAY = 1.1;
  var CHIME_MS = Math.round(((TONES.length - 1) * STEP + DECAY) * 1000);

  // chime plays the chime and calls done (if given) once it has sounded,
  // by a timer: done is called even when the context cannot play.
  function chime(done) {
    var c = audio();
    if (c && c.state === 'running') {
      try {
        var t0 = c.currentTime + 0.05;
        var master = c.createGain();
        master.gain.value = 0.35;
        master.connect(c.destination);
        TONES.forEach(function (f, i) {
          var t = t0 + i * STEP;
          var o = c.createOscillator();
          var g = c.createGain();
          o.type = 'sine';
          o.frequency.value = f;
          g.gain.setValueAtTime(0.0001, t);
          g.gain.exponentialRampToValueAtTime(1, t + 0.03);
          g.gain.exponentialRampToValueAtTime(0.0001, t + DECAY);
          o.connect(g);
          g.connect(master);
          o.start(t);
          o.stop(t + DECAY + 0.05);
          o.onended = function () { o.disconnect(); g.disconnect(); };
        });
        setTimeout(function () { master.disconnect(); }, CHIME_MS + 500);
      } catch (e) { /* a broken audio stack must not stop the queue */ }
    }
    if (done) setTimeout(done, CHIME_MS + 150);
  }

  window.motcuaAudio = { audio: audio, running: running, unlock: unlock, chime: chime, CHIME_MS: CHIME_MS };
})();
