package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/display"
	"github.com/motcua/motcua/server/apperr"
	"github.com/motcua/motcua/server/auth"
)

// voiceVariant is the center's regional reading of numbers.
func (a *App) voiceVariant() display.Variant {
	return display.Variant{Le: a.Cfg.Voice.Le, Ngan: a.Cfg.Voice.Ngan}
}

func (a *App) voiceTemplate() string {
	if t := a.Cfg.Voice.Template; t != "" {
		return t
	}
	return display.DefaultTemplate
}

var espeakMu sync.Mutex // one synthesis at a time: the mini-PC has two cores

// handleAnnounceWAV renders an announcement with espeak-ng's Vietnamese
// voice, for screens whose browser has no vi-VN voice. Each text is
// rendered once and kept in the data directory. 404 when espeak-ng is not
// installed: the screen then plays its chime and shows the call.
func (a *App) handleAnnounceWAV(w http.ResponseWriter, r *http.Request, _ *auth.Principal) {
	text := r.URL.Query().Get("text")
	if text == "" || !utf8.ValidString(text) || utf8.RuneCountInString(text) > 300 {
		a.writeError(w, r, apperr.New(apperr.Invalid, "bad-text", "Nội dung cần đọc không hợp lệ", "text: 1 to 300 characters"))
		return
	}
	bin, err := exec.LookPath("espeak-ng")
	if err != nil {
		a.writeError(w, r, apperr.New(apperr.NotFound, "no-voice", "Máy chủ không có giọng đọc tiếng Việt", "espeak-ng is not installed"))
		return
	}
	sum := sha256.Sum256([]byte(text))
	dir := filepath.Join(a.opts.DataDir, "voice")
	path := filepath.Join(dir, hex.EncodeToString(sum[:12])+".wav")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		espeakMu.Lock()
		err = renderSpeech(r.Context(), bin, dir, path, text)
		espeakMu.Unlock()
		if err != nil {
			a.writeError(w, r, err)
			return
		}
	}
	w.Header().Set("Content-Type", "audio/wav")
	w.Header().Set("Cache-Control", "private, max-age=86400")
	http.ServeFile(w, r, path)
}

func renderSpeech(ctx context.Context, bin, dir, path, text string) error {
	if _, err := os.Stat(path); err == nil {
		return nil // made while we waited
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	tmp := path + ".part"
	// -s 140: a little slower than the default, for a noisy hall
	cmd := exec.CommandContext(ctx, bin, "-v", "vi", "-s", "140", "-w", tmp, "--", text)
	if out, err := cmd.CombinedOutput(); err != nil {
		os.Remove(tmp)
		return apperr.New(apperr.Unavailable, "voice-failed", "Không tạo được giọng đọc", "espeak-ng: %v: %s", err, out)
	}
	return os.Rename(tmp, path)
}
