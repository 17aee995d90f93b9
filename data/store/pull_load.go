package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/guesthunt/guesthunt/data/formats"
)

// ErrRefetch is wrapped by LoadChunk's error when the chunk's spooled
// response cannot be loaded as it is (missing, changed since it was fetched,
// not a response of the pull's source, or incomplete): LoadChunk has set the
// chunk back to planned, and it must be fetched again (or split).
var ErrRefetch = errors.New("fetch the chunk again")

// ErrChunkLoaded is wrapped by LoadChunk's error for a chunk that is loaded
// already: loading it again would double its events.
var ErrChunkLoaded = errors.New("the chunk is loaded already")

// LoadChunk loads a fetched chunk's spooled response (a gzipped la-api
// response for Log Analytics, a Graph collection for Graph) through the same
// machinery as "guesthunt load", and marks the chunk loaded with its source
// in the very transaction that makes its events visible: killed before that
// commit, the chunk is still fetched and its half-loaded rows are set aside
// by the next load; after it, the chunk is loaded and is never loaded again.
// A response the reader finds incomplete (cut short, or carrying the
// service's error) is not loaded: the chunk goes back to planned (ErrRefetch).
func (s *Store) LoadChunk(ctx context.Context, pullID, seq int64) (FileReport, error) {
	name := chunkName(pullID, seq)
	if err := s.journal(ctx); err != nil {
		return FileReport{}, fmt.Errorf("load %s: %w", name, err)
	}
	p, err := getPull(ctx, s.db, pullID)
	if err != nil {
		return FileReport{}, err
	}
	c, err := getChunk(ctx, s.db, pullID, seq)
	if err != nil {
		return FileReport{}, err
	}
	switch c.State {
	case ChunkLoaded:
		return FileReport{}, fmt.Errorf("%s is loaded already (source %d): loading it again would double its events: %w",
			name, c.SourceID, ErrChunkLoaded)
	case ChunkFetched:
	default:
		return FileReport{}, fmt.Errorf("%s has not been fetched (it is %s): there is nothing to load", name, c.State)
	}
	empty, reason := checkSpool(p, c)
	if reason != "" {
		return FileReport{}, s.refetch(ctx, c, reason)
	}

	var refused string
	var hooked bool
	hook := func(ctx context.Context, tx *sql.Tx, sourceID int64, fr *FileReport) error {
		if fr.Error != "" || fr.Incomplete {
			refused = fr.Error
			if refused == "" {
				refused = "the response broke off before its end"
			}
			return errors.New(name + ": the response is incomplete, not loaded: " + refused)
		}
		// Only the fetched response checked above: not one split away or
		// loaded meanwhile through another store on the same file.
		res, err := tx.ExecContext(ctx, `UPDATE _PullChunks SET State = ?, SourceId = ?
			WHERE PullId = ? AND Seq = ? AND State = ? AND Sha256 = ?`,
			string(ChunkLoaded), sourceID, pullID, seq, string(ChunkFetched), c.Sha256)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("%s changed while it was loading (split, fetched again or loaded elsewhere)", name)
		}
		if s.pullLoadHook != nil {
			s.pullLoadHook("commit")
		}
		hooked = true
		return nil
	}

	s.loadMu.Lock()
	_, err = s.repairInterrupted(ctx)
	s.loadMu.Unlock()
	if err != nil {
		return FileReport{}, fmt.Errorf("load %s: set aside an interrupted load: %w", name, err)
	}
	in := sourceFile{path: c.RawPath, display: chunkSourceName(p, c), onDone: hook}
	var fr FileReport
	if empty {
		fr, err = s.loadNothing(ctx, in)
	} else {
		fr, err = s.loadFile(ctx, in, LoadOptions{}, nil)
	}
	switch {
	case refused != "":
		return fr, s.refetch(ctx, c, "the response is incomplete: "+refused)
	case err != nil:
		return fr, fmt.Errorf("load %s: %w", name, err)
	case !hooked:
		// The file could not be read at all (loadFile says why in fr.Error).
		return fr, s.refetch(ctx, c, "the response could not be read: "+fr.Error)
	}
	if s.pullLoadHook != nil {
		s.pullLoadHook("committed")
	}
	return fr, nil
}

