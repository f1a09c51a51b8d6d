package hid

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"till/hardware/scanner"
)

// Modifier bytes as scanners send them.
const (
	lShift = 0x02
	rShift = 0x20
	lCtrl  = 0x01
	lAlt   = 0x04
	rAlt   = 0x40
)

// report is one boot keyboard report: modifiers, reserved, keys.
func report(mod byte, keys ...byte) []byte {
	r := make([]byte, 8)
	r[0] = mod
	copy(r[2:], keys)
	return r
}

// up is the all-zero report that releases every key.
var up = report(0)

// tap is what a scanner sends to type one key: down with the modifiers,
// then everything up.
func tap(mod, usage byte) [][]byte {
	return [][]byte{report(mod, usage), up}
}

// taps types the usages one after the other with the same modifiers.
func taps(mod byte, usages ...byte) [][]byte {
	var rs [][]byte
	for _, u := range usages {
		rs = append(rs, tap(mod, u)...)
	}
	return rs
}

// digits types a string of decimal digits on the top row.
func digits(s string) [][]byte {
	var us []byte
	for _, c := range s {
		us = append(us, map[rune]byte{'1': 0x1e, '2': 0x1f, '3': 0x20, '4': 0x21, '5': 0x22,
			'6': 0x23, '7': 0x24, '8': 0x25, '9': 0x26, '0': 0x27}[c])
	}
	return taps(0, us...)
}

var enter = tap(0, usageEnter)

func seq(parts ...[][]byte) [][]byte { return slices.Concat(parts...) }

// feedAll feeds the reports to d and returns every result.
func feedAll(d Decoder, reports [][]byte) []Result {
	var out []Result
	for _, r := range reports {
		out = append(out, d.Feed(r)...)
	}
	return out
}

// codes returns the codes among rs, failing on any error.
func codes(t *testing.T, rs []Result) []string {
	t.Helper()
	var cs []string
	for _, r := range rs {
		if r.Err != nil {
			t.Errorf("unexpected error result: %v", r.Err)
			continue
		}
		cs = append(cs, r.Code)
	}
	return cs
}

