package serve

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/guesthunt/guesthunt/ui/textsafe"
	gossh "golang.org/x/crypto/ssh"
)

// maxKeysFile bounds what is read of an authorized_keys file; a line longer
// than maxKeyLine is reported and skipped like any other bad line.
const (
	maxKeysFile = 4 << 20
	maxKeyLine  = 16 << 10
)

// ignoredOption says whether an authorized_keys option only restricts what
// this server never offers anyway (forwarding, user rc). A line with any
// other option (from=, command=, expiry-time=, cert-authority, ...) is
// skipped: accepting its key without enforcing the restriction would let in
// more than the file says.
func ignoredOption(name string) bool {
	switch strings.ToLower(name) {
	case "restrict", "no-port-forwarding", "no-agent-forwarding", "no-x11-forwarding", "no-user-rc":
		return true
	}
	return false
}

// keySet is one parse of the file: the keys by their wire form.
type keySet struct {
	keys  map[string]bool
	warns []string
}

// parseAuthorizedKeys reads an OpenSSH authorized_keys file. A bad line is
// reported with its number and skipped: it never rejects the good lines
// (wish's own reader denies everyone after one bad line) and never admits
// anyone.
func parseAuthorizedKeys(path string, b []byte) keySet {
	ks := keySet{keys: map[string]bool{}}
	warn := func(n int, format string, a ...any) {
		ks.warns = append(ks.warns, fmt.Sprintf("%s line %d: %s; line skipped", path, n, fmt.Sprintf(format, a...)))
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), maxKeyLine)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, _, opts, _, err := gossh.ParseAuthorizedKey([]byte(line))
		if err != nil {
			warn(n, "not a public key (%s)", textsafe.Text(err.Error()))
			continue
		}
		if bad := unenforced(opts); bad != "" {
			warn(n, "option %s is not enforced by guesthunt serve", textsafe.Text(bad))
			continue
		}
		if _, ok := key.(*gossh.Certificate); ok {
			warn(n, "certificates are not accepted")
			continue
		}
		ks.keys[string(key.Marshal())] = true
	}
	if err := sc.Err(); err != nil {
		warn(n+1, "unreadable (%v); the rest of the file is ignored", err)
	}
	return ks
}

func unenforced(opts []string) string {
	for _, o := range opts {
		name, _, _ := strings.Cut(o, "=")
		if !ignoredOption(name) {
			return o
		}
	}
	return ""
}

// authorizedKeys is the file's current key set, re-read when its size or
// modification time changes (checked at each login attempt, so an edit
// takes effect at the next login without a restart or a watcher).
type authorizedKeys struct {
	path string
	warn func(string)

	mu    sync.Mutex
	size  int64
	mtime time.Time
	set   keySet
	gone  bool // the file could not be read: nobody is admitted by key
}

func newAuthorizedKeys(path string, warn func(string)) (*authorizedKeys, error) {
	a := &authorizedKeys{path: path, warn: warn}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("authorized keys: %w", err)
	}
	if err := a.load(fi); err != nil {
		return nil, fmt.Errorf("authorized keys: %w", err)
	}
	return a, nil
}

// load parses the file; callers hold mu (or own a).
func (a *authorizedKeys) load(fi os.FileInfo) error {
	if fi.Size() > maxKeysFile {
		return fmt.Errorf("%s is larger than %d bytes", a.path, maxKeysFile)
	}
	b, err := os.ReadFile(a.path)
	if err != nil {
		return err
	}
	a.size, a.mtime = fi.Size(), fi.ModTime()
	a.set = parseAuthorizedKeys(a.path, b)
	a.gone = false
	if fi.Mode().Perm()&0o022 != 0 {
		a.set.warns = append(a.set.warns, fmt.Sprintf("%s is writable by others (mode %04o): anyone who can write it can log in", a.path, fi.Mode().Perm()))
	}
	for _, w := range a.set.warns {
		a.warn(w)
	}
	return nil
}

// refresh re-reads the file if it changed. A file that disappeared or
// cannot be read admits nobody until it is back.
func (a *authorizedKeys) refresh() {
	fi, err := os.Stat(a.path)
	if err != nil {
		if !a.gone {
			a.warn(fmt.Sprintf("authorized keys: %v; no key is accepted until it is readable", err))
		}
		a.gone = true
		return
	}
	if !a.gone && fi.Size() == a.size && fi.ModTime().Equal(a.mtime) {
		return
	}
	if err := a.load(fi); err != nil {
		a.warn(fmt.Sprintf("authorized keys: %v; no key is accepted until it is readable", err))
		a.gone = true
	}
}

// allowed says whether key may log in, after re-reading a changed file.
func (a *authorizedKeys) allowed(key gossh.PublicKey) bool {
	if a == nil || key == nil {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.refresh()
	return !a.gone && a.set.keys[string(key.Marshal())]
}

func (a *authorizedKeys) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.set.keys)
}

func (a *authorizedKeys) warnings() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.set.warns...)
}