// checkSpool says what is wrong with a fetched chunk's spooled response, or
// "" when it is the file that was fetched, in the pull's source's format.
// Graph's records spooled one a line make an empty file when a chunk has
// none: that is a response too (empty).
func checkSpool(p Pull, c PullChunk) (empty bool, reason string) {
	f, err := os.Open(c.RawPath)
	if err != nil {
		return false, "the spooled response cannot be opened: " + err.Error()
	}
	h := sha256.New()
	_, err = io.Copy(h, f)
	f.Close()
	if err != nil {
		return false, "the spooled response cannot be read: " + err.Error()
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != c.Sha256 {
		return false, fmt.Sprintf("the spooled response %s changed since it was fetched (SHA-256 %s, recorded %s)", c.RawPath, got, c.Sha256)
	}
	if p.Source == PullSourceGraph && blankFile(c.RawPath) {
		return true, ""
	}
	format, _, _, err := sniffFile(c.RawPath)
	if err != nil {
		return false, "the spooled response cannot be read: " + err.Error()
	}
	if !sourceFormat(p.Source, format) {
		return false, fmt.Sprintf("the spooled response %s is not a %s response (it reads as %s)", c.RawPath, p.Source, format)
	}
	return false, ""
}

// blankFile says whether a (possibly compressed) file holds nothing but
// white space once decompressed.
func blankFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	r, _, err := formats.Decompress(f)
	if err != nil {
		return false
	}
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if len(bytes.TrimSpace(buf[:n])) > 0 {
			return false
		}
		if err == io.EOF {
			return true
		}
		if err != nil {
			return false
		}
	}
}

// loadNothing registers an empty response as a source with no records, so
// that its chunk is loaded (and covered) like any other.
func (s *Store) loadNothing(ctx context.Context, in sourceFile) (FileReport, error) {
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	fr := FileReport{Path: in.display, Spool: in.path, Format: formats.FormatGraphNDJSON}
	var size int64
	if fi, err := os.Stat(in.path); err == nil {
		size = fi.Size()
	}
	_, compressed, _, _ := sniffFile(in.path)
	fr.Compressed = compressed
	src := sourceRow{path: in.path, display: in.display, format: fr.Format, compressed: compressed, size: size, onDone: in.onDone}
	err := s.loadRecordStream(ctx, src, &sliceReader{}, &fr, false, nil)
	return fr, err
}

// sourceFormat says whether a spooled response's format is what the pull's
// source answers with.
func sourceFormat(source string, f formats.Format) bool {
	switch source {
	case PullSourceLA:
		return f == formats.FormatLAAPI
	case PullSourceGraph:
		return f == formats.FormatGraph || f == formats.FormatGraphNDJSON || f == formats.FormatGraphArray
	}
	return false
}

// refetch sets a fetched chunk back to planned, counting the attempt, and
// returns the error saying why (wrapping ErrRefetch).
func (s *Store) refetch(ctx context.Context, c PullChunk, reason string) error {
	name := chunkName(c.PullID, c.Seq)
	err := s.pullTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE _PullChunks SET State = ?, Attempts = Attempts + 1, LastError = ?
			WHERE PullId = ? AND Seq = ? AND State = ?`, string(ChunkPlanned), reason, c.PullID, c.Seq, string(ChunkFetched))
		return err
	})
	if err != nil {
		return fmt.Errorf("load %s: %s; and setting it back to planned failed: %v", name, reason, err)
	}
	return fmt.Errorf("load %s: %s: %w", name, reason, ErrRefetch)
}

// chunkSourceName is the name a chunk's events are shown coming from:
// "la://<workspace>/pull/1/chunk/3 [from, to)". DiskPath keeps the spool file.
func chunkSourceName(p Pull, c PullChunk) string {
	target := p.Target
	if i := strings.Index(target, "://"); i >= 0 {
		target = target[i+3:]
	}
	target = strings.Trim(target, "/")
	return fmt.Sprintf("%s://%s/pull/%d/chunk/%d %s", p.Source, target, p.ID, c.Seq, spanText(c.From, c.To))
}
