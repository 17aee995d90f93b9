package formats

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// Decompress recognises gzip by its magic bytes (1f 8b), whatever the file
// is called, and returns a reader of the decompressed content (every member
// of a multi-member file); other content is returned as is. The bool says
// whether it was compressed. A gzip file cut short fails on Read with an
// error that says "truncated gzip" and wraps io.ErrUnexpectedEOF.
//
// Text in UTF-16 (little- or big-endian, with a byte-order mark, as
// PowerShell's Out-File -Encoding Unicode writes it) comes out as UTF-8
// without the mark, so that every reader and the format detector see UTF-8.
func Decompress(r io.Reader) (io.Reader, bool, error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(2)
	if err != nil && err != io.EOF {
		return nil, false, fmt.Errorf("reading the start of the file: %w", err)
	}
	if len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
		return decodeUTF16(br), false, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, true, gzipError(err)
	}
	return decodeUTF16(bufio.NewReader(&gzipReader{zr: zr})), true, nil
}

// decodeUTF16 transcodes UTF-16 text that starts with a byte-order mark to
// UTF-8; anything else is returned as is.
func decodeUTF16(br *bufio.Reader) io.Reader {
	bom, _ := br.Peek(2)
	switch {
	case len(bom) == 2 && bom[0] == 0xff && bom[1] == 0xfe:
		br.Discard(2)
		return &utf16Reader{r: br, little: true}
	case len(bom) == 2 && bom[0] == 0xfe && bom[1] == 0xff:
		br.Discard(2)
		return &utf16Reader{r: br}
	}
	return br
}

// IsUTF16 says whether r is text Decompress transcoded from UTF-16.
func IsUTF16(r io.Reader) bool {
	_, ok := r.(*utf16Reader)
	return ok
}

// utf16Reader turns UTF-16 into UTF-8. Unpaired surrogates become U+FFFD; a
// dangling odd byte at the end is an error (the file was cut short).
type utf16Reader struct {
	r      io.Reader
	little bool
	in     [8 << 10]byte
	n      int    // bytes of in not yet decoded
	out    []byte // decoded, not yet returned
	hi     rune   // a high surrogate waiting for its pair
	err    error
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		if u.err != nil {
			if u.err == io.EOF && (u.n > 0 || u.hi != 0) {
				if u.n > 0 {
					u.n = 0
					u.hi = 0
					u.err = fmt.Errorf("UTF-16 text ends in half a character: %w", io.ErrUnexpectedEOF)
					return 0, u.err
				}
				u.out = utf8.AppendRune(u.out, utf8.RuneError)
				u.hi = 0
				break
			}
			return 0, u.err
		}
		m, err := u.r.Read(u.in[u.n:])
		u.n += m
		if err != nil {
			u.err = err
		}
		u.decode()
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	return n, nil
}

func (u *utf16Reader) decode() {
	u.out = u.out[:0]
	i := 0
	for ; i+1 < u.n; i += 2 {
		var c rune
		if u.little {
			c = rune(u.in[i]) | rune(u.in[i+1])<<8
		} else {
			c = rune(u.in[i])<<8 | rune(u.in[i+1])
		}
		switch {
		case 0xd800 <= c && c < 0xdc00:
			if u.hi != 0 {
				u.out = utf8.AppendRune(u.out, utf8.RuneError)
			}
			u.hi = c
			continue
		case 0xdc00 <= c && c < 0xe000:
			if u.hi != 0 {
				c = utf16.DecodeRune(u.hi, c)
				u.hi = 0
			} else {
				c = utf8.RuneError
			}
		default:
			if u.hi != 0 {
				u.out = utf8.AppendRune(u.out, utf8.RuneError)
				u.hi = 0
			}
		}
		u.out = utf8.AppendRune(u.out, c)
	}
	u.n = copy(u.in[:], u.in[i:u.n])
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
