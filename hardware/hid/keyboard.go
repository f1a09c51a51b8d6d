package hid

import (
	"bytes"
	"fmt"
	"slices"
	"unicode/utf8"

	"till/hardware/scanner"
)

// Keyboard usages (HID usage page 7) the decoder treats specially.
const (
	usageRollOver    = 0x01 // ErrorRollOver: too many keys; 0x02, 0x03 are errors too
	usageEnter       = 0x28
	usageTab         = 0x2b
	usageSpace       = 0x2c
	usageCapsLock    = 0x39
	usageScrollLock  = 0x47
	usageNumLock     = 0x53
	usageKeypadEnter = 0x58
	usageKeypad1     = 0x59 // to 0x61 keypad 9, then 0x62 keypad 0
	usageKeypad0     = 0x62
	usageLeftCtrl    = 0xe0 // to 0xe7 right GUI: modifiers, when sent as keys
	usageRightGUI    = 0xe7
)

// Modifier bits, byte 0 of a boot keyboard report.
const (
	modCtrl  = 0x01 | 0x10
	modShift = 0x02 | 0x20
	modLAlt  = 0x04
	modRAlt  = 0x40
)

// KeyboardDecoder turns boot-protocol keyboard reports into codes, for a
// scanner in keyboard ("keyboard wedge") mode.
//
// A report is 8 bytes: a modifier byte, a reserved byte and up to six key
// usages, the keys held down; a 9-byte report is taken to start with a
// report ID, which is skipped. A key types when it appears in a report
// without having been in the one before, so a key held over several
// reports types once, and an all-zero report releases every key. Keys new
// in the same report type in the order the report lists them.
//
// Characters come from the Layout: Shift, Caps Lock (on letters), AltGr
// (right Alt, where the layout has one) and dead keys (an accent, then
// space, types the accent; an accent then another key types both) are
// handled. Control characters are typed the usual two ways scanners do:
// Ctrl with a letter or with a key whose US-layout character is one of
// @[\]^_ (Ctrl+] is GS, 0x1D, the GS1 separator), and Alt held while the
// decimal code is typed on the keypad (Alt, keypad 0 2 9 gives GS). A
// code ends at Enter, keypad Enter or Tab; it is passed on with
// surrounding spaces trimmed, GS separators and other bytes kept. A code
// with a key the layout has no character for (an F-key, an arrow, Alt with
// a letter) is dropped with an ErrUnknownKey result at its end. A report
// of another size is dropped with an ErrBadReport result, once for a run
// of them, and spoils the code it falls in.
//
// At most scanner.MaxCodeLen bytes of a code are held: a longer code is
// reported once as scanner.ErrCodeTooLong and skipped to its end.
type KeyboardDecoder struct {
	layout *Layout

	prevMods byte
	prevKeys [6]byte
	caps     bool
	dead     rune // a dead key's accent waiting for the next key; 0 if none
	altCode  int  // the decimal code typed on the keypad with Alt held; -1 if none
	code     []byte

	unknown  byte // the first key in the code the layout could not type; 0 if none
	spoiled  bool // a bad report fell in the code
	tooLong  bool // the code is over MaxCodeLen and being skipped
	inBadRun bool // the last report was bad (and was reported)
}

// NewKeyboardDecoder returns a decoder for a scanner typing in layout; nil
// is US.
func NewKeyboardDecoder(layout *Layout) *KeyboardDecoder {
	if layout == nil {
		layout = layouts[LayoutUS]
	}
	d := &KeyboardDecoder{layout: layout}
	d.Reset()
	return d
}

// Reset forgets any partial code and the keys held, as after the device
// was reopened. Caps Lock is off again.
func (d *KeyboardDecoder) Reset() {
	layout := d.layout
	code := d.code[:0]
	*d = KeyboardDecoder{layout: layout, code: code, altCode: -1}
}

// Feed decodes one report and returns the codes and errors it completes,
// in order. It keeps no reference to report.
func (d *KeyboardDecoder) Feed(report []byte) []Result {
	var out []Result
	if len(report) == 9 {
		report = report[1:] // a report ID
	}
	if len(report) != 8 {
		if !d.inBadRun {
			out = append(out, Result{Err: fmt.Errorf("%w: keyboard report of %d bytes, want 8", ErrBadReport, len(report))})
		}
		d.inBadRun = true
		d.spoiled = d.spoiled || len(d.code) > 0 || d.altCode >= 0
		return out
	}
	d.inBadRun = false
	mods, keys := report[0], [6]byte(report[2:8])
	for _, k := range keys {
		if k >= usageRollOver && k <= 0x03 {
			// Phantom state: the keyboard cannot tell which keys are down.
			// The next good report says.
			return nil
		}
	}
	if d.prevMods&d.altMask() != 0 && mods&d.altMask() == 0 {
		d.endAltCode(&out)
	}
	for _, k := range keys {
		if k != 0 && !slices.Contains(d.prevKeys[:], k) {
			d.press(k, mods, &out)
		}
	}
	d.prevMods, d.prevKeys = mods, keys
	return out
}

