package main

import (
	"fmt"
	"net"
	"strconv"
	"time"
)

// servedLockError is a case file that DuckDB would not open because
// "guesthunt serve" holds it: it names the server to reach instead.
type servedLockError struct {
	path string
	rec  servingRecord
	err  error // DuckDB's own refusal
}

func (e servedLockError) Error() string {
	return fmt.Sprintf("the case file %s is held by guesthunt serve at %s (process %d, since %s); reach it with %q, or stop that server first",
		e.path, e.rec.Address, e.rec.PID, e.rec.Started.UTC().Format(time.RFC3339), sshHint(e.rec.Address, "hunt"))
}

func (e servedLockError) Unwrap() error { return e.err }

// explainLock returns err, or, when it is DuckDB refusing a file whose lock
// is held by the process a sidecar names, the error naming that server. A
// sidecar of another process (left by a server that was killed) is not
// believed: the lock's holder is then someone else.
func explainLock(err error) error {
	if err == nil {
		return nil
	}
	m := lockHeld.FindStringSubmatch(err.Error())
	if m == nil {
		return err
	}
	rec, rerr := readServing(m[1])
	if rerr != nil || strconv.Itoa(rec.PID) != m[2] {
		return err
	}
	return servedLockError{path: m[1], rec: rec, err: err}
}

// sshHint is the command line that runs command on the server listening at
// addr. A wildcard address says nothing about the host to dial, so it
// stands as SERVER.
func sshHint(addr, command string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "ssh SERVER " + command
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "SERVER"
	}
	if port == "22" {
		return "ssh " + host + " " + command
	}
	return "ssh -p " + port + " " + host + " " + command
}
