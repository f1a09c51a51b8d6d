package hid

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"till/hardware/scanner"
)

// wait bounds how long a test waits for something that should happen at
// once; no test sleeps.
const wait = 5 * time.Second

// goid returns the calling goroutine's ID.
func goid() int64 {
	var buf [64]byte
	s := strings.TrimPrefix(string(buf[:runtime.Stack(buf[:], false)]), "goroutine ")
	id, _ := strconv.ParseInt(s[:strings.IndexByte(s, ' ')], 10, 64)
	return id
}

// fakeDevice is an open device fed by the test. Unplugging it makes reads
// fail. It records which goroutines read and close it.
type fakeDevice struct {
	info    DeviceInfo
	reports chan []byte   // the test sends reports; a read takes one
	gone    chan struct{} // closed when unplugged: reads fail
	closed  chan struct{} // closed by Close
	panicky bool          // reads panic

	readG, closeG atomic.Int64
	reads         atomic.Int64
	reading       atomic.Bool
	problems      chan string // misuse seen: read after close, close during a read, reads on two goroutines
	closeOnce     sync.Once
}

func newFakeDevice(info DeviceInfo) *fakeDevice {
	return &fakeDevice{
		info: info, reports: make(chan []byte), gone: make(chan struct{}),
		closed: make(chan struct{}), problems: make(chan string, 10),
	}
}

func (d *fakeDevice) problem(format string, args ...any) {
	select {
	case d.problems <- fmt.Sprintf(format, args...):
	default:
	}
}

func (d *fakeDevice) Read(b []byte) (int, error) { return d.ReadTimeout(b, -1) }

func (d *fakeDevice) ReadTimeout(b []byte, timeout int) (int, error) {
	if g := goid(); !d.readG.CompareAndSwap(0, g) && d.readG.Load() != g {
		d.problem("read on goroutine %d, earlier on %d", g, d.readG.Load())
	}
	select {
	case <-d.closed:
		d.problem("read after close")
		return 0, errors.New("read after close")
	default:
	}
	if d.panicky {
		panic("fake device read panics")
	}
	d.reading.Store(true)
	defer d.reading.Store(false)
	d.reads.Add(1)
	var after <-chan time.Time
	if timeout >= 0 {
		t := time.NewTimer(time.Duration(timeout) * time.Millisecond)
		defer t.Stop()
		after = t.C
	}
	select {
	case r := <-d.reports:
		return copy(b, r), nil
	case <-d.gone:
		return 0, errors.New("hidapi: device disconnected")
	case <-after:
		return 0, nil
	}
}

func (d *fakeDevice) Close() error {
	d.closeG.Store(goid())
	if d.reading.Load() {
		d.problem("closed during a read")
	}
	d.closeOnce.Do(func() { close(d.closed) })
	return nil
}

// send feeds reports to the device, failing the test if it is not read.
func (d *fakeDevice) send(t *testing.T, reports ...[]byte) {
	t.Helper()
	for _, r := range reports {
		select {
		case d.reports <- r:
		case <-time.After(wait):
			t.Fatalf("report not read within %v", wait)
		}
	}
}

// checkClosed waits for the device to be closed, and checks it was closed
// on the goroutine that read it and was used properly.
func (d *fakeDevice) checkClosed(t *testing.T) {
	t.Helper()
	select {
	case <-d.closed:
	case <-time.After(wait):
		t.Fatal("device not closed")
	}
	if r, c := d.readG.Load(), d.closeG.Load(); r != 0 && r != c {
		t.Errorf("device read on goroutine %d, closed on %d", r, c)
	}
	select {
	case p := <-d.problems:
		t.Error(p)
	default:
	}
}

// fakeBus is the devices attached, for a Source's Enumerate and Open.
type fakeBus struct {
	mu       sync.Mutex
	attached []DeviceInfo
	openErr  error
	panicky  bool
	opened   chan *fakeDevice // every device opened, in order
}

func newFakeBus(ds ...DeviceInfo) *fakeBus {
	return &fakeBus{attached: ds, opened: make(chan *fakeDevice, 100)}
}

func (b *fakeBus) enumerate(vid, pid uint16) ([]DeviceInfo, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []DeviceInfo
	for _, d := range b.attached {
		if d.VendorID == vid && d.ProductID == pid {
			out = append(out, d)
		}
	}
	return out, nil
}

func (b *fakeBus) open(info DeviceInfo) (Device, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.openErr != nil {
		return nil, b.openErr
	}
	dev := newFakeDevice(info)
	dev.panicky = b.panicky
	b.opened <- dev
	return dev, nil
}

func (b *fakeBus) set(f func(b *fakeBus)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f(b)
}

// next returns the next device the source opens.
func (b *fakeBus) next(t *testing.T) *fakeDevice {
	t.Helper()
	select {
	case d := <-b.opened:
		return d
	case <-time.After(wait):
		t.Fatal("no device opened")
		return nil
	}
}

