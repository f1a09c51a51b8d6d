package scanner

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

const wait = 5 * time.Second

func TestParse(t *testing.T) {
	tests := []struct {
		spec     string
		name     string
		path     string
		baud     int
		errSub   string // non-empty: Parse must fail with this in the message
		errOther string // and with this
	}{
		{spec: "serial:/dev/ttyACM0", name: "serial:/dev/ttyACM0", path: "/dev/ttyACM0", baud: 9600},
		{spec: "serial:/dev/ttyACM0?baud=9600", name: "serial:/dev/ttyACM0", path: "/dev/ttyACM0", baud: 9600},
		{spec: "serial:/dev/ttyUSB1?baud=115200", name: "serial:/dev/ttyUSB1", path: "/dev/ttyUSB1", baud: 115200},
		{spec: "serial:/dev/ttyS0?baud=1200", name: "serial:/dev/ttyS0", path: "/dev/ttyS0", baud: 1200},
		{spec: "file:/run/till/scanner.fifo", name: "file:/run/till/scanner.fifo", path: "/run/till/scanner.fifo", baud: 9600},
		{spec: "file:relative/fifo", name: "file:relative/fifo", path: "relative/fifo", baud: 9600},
		{spec: "usb:1234:5678", errSub: `"usb:1234:5678"`, errOther: "unknown kind"},
		{spec: "hid:/dev/hidraw0", errSub: `"hid:/dev/hidraw0"`, errOther: "unknown kind"},
		{spec: "/dev/ttyACM0", errSub: `"/dev/ttyACM0"`},
		{spec: "", errSub: `""`},
		{spec: "serial:", errSub: "no path"},
		{spec: "serial:?baud=9600", errSub: "no path"},
		{spec: "serial:/dev/ttyACM0?baud=9601", errSub: "9601", errOther: "unsupported baud"},
		{spec: "serial:/dev/ttyACM0?baud=230400", errSub: "unsupported baud"},
		{spec: "serial:/dev/ttyACM0?baud=fast", errSub: "bad baud"},
		{spec: "serial:/dev/ttyACM0?baud=9600&baud=1200", errSub: "baud given 2 times"},
		{spec: "serial:/dev/ttyACM0?parity=even", errSub: `unknown option "parity"`},
		{spec: "serial:/dev/ttyACM0?%zz", errSub: "serial:/dev/ttyACM0?%zz"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			src, err := Parse(tt.spec)
			if tt.errSub != "" {
				if err == nil {
					t.Fatalf("Parse(%q) = %v, want error", tt.spec, src)
				}
				for _, sub := range []string{tt.errSub, tt.errOther} {
					if !strings.Contains(err.Error(), sub) {
						t.Errorf("Parse(%q) error %q does not contain %q", tt.spec, err, sub)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.spec, err)
			}
			ls, ok := src.(*LineSource)
			if !ok {
				t.Fatalf("Parse(%q) = %T, want *LineSource", tt.spec, src)
			}
			if src.Name() != tt.name || ls.path != tt.path || ls.baud != tt.baud {
				t.Errorf("Parse(%q) = name %q path %q baud %d, want %q %q %d",
					tt.spec, src.Name(), ls.path, ls.baud, tt.name, tt.path, tt.baud)
			}
		})
	}
}

func TestNewLineSourceErrors(t *testing.T) {
	if _, err := NewLineSource(""); err == nil {
		t.Error("empty path accepted")
	}
	if _, err := NewLineSource("/dev/x", WithBaud(300)); err == nil {
		t.Error("baud 300 accepted")
	}
	if _, err := NewLineSource("/dev/x", WithRetry(time.Second, time.Millisecond)); err == nil {
		t.Error("max retry below min accepted")
	}
	if _, err := NewLineSource("/dev/x", WithRetry(0, time.Second)); err == nil {
		t.Error("zero retry accepted")
	}
}

func TestSplitter(t *testing.T) {
	long := strings.Repeat("x", MaxCodeLen+1)
	exact := strings.Repeat("y", MaxCodeLen)
	tests := []struct {
		name   string
		chunks []string
		want   []string // "!" marks a too-long report
	}{
		{"lf", []string{"a\nb\n"}, []string{"a", "b"}},
		{"cr", []string{"a\rb\r"}, []string{"a", "b"}},
		{"crlf", []string{"a\r\nb\r\n"}, []string{"a", "b"}},
		{"crlf split", []string{"a\r", "\nb\r", "\n"}, []string{"a", "b"}},
		{"empty lines", []string{"\n\r\n\r\r\nz\n\n"}, []string{"z"}},
		{"no terminator yet", []string{"ab", "cd"}, nil},
		{"split code", []string{"01234", "56789\n"}, []string{"0123456789"}},
		{"gs kept", []string{"01\x1d10AB\n"}, []string{"01\x1d10AB"}},
		{"exactly max", []string{exact + "\n"}, []string{exact}},
		{"too long", []string{long + "\nnext\n"}, []string{"!", "next"}},
		{"too long in pieces", []string{long[:1000], long[1000:], long, "\rnext\n"}, []string{"!", "next"}},
		{"too long at terminator", []string{exact, "z", "\n", "ok\n"}, []string{"!", "ok"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sp splitter
			var got []string
			for _, c := range tt.chunks {
				sp.feed([]byte(c), func(b []byte) { got = append(got, string(b)) }, func() { got = append(got, "!") })
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, want %q", abbrev(got), abbrev(tt.want))
			}
		})
	}
}

