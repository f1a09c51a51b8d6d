// Package scanner reads codes from barcode scanners and reports them, along
// with connection changes, as events.
package scanner

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
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
func Parse(spec string) (Source, error) {
	kind, rest, ok := strings.Cut(spec, ":")
	if !ok {
		return nil, fmt.Errorf("scanner spec %q: want kind:path, e.g. serial:/dev/ttyACM0", spec)
	}
	switch kind {
	case "serial", "file":
	default:
		return nil, fmt.Errorf("scanner spec %q: unknown kind %q (want serial or file)", spec, kind)
	}
	path, query, _ := strings.Cut(rest, "?")
	if path == "" {
		return nil, fmt.Errorf("scanner spec %q: no path", spec)
	}
	opts := []Option{WithName(kind + ":" + path)}
	if query != "" {
		vals, err := url.ParseQuery(query)
		if err != nil {
			return nil, fmt.Errorf("scanner spec %q: %w", spec, err)
		}
		for k, v := range vals {
			switch k {
			case "baud":
				if len(v) != 1 {
					return nil, fmt.Errorf("scanner spec %q: baud given %d times", spec, len(v))
				}
				baud, err := strconv.Atoi(v[0])
				if err != nil {
					return nil, fmt.Errorf("scanner spec %q: bad baud %q", spec, v[0])
				}
				opts = append(opts, WithBaud(baud))
			default:
				return nil, fmt.Errorf("scanner spec %q: unknown option %q", spec, k)
			}
		}
	}
	src, err := NewLineSource(path, opts...)
	if err != nil {
		return nil, fmt.Errorf("scanner spec %q: %w", spec, err)
	}
	return src, nil
}
