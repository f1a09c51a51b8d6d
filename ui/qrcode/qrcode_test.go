package qrcode

import (
	"errors"
	"image"
	"image/color"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
	qr "github.com/skip2/go-qrcode"
)

const swip = "swip://pay/8b1f3c2e-4d5a-4f6b-9c7d-0e1f2a3b4c5d"

var samples = []string{
	swip,
	"K7Q2ZX9P",
	strings.Repeat("Ab3-x", 20), // 100 chars
	"https://pay.example.test/s?code=8b1f3c2e&amount=12.50&currency=EUR&note=a%20b",
	strings.Repeat("swip://pay/0123456789abcdef", 8)[:200],
}

// halves spells out the documented glyphs ({top, bottom}, true = dark)
// rather than reusing the package's table, so a swapped glyph fails.
var halves = map[rune][2]bool{' ': {}, '▀': {true, false}, '▄': {false, true}, '█': {true, true}}

// parse turns Render's lines back into modules (true = dark), two per glyph.
func parse(t *testing.T, lines []string) [][]bool {
	t.Helper()
	m := make([][]bool, 0, 2*len(lines))
	for y, line := range lines {
		top, bottom := []bool{}, []bool{}
		for x, r := range []rune(line) {
			g, ok := halves[r]
			if !ok {
				t.Fatalf("line %d col %d: unexpected glyph %q", y, x, r)
			}
			top, bottom = append(top, g[0]), append(bottom, g[1])
		}
		m = append(m, top, bottom)
	}
	return m
}

// decode scales the modules to an 8 px/module black-on-white image and reads it as a phone would.
func decode(t *testing.T, m [][]bool) string {
	t.Helper()
	const px = 8
	img := image.NewGray(image.Rect(0, 0, len(m[0])*px, len(m)*px))
	for y := range img.Rect.Dy() {
		for x := range img.Rect.Dx() {
			c := color.Gray{Y: 0xff}
			if m[y/px][x/px] {
				c.Y = 0
			}
			img.SetGray(x, y, c)
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return res.GetText()
}

func TestRoundTrip(t *testing.T) {
	for _, s := range samples {
		lines, err := Render(s)
		if err != nil {
			t.Fatalf("Render(%q): %v", s, err)
		}
		if got := decode(t, parse(t, lines)); got != s {
			t.Errorf("decoded %q, want %q", got, s)
		}
	}
}

// TestMatchesEncoder catches a flipped or transposed drawing, which a
// decoder might still read (ZXing retries mirrored codes) but a phone may not.
func TestMatchesEncoder(t *testing.T) {
	lines, err := Render(swip)
	if err != nil {
		t.Fatal(err)
	}
	q, err := qr.New(swip, qr.Medium)
	if err != nil {
		t.Fatal(err)
	}
	want := q.Bitmap()
	got := parse(t, lines)
	if len(got) != len(want)+1 { // one light padding row
		t.Fatalf("%d module rows, want %d", len(got), len(want)+1)
	}
	if !reflect.DeepEqual(got[:len(want)], want) {
		t.Error("rendered modules differ from go-qrcode's bitmap")
	}
}

func TestShape(t *testing.T) {
	for _, s := range samples {
		lines, err := Render(s)
		if err != nil {
			t.Fatal(err)
		}
		w, h, err := Size(s)
		if err != nil {
			t.Fatal(err)
		}
		if len(lines) != h {
			t.Errorf("%q: %d lines, Size says %d", s, len(lines), h)
		}
		for i, l := range lines {
			if n := utf8.RuneCountInString(l); n != w {
				t.Errorf("%q line %d: %d runes, Size says %d", s, i, n, w)
			}
		}
		m := parse(t, lines)
		n := w // modules per side, quiet zone included
		if n%2 != 1 || len(m) != n+1 {
			t.Fatalf("%q: %d module rows for side %d, want side odd and one padding row", s, len(m), n)
		}
		for y := range m {
			for x := range m[y] {
				inside := y >= quietZone && y < n-quietZone && x >= quietZone && x < n-quietZone
				if !inside && m[y][x] {
					t.Fatalf("%q: dark module at (%d,%d) in the quiet zone", s, x, y)
				}
			}
		}
	}
}

func TestSizes(t *testing.T) {
	for _, c := range []struct {
		s    string
		w, h int
	}{
		{swip[:40], 37, 19},                   // version 3
		{strings.Repeat("Ab3-x", 20), 49, 25}, // version 6
		{strings.Repeat("a", 2331), 185, 93},  // version 40, the most bytes level M holds
	} {
		w, h, err := Size(c.s)
		if err != nil || w != c.w || h != c.h {
			t.Errorf("Size(%d chars) = %d×%d, %v; want %d×%d", len(c.s), w, h, err, c.w, c.h)
		}
	}
}

func TestErrors(t *testing.T) {
	for _, c := range []struct {
		s    string
		want error
	}{
		{"", ErrEmpty},
		{strings.Repeat("a", 2332), ErrTooLong},
	} {
		if lines, err := Render(c.s); !errors.Is(err, c.want) || lines != nil {
			t.Errorf("Render(%d chars) = %d lines, %v; want %v", len(c.s), len(lines), err, c.want)
		}
		if w, h, err := Size(c.s); !errors.Is(err, c.want) || w != 0 || h != 0 {
			t.Errorf("Size(%d chars) = %d×%d, %v; want %v", len(c.s), w, h, err, c.want)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	s := swip[:40]
	for b.Loop() {
		if _, err := Render(s); err != nil {
			b.Fatal(err)
		}
	}
}