func TestSplitterBounded(t *testing.T) {
	var sp splitter
	reports := 0
	chunk := bytes.Repeat([]byte("z"), 64<<10)
	for range 64 {
		sp.feed(chunk, func([]byte) { t.Fatal("line from unterminated input") }, func() { reports++ })
		if cap(sp.buf) > 2*MaxCodeLen {
			t.Fatalf("buffer grew to %d bytes", cap(sp.buf))
		}
	}
	if reports != 1 {
		t.Errorf("too-long reported %d times, want 1", reports)
	}
}

func abbrev(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		if len(s) > 20 {
			s = s[:10] + "…" + s[len(s)-5:]
		}
		out[i] = s
	}
	return out
}

// run starts src and returns its events; the test fails if Run does not
// return soon after the test ends.
func run(t *testing.T, src Source) (<-chan Event, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	events := make(chan Event, 1000)
	done := make(chan error, 1)
	go func() {
		done <- src.Run(ctx, func(e Event) {
			select {
			case events <- e:
			default:
				panic("test event buffer full")
			}
		})
	}()
	stopped := false
	var runErr error
	stop := func() error {
		if stopped {
			return runErr
		}
		stopped = true
		cancel()
		select {
		case runErr = <-done:
		case <-time.After(wait):
			t.Fatal("Run did not return after cancel")
		}
		return runErr
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return events, stop
}

func next(t *testing.T, events <-chan Event) Event {
	t.Helper()
	select {
	case e := <-events:
		return e
	case <-time.After(wait):
		t.Fatal("no event")
		return Event{}
	}
}

func expectState(t *testing.T, events <-chan Event, want State) Event {
	t.Helper()
	e := next(t, events)
	if e.State != want || e.Scan != nil {
		t.Fatalf("got event %+v, want state %v", e, want)
	}
	return e
}

func expectScans(t *testing.T, events <-chan Event, name string, codes ...string) {
	t.Helper()
	for _, code := range codes {
		e := next(t, events)
		if e.Scan == nil || e.Scan.Code != code || e.Scan.Source != name || e.Source != name || e.Err != nil || e.State != NoChange {
			t.Fatalf("got event %+v (scan %+v), want scan %q from %q", e, e.Scan, code, name)
		}
	}
}

func expectNothing(t *testing.T, events <-chan Event, d time.Duration) {
	t.Helper()
	select {
	case e := <-events:
		t.Fatalf("unexpected event %+v", e)
	case <-time.After(d):
	}
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}

func newFIFOSource(t *testing.T) (string, *LineSource) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "scanner.fifo")
	mkfifo(t, path)
	src, err := NewLineSource(path, WithName("file:"+path), WithRetry(time.Millisecond, 20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return path, src
}

func writeFIFO(t *testing.T, path string, chunks ...string) {
	t.Helper()
	w, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, c := range chunks {
		if _, err := w.WriteString(c); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFIFOLines(t *testing.T) {
	path, src := newFIFOSource(t)
	events, _ := run(t, src)
	expectState(t, events, Connected)
	writeFIFO(t, path, "A\rB\nC\r\n\n\r\n\r\r  D  \r", "\tE\x1dF\n", "G", "H\r", "\n")
	expectScans(t, events, src.Name(), "A", "B", "C", "D", "E\x1dF", "GH")
	expectNothing(t, events, 50*time.Millisecond)
}

func TestFIFOTooLong(t *testing.T) {
	path, src := newFIFOSource(t)
	events, _ := run(t, src)
	expectState(t, events, Connected)
	exact := strings.Repeat("9", MaxCodeLen)
	writeFIFO(t, path, "first\n", strings.Repeat("x", 3*MaxCodeLen), strings.Repeat("y", 5000), "\r\nnext\n", exact+"\r\n")
	expectScans(t, events, src.Name(), "first")
	e := next(t, events)
	if !e.Rejected() || !errors.Is(e.Err, ErrCodeTooLong) || e.Source != src.Name() {
		t.Fatalf("got %+v, want a rejected read wrapping ErrCodeTooLong", e)
	}
	expectScans(t, events, src.Name(), "next", exact)
	expectNothing(t, events, 50*time.Millisecond)
}

func TestFIFOWriterReopens(t *testing.T) {
	path, src := newFIFOSource(t)
	events, _ := run(t, src)
	expectState(t, events, Connected)
	writeFIFO(t, path, "ONE\n")
	expectScans(t, events, src.Name(), "ONE")
	writeFIFO(t, path, "TWO\r\n", "THREE\r\n")
	expectScans(t, events, src.Name(), "TWO", "THREE")
	writeFIFO(t, path, "FOUR\n")
	expectScans(t, events, src.Name(), "FOUR")
	expectNothing(t, events, 50*time.Millisecond)
}

func TestMissingDeviceThenCreated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "late.fifo")
	src, err := NewLineSource(path, WithRetry(time.Millisecond, 5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	events, _ := run(t, src)
	e := expectState(t, events, Disconnected)
	if !errors.Is(e.Err, fs.ErrNotExist) {
		t.Errorf("Disconnected error %v, want not-exist", e.Err)
	}
	// Several retries fail meanwhile; none is reported again.
	expectNothing(t, events, 50*time.Millisecond)
	mkfifo(t, path)
	expectState(t, events, Connected)
	writeFIFO(t, path, "0123456789012\n")
	expectScans(t, events, path, "0123456789012")
}

func TestCancelWhileWaiting(t *testing.T) {
	before := runtime.NumGoroutine()
	for _, missing := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "fifo")
		if !missing {
			mkfifo(t, path) // no writer ever opens it
		}
		src, err := NewLineSource(path, WithRetry(time.Hour, time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		events, stop := run(t, src)
		next(t, events)
		start := time.Now()
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("Run took %v to return after cancel", d)
		}
	}
	// Everything Run started has ended.
	deadline := time.Now().Add(wait)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("goroutines: %d before, %d after\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestPanicInEmitIsReturned(t *testing.T) {
	path, src := newFIFOSource(t)
	fds := openFDs(t)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	written := make(chan struct{})
	err := src.Run(ctx, func(e Event) {
		if e.Scan != nil && e.Scan.Code == "boom" {
			panic("boom")
		}
		if e.State == Connected {
			go func() {
				defer close(written)
				// The source holds the FIFO open until it has read this.
				if w, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
					w.WriteString("ok\nboom\n")
					w.Close()
				}
			}()
		}
	})
	if err == nil || !strings.Contains(err.Error(), "panic: boom") {
		t.Fatalf("Run = %v, want the panic as an error", err)
	}
	if ctx.Err() != nil {
		t.Fatal("Run did not return until ctx was done")
	}
	<-written
	if n := openFDs(t); n != fds {
		t.Errorf("%d open files before Run, %d after: device left open", fds, n)
	}
}

func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip(err)
	}
	return len(ents)
}

func TestRegularFileReadOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "codes.txt")
	if err := os.WriteFile(path, []byte("111\r\n222\n\n333"), 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := NewLineSource(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = src.Run(context.Background(), func(e Event) {
		if e.Scan != nil {
			got = append(got, e.Scan.Code)
		}
	})
	if err != nil || strings.Join(got, ",") != "111,222,333" {
		t.Fatalf("Run = %v, scans %q", err, got)
	}
}

func TestDeviceAlwaysAtEOF(t *testing.T) {
	if _, err := os.Stat("/dev/null"); err != nil {
		t.Skip(err)
	}
	src, err := NewLineSource("/dev/null", WithRetry(time.Millisecond, 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	events, _ := run(t, src)
	expectState(t, events, Connected)
	// Reopened quietly at EOF: no further state changes.
	expectNothing(t, events, 100*time.Millisecond)
}

func TestRegister(t *testing.T) {
	var got string
	Register("testkind", func(spec string) (Source, error) {
		got = spec
		return NewLineSource("/dev/null", WithName(spec))
	})
	src, err := Parse("testkind:a:b?c=d")
	if err != nil || got != "testkind:a:b?c=d" || src.Name() != got {
		t.Fatalf("Parse of a registered kind: %v, %v; parse got %q", src, err, got)
	}
	if _, err := Parse("usb:1"); err == nil || !strings.Contains(err.Error(), "want serial, file or testkind") {
		t.Errorf("unknown kind error %v, want the registered kinds listed", err)
	}
	for name, f := range map[string]func(){
		"twice":     func() { Register("testkind", func(string) (Source, error) { return nil, nil }) },
		"serial":    func() { Register("serial", func(string) (Source, error) { return nil, nil }) },
		"empty":     func() { Register("", func(string) (Source, error) { return nil, nil }) },
		"colon":     func() { Register("a:b", func(string) (Source, error) { return nil, nil }) },
		"nil parse": func() { Register("other", nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Register %s did not panic", name)
				}
			}()
			f()
		}()
	}
}
