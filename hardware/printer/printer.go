// Package printer prints receipts on ESC/POS thermal printers and opens the
// cash drawer wired to them.
//
// A printer is named by a spec (see ParseSpec): a USB printer device
// (usb:/dev/usb/lp0), a network printer's raw port (tcp:192.168.1.50:9100)
// or a file (file:/var/spool/till/receipts.bin, for tests and spools).
// Render turns a completed sale into the printer's byte stream; a Printer
// sends it, pulses the drawer and reports the printer's state.
//
// Text from catalogs, scanners and providers never reaches the printer as
// commands: every string is cleaned of control characters and then encoded
// so that each character becomes either one printable ASCII byte or a whole
// multi-byte Big5/GB18030 character whose bytes are all at or above 0x30
// (see text.go). The only control bytes in a stream are the commands this
// package writes (see escpos.go).
package printer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Printer is a receipt printer with its cash drawer. Every method honours
// ctx and gives up after the printer's own timeouts, so a call never hangs
// however the printer misbehaves. A Printer is safe for concurrent use;
// calls are carried out one at a time.
type Printer interface {
	// Print sends a job made by Render or Compose.
	Print(ctx context.Context, job []byte) error
	// OpenDrawer pulses the cash drawer's kick-out pins.
	OpenDrawer(ctx context.Context) error
	// Status reports nil when the printer is ready, or an error that wraps
	// ErrOffline or ErrNoPaper.
	Status(ctx context.Context) error
	// Close ends the calls under way and makes later ones fail with
	// ErrClosed.
	Close() error
}

// Errors a Printer's methods wrap. Their messages are written for the
// status line: "receipt printer usb:/dev/usb/lp0: out of paper".
var (
	// ErrOffline: the printer cannot be reached, did not answer in time, or
	// says it is offline (cover open, an error such as a cutter jam).
	ErrOffline = errors.New("printer offline")
	// ErrNoPaper: the printer says its paper roll has run out.
	ErrNoPaper = errors.New("out of paper")
	// ErrClosed: the Printer was closed.
	ErrClosed = errors.New("printer closed")
	// ErrNoDrawer: OpenDrawer on a printer configured with drawer=none.
	ErrNoDrawer = errors.New("no cash drawer is configured on this printer")
)

// Encoding is how text other than ASCII is sent to the printer.
type Encoding string

const (
	// ASCII sends printable ASCII only; anything else is folded to ASCII
	// (é as e) or printed as '?'.
	ASCII Encoding = "ascii"
	// Big5 puts the printer in its double-byte (Chinese) mode and sends
	// Traditional Chinese as Big5, for a Traditional Chinese model.
	Big5 Encoding = "big5"
	// GB18030 puts the printer in its double-byte (Chinese) mode and sends
	// GB18030, for a Simplified Chinese model.
	GB18030 Encoding = "gb18030"
)

// Cut is how a receipt ends.
type Cut string

const (
	CutPartial Cut = "partial" // feed to the cutter, cut leaving a hinge
	CutFull    Cut = "full"    // feed to the cutter, cut through
	CutNone    Cut = "none"    // feed past the tear bar, for printers without a cutter
)

// Drawer is the set of drawer kick-out connector pins OpenDrawer pulses.
type Drawer uint8

const (
	NoDrawer   Drawer = 0
	DrawerPin2 Drawer = 1 << 0 // the usual drawer
	DrawerPin5 Drawer = 1 << 1 // a second drawer, or a drawer wired to pin 5
)

func (d Drawer) String() string {
	var pins []string
	if d&DrawerPin2 != 0 {
		pins = append(pins, "2")
	}
	if d&DrawerPin5 != 0 {
		pins = append(pins, "5")
	}
	if len(pins) == 0 {
		return "none"
	}
	return strings.Join(pins, ",")
}

// Options are a printer's settings, the query of its spec. Render and
// Compose use Width, Encoding and Cut; a Printer uses the rest.
type Options struct {
	Width    int // columns of Font A: 42 or 48
	Encoding Encoding
	Cut      Cut
	Drawer   Drawer
	// Status, on a transport that can be read back (tcp, usb), asks the
	// printer for its real-time status before a job and for a
	// confirmation after it. Turn it off for a printer that never answers
	// (a write-only print server): it would otherwise be reported offline.
	Status bool

	// Zero timeouts take the defaults below.
	ConnectTimeout time.Duration // connecting or opening the device
	WriteTimeout   time.Duration // sending one job and having it confirmed
	ReplyTimeout   time.Duration // each status answer
}

// Default timeouts.
const (
	DefaultConnectTimeout = 3 * time.Second
	DefaultWriteTimeout   = 10 * time.Second
	DefaultReplyTimeout   = 2 * time.Second
)

// DefaultOptions are a spec's options when its query does not say.
func DefaultOptions() Options {
	return Options{Width: 42, Encoding: ASCII, Cut: CutPartial, Drawer: DrawerPin2, Status: true}
}

// Validate checks that every option has a value this package knows.
func (o Options) Validate() error {
	if o.Width != 42 && o.Width != 48 {
		return fmt.Errorf("printer width %d: want 42 or 48 columns", o.Width)
	}
	switch o.Encoding {
	case ASCII, Big5, GB18030:
	default:
		return fmt.Errorf("printer encoding %q: want ascii, big5 or gb18030", o.Encoding)
	}
	switch o.Cut {
	case CutPartial, CutFull, CutNone:
	default:
		return fmt.Errorf("printer cut %q: want partial, full or none", o.Cut)
	}
	if o.Drawer&^(DrawerPin2|DrawerPin5) != 0 {
		return fmt.Errorf("printer drawer %#x: want pins 2 and/or 5", uint8(o.Drawer))
	}
	if o.ConnectTimeout < 0 || o.WriteTimeout < 0 || o.ReplyTimeout < 0 {
		return errors.New("printer timeouts must not be negative")
	}
	return nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func (o Options) connectTimeout() time.Duration {
	return orDefault(o.ConnectTimeout, DefaultConnectTimeout)
}
func (o Options) writeTimeout() time.Duration { return orDefault(o.WriteTimeout, DefaultWriteTimeout) }
func (o Options) replyTimeout() time.Duration { return orDefault(o.ReplyTimeout, DefaultReplyTimeout) }

// callTimeout bounds a whole call: connecting, up to four status
// questions and one job.
func (o Options) callTimeout() time.Duration {
	return o.connectTimeout() + o.writeTimeout() + 4*o.replyTimeout()
}