var (
	scannerKbd = DeviceInfo{VendorID: 0x0c2e, ProductID: 0x0b61, Interface: 0, Path: "1-2:1.0", Product: "Voyager 1450g", Serial: "A1"}
	scannerPOS = DeviceInfo{VendorID: 0x0c2e, ProductID: 0x0b61, Interface: 1, Path: "1-2:1.1", Product: "Voyager 1450g", Serial: "A1"}
	otherDev   = DeviceInfo{VendorID: 0x046d, ProductID: 0xc31c, Interface: 0, Path: "1-3:1.0"}
)

// run starts src and returns its events and a stop function that cancels
// it and returns what Run returned.
func run(t *testing.T, src *Source, emit func(scanner.Event)) (<-chan scanner.Event, func() error) {
	t.Helper()
	events := make(chan scanner.Event, 100)
	if emit == nil {
		emit = func(ev scanner.Event) { events <- ev }
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- src.Run(ctx, emit) }()
	stop := sync.OnceValue(func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(wait):
			return errors.New("Run did not return after cancel")
		}
	})
	t.Cleanup(func() {
		if err := stop(); err != nil && !strings.Contains(err.Error(), "panic") {
			t.Error(err)
		}
	})
	return events, stop
}

func newSource(t *testing.T, bus *fakeBus, m Match, opts ...func(*Config)) *Source {
	t.Helper()
	cfg := Config{Match: m, PollInterval: time.Millisecond, ReadTimeout: time.Millisecond,
		Enumerate: bus.enumerate, Open: bus.open}
	for _, o := range opts {
		o(&cfg)
	}
	src, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// next returns the next event.
func next(t *testing.T, events <-chan scanner.Event) scanner.Event {
	t.Helper()
	select {
	case ev := <-events:
		if ev.Source != "hid:0c2e:0b61" {
			t.Errorf("event from %q", ev.Source)
		}
		return ev
	case <-time.After(wait):
		t.Fatal("no event")
		return scanner.Event{}
	}
}

func wantState(t *testing.T, events <-chan scanner.Event, st scanner.State, errSub string) {
	t.Helper()
	ev := next(t, events)
	if ev.State != st || ev.Scan != nil {
		t.Fatalf("event %+v, want %v", ev, st)
	}
	if (errSub == "") != (ev.Err == nil) || (ev.Err != nil && !strings.Contains(ev.Err.Error(), errSub)) {
		t.Fatalf("%v event error %v, want %q", st, ev.Err, errSub)
	}
}

func wantScan(t *testing.T, events <-chan scanner.Event, code, symbology string) {
	t.Helper()
	ev := next(t, events)
	if ev.Scan == nil || ev.Scan.Code != code || ev.Scan.Symbology != symbology || ev.Scan.Source != "hid:0c2e:0b61" {
		t.Fatalf("event %+v (scan %+v), want scan %q %q", ev, ev.Scan, code, symbology)
	}
}

func TestSourceHotPlug(t *testing.T) {
	bus := newFakeBus(otherDev, scannerKbd)
	src := newSource(t, bus, Match{VendorID: 0x0c2e, ProductID: 0x0b61, Interface: AnyInterface})
	if src.Name() != "hid:0c2e:0b61" {
		t.Errorf("Name() = %q", src.Name())
	}
	events, stop := run(t, src, nil)

	wantState(t, events, scanner.Connected, "")
	dev := bus.next(t)
	if dev.info.Path != scannerKbd.Path {
		t.Errorf("opened %v", dev.info)
	}
	dev.send(t, seq(digits("4710088410122"), enter)...)
	wantScan(t, events, "4710088410122", "")
	dev.send(t, tap(0, 0x3a)...) // F1: the next code is dropped
	dev.send(t, seq(digits("1"), enter)...)
	if ev := next(t, events); !ev.Rejected() || !errors.Is(ev.Err, ErrUnknownKey) {
		t.Fatalf("event %+v, want a rejected read", ev)
	}

	// Pulled mid-code: disconnected, the device closed by its reader, the
	// partial code forgotten.
	dev.send(t, digits("99")...)
	bus.set(func(b *fakeBus) { b.attached = []DeviceInfo{otherDev} })
	close(dev.gone)
	wantState(t, events, scanner.Disconnected, "device disconnected")
	dev.checkClosed(t)

	// Back: connected again, and reading.
	bus.set(func(b *fakeBus) { b.attached = []DeviceInfo{otherDev, scannerKbd} })
	wantState(t, events, scanner.Connected, "")
	dev2 := bus.next(t)
	dev2.send(t, seq(digits("12"), enter)...)
	wantScan(t, events, "12", "")

	// Cancelled: Run returns once the device is closed, by its reader.
	if err := stop(); err != nil {
		t.Errorf("Run returned %v", err)
	}
	select {
	case <-dev2.closed:
	default:
		t.Error("Run returned before the device was closed")
	}
	dev2.checkClosed(t)
	select {
	case ev := <-events:
		t.Errorf("event after the end: %+v", ev)
	default:
	}
}

func TestSourceDeviceMissingAtStart(t *testing.T) {
	bus := newFakeBus(otherDev)
	events, _ := run(t, newSource(t, bus, Match{VendorID: 0x0c2e, ProductID: 0x0b61, Interface: 0}), nil)
	wantState(t, events, scanner.Disconnected, "no HID device 0c2e:0b61 interface 0")
	bus.set(func(b *fakeBus) { b.attached = append(b.attached, scannerKbd) })
	wantState(t, events, scanner.Connected, "")
	bus.next(t).send(t, seq(tap(lShift, 0x04), enter)...)
	wantScan(t, events, "A", "")
}

func TestSourceOpenFails(t *testing.T) {
	bus := newFakeBus(scannerKbd)
	bus.openErr = errors.New("permission denied")
	events, _ := run(t, newSource(t, bus, Match{VendorID: 0x0c2e, ProductID: 0x0b61, Interface: AnyInterface}), nil)
	wantState(t, events, scanner.Disconnected, "open HID device 0c2e:0b61 interface 0: permission denied")
	bus.set(func(b *fakeBus) { b.openErr = nil })
	wantState(t, events, scanner.Connected, "")
}

func TestSourceTwoInterfaces(t *testing.T) {
	bus := newFakeBus(scannerKbd, scannerPOS)
	events, _ := run(t, newSource(t, bus, Match{VendorID: 0x0c2e, ProductID: 0x0b61, Interface: AnyInterface}), nil)
	wantState(t, events, scanner.Disconnected, "2 HID devices match 0c2e:0b61 (interface 0 serial A1 path 1-2:1.0; interface 1")

	events, _ = run(t, newSource(t, bus, Match{VendorID: 0x0c2e, ProductID: 0x0b61, Interface: 1}), nil)
	wantState(t, events, scanner.Connected, "")
	dev := bus.next(t)
	if dev.info.Path != scannerPOS.Path {
		t.Errorf("opened %v", dev.info)
	}
	dev.send(t, posCode("]C1", "0104012345678901\x1d10ABC")...)
	wantScan(t, events, "0104012345678901\x1d10ABC", "]C1")

	events, _ = run(t, newSource(t, bus, Match{VendorID: 0x0c2e, ProductID: 0x0b61, Interface: AnyInterface, Path: "1-2:1.0"},
		func(c *Config) { c.Layout = "de"; c.Mode = Keyboard }), nil)
	wantState(t, events, scanner.Connected, "")
	bus.next(t).send(t, seq(taps(0, 0x1c, 0x1d), enter)...)
	wantScan(t, events, "zy", "")

	events, _ = run(t, newSource(t, bus, Match{VendorID: 0x0c2e, ProductID: 0x0b61, Interface: AnyInterface, Serial: "B2"}), nil)
	wantState(t, events, scanner.Disconnected, "no HID device 0c2e:0b61 serial B2; with that VID:PID: interface 0 serial A1")
}

// The reader keeps reading while emit is slow: karalabe/hid queues only
// about 30 reports.
func TestSourceSlowEmit(t *testing.T) {
	bus := newFakeBus(scannerKbd)
	release := make(chan struct{})
	events := make(chan scanner.Event, 100)
	_, stop := run(t, newSource(t, bus, Match{VendorID: 0x0c2e, ProductID: 0x0b61, Interface: AnyInterface}), func(ev scanner.Event) {
		<-release
		events <- ev
	})
	dev := bus.next(t)
	// 20 codes, 2×20×4 reports, sent while emit is stuck on Connected.
	for i := range 20 {
		dev.send(t, seq(digits(strconv.Itoa(10+i)), enter)...)
	}
	close(release)
	wantState(t, events, scanner.Connected, "")
	for i := range 20 {
		wantScan(t, events, strconv.Itoa(10+i), "")
	}
	if err := stop(); err != nil {
		t.Error(err)
	}
	dev.checkClosed(t)
}

func TestSourceCancelWhileMissing(t *testing.T) {
	bus := newFakeBus()
	src := newSource(t, bus, Match{VendorID: 0x0c2e, ProductID: 0x0b61, Interface: AnyInterface}, func(c *Config) { c.PollInterval = time.Hour })
	events, stop := run(t, src, nil)
	wantState(t, events, scanner.Disconnected, "no HID device")
	if err := stop(); err != nil {
		t.Error(err)
	}
}

func TestSourcePanics(t *testing.T) {
	for _, tt := range []struct {
		name   string
		emit   func(scanner.Event)
		device bool // the device panics
		want   string
	}{
		{"emit", func(ev scanner.Event) {
			if ev.Scan != nil {
				panic("emit panics")
			}
		}, false, "panic: emit panics"},
		{"device", func(scanner.Event) {}, true, "panic: fake device read panics"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bus := newFakeBus(scannerKbd)
			bus.panicky = tt.device
			src := newSource(t, bus, Match{VendorID: 0x0c2e, ProductID: 0x0b61, Interface: AnyInterface})
			done := make(chan error, 1)
			go func() { done <- src.Run(context.Background(), tt.emit) }()
			dev := bus.next(t)
			if !tt.device {
				dev.send(t, seq(digits("1"), enter)...)
			}
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "scanner hid:0c2e:0b61") {
					t.Errorf("Run returned %v, want %q", err, tt.want)
				}
			case <-time.After(wait):
				t.Fatal("Run did not return")
			}
			dev.checkClosed(t)
		})
	}
}
