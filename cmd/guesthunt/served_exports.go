package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/guesthunt/guesthunt/data/triage"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui"
)

// maxFolderName bounds the part of a folder name taken from the SSH user.
const maxFolderName = 64

// analystExportDir is the folder a session's exports go to: one per SSH
// user under root, exercise sessions apart ("+" never occurs in a
// sanitised name, so no user's folder can be another's exercise folder).
func analystExportDir(root string, s serveSession) string {
	name := exportFolderName(s.User)
	if s.Exercise {
		name += "+exercise"
	}
	return filepath.Join(root, name)
}

// exportFolderName makes a folder name of an SSH user name, which the
// client chose: lower-case letters, digits, '-', '_' and '.', never a
// leading dot (so never "." or ".."), at most maxFolderName of them. A name
// that had to change gets a digest of the original, so two users never
// share a folder (nor do "Bob" and "bob" on a case-insensitive disk).
func exportFolderName(user string) string {
	var b strings.Builder
	for _, r := range user {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r - 'A' + 'a')
		default:
			b.WriteByte('_')
		}
		if b.Len() >= maxFolderName {
			break
		}
	}
	name := b.String()
	if name == user && name != "" && !strings.HasPrefix(name, ".") {
		return name
	}
	sum := sha256.Sum256([]byte(user))
	return strings.TrimLeft(name, ".") + "-" + hex.EncodeToString(sum[:6])
}

// confinedExport writes reports only into dir, created 0700 on first use:
// the workbench's prompt lets the analyst type any folder, and on a server
// that would be a folder of the server's machine, written as the server's
// user.
func confinedExport(dir string, export ui.ExportFunc) ui.ExportFunc {
	return func(ctx context.Context, typed string, res *hunt.Result, verdicts map[triage.Subject]triage.Triage) (string, error) {
		if filepath.Clean(typed) != filepath.Clean(dir) {
			return "", fmt.Errorf("in a served session reports go only to your folder on the server, %s", dir)
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", err
		}
		return export(ctx, dir, res, verdicts)
	}
}
