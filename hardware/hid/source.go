package hid

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"till/hardware/scanner"
)

func init() {
	scanner.Register("hid", func(spec string) (scanner.Source, error) {
		src, err := Parse(spec)
		if err != nil {
			return nil, err
		}
		return src, nil
	})
}

// Defaults for Config.
const (
	// DefaultPollInterval is how often a missing device is looked for.
	DefaultPollInterval = time.Second
	// DefaultReadTimeout bounds one read, and so how long the source takes
	// to notice its context is done.
	DefaultReadTimeout = 100 * time.Millisecond
)

// maxReport is the read buffer: a high-speed interrupt endpoint's largest
// packet. Full-speed scanners send 8 or 64 bytes.
const maxReport = 1024

// eventBuffer is how many events the reading goroutine may be ahead of
// emit before it waits.
const eventBuffer = 64

// Config says which device a Source reads and how.
type Config struct {
	Match
	// Layout is the keyboard layout the scanner types in (see Layouts);
	// "" is US. Only keyboard reports use it.
	Layout string
	// Mode says which reports the device sends; Auto tells them apart.
	Mode Mode
	// Name is the source's name in events; "" is "hid:VID:PID".
	Name string
	// PollInterval is how often the device is looked for while it is
	// missing; 0 is DefaultPollInterval.
	PollInterval time.Duration
	// ReadTimeout bounds one read; 0 is DefaultReadTimeout. Rounded up to
	// a whole millisecond.
	ReadTimeout time.Duration
	// Enumerate and Open reach the devices; nil uses karalabe/hid. Tests
	// put fakes here.
	Enumerate Enumerator
	Open      Opener
}

// Source reads codes from a USB HID scanner, in keyboard or HID POS mode.
// It implements scanner.Source.
//
// One goroutine owns the device: it opens it, reads reports with a
// timeout so that it sees ctx between reads, decodes them and closes the
// device; Run's own goroutine only passes the events on to emit, so a slow
// emit does not hold up reading (karalabe/hid keeps only about 30 reports
// queued, and a keyboard-mode scanner sends two a character).
//
// While the device is missing, cannot be opened or fails a read (it was
// unplugged), the source reports Disconnected, with the reason, once, and
// looks for it again every PollInterval; once it opens, Connected. A
// partial code is dropped when the device goes.
type Source struct {
	cfg    Config
	layout *Layout
}

// New returns a source for cfg. It fails on a bad Config, or, when it is to
// use karalabe/hid, in a build without HID support (ErrUnsupported).
func New(cfg Config) (*Source, error) {
	if cfg.VendorID == 0 || cfg.ProductID == 0 {
		return nil, errors.New("hid: vendor and product ID must not be 0")
	}
	if cfg.Interface < AnyInterface {
		return nil, fmt.Errorf("hid: bad interface number %d", cfg.Interface)
	}
	layout, err := LayoutNamed(cfg.Layout)
	if err != nil {
		return nil, fmt.Errorf("hid: %w", err)
	}
	if cfg.Mode < Auto || cfg.Mode > POS {
		return nil, fmt.Errorf("hid: bad mode %v", cfg.Mode)
	}
	if cfg.PollInterval < 0 || cfg.ReadTimeout < 0 {
		return nil, fmt.Errorf("hid: negative poll interval %v or read timeout %v", cfg.PollInterval, cfg.ReadTimeout)
	}
	if cfg.Name == "" {
		cfg.Name = fmt.Sprintf("hid:%04x:%04x", cfg.VendorID, cfg.ProductID)
	}
	cfg.PollInterval = cmpOr(cfg.PollInterval, DefaultPollInterval)
	cfg.ReadTimeout = cmpOr(cfg.ReadTimeout, DefaultReadTimeout)
	if cfg.Enumerate == nil || cfg.Open == nil {
		if !Supported() {
			return nil, fmt.Errorf("hid: %w", ErrUnsupported)
		}
		if cfg.Enumerate == nil {
			cfg.Enumerate = systemEnumerate
		}
		if cfg.Open == nil {
			cfg.Open = systemOpen
		}
	}
	return &Source{cfg: cfg, layout: layout}, nil
}

func cmpOr(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// Name returns the source's name.
func (s *Source) Name() string { return s.cfg.Name }

// Run reads codes until ctx is done, then returns nil, once the device is
// closed. It returns an error only if the source or emit panics.
func (s *Source) Run(ctx context.Context, emit func(scanner.Event)) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("scanner %s: panic: %v\n%s", s.cfg.Name, r, debug.Stack())
		}
	}()
	if emit == nil {
		emit = func(scanner.Event) {}
	}
	ctx, cancel := context.WithCancel(ctx)
	r := &reader{Source: s, events: make(chan scanner.Event, eventBuffer)}
	go r.run(ctx)
	defer func() {
		// However Run ends, the reader closes the device and stops first.
		cancel()
		for range r.events {
		}
	}()
	for ev := range r.events {
		if ctx.Err() == nil {
			emit(ev)
		}
	}
	return r.err
}

// reader is the goroutine that owns the device.
type reader struct {
	*Source
	events chan scanner.Event // closed when the reader ends
	err    error              // a panic, set before events is closed
}

func (r *reader) run(ctx context.Context) {
	defer close(r.events)
	defer func() {
		if p := recover(); p != nil {
			r.err = fmt.Errorf("scanner %s: panic: %v\n%s", r.cfg.Name, p, debug.Stack())
		}
	}()
	dec := NewDecoder(r.cfg.Mode, r.layout)
	state := scanner.NoChange
	report := func(st scanner.State, cause error) {
		if st != state {
			state = st
			r.send(ctx, scanner.Event{Source: r.cfg.Name, State: st, Err: cause})
		}
	}
	poll := time.NewTimer(0)
	defer poll.Stop()
	for {
		dev, err := r.open()
		if err == nil {
			report(scanner.Connected, nil)
			dec.Reset()
			err = r.session(ctx, dev, dec)
		}
		if ctx.Err() != nil {
			return
		}
		report(scanner.Disconnected, err)
		poll.Reset(r.cfg.PollInterval)
		select {
		case <-poll.C:
		case <-ctx.Done():
			return
		}
	}
}