// altMask is the modifier bits that are Alt (rather than AltGr).
func (d *KeyboardDecoder) altMask() byte {
	if d.layout.altGr {
		return modLAlt
	}
	return modLAlt | modRAlt
}

// press handles a key going down.
func (d *KeyboardDecoder) press(k, mods byte, out *[]Result) {
	ctrl := mods&modCtrl != 0
	alt := mods&d.altMask() != 0
	altGr := d.layout.altGr && mods&modRAlt != 0
	shift := mods&modShift != 0
	switch {
	case k == usageEnter || k == usageKeypadEnter || k == usageTab:
		d.endCode(out)
		return
	case k == usageCapsLock:
		d.caps = !d.caps
		return
	case k == usageNumLock || k == usageScrollLock || (k >= usageLeftCtrl && k <= usageRightGUI):
		return
	case alt && !ctrl && k >= usageKeypad1 && k <= usageKeypad0:
		digit := int(k-usageKeypad1+1) % 10
		d.altCode = min(max(d.altCode, 0)*10+digit, 1000) // 1000: too big, whatever follows
		return
	case alt && !altGr:
		d.bad(k)
		return
	case ctrl:
		if c, ok := d.control(k, shift); ok {
			d.flushDead(out)
			d.add(out, rune(c))
			return
		}
		d.bad(k)
		return
	}
	if d.caps && d.layout.caseable(k) {
		shift = !shift
	}
	r, isDead := d.layout.lookup(k, shift, altGr)
	switch {
	case r == 0:
		d.bad(k)
	case isDead:
		d.flushDead(out)
		d.dead = r
	case d.dead != 0 && r == ' ':
		d.flushDead(out)
	default:
		d.flushDead(out)
		d.add(out, r)
	}
}

// control returns the control character Ctrl with usage k types: Ctrl with
// a letter of the layout gives 0x01 to 0x1A; with any other key, the key's
// character on a US layout decides, @ [ \ ] ^ _ giving 0x00 and 0x1B to
// 0x1F, so Ctrl+] is GS wherever the layout puts ].
func (d *KeyboardDecoder) control(k byte, shift bool) (byte, bool) {
	if r, _ := d.layout.lookup(k, false, false); r >= 'a' && r <= 'z' {
		return byte(r - 'a' + 1), true
	}
	if r, _ := layouts[LayoutUS].lookup(k, shift, false); r >= '@' && r <= '_' {
		return byte(r - '@'), true
	}
	return 0, false
}

// endAltCode types the character whose decimal code was entered on the
// keypad while Alt was held, now that Alt is released.
func (d *KeyboardDecoder) endAltCode(out *[]Result) {
	code := d.altCode
	d.altCode = -1
	switch {
	case code < 0:
	case code == 0 || code > 255:
		d.bad(usageKeypad0)
	default:
		d.flushDead(out)
		d.add(out, rune(code)) // Latin-1 above 127
	}
}

// flushDead types a waiting dead key's accent on its own.
func (d *KeyboardDecoder) flushDead(out *[]Result) {
	if d.dead != 0 {
		r := d.dead
		d.dead = 0
		d.add(out, r)
	}
}

// bad notes a key that types nothing the decoder knows: the code it is in
// is dropped.
func (d *KeyboardDecoder) bad(k byte) {
	if d.unknown == 0 {
		d.unknown = k
	}
}

// add appends r to the code, or starts skipping an overlong code.
func (d *KeyboardDecoder) add(out *[]Result, r rune) {
	if d.tooLong {
		return
	}
	if len(d.code)+utf8.RuneLen(r) > scanner.MaxCodeLen {
		d.tooLong = true
		d.code = d.code[:0]
		*out = append(*out, tooLongResult())
		return
	}
	d.code = utf8.AppendRune(d.code, r)
}

// endCode passes on the code ended by a terminator key.
func (d *KeyboardDecoder) endCode(out *[]Result) {
	d.flushDead(out)
	switch code := bytes.Trim(d.code, " "); {
	case d.tooLong:
	case d.unknown != 0:
		*out = append(*out, Result{Err: fmt.Errorf("%w: key usage 0x%02x; code dropped", ErrUnknownKey, d.unknown)})
	case d.spoiled:
		*out = append(*out, Result{Err: fmt.Errorf("%w: code dropped after a bad report", ErrBadReport)})
	case len(code) > 0:
		*out = append(*out, Result{Code: string(code)})
	}
	d.code = d.code[:0]
	d.unknown, d.spoiled, d.tooLong = 0, false, false
}

func tooLongResult() Result {
	return Result{Err: fmt.Errorf("%w: code over %d bytes discarded", scanner.ErrCodeTooLong, scanner.MaxCodeLen)}
}