func TestKeyboardDecode(t *testing.T) {
	tests := []struct {
		name    string
		layout  string
		reports [][]byte
		want    []string
	}{
		{"EAN-13 with doubled digits", "us", seq(digits("4710088410122"), enter), []string{"4710088410122"}},
		{"two codes", "us", seq(digits("12"), enter, digits("34"), enter), []string{"12", "34"}},
		{"letters", "us", seq(taps(0, 0x0b, 0x08, 0x0f, 0x0f, 0x12), enter), []string{"hello"}},
		{"shift, left and right", "us", seq(tap(lShift, 0x0b), tap(rShift, 0x08), taps(0, 0x0f), enter), []string{"HEl"}},
		{"shifted digits ! and @", "us", seq(tap(lShift, 0x1e), tap(rShift, 0x1f), tap(lShift, 0x20), enter), []string{"!@#"}},
		{"punctuation", "us", seq(taps(0, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38), enter), []string{`-=[]\;'` + "`,./"}},
		{"shifted punctuation", "us", seq(taps(lShift, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38), enter), []string{`_+{}|:"~<>?`}},
		{"caps lock", "us", seq(tap(0, usageCapsLock), taps(0, 0x04, 0x05, 0x1e), tap(lShift, 0x06), tap(0, usageCapsLock), taps(0, 0x07), enter), []string{"AB1cd"}},
		{"caps lock leaves punctuation", "us", seq(tap(0, usageCapsLock), taps(0, 0x2d, 0x36), enter), []string{"-,"}},
		{"held key types once", "us", [][]byte{report(0, 0x1e), report(0, 0x1e), report(0, 0x1e), up, up, report(0, usageEnter), up}, []string{"1"}},
		{"rolled keys", "us", [][]byte{report(0, 0x1e), report(0, 0x1e, 0x1f), report(0, 0x1f), report(0, 0x1f, 0x20), up, report(0, usageEnter)}, []string{"123"}},
		{"keys new together type in report order", "us", [][]byte{report(0, 0x21, 0x22, 0x23), up, report(0, usageEnter)}, []string{"456"}},
		{"rollover error report ignored", "us", [][]byte{report(0, 0x04), report(0, 1, 1, 1, 1, 1, 1), report(0, 0x04, 0x05), up, report(0, usageEnter)}, []string{"ab"}},
		{"modifier keys in the key array ignored", "us", [][]byte{report(lShift, 0xe1), report(lShift, 0xe1, 0x04), up, report(0, usageEnter)}, []string{"A"}},
		{"tab ends a code", "us", seq(digits("12"), tap(0, usageTab), digits("3"), tap(0, usageKeypadEnter)), []string{"12", "3"}},
		{"enter with no code", "us", seq(enter, enter, digits("5"), enter, enter), []string{"5"}},
		{"spaces trimmed, kept inside", "us", seq(taps(0, usageSpace, 0x1e, usageSpace, 0x1f, usageSpace), enter), []string{"1 2"}},
		{"keypad", "us", seq(taps(0, 0x59, 0x5a, 0x62, 0x63, 0x56, 0x57, 0x55, 0x54), enter), []string{"120.-+*/"}},
		{"9-byte report with ID", "us", [][]byte{{1, 0, 0, 0x1e, 0, 0, 0, 0, 0}, {1, 0, 0, 0, 0, 0, 0, 0, 0}, {1, 0, 0, usageEnter, 0, 0, 0, 0, 0}}, []string{"1"}},
		{"unterminated code waits", "us", digits("123"), nil},

		// GS1 separators: Ctrl+] and Alt with 029 on the keypad.
		{"GS as Ctrl+]", "us", seq(digits("01"), tap(lCtrl, 0x30), digits("10"), enter), []string{"01\x1d10"}},
		{"GS as Alt+029", "us", seq(digits("01"),
			[][]byte{report(lAlt), report(lAlt, 0x62), report(lAlt), report(lAlt, 0x5a), report(lAlt), report(lAlt, 0x61), report(lAlt), up},
			digits("10"), enter), []string{"01\x1d10"}},
		{"Alt+0065 is A", "us", seq([][]byte{report(lAlt, 0x62), report(lAlt, 0x62), report(lAlt), report(lAlt, 0x5e), report(lAlt), report(lAlt, 0x5d), up}, enter), []string{"A"}},
		{"Ctrl+letter", "us", seq(tap(lCtrl, 0x04), tap(lCtrl, 0x1d), enter), []string{"\x01\x1a"}},
		{"Ctrl+Shift+6 and -", "us", seq(tap(lCtrl|lShift, 0x23), tap(lCtrl|lShift, 0x2d), enter), []string{"\x1e\x1f"}},

		// German QWERTZ.
		{"de: z and y swapped", "de", seq(taps(0, 0x1c, 0x1d), tap(lShift, 0x1c), enter), []string{"zyZ"}},
		{"de: minus and underscore", "de", seq(tap(0, 0x38), tap(lShift, 0x38), tap(0, 0x2d), tap(lShift, 0x2d), enter), []string{"-_ß?"}},
		{"de: shifted digits", "de", seq(taps(lShift, 0x1e, 0x1f, 0x20, 0x24, 0x27), enter), []string{`!"§/=`}},
		{"de: AltGr", "de", seq(taps(rAlt, 0x14, 0x24, 0x25, 0x26, 0x27, 0x2d, 0x30, 0x64, 0x08), enter), []string{`@{[]}\~|€`}},
		{"de: umlauts and caps lock", "de", seq(taps(0, 0x2f, 0x33, 0x34), tap(0, usageCapsLock), taps(0, 0x2f, 0x1c), enter), []string{"üöäÜZ"}},
		{"de: # and '", "de", seq(tap(0, 0x32), tap(lShift, 0x32), tap(0, 0x31), enter), []string{"#'#"}},
		{"de: dead ^ then space, then a letter", "de", seq(taps(0, 0x35, usageSpace, 0x35, 0x04), enter), []string{"^^a"}},
		{"de: dead ` then space", "de", seq(tap(lShift, 0x2e), tap(0, usageSpace), enter), []string{"`"}},
		{"de: keypad decimal", "de", seq(taps(0, 0x59, 0x63, 0x5a), enter), []string{"1,2"}},
		{"de: GS as Ctrl+]-key", "de", seq(digits("01"), tap(lCtrl, 0x30), digits("10"), enter), []string{"01\x1d10"}},
		{"de: Ctrl+Z is the layout's Z", "de", seq(tap(lCtrl, 0x1c), enter), []string{"\x1a"}},

		// French AZERTY.
		{"fr: letters", "fr", seq(taps(0, 0x14, 0x04, 0x1a, 0x1d, 0x33), tap(lShift, 0x14), enter), []string{"aqzwmA"}},
		{"fr: digits need shift", "fr", seq(taps(lShift, 0x1e, 0x1f, 0x27), taps(0, 0x1e, 0x1f, 0x20, 0x23, 0x27), enter), []string{`120&é"-à`}},
		{"fr: caps lock leaves the digit row", "fr", seq(tap(0, usageCapsLock), taps(0, 0x14, 0x1f), enter), []string{"Aé"}},
		{"fr: AltGr", "fr", seq(taps(rAlt, 0x27, 0x20, 0x25, 0x2e), enter), []string{`@#\}`}},
		{"fr: punctuation", "fr", seq(taps(0, 0x10, 0x36, 0x37, 0x38), tap(lShift, 0x36), tap(lShift, 0x37), enter), []string{",;:!./"}},
		{"fr: dead AltGr ~ then space", "fr", seq(tap(rAlt, 0x1f), tap(0, usageSpace), enter), []string{"~"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := LayoutNamed(tt.layout)
			if err != nil {
				t.Fatal(err)
			}
			got := codes(t, feedAll(NewKeyboardDecoder(l), tt.reports))
			if !slices.Equal(got, tt.want) {
				t.Errorf("codes %q, want %q", got, tt.want)
			}
		})
	}
}

