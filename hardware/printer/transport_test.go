package printer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// responder plays a printer's real-time status: it answers each DLE EOT n
// it reads with answer[n] (nothing when 0), after noise (an automatic
// status back, say).
type responder struct {
	mu     sync.Mutex
	answer [5]byte
	noise  []byte
}

// set makes the answers to DLE EOT 1, 2, ... those given, the rest none.
func (r *responder) set(answers ...byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.answer = [5]byte{}
	copy(r.answer[1:], answers)
}

// serve reads rw until it fails, handing each chunk to got and answering
// status requests.
func (r *responder) serve(rw io.ReadWriter, got func([]byte)) {
	var pending []byte
	buf := make([]byte, 64<<10)
	for {
		k, err := rw.Read(buf)
		if k > 0 {
			got(buf[:k])
			pending = append(pending, buf[:k]...)
			for {
				i := bytes.Index(pending, []byte{dle, eot})
				if i < 0 || i+2 >= len(pending) {
					if i < 0 && (len(pending) == 0 || pending[len(pending)-1] != dle) {
						pending = pending[:0]
					}
					break
				}
				n := pending[i+2]
				pending = pending[i+3:]
				r.mu.Lock()
				var a byte
				if n < byte(len(r.answer)) {
					a = r.answer[n]
				}
				reply := append(append([]byte(nil), r.noise...), a)
				r.mu.Unlock()
				if a != 0 {
					if _, err := rw.Write(reply); err != nil {
						return
					}
				}
			}
		}
		if err != nil {
			return
		}
	}
}

// Status answers.
const (
	online     = 0x12
	offline    = 0x12 | stOffline
	noCause    = 0x12
	coverOpen  = 0x12 | causeCoverOpen
	paperOut   = 0x12 | causePaperEnd
	hasError   = 0x12 | causeError
	cutterJam  = 0x12 | errCutter
	sensorOK   = 0x12
	sensorGone = 0x12 | paperEnd
)

// fakePrinter is a network printer on the loopback interface.
type fakePrinter struct {
	responder
	ln   net.Listener
	jobs chan []byte // all a connection sent, once it closes
	// mode: "" reads and answers; "noread" accepts and never reads;
	// "close" closes each connection at once.
	mode string

	mu    sync.Mutex
	conns []net.Conn
}

func newFakePrinter(t *testing.T, mode string) *fakePrinter {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &fakePrinter{ln: ln, jobs: make(chan []byte, 16), mode: mode}
	p.set(online, noCause, 0x12, sensorOK)
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		for _, c := range p.conns {
			c.Close()
		}
		p.mu.Unlock()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			p.conns = append(p.conns, c)
			p.mu.Unlock()
			switch p.mode {
			case "noread":
				continue
			case "close":
				c.Close()
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				var got []byte
				p.serve(c, func(b []byte) { got = append(got, b...) })
				c.Close()
				p.jobs <- got
			}()
		}
	}()
	return p
}

func (p *fakePrinter) spec(query string) string {
	return "tcp:" + p.ln.Addr().String() + "?" + query
}

// next is what the next connection sent.
func (p *fakePrinter) next(t *testing.T) []byte {
	t.Helper()
	select {
	case b := <-p.jobs:
		return b
	case <-time.After(5 * time.Second):
		t.Fatal("the printer got no connection")
		return nil
	}
}

// quickTimeouts are short timeouts for tests.
func quickTimeouts(o *Options) {
	o.ConnectTimeout, o.WriteTimeout, o.ReplyTimeout = time.Second, 500*time.Millisecond, 300*time.Millisecond
}

