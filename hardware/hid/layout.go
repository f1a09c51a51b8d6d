package hid

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// A Layout maps keyboard usages (HID usage page 7) to characters the way
// the host's keyboard layout would: a scanner in keyboard mode sends the
// keys a person would press on a keyboard of the layout it is set to, so
// the till must be told the same layout.
type Layout struct {
	name  string
	keys  [numUsages]key
	altGr bool // the right Alt key is AltGr, with a third level of characters
}

// numUsages bounds the usages a layout maps: up to 0x64, the ISO key
// between left Shift and Z.
const numUsages = 0x65

// key is what one usage types: its characters with no modifier, with Shift
// and with AltGr (0 where it types nothing), and which of them are dead
// keys, i.e. accents that combine with the next key.
type key struct {
	normal, shift, altGr rune
	dead                 uint8 // deadNormal | deadShift | deadAltGr
}

const (
	deadNormal = 1 << iota
	deadShift
	deadAltGr
)

// Layout names: US is the default.
const (
	LayoutUS = "us" // US QWERTY
	LayoutDE = "de" // German QWERTZ
	LayoutFR = "fr" // French AZERTY
)

var layouts = map[string]*Layout{
	LayoutUS: newLayout(LayoutUS, false, []row{
		{0x04, "abcdefghijklmnopqrstuvwxyz", "", ""},
		{0x1e, "1234567890", "!@#$%^&*()", ""},
		{0x2d, `-=[]\\;'` + "`,./", `_+{}||:"~<>?`, ""},
		{0x64, `\`, "|", ""},
	}, nil, '.'),
	LayoutDE: newLayout(LayoutDE, true, []row{
		{0x04, "abcdefghijklmnopqrstuvwxzy", "", ""},
		{0x08, "", "", "€"},
		{0x10, "", "", "µ"},
		{0x14, "", "", "@"},
		{0x1e, "1234567890", `!"§$%&/()=`, " ²³   {[]}"},
		{0x2d, "ß´ü+##öä^,.-", "?`Ü*''ÖÄ°;:_", `\  ~`},
		{0x64, "<", ">", "|"},
	}, []dead{{0x2e, deadNormal | deadShift}, {0x35, deadNormal}}, ','),
	LayoutFR: newLayout(LayoutFR, true, []row{
		{0x04, "qbcdefghijkl,noparstuvzxyw", "QBCDEFGHIJKL?NOPARSTUVZXYW", ""},
		{0x08, "", "", "€"},
		{0x1e, `&é"'(-è_çà`, "1234567890", " ~#{[|`\\^@"},
		{0x2d, ")=^$**mù²;:!", "°+¨£µµM% ./§", "]} ¤"},
		{0x64, "<", ">", ""},
	}, []dead{{0x1f, deadAltGr}, {0x24, deadAltGr}, {0x2f, deadNormal | deadShift}}, '.'),
}

// row sets the characters of consecutive usages from first: one rune of
// each string a usage; a space in shift or altGr (where the row's key is
// not the space bar) or a string that runs out means no character. A
// shift string left empty means the upper case of normal.
type row struct {
	first                byte
	normal, shift, altGr string
}

type dead struct {
	usage byte
	which uint8
}

func newLayout(name string, altGr bool, rows []row, deads []dead, keypadDecimal rune) *Layout {
	l := &Layout{name: name, altGr: altGr}
	level := func(s string, i int) rune {
		r := []rune(s)
		if i < len(r) && r[i] != ' ' {
			return r[i]
		}
		return 0
	}
	for _, rw := range rows {
		for i, c := range []rune(rw.normal) {
			k := &l.keys[int(rw.first)+i]
			k.normal = c
			if rw.shift == "" {
				k.shift = unicode.ToUpper(c)
			} else {
				k.shift = level(rw.shift, i)
			}
		}
		for i := range []rune(rw.altGr) {
			l.keys[int(rw.first)+i].altGr = level(rw.altGr, i)
		}
	}
	for _, d := range deads {
		l.keys[d.usage].dead = d.which
	}
	l.keys[usageSpace] = key{normal: ' ', shift: ' '}
	// The keypad, with Num Lock on, is the same everywhere but for its
	// decimal key.
	for i, c := range "/*-+" {
		l.keys[0x54+i] = key{normal: c, shift: c}
	}
	for i, c := range "1234567890" {
		l.keys[usageKeypad1+i] = key{normal: c, shift: c}
	}
	l.keys[0x63] = key{normal: keypadDecimal, shift: keypadDecimal}
	return l
}

// Name returns the layout's name, as given to LayoutNamed.
func (l *Layout) Name() string { return l.name }

// LayoutNamed returns the layout of the given name (see Layouts); "" is US.
func LayoutNamed(name string) (*Layout, error) {
	if name == "" {
		name = LayoutUS
	}
	if l, ok := layouts[strings.ToLower(name)]; ok {
		return l, nil
	}
	return nil, fmt.Errorf("unknown keyboard layout %q (want %s)", name, strings.Join(Layouts(), ", "))
}

// Layouts lists the names of the layouts LayoutNamed knows, sorted.
func Layouts() []string {
	names := make([]string, 0, len(layouts))
	for n := range layouts {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// lookup returns the character a usage types with the given modifiers, and
// whether that is a dead key; 0 if it types none.
func (l *Layout) lookup(usage byte, shift, altGr bool) (rune, bool) {
	if int(usage) >= numUsages {
		return 0, false
	}
	k := l.keys[usage]
	switch {
	case altGr:
		return k.altGr, k.dead&deadAltGr != 0
	case shift:
		return k.shift, k.dead&deadShift != 0
	}
	return k.normal, k.dead&deadNormal != 0
}

// caseable reports whether Caps Lock changes what usage types: a letter,
// whose shifted character is its upper case.
func (l *Layout) caseable(usage byte) bool {
	if int(usage) >= numUsages {
		return false
	}
	k := l.keys[usage]
	return k.normal != k.shift && unicode.ToUpper(k.normal) == k.shift
}
