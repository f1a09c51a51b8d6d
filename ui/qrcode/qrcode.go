// Package qrcode draws a payment session code as a QR code in half-block
// glyphs, two module rows per text row, so a phone can scan it off the till's
// monitor, even on a bare Linux console (its CP437 font has ▀ ▄ █).
package qrcode

import (
	"errors"
	"fmt"
	"strings"

	qr "github.com/skip2/go-qrcode"
)

var (
	// ErrEmpty is returned for an empty string: there is nothing to scan.
	ErrEmpty = errors.New("qrcode: nothing to encode")
	// ErrTooLong is returned when s does not fit in the largest QR code (version 40) at level M.
	ErrTooLong = errors.New("qrcode: too long to encode")
)

// quietZone is the light border, in modules, that scanners need; go-qrcode's Bitmap adds it.
const quietZone = 4

// glyphs is indexed by top | bottom<<1, where 1 means a dark module.
var glyphs = [4]rune{' ', '▀', '▄', '█'}

// Render encodes s as a QR code (error correction level M, smallest version that fits)
// and returns it as lines of half-block glyphs, including the standard 4-module quiet zone
// on every side. Glyphs: ' ' (both modules light), '▀' (top dark), '▄' (bottom dark), '█' (both dark).
// The caller draws it in black on white (dark = foreground), so it scans whatever the terminal's colours.
func Render(s string) ([]string, error) {
	q, err := encode(s)
	if err != nil {
		return nil, err
	}
	m := q.Bitmap() // quiet zone included; true = dark
	lines := make([]string, 0, (len(m)+1)/2)
	var b strings.Builder
	for y := 0; y < len(m); y += 2 {
		b.Grow(len(m[y]) * len("█"))
		for x, top := range m[y] {
			// The side is always odd, so the last row's bottom half is extra quiet zone.
			bottom := y+1 < len(m) && m[y+1][x]
			b.WriteRune(glyphs[bit(top)|bit(bottom)<<1])
		}
		lines = append(lines, b.String())
		b.Reset()
	}
	return lines, nil
}

// Size reports the width (columns) and height (rows) Render would produce for s,
// so a screen can check that it fits before drawing.
func Size(s string) (w, h int, err error) {
	q, err := encode(s)
	if err != nil {
		return 0, 0, err
	}
	// Picking the version is cheap; building the matrix (8 mask trials) is not, so skip it.
	n := 17 + 4*q.VersionNumber + 2*quietZone
	return n, (n + 1) / 2, nil
}

func encode(s string) (*qr.QRCode, error) {
	if s == "" {
		return nil, ErrEmpty
	}
	q, err := qr.New(s, qr.Medium)
	if err != nil {
		// With non-empty input go-qrcode only fails when no version can hold it.
		return nil, fmt.Errorf("%w: %d bytes (%v)", ErrTooLong, len(s), err)
	}
	return q, nil
}

func bit(dark bool) int {
	if dark {
		return 1
	}
	return 0
}
