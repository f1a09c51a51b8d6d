package printer

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"

	"till/store/sanitize"
)

// textEncoder turns untrusted text into printer bytes. It never emits a
// control byte: a character becomes either one byte 0x20..0x7E, or a
// double-byte character (lead 0x81..0xFE, trail 0x40..0xFE but not 0x7F),
// or with GB18030 a four-byte one (0x81..0xFE, 0x30..0x39, 0x81..0xFE,
// 0x30..0x39); see safeMultiByte. Anything x/text might produce outside
// those shapes is refused and replaced: the guarantee does not rest on it.
//
// It also keeps the columns the screen layout counted (store/receipt pads
// and aligns by display width): in double-byte mode every multi-byte
// character prints two columns wide, so one the screen counts as one
// column (…, é, Greek, box drawing) is replaced by a one-column stand-in.
type textEncoder struct {
	enc Encoding
	t   transform.Transformer // nil for ASCII
	buf [8]byte
}

func newTextEncoder(enc Encoding) *textEncoder {
	e := &textEncoder{enc: enc}
	switch enc {
	case Big5:
		e.t = traditionalchinese.Big5.NewEncoder()
	case GB18030:
		e.t = simplifiedchinese.GB18030.NewEncoder()
	}
	return e
}

// appendFit appends s, cleaned and encoded, to b, cut to at most cols
// columns.
func (e *textEncoder) appendFit(b []byte, s string, cols int) []byte {
	for _, r := range clean(s) {
		if cols -= runeWidth(r); cols < 0 {
			break
		}
		b = e.appendRune(b, r)
	}
	return b
}

func (e *textEncoder) appendRune(b []byte, r rune) []byte {
	w := runeWidth(r)
	if enc, ok := e.encode(r); ok {
		p := 1
		if len(enc) > 1 {
			p = 2 // double-byte mode prints every multi-byte character full width
		}
		if p <= w {
			b = append(b, enc...)
			return append(b, "  "[:w-p]...)
		}
	}
	return e.appendFallback(b, r, w)
}

// encode returns r's bytes if the encoding has it and they have a safe
// shape.
func (e *textEncoder) encode(r rune) ([]byte, bool) {
	if r < utf8.RuneSelf {
		e.buf[0] = byte(r)
		return e.buf[:1], isPrintableASCII(byte(r))
	}
	if e.t == nil {
		return nil, false
	}
	var src [utf8.UTFMax]byte
	n := utf8.EncodeRune(src[:], r)
	e.t.Reset()
	nDst, nSrc, err := e.t.Transform(e.buf[:], src[:n], true)
	if err != nil || nSrc != n {
		return nil, false
	}
	out := e.buf[:nDst]
	return out, safeMultiByte(out, e.enc)
}

// appendFallback writes w columns standing for r: a narrow look-alike, the
// base letter of an accented one, or question marks (a full-width ？ for
// a wide character where the encoding has one).
func (e *textEncoder) appendFallback(b []byte, r rune, w int) []byte {
	switch w {
	case 0:
		return b
	case 1:
		if c, ok := narrow(r); ok {
			return append(b, c)
		}
		return append(b, '?')
	}
	if enc, ok := e.encode('？'); ok && len(enc) == 2 {
		return append(b, enc...)
	}
	return append(b, strings.Repeat("?", w)...)
}

func isPrintableASCII(c byte) bool { return c >= 0x20 && c < 0x7F }

// safeMultiByte reports whether p is one whole character of a
// double-byte encoding, with no byte a printer could take as a control or
// as ASCII: for Big5, a standard Big5 character (lead 0xA1..0xF9, so not
// the HKSCS or user-defined codes a Taiwanese printer has no glyph for);
// for GB18030, a two-byte character (lead 0x81..0xFE, trail 0x40..0xFE
// but 0x7F) or a four-byte one (0x81..0xFE, 0x30..0x39, 0x81..0xFE,
// 0x30..0x39).
func safeMultiByte(p []byte, enc Encoding) bool {
	lead := func(c byte) bool { return c >= 0x81 && c <= 0xFE }
	digit := func(c byte) bool { return c >= 0x30 && c <= 0x39 }
	switch {
	case enc == Big5 && len(p) == 2:
		return p[0] >= 0xA1 && p[0] <= 0xF9 && (p[1] >= 0x40 && p[1] <= 0x7E || p[1] >= 0xA1 && p[1] <= 0xFE)
	case enc == GB18030 && len(p) == 2:
		return lead(p[0]) && p[1] >= 0x40 && p[1] <= 0xFE && p[1] != 0x7F
	case enc == GB18030 && len(p) == 4:
		return lead(p[0]) && digit(p[1]) && lead(p[2]) && digit(p[3])
	}
	return false
}

// clean returns s without control characters: store/sanitize's Text
// (escape sequences removed, tab/CR/LF as spaces, invalid UTF-8 as U+FFFD,
// C0/DEL/C1 and bidi controls removed), then every C0, DEL and C1 rune
// removed once more in case that package ever lets one through.
func clean(s string) string {
	s = sanitize.Text(s)
	ok := true
	for _, r := range s {
		if isControl(r) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return -1
		}
		return r
	}, s)
}

func isControl(r rune) bool { return r < 0x20 || (r >= 0x7F && r <= 0x9F) }

// runeWidth is the columns a terminal gives r, as store/receipt counts
// them: 2 for East Asian wide and full-width characters, 0 for combining
// marks and format characters, 1 otherwise (ambiguous ones included).
func runeWidth(r rune) int {
	switch {
	case r < 0xA0:
		return 1
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// narrow is a one-byte stand-in for a one-column character: punctuation
// that double-byte encodings hold only as full-width glyphs, and accented
// Latin letters as their base letter.
func narrow(r rune) (byte, bool) {
	switch r {
	case '…', '·', '•', '‧', '∙':
		return '.', true
	case '‐', '‑', '‒', '–', '—', '―', '−', '─', '━':
		return '-', true
	case '‘', '’', '‚', '′', '´':
		return '\'', true
	case '“', '”', '„', '″':
		return '"', true
	case '×':
		return 'x', true
	case '÷':
		return '/', true
	case '\u00a0', '\u2002', '\u2003', '\u2009':
		return ' ', true
	case '│', '┃':
		return '|', true
	}
	d := norm.NFD.String(string(r))
	if c := d[0]; isPrintableASCII(c) {
		return c, true
	}
	return 0, false
}
