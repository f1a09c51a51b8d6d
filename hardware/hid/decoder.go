package hid

import (
	"errors"
	"fmt"
)

// Errors in Results. Codes over scanner.MaxCodeLen come as
// scanner.ErrCodeTooLong.
var (
	// ErrBadReport is wrapped by the Err of a report that is not the size
	// or shape its kind must have.
	ErrBadReport = errors.New("malformed HID report")
	// ErrUnknownKey is wrapped by the Err of a keyboard-mode code dropped
	// because it held a key that types nothing in the layout.
	ErrUnknownKey = errors.New("scanned code has a key the layout cannot type")
)

// Result is what a decoder yields: a whole code, or, if Err is not nil, a
// code or report that was dropped.
type Result struct {
	Code      string // the code, GS (0x1D) separators and all
	Symbology string // its AIM identifier ("]E0"), where the scanner sends one
	Err       error
}

// Decoder turns the input reports of a scanner into codes. Its Feed takes
// one report as read from the device, with its report ID first if the
// device numbers its reports, and returns the codes and errors it
// completes (a handful at most), keeping no reference to the report.
// Reset drops any partial code. A Decoder holds at most
// scanner.MaxCodeLen bytes, whatever it is fed.
type Decoder interface {
	Feed(report []byte) []Result
	Reset()
}

// Mode says which reports a device sends.
type Mode int

const (
	// Auto decodes reports of up to 9 bytes as keyboard reports and longer
	// ones as HID POS reports.
	Auto Mode = iota
	// Keyboard decodes every report as a keyboard report.
	Keyboard
	// POS decodes every report as a HID POS scanned-data report.
	POS
)

var modeNames = [...]string{Auto: "auto", Keyboard: "keyboard", POS: "pos"}

func (m Mode) String() string {
	if m >= 0 && int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode returns the mode named s: auto, keyboard or pos.
func ParseMode(s string) (Mode, error) {
	for m, n := range modeNames {
		if s == n {
			return Mode(m), nil
		}
	}
	return 0, fmt.Errorf("unknown mode %q (want auto, keyboard or pos)", s)
}

// NewDecoder returns the decoder for mode, typing keyboard reports in
// layout (nil is US).
func NewDecoder(mode Mode, layout *Layout) Decoder {
	switch mode {
	case Keyboard:
		return NewKeyboardDecoder(layout)
	case POS:
		return NewPOSDecoder()
	}
	return &autoDecoder{kbd: NewKeyboardDecoder(layout), pos: NewPOSDecoder()}
}

// autoDecoder tells the two kinds of report apart by their size: a boot
// keyboard report is 8 bytes (9 with a report ID), a POS report 64 on a
// full-speed device.
type autoDecoder struct {
	kbd *KeyboardDecoder
	pos *POSDecoder
}

func (d *autoDecoder) Feed(report []byte) []Result {
	if len(report) <= 9 {
		return d.kbd.Feed(report)
	}
	return d.pos.Feed(report)
}

func (d *autoDecoder) Reset() {
	d.kbd.Reset()
	d.pos.Reset()
}