// errs returns the errors among rs and the codes.
func split(rs []Result) (cs []string, es []error) {
	for _, r := range rs {
		if r.Err != nil {
			es = append(es, r.Err)
		} else {
			cs = append(cs, r.Code)
		}
	}
	return cs, es
}

func TestKeyboardRejects(t *testing.T) {
	tests := []struct {
		name    string
		reports [][]byte
		want    []string
		errs    []error // in order
	}{
		{"F1 in a code", seq(digits("12"), tap(0, 0x3a), digits("3"), enter, digits("45"), enter), []string{"45"}, []error{ErrUnknownKey}},
		{"usage past the table", seq(tap(0, 0x90), enter), nil, []error{ErrUnknownKey}},
		{"Alt with a letter", seq(tap(lAlt, 0x04), enter), nil, []error{ErrUnknownKey}},
		{"Ctrl with a digit", seq(tap(lCtrl, 0x1e), enter), nil, []error{ErrUnknownKey}},
		{"Alt code 0", seq([][]byte{report(lAlt, 0x62), up}, enter), nil, []error{ErrUnknownKey}},
		{"Alt code over 255", seq([][]byte{report(lAlt, 0x5a), report(lAlt), report(lAlt, 0x5d), report(lAlt), report(lAlt, 0x5e), up}, enter), nil, []error{ErrUnknownKey}},
		{"AltGr key with nothing on it in us is Alt", seq(tap(rAlt, 0x14), enter), nil, []error{ErrUnknownKey}},
		{"short reports, once a run, spoil the code", seq(digits("1"), [][]byte{{0, 0, 0x1e}, {0}, {}}, digits("2"), enter, digits("3"), enter),
			[]string{"3"}, []error{ErrBadReport, ErrBadReport}},
		{"long report", seq([][]byte{make([]byte, 20)}, digits("3"), enter), []string{"3"}, []error{ErrBadReport}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, es := split(feedAll(NewKeyboardDecoder(nil), tt.reports))
			if !slices.Equal(cs, tt.want) {
				t.Errorf("codes %q, want %q", cs, tt.want)
			}
			if len(es) != len(tt.errs) {
				t.Fatalf("errors %v, want %v", es, tt.errs)
			}
			for i := range es {
				if !errors.Is(es[i], tt.errs[i]) {
					t.Errorf("error %d = %v, want %v", i, es[i], tt.errs[i])
				}
			}
		})
	}
}

func TestKeyboardTooLong(t *testing.T) {
	d := NewKeyboardDecoder(nil)
	var rs []Result
	for range scanner.MaxCodeLen {
		rs = append(rs, feedAll(d, tap(0, 0x04))...)
	}
	if cs, es := split(rs); len(cs)+len(es) != 0 {
		t.Fatalf("a code of MaxCodeLen bytes gave %q %v before its end", cs, es)
	}
	rs = append(rs, feedAll(d, enter)...)
	if cs, _ := split(rs); len(cs) != 1 || len(cs[0]) != scanner.MaxCodeLen {
		t.Fatalf("a code of exactly MaxCodeLen bytes was not passed on")
	}

	var long [][]byte
	for range scanner.MaxCodeLen + 100 {
		long = append(long, tap(0, 0x04)...)
	}
	checkOverlong(t, d, func() int { return len(d.code) }, seq(long, enter), seq(digits("42"), enter))
}