func openDevice(t *testing.T, spec string, tune func(*Options)) *Device {
	t.Helper()
	s, err := ParseSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	if tune != nil {
		tune(&s.Options)
	}
	d, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// within fails the test if f takes longer than limit, and returns its error.
func within(t *testing.T, limit time.Duration, f func() error) error {
	t.Helper()
	start := time.Now()
	err := f()
	if took := time.Since(start); took > limit {
		t.Errorf("took %v, more than %v", took, limit)
	}
	return err
}

func expectErr(t *testing.T, err, want error, words ...string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error %v, want %v", err, want)
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
}

var testJob = []byte("\x1b@\x1bR\x00\x1bt\x00hello\n\x1dVB\x00")

func TestTCPPrintSendsTheExactBytes(t *testing.T) {
	p := newFakePrinter(t, "")
	d := openDevice(t, p.spec("status=off"), quickTimeouts)
	if err := d.Print(context.Background(), testJob); err != nil {
		t.Fatal(err)
	}
	if got := p.next(t); !bytes.Equal(got, testJob) {
		t.Errorf("printer got % x\nwant % x", got, testJob)
	}
}

func TestTCPPrintAsksFirstAndHasTheJobConfirmed(t *testing.T) {
	p := newFakePrinter(t, "")
	p.responder.mu.Lock()
	p.noise = []byte{0x10, 0x00, 0x00, 0x00} // an automatic status back, to be skipped
	p.responder.mu.Unlock()
	d := openDevice(t, p.spec(""), quickTimeouts)
	if err := d.Print(context.Background(), testJob); err != nil {
		t.Fatal(err)
	}
	want := append(append([]byte("\x10\x04\x01"), testJob...), "\x10\x04\x01"...)
	if got := p.next(t); !bytes.Equal(got, want) {
		t.Errorf("printer got % x\nwant % x", got, want)
	}
}

func TestTCPPrintOutOfPaperSendsNoJob(t *testing.T) {
	p := newFakePrinter(t, "")
	p.set(offline, paperOut)
	d := openDevice(t, p.spec(""), quickTimeouts)
	err := d.Print(context.Background(), testJob)
	expectErr(t, err, ErrNoPaper, "receipt printer tcp:127.0.0.1:", "out of paper")
	if got := p.next(t); string(got) != "\x10\x04\x01\x10\x04\x02" {
		t.Errorf("printer got % x: the job was sent to a printer without paper", got)
	}
}

func TestTCPStatus(t *testing.T) {
	for _, c := range []struct {
		name    string
		answers []byte
		want    error
		says    string
	}{
		{"online", []byte{online}, nil, ""},
		{"paper out", []byte{offline, paperOut}, ErrNoPaper, "out of paper"},
		{"cover open", []byte{offline, coverOpen}, ErrOffline, "cover open"},
		{"cutter jam", []byte{offline, hasError, cutterJam}, ErrOffline, "cutter error"},
		{"paper sensor only", []byte{offline, noCause, 0x12, sensorGone}, ErrNoPaper, "out of paper"},
		{"offline, no cause", []byte{offline, noCause, 0x12, sensorOK}, ErrOffline, "printer offline"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := newFakePrinter(t, "")
			p.set(c.answers...)
			err := openDevice(t, p.spec(""), quickTimeouts).Status(context.Background())
			if c.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			expectErr(t, err, c.want, c.says)
		})
	}
}

func TestDiagnoseReadsTheStatusBits(t *testing.T) {
	for _, c := range []struct {
		answers map[byte]byte
		want    error
	}{
		{map[byte]byte{1: 0x16}, nil},        // drawer sensor bit set: still online
		{map[byte]byte{1: 0x12 | 0x40}, nil}, // feed button pressed: still online
		{map[byte]byte{1: 0x1E, 2: 0x32}, ErrNoPaper},
		{map[byte]byte{1: 0x1E, 2: 0x12, 4: 0x1E}, ErrOffline}, // paper near its end: not out
		{map[byte]byte{1: 0x1E, 2: 0x12, 4: 0x52}, ErrNoPaper},
		{map[byte]byte{1: 0x1E, 2: 0x52, 3: 0x32}, ErrOffline},
	} {
		var asked []byte
		err := diagnose(func(n byte) (byte, error) {
			asked = append(asked, n)
			return c.answers[n], nil
		})
		if !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
			t.Errorf("%v: got %v, want %v (asked %v)", c.answers, err, c.want, asked)
		}
	}
	for b, ok := range map[byte]bool{0x12: true, 0x1E: true, 0x72: true, 0x10: false, 0x00: false, 0x92: false, 0x13: false} {
		if isStatusByte(b) != ok {
			t.Errorf("isStatusByte(%#x) = %v", b, !ok)
		}
	}
}

func TestTCPSilentPrinterIsOfflineWithinTheTimeout(t *testing.T) {
	p := newFakePrinter(t, "")
	p.set() // reads, never answers
	d := openDevice(t, p.spec(""), quickTimeouts)
	err := within(t, 2*time.Second, func() error { return d.Status(context.Background()) })
	expectErr(t, err, ErrOffline, "no answer to a status request within 300ms", "status=off")
}

