package sanitize

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

var long = strings.Repeat("Oolong tea 烏龍茶 ", 256) // about 5 KB

func TestText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"ascii", "Milk 1L", "Milk 1L"},
		{"sgr", "\x1b[31mred\x1b[0m", "red"},
		{"sgr in middle", "a\x1b[1;4;38;2;255;0;0mb", "ab"},
		{"osc 8 hyperlink bel", "\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07", "click"},
		{"osc 8 hyperlink st", "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"osc title", "\x1b]0;title\x07", ""},
		{"osc title then text", "\x1b]0;title\x07Tea", "Tea"},
		{"dcs", "\x1bPq#0;2;0;0;0\x1b\\after", "after"},
		{"apc", "\x1b_Gf=100;AAAA\x1b\\after", "after"},
		{"cursor move", "\x1b[2J\x1b[Hx", "x"},
		{"esc single", "\x1bcreset", "reset"},
		{"carriage return", "a\rb", "a b"},
		{"crlf", "a\r\nb", "a  b"},
		{"tab", "a\tb", "a b"},
		{"newline", "line1\nline2", "line1 line2"},
		{"backspace", "a\bb", "ab"},
		{"bel", "ding\a", "ding"},
		{"nul", "a\x00b", "ab"},
		{"del", "a\x7fb", "ab"},
		{"gs", "01\x1d10", "0110"},
		{"rlo", "\u202Eevil", "evil"},
		{"bidi all", "a\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069b", "ab"},
		{"c1 csi raw byte", "\x9b31m", "\uFFFD31m"},
		{"c1 csi rune", "\u009b31m", "31m"},
		{"c1 nel rune", "a\u0085b", "ab"},
		{"lone esc", "\x1b", ""},
		{"trailing esc", "tea\x1b", "tea"},
		{"invalid utf8", "a\xffb", "a\uFFFDb"},
		{"invalid utf8 run", "a\xff\xfeb", "a\uFFFD\uFFFDb"},
		{"truncated utf8 before esc", "\xe7\x83\x1b[31mx", "\uFFFD\uFFFDx"},
		{"chinese", "烏龍茶", "烏龍茶"},
		{"emoji", "Coffee ☕ 👍🏽 👨‍👩‍👧", "Coffee ☕ 👍🏽 👨‍👩‍👧"},
		{"long clean", long, long},
		{"long hostile", strings.Repeat("\x1b[31m烏\u202e\r", 1024), strings.Repeat("烏 ", 1024)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Text(tt.in)
			if got != tt.want {
				t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
			}
			checkSafe(t, tt.in, got)
		})
	}
}

func TestCode(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"5012345678900", "5012345678900"},
		{"  5012345678900\r\n", "5012345678900"},
		{"\t0104012345012345\x1d10ABC\r", "010401234501234510ABC"},
		{"\x1b[31m123\x1b[0m", "123"},
		{"12\r34", "12 34"},
	}
	for _, tt := range tests {
		if got := Code(tt.in); got != tt.want {
			t.Errorf("Code(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTextCleanDoesNotAllocate(t *testing.T) {
	for _, s := range []string{"Milk 1L", "烏龍茶", long} {
		if n := testing.AllocsPerRun(100, func() { _ = Text(s) }); n != 0 {
			t.Errorf("Text(%.20q) allocated %v times", s, n)
		}
	}
}

func checkSafe(t *testing.T, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("Text(%q) = %q: invalid UTF-8", in, out)
	}
	for _, r := range out {
		if unicode.IsControl(r) || r == 0x1b || isBidi(r) {
			t.Fatalf("Text(%q) = %q: contains %U", in, out, r)
		}
	}
	if again := Text(out); again != out {
		t.Fatalf("Text not idempotent: Text(%q) = %q, Text of that = %q", in, out, again)
	}
	if slow := slowText(in); slow != out {
		t.Fatalf("fast and slow paths differ for %q: %q vs %q", in, out, slow)
	}
}

func FuzzText(f *testing.F) {
	for _, s := range []string{
		"", "Milk", "\x1b[31mred\x1b[0m", "\x1b]8;;http://x/\x07y\x1b]8;;\x07",
		"\x1b]0;title\x07", "a\rb", "a\bb", "\a", "\u202Eevil", "\x9b31m", "\u009b31m",
		"\x1b", "\xff\xfe", "烏龍茶", "👍🏽", "\x1bP\u0410\u0085x\x1b\\", "\x1b[\u00e9m",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkSafe(t, s, Text(s))
		c := Code(s)
		if Code(c) != c {
			t.Fatalf("Code not idempotent for %q", s)
		}
	})
}

func BenchmarkTextClean(b *testing.B) {
	s := "Organic Oolong Tea 250g - Shelf 4B"
	b.ReportAllocs()
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		_ = Text(s)
	}
}

func BenchmarkTextHostile(b *testing.B) {
	s := "\x1b]8;;https://evil.example/\x07\x1b[31mOolong\u202e Tea\x1b[0m\r\n\x9b2J\xff烏龍茶\x1b]8;;\x07"
	b.ReportAllocs()
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		_ = Text(s)
	}
}