func TestKeyboardReset(t *testing.T) {
	d := NewKeyboardDecoder(nil)
	feedAll(d, seq(tap(0, usageCapsLock), digits("12"), [][]byte{report(0, 0x20)}))
	d.Reset()
	// 3 was held when the device went; pressed again now, it types. Caps
	// Lock is off again.
	got := codes(t, feedAll(d, seq([][]byte{report(0, 0x20), up}, taps(0, 0x04), enter)))
	if !slices.Equal(got, []string{"3a"}) {
		t.Errorf("after Reset: %q, want [3a]", got)
	}
}

func TestLayouts(t *testing.T) {
	if got := Layouts(); !slices.Equal(got, []string{"de", "fr", "us"}) {
		t.Errorf("Layouts() = %v", got)
	}
	for _, name := range []string{"", "us", "DE", "fr"} {
		l, err := LayoutNamed(name)
		if err != nil || l.Name() != cmpOrString(strings.ToLower(name), "us") {
			t.Errorf("LayoutNamed(%q) = %v, %v", name, l, err)
		}
	}
	if _, err := LayoutNamed("dvorak"); err == nil || !strings.Contains(err.Error(), "us") {
		t.Errorf("LayoutNamed(dvorak) error %v, want one listing the layouts", err)
	}
	// Every layout types the digits and letters, and nothing twice on the
	// same level of two letter keys.
	for _, name := range Layouts() {
		l, _ := LayoutNamed(name)
		seen := map[rune]byte{}
		for u := byte(0x04); u <= 0x38; u++ {
			if u >= usageEnter && u < usageSpace {
				continue // Enter, Escape, Backspace, Tab
			}
			r, _ := l.lookup(u, false, false)
			if r == 0 {
				t.Errorf("%s: usage 0x%02x types nothing", name, u)
			}
			if prev, dup := seen[r]; dup && r != '#' && r != '*' && r != '\\' {
				t.Errorf("%s: %q on usages 0x%02x and 0x%02x", name, r, prev, u)
			}
			seen[r] = u
		}
		for _, c := range "abcdefghijklmnopqrstuvwxyz0123456789" {
			if _, ok := seen[c]; !ok && !(name == "fr" && c >= '0' && c <= '9') {
				t.Errorf("%s: no key types %q", name, c)
			}
		}
	}
}

func cmpOrString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// FuzzKeyboardReports feeds arbitrary reports, sized by the input, to the
// keyboard decoder: it must not panic, must hold at most MaxCodeLen bytes
// and must return bounded, valid results.
func FuzzKeyboardReports(f *testing.F) {
	f.Add(byte(0), flatten(seq(digits("4710088410122"), enter)))
	f.Add(byte(1), flatten(seq(tap(lShift, 0x1c), tap(rAlt, 0x14), tap(0, 0x35), tap(0, usageSpace), tap(lCtrl, 0x30), enter)))
	f.Add(byte(2), flatten(seq(tap(rAlt, 0x1f), [][]byte{report(lAlt, 0x62), report(lAlt, 0x5a), up}, tap(0, usageCapsLock), tap(0, 0x3a), enter)))
	f.Add(byte(0), flatten([][]byte{{1, 0, 0, 0x1e, 0, 0, 0, 0, 0}, {0, 0, 1, 1, 1, 1, 1, 1}, {3, 4}, make([]byte, 12)}))
	f.Fuzz(func(t *testing.T, layout byte, data []byte) {
		names := Layouts()
		l, _ := LayoutNamed(names[int(layout)%len(names)])
		d := NewKeyboardDecoder(l)
		for _, r := range unflatten(data, 12) {
			out := d.Feed(r)
			if len(out) > 8 {
				t.Fatalf("%d results from one report", len(out))
			}
			for _, res := range out {
				if res.Err == nil && (res.Code == "" || len(res.Code) > scanner.MaxCodeLen || !utf8.ValidString(res.Code)) {
					t.Fatalf("bad code %q", res.Code)
				}
			}
			if len(d.code) > scanner.MaxCodeLen {
				t.Fatalf("decoder holds %d bytes", len(d.code))
			}
		}
	})
}
