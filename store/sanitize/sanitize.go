// Package sanitize cleans untrusted strings (catalog data, scanned codes,
// payment provider messages) before they are drawn on the terminal or printed.
package sanitize

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Text returns s made safe to draw on one line of a terminal:
//   - invalid UTF-8 bytes become U+FFFD, one per byte;
//   - ANSI/ECMA-48 escape sequences (CSI, OSC, DCS, SOS, PM, APC, ESC x) are removed;
//   - tab, LF and CR each become a single space;
//   - every other C0 control, DEL and C1 control (U+0080–U+009F) is removed;
//   - Unicode bidi controls (U+061C, U+200E, U+200F, U+202A–U+202E,
//     U+2066–U+2069) are removed, so text cannot reorder what follows it.
//
// A string that is already clean is returned as is, without allocating.
func Text(s string) string {
	if isClean(s) {
		return s
	}
	return slowText(s)
}

// Code cleans a scanned code for display: Text with surrounding whitespace
// trimmed.
func Code(s string) string {
	return strings.TrimSpace(Text(s))
}

func slowText(s string) string {
	// Make the input valid UTF-8 first: ansi.Strip works on bytes and would
	// otherwise take a truncated multi-byte sequence's following bytes (an
	// ESC, say) as its continuation.
	s = toValidUTF8(s)
	s = ansi.Strip(s)
	// Strip keeps C0 controls, DEL, C1 controls encoded as runes and, inside
	// broken sequences, may emit stray continuation bytes: filter once more.
	return filter(s)
}

// isClean reports whether Text would return s unchanged.
func isClean(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			return false
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		if isC1(r) || isBidi(r) {
			return false
		}
		i += size
	}
	return true
}

func toValidUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func filter(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\t' || c == '\n' || c == '\r':
				b.WriteByte(' ')
			case c < 0x20 || c == 0x7f:
				// dropped
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case isC1(r) || isBidi(r):
			// dropped
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func isC1(r rune) bool { return r >= 0x80 && r <= 0x9f }

func isBidi(r rune) bool {
	switch {
	case r == 0x061c, r == 0x200e, r == 0x200f:
		return true
	case r >= 0x202a && r <= 0x202e:
		return true
	case r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}
