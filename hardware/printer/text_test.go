package printer

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

// Every rune there is, as item text, in every encoding: the bytes are
// whole printable characters only (no byte < 0x20, no 0x7F, no lead byte
// without its trail), and they print exactly the columns the screen
// counted.
func TestEncoderSweep(t *testing.T) {
	const chunk = 2048
	for _, enc := range []Encoding{ASCII, Big5, GB18030} {
		e := newTextEncoder(enc)
		var multi int
		for lo := rune(0); lo <= utf8.MaxRune; lo += chunk {
			var s strings.Builder
			for r := lo; r < lo+chunk && r <= utf8.MaxRune; r++ {
				if utf8.ValidRune(r) {
					s.WriteRune(r)
				}
			}
			// The columns of the text as cleaned: escape sequences go,
			// tabs and newlines become spaces.
			cols := 0
			for _, r := range clean(s.String()) {
				cols += runeWidth(r)
			}
			b := e.appendFit(nil, s.String(), math.MaxInt)
			for _, c := range b {
				if c < 0x20 || c == 0x7F {
					t.Fatalf("%s: runes from %U: control byte %#x in the text", enc, lo, c)
				}
			}
			got := columns(b, enc)
			if got < 0 {
				_, err := parseStream(b, enc)
				t.Fatalf("%s: runes from %U: %v", enc, lo, err)
			}
			if got != cols {
				t.Errorf("%s: runes from %U print %d columns, the screen counts %d", enc, lo, got, cols)
			}
			for i := 0; i < len(b); i += charLen(b[i:], enc) {
				if charLen(b[i:], enc) > 1 {
					multi++
				}
			}
		}
		// The sweep must have exercised the double-byte encoders.
		if enc != ASCII && multi < 10000 {
			t.Errorf("%s: only %d multi-byte characters in the sweep", enc, multi)
		}
	}
}

func TestEncodeText(t *testing.T) {
	for _, c := range []struct {
		enc      Encoding
		in, want string
	}{
		{Big5, "烏龍茶 Oolong", "\xaf\x51\xc0\x73\xaf\xf9 Oolong"},
		{GB18030, "乌龙茶", "\xce\xda\xc1\xfa\xb2\xe8"},
		{GB18030, "烏", "\x9e\xf5"},
		{Big5, "乌", "\xa1\x48"}, // not in Big5: a full-width ？
		{ASCII, "茶", "??"},
		{Big5, "Café…", "Cafe."},
		{GB18030, "Café…", "Cafe."},
		{ASCII, "naïve – “quoted” × 2", "naive - \"quoted\" x 2"},
		{Big5, "Ωmega", "?mega"}, // Big5 has Ω, but full width: one column on screen
		{Big5, "a\u0301b", "ab"}, // a combining accent takes no column
		{Big5, "😀", "\xa1\x48"},
		{GB18030, "😀", "\x94\x39\xfc\x36"}, // GB18030 has every code point: four bytes, two columns
		{ASCII, "tab\there\r\nnext", "tab here  next"},
		{Big5, "x\x1bp\x00\x19\xfay", "x?y"},
		{Big5, "\x1b[31mred\x1b[0m", "red"},
		{Big5, "a\u202eb", "ab"},
		{GB18030, "a\u0085b\u009bc", "abc"},
		{Big5, "龙", "\xa1\x48"}, // HKSCS only: Taiwanese printers have no glyph
	} {
		got := string(newTextEncoder(c.enc).appendFit(nil, c.in, math.MaxInt))
		if got != c.want {
			t.Errorf("%s %q = % x (%q), want % x", c.enc, c.in, got, got, c.want)
		}
	}
}

func TestAppendFitCutsByColumns(t *testing.T) {
	e := newTextEncoder(Big5)
	if got := string(e.appendFit(nil, "Ticket 1: 茶茶茶", 12)); got != "Ticket 1: \xaf\xf9" {
		t.Errorf("% x", got)
	}
	if got := string(e.appendFit(nil, "Ticket 1: 茶茶茶", 13)); got != "Ticket 1: \xaf\xf9" {
		t.Errorf("a wide character split: % x", got)
	}
}
