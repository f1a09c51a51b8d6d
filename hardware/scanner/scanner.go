// Package scanner reads codes from barcode scanners and reports them, along
// with connection changes, as events.
package scanner

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// MaxCodeLen is the longest code, in bytes, a source accepts. Longer lines
// are discarded and reported as rejected reads.
const MaxCodeLen = 4096

// ErrCodeTooLong is wrapped by the Err of a rejected read whose line was
// longer than MaxCodeLen.
var ErrCodeTooLong = errors.New("scanned code too long")

// Scan is one code read by a scanner.
type Scan struct {
	// Code is the line as read, without its terminator and surrounding
	// spaces. It is not sanitised: it may hold GS (0x1D, the GS1 separator),
	// other control bytes or invalid UTF-8.
	Code string
	// Source names the source that read it, e.g. "serial:/dev/ttyACM0".
	Source string
	// Symbology is the code's AIM symbology identifier, such as "]E0"
	// (EAN-13), "]C1" (GS1-128) or "]Q1" (QR Code), when the scanner
	// reports it (HID POS scanners do); otherwise empty.
	Symbology string
}

// State is a source's connection state.
type State int

const (
	// NoChange is the State of an event that is a scan or a rejected read.
	NoChange State = iota
	// Connected means the source opened its device and is reading.
	Connected
	// Disconnected means the source lost its device, or cannot open it; it
	// keeps retrying.
	Disconnected
)

func (s State) String() string {
	switch s {
	case NoChange:
		return "no change"
	case Connected:
		return "connected"
	case Disconnected:
		return "disconnected"
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// Event is what a source reports. Exactly one of these holds:
//   - Scan != nil: a code was read.
//   - State == Connected: the device was opened.
//   - State == Disconnected: the device was lost or could not be opened;
//     Err says why.
//   - otherwise Err != nil: a read was rejected (see ErrCodeTooLong) and
//     the source carries on.
type Event struct {
	Source string // the source's Name
	Scan   *Scan
	State  State
	Err    error
}

// Rejected reports whether e is a rejected read.
func (e Event) Rejected() bool {
	return e.Scan == nil && e.State == NoChange && e.Err != nil
}

// Source produces events until ctx is done.
type Source interface {
	// Run calls emit, on Run's own goroutine, for each event until ctx is
	// done. Device errors are reported as events, not returned.
	Run(ctx context.Context, emit func(Event)) error
	// Name identifies the source in events and logs.
	Name() string
}

// Parse makes a source from a spec:
//
//	serial:/dev/ttyACM0
//	serial:/dev/ttyACM0?baud=9600
//	file:/path/to/fifo
//
// Both kinds are line sources (see NewLineSource); a terminal is put in raw
// mode at the given baud rate (default 9600). The source's name is the spec
// without its query.
//
// Other kinds are parsed by the package that registered them (see
// Register): "hid:VID:PID?…" once till/hardware/hid is linked in.
func Parse(spec string) (Source, error) {
	kind, rest, ok := strings.Cut(spec, ":")
	if !ok {
		return nil, fmt.Errorf("scanner spec %q: want kind:path, e.g. serial:/dev/ttyACM0", spec)
	}
	switch kind {
	case "serial", "file":
	default:
		if parse := registered(kind); parse != nil {
			return parse(spec)
		}
		return nil, fmt.Errorf("scanner spec %q: unknown kind %q (want %s)", spec, kind, kindList())
	}
	path, query, _ := strings.Cut(rest, "?")
	if path == "" {
		return nil, fmt.Errorf("scanner spec %q: no path", spec)
	}
	opts := []Option{WithName(kind + ":" + path)}
	vals, err := ParseQuery(query)
	if err != nil {
		return nil, fmt.Errorf("scanner spec %q: %w", spec, err)
	}
	for k, v := range vals {
		switch k {
		case "baud":
			baud, err := strconv.Atoi(v)
			if err != nil {
				return nil, fmt.Errorf("scanner spec %q: bad baud %q", spec, v)
			}
			opts = append(opts, WithBaud(baud))
		default:
			return nil, fmt.Errorf("scanner spec %q: unknown option %q", spec, k)
		}
	}
	src, err := NewLineSource(path, opts...)
	if err != nil {
		return nil, fmt.Errorf("scanner spec %q: %w", spec, err)
	}
	return src, nil
}

// ParseQuery parses the query of a spec (what follows "?") into its
// options, each of which may be given once.
func ParseQuery(query string) (map[string]string, error) {
	vals, err := url.ParseQuery(query)
	if err != nil {
		return nil, err
	}
	opts := make(map[string]string, len(vals))
	for k, v := range vals {
		if len(v) != 1 {
			return nil, fmt.Errorf("%s given %d times", k, len(v))
		}
		opts[k] = v[0]
	}
	return opts, nil
}

var kinds struct {
	sync.RWMutex
	parse map[string]func(spec string) (Source, error)
}

// Register makes Parse hand specs of the given kind ("kind:…") to parse,
// which gets the whole spec. A package providing a source calls it from its
// init function, so importing the package is what makes the kind available.
// It panics if kind is empty, has a colon, is "serial" or "file", or is
// already registered, or if parse is nil.
func Register(kind string, parse func(spec string) (Source, error)) {
	if kind == "" || strings.Contains(kind, ":") || kind == "serial" || kind == "file" || parse == nil {
		panic(fmt.Sprintf("scanner.Register: bad kind %q", kind))
	}
	kinds.Lock()
	defer kinds.Unlock()
	if _, dup := kinds.parse[kind]; dup {
		panic(fmt.Sprintf("scanner.Register: kind %q registered twice", kind))
	}
	if kinds.parse == nil {
		kinds.parse = make(map[string]func(string) (Source, error))
	}
	kinds.parse[kind] = parse
}

func registered(kind string) func(string) (Source, error) {
	kinds.RLock()
	defer kinds.RUnlock()
	return kinds.parse[kind]
}

// kindList says which kinds Parse accepts: "serial or file", "serial, file
// or hid".
func kindList() string {
	names := []string{"serial", "file"}
	kinds.RLock()
	extra := make([]string, 0, len(kinds.parse))
	for k := range kinds.parse {
		extra = append(extra, k)
	}
	kinds.RUnlock()
	slices.Sort(extra)
	names = append(names, extra...)
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