func TestTCPPrinterThatNeverReads(t *testing.T) {
	p := newFakePrinter(t, "noread")
	// Asking first: the question is never answered.
	d := openDevice(t, p.spec(""), quickTimeouts)
	err := within(t, 2*time.Second, func() error { return d.Print(context.Background(), testJob) })
	expectErr(t, err, ErrOffline, "no answer")
	// Not asking: the job fills the socket buffers, then the write times out.
	d = openDevice(t, p.spec("status=off"), quickTimeouts)
	big := bytes.Repeat([]byte("x"), 64<<20)
	err = within(t, 3*time.Second, func() error { return d.Print(context.Background(), big) })
	expectErr(t, err, ErrOffline, "took no data for 500ms")
}

func TestTCPPrinterThatIsGone(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	d := openDevice(t, "tcp:"+addr, quickTimeouts)
	err = within(t, 2*time.Second, func() error { return d.Print(context.Background(), testJob) })
	expectErr(t, err, ErrOffline, "receipt printer tcp:"+addr, "cannot connect")
	expectErr(t, d.Status(context.Background()), ErrOffline, "cannot connect")
}

func TestTCPPrinterThatHangsUp(t *testing.T) {
	p := newFakePrinter(t, "close")
	d := openDevice(t, p.spec(""), quickTimeouts)
	err := within(t, 2*time.Second, func() error { return d.Print(context.Background(), testJob) })
	expectErr(t, err, ErrOffline)
}

func TestCallsHonourTheirContext(t *testing.T) {
	p := newFakePrinter(t, "")
	p.set()
	slow := func(o *Options) { o.ReplyTimeout, o.WriteTimeout = 20*time.Second, 20*time.Second }
	d := openDevice(t, p.spec(""), slow)

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	err := within(t, time.Second, func() error { return d.Print(ctx, testJob) })
	expectErr(t, err, context.Canceled)

	ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err = within(t, time.Second, func() error { return d.Status(ctx) })
	expectErr(t, err, ErrOffline)

	// A call stuck on the printer holds it; another gives up by its ctx.
	go d.Status(context.Background())
	time.Sleep(100 * time.Millisecond)
	ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err = within(t, time.Second, func() error { return d.OpenDrawer(ctx) })
	expectErr(t, err, ErrOffline, "busy")

	// Close ends the stuck call; later calls fail at once.
	d.Close()
	expectErr(t, d.Print(context.Background(), testJob), ErrClosed)
	expectErr(t, d.Status(context.Background()), ErrClosed)
}

func TestCloseEndsACallUnderWay(t *testing.T) {
	p := newFakePrinter(t, "")
	p.set()
	d := openDevice(t, p.spec(""), func(o *Options) { o.ReplyTimeout = 20 * time.Second })
	time.AfterFunc(100*time.Millisecond, func() { d.Close() })
	err := within(t, time.Second, func() error { return d.Status(context.Background()) })
	expectErr(t, err, ErrClosed)
}

func TestTCPOpenDrawer(t *testing.T) {
	p := newFakePrinter(t, "")
	d := openDevice(t, p.spec("drawer=2,5"), quickTimeouts)
	if err := d.OpenDrawer(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := "\x1bp\x00\x19\xfa\x1bp\x01\x19\xfa\x10\x04\x01"
	if got := p.next(t); string(got) != want {
		t.Errorf("printer got % x, want % x", got, want)
	}
	// Paper out: the pulse is sent, and the clerk told it may wait.
	p.set(offline, paperOut)
	expectErr(t, d.OpenDrawer(context.Background()), ErrNoPaper)
	if got := p.next(t); !bytes.HasPrefix(got, []byte("\x1bp\x00\x19\xfa")) {
		t.Errorf("printer got % x", got)
	}
}

func TestNoDrawer(t *testing.T) {
	d := openDevice(t, "tcp:127.0.0.1:1?drawer=none", nil)
	expectErr(t, d.OpenDrawer(context.Background()), ErrNoDrawer, "receipt printer tcp:127.0.0.1:1")
}

func TestFileTransport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "spool.bin")
	d := openDevice(t, "file:"+path+"?encoding=big5", nil)
	ctx := context.Background()
	for _, f := range []func() error{
		func() error { return d.Print(ctx, testJob) },
		func() error { return d.OpenDrawer(ctx) },
		func() error { return d.Print(ctx, []byte("second")) },
		func() error { return d.Status(ctx) },
	} {
		if err := f(); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := string(testJob) + "\x1bp\x00\x19\xfa" + "second"; string(got) != want {
		t.Errorf("file holds %q, want %q", got, want)
	}
	d = openDevice(t, "file:"+filepath.Join(t.TempDir(), "no", "such", "dir"), nil)
	expectErr(t, d.Print(ctx, testJob), ErrOffline, "cannot open the file")
}