// open finds the device and opens it.
func (r *reader) open() (Device, error) {
	m := r.cfg.Match
	ds, err := r.cfg.Enumerate(m.VendorID, m.ProductID)
	if err != nil {
		return nil, err
	}
	d, err := m.pick(ds)
	if err != nil {
		return nil, err
	}
	dev, err := r.cfg.Open(d)
	if err == nil && dev == nil {
		err = errors.New("no device")
	}
	if err != nil {
		return nil, fmt.Errorf("open HID device %s: %w", d.id(), err)
	}
	return dev, nil
}

// session reads and decodes reports from dev until a read fails or ctx is
// done, and closes dev, even if it panics.
func (r *reader) session(ctx context.Context, dev Device, dec Decoder) error {
	defer dev.Close()
	timeout := int((r.cfg.ReadTimeout + time.Millisecond - 1) / time.Millisecond)
	buf := make([]byte, maxReport)
	for ctx.Err() == nil {
		n, err := dev.ReadTimeout(buf, timeout)
		if err != nil {
			return fmt.Errorf("read HID device: %w", err)
		}
		if n <= 0 {
			continue // timed out
		}
		for _, res := range dec.Feed(buf[:min(n, len(buf))]) {
			ev := scanner.Event{Source: r.cfg.Name, Err: res.Err}
			if res.Err == nil {
				ev.Scan = &scanner.Scan{Code: res.Code, Source: r.cfg.Name, Symbology: res.Symbology}
			}
			r.send(ctx, ev)
		}
	}
	return ctx.Err()
}

// send queues ev for emit, unless ctx is done first.
func (r *reader) send(ctx context.Context, ev scanner.Event) {
	select {
	case r.events <- ev:
	case <-ctx.Done():
	}
}

// Parse makes a source from a spec:
//
//	hid:VID:PID[?interface=N&serial=S&path=P&layout=us|de|fr&mode=auto|keyboard|pos]
//
// VID and PID are hex, as lsusb shows them: hid:0c2e:0b61?interface=0.
// Without interface, serial or path the VID:PID must match one device
// interface only. layout is the keyboard layout the scanner types in
// (default us); mode the reports it sends (default auto). The source's
// name is "hid:VID:PID".
func Parse(spec string) (*Source, error) {
	cfg, err := ParseConfig(spec)
	if err != nil {
		return nil, err
	}
	src, err := New(cfg)
	if err != nil {
		return nil, fmt.Errorf("scanner spec %q: %w", spec, err)
	}
	return src, nil
}

// ParseConfig is Parse without making the source: the Config a spec stands
// for.
func ParseConfig(spec string) (Config, error) {
	fail := func(format string, args ...any) (Config, error) {
		return Config{}, fmt.Errorf("scanner spec %q: "+format, append([]any{spec}, args...)...)
	}
	rest, ok := strings.CutPrefix(spec, "hid:")
	if !ok {
		return fail("want hid:VID:PID, e.g. hid:0c2e:0b61")
	}
	ids, query, _ := strings.Cut(rest, "?")
	v, p, ok := strings.Cut(ids, ":")
	if !ok {
		return fail("want hid:VID:PID with hex IDs, e.g. hid:0c2e:0b61")
	}
	var cfg Config
	var err error
	if cfg.VendorID, err = parseID(v); err != nil {
		return fail("bad vendor ID: %v", err)
	}
	if cfg.ProductID, err = parseID(p); err != nil {
		return fail("bad product ID: %v", err)
	}
	cfg.Interface = AnyInterface
	cfg.Name = fmt.Sprintf("hid:%04x:%04x", cfg.VendorID, cfg.ProductID)
	vals, err := scanner.ParseQuery(query)
	if err != nil {
		return fail("%v", err)
	}
	for k, val := range vals {
		switch k {
		case "interface":
			n, err := strconv.ParseUint(val, 10, 8)
			if err != nil {
				return fail("bad interface %q (want a number, 0 to 255)", val)
			}
			cfg.Interface = int(n)
		case "serial", "path":
			if val == "" {
				return fail("empty %s", k)
			}
			if k == "serial" {
				cfg.Serial = val
			} else {
				cfg.Path = val
			}
		case "layout":
			if _, err := LayoutNamed(val); err != nil || val == "" {
				return fail("unknown layout %q (want %s)", val, strings.Join(Layouts(), ", "))
			}
			cfg.Layout = strings.ToLower(val)
		case "mode":
			if cfg.Mode, err = ParseMode(val); err != nil {
				return fail("%v", err)
			}
		default:
			return fail("unknown option %q (want interface, serial, path, layout or mode)", k)
		}
	}
	return cfg, nil
}

// parseID parses a USB vendor or product ID: one to four hex digits, not
// all zero (0 would match every device).
func parseID(s string) (uint16, error) {
	if len(s) < 1 || len(s) > 4 {
		return 0, fmt.Errorf("%q (want 4 hex digits)", s)
	}
	n, err := strconv.ParseUint(s, 16, 16)
	if err != nil {
		return 0, fmt.Errorf("%q (want 4 hex digits)", s)
	}
	if n == 0 {
		return 0, fmt.Errorf("%q (0 matches every device)", s)
	}
	return uint16(n), nil
}
