package formats

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
)

// Decompress recognises gzip by its magic bytes (1f 8b), whatever the file
// is called, and returns a reader of the decompressed content (every member
// of a multi-member file); other content is returned as is. The bool says
// whether it was compressed. A gzip file cut short fails on Read with an
// error that says "truncated gzip" and wraps io.ErrUnexpectedEOF.
func Decompress(r io.Reader) (io.Reader, bool, error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(2)
	if err != nil && err != io.EOF {
		return nil, false, fmt.Errorf("reading the start of the file: %w", err)
	}
	if len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return br, false, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, true, gzipError(err)
	}
	return &gzipReader{zr: zr}, true, nil
}

// gzipReader names gzip failures so that a cut-off download is recognisable.
type gzipReader struct {
	zr *gzip.Reader
}

func (g *gzipReader) Read(p []byte) (int, error) {
	n, err := g.zr.Read(p)
	if err != nil && err != io.EOF {
		err = gzipError(err)
	}
	return n, err
}

func gzipError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("truncated gzip: %w", io.ErrUnexpectedEOF)
	}
	return fmt.Errorf("corrupt gzip: %w", err)
}
