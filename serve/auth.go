package serve

import (
	"crypto/sha256"
	"crypto/subtle"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// exerciseExt marks a connection that logged in with the exercise code. It
// lives in the permissions of the auth method that succeeded, so a key the
// client only asked about (and never signed with) cannot mix with it.
const exerciseExt = "guesthunt-exercise"

// maxUser bounds the user name kept with each verdict (runes).
const maxUser = 64

// wrongCodeDelay slows guessing the exercise code (a short, shared secret)
// beyond what the per-address connection limit already does.
const wrongCodeDelay = time.Second

// publicKeyAuth admits the keys of the authorized_keys file, re-read when
// it changed.
func (s *Server) publicKeyAuth(_ ssh.Context, key ssh.PublicKey) bool {
	return s.keys.allowed(key)
}

// exerciseAuth asks for the exercise code once and compares it in constant
// time (over digests, so the code's length leaks nothing either). The code
// is never logged or echoed.
func (s *Server) exerciseAuth(ctx ssh.Context, challenge gossh.KeyboardInteractiveChallenge) bool {
	answers, err := challenge("", "guesthunt exercise login", []string{"Exercise code: "}, []bool{false})
	if err != nil || len(answers) != 1 {
		return false
	}
	got, want := sha256.Sum256([]byte(answers[0])), sha256.Sum256([]byte(s.cfg.ExerciseCode))
	if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
		time.Sleep(wrongCodeDelay)
		return false
	}
	p := ctx.Permissions()
	if p.Extensions == nil {
		p.Extensions = map[string]string{}
	}
	p.Extensions[exerciseExt] = "1"
	return true
}

// identify says who a session belongs to, from the auth method that
// succeeded. ok is false when neither a key nor the exercise code admitted
// it (which the handshake should have made impossible).
func identify(sess ssh.Session) (Session, bool) {
	who := Session{User: cleanUser(sess.User()), Environ: sess.Environ()}
	if a := sess.RemoteAddr(); a != nil {
		who.RemoteAddr = a.String()
	}
	if k := sess.PublicKey(); k != nil {
		who.KeyFingerprint = gossh.FingerprintSHA256(k)
		return who, true
	}
	if p := sess.Permissions(); p.Permissions != nil && p.Extensions[exerciseExt] == "1" {
		who.Exercise = true
		return who, true
	}
	return who, false
}

// cleanUser makes the client-chosen user name storable: valid UTF-8 (the
// verdict store refuses anything else) and short. Hostile characters stay,
// as evidence; every display goes through textsafe.
func cleanUser(u string) string {
	u = strings.ToValidUTF8(u, "\uFFFD")
	if utf8.RuneCountInString(u) > maxUser {
		u = string([]rune(u)[:maxUser]) + "…"
	}
	if u == "" {
		u = "?"
	}
	return u
}
