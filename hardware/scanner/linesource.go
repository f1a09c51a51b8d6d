package scanner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"slices"
	"time"

	"golang.org/x/sys/unix"
)

// DefaultBaud is the line speed used for terminals when none is given.
const DefaultBaud = 9600

// BaudRates lists the line speeds a LineSource accepts.
var BaudRates = []int{1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200}

// Default reconnect delays: the first retry waits DefaultRetryMin, each
// failed retry doubles the wait up to DefaultRetryMax.
const (
	DefaultRetryMin = 250 * time.Millisecond
	DefaultRetryMax = 5 * time.Second
)

// LineSource reads newline-terminated codes from a serial or CDC-ACM
// scanner, or from any character device or FIFO.
//
// A code ends at CR, LF or CRLF; empty lines are ignored and surrounding
// spaces and tabs trimmed. Other bytes are passed on as they are. A line
// longer than MaxCodeLen is reported once as a rejected read and skipped up
// to its terminator.
//
// When the device cannot be opened or a read fails, the source reports
// Disconnected once and retries with a capped backoff, reporting Connected
// when it opens again. At end of file it reopens the device, except for a
// regular file, which is read once: Run then returns nil.
type LineSource struct {
	path     string
	name     string
	baud     int
	retryMin time.Duration
	retryMax time.Duration
}

// Option configures a LineSource.
type Option func(*LineSource)

// WithBaud sets the line speed used when the device is a terminal. It must
// be one of BaudRates.
func WithBaud(baud int) Option { return func(s *LineSource) { s.baud = baud } }

// WithName sets the source's name, used in events. It defaults to the path.
func WithName(name string) Option { return func(s *LineSource) { s.name = name } }

// WithRetry sets the reconnect backoff: the first retry waits minDelay, each
// further one twice as long as the last, up to maxDelay.
func WithRetry(minDelay, maxDelay time.Duration) Option {
	return func(s *LineSource) { s.retryMin, s.retryMax = minDelay, maxDelay }
}

// NewLineSource returns a source reading codes from the device at path.
// The path need not exist yet.
func NewLineSource(path string, opts ...Option) (*LineSource, error) {
	s := &LineSource{
		path:     path,
		name:     path,
		baud:     DefaultBaud,
		retryMin: DefaultRetryMin,
		retryMax: DefaultRetryMax,
	}
	for _, o := range opts {
		o(s)
	}
	if path == "" {
		return nil, errors.New("scanner: empty device path")
	}
	if !slices.Contains(BaudRates, s.baud) {
		return nil, fmt.Errorf("scanner: unsupported baud rate %d (want one of %v)", s.baud, BaudRates)
	}
	if s.retryMin <= 0 || s.retryMax < s.retryMin {
		return nil, fmt.Errorf("scanner: bad retry delays %v, %v", s.retryMin, s.retryMax)
	}
	return s, nil
}

// Name returns the source's name.
func (s *LineSource) Name() string { return s.name }

// Run reads codes until ctx is done, then returns nil. It returns early
// with nil after reading a whole regular file, and with an error only if
// the source or emit panics.
func (s *LineSource) Run(ctx context.Context, emit func(Event)) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("scanner %s: panic: %v\n%s", s.name, r, debug.Stack())
		}
	}()
	if emit == nil {
		emit = func(Event) {}
	}
	state := NoChange
	report := func(st State, cause error) {
		if st != state {
			state = st
			emit(Event{Source: s.name, State: st, Err: cause})
		}
	}
	delay := s.retryMin
	backoff := func() bool {
		ok := sleep(ctx, delay)
		delay = min(2*delay, s.retryMax)
		return ok
	}

	for ctx.Err() == nil {
		dev, err := s.open()
		if err != nil {
			report(Disconnected, err)
			if !backoff() {
				break
			}
			continue
		}
		opened := time.Now()
		n, err := s.session(ctx, dev, func() { report(Connected, nil) }, emit)
		if n > 0 || time.Since(opened) >= s.retryMax {
			// Only a connection that worked resets the backoff, so a
			// device that opens but fails at once is not hammered.
			delay = s.retryMin
		}
		switch {
		case ctx.Err() != nil:
		case errors.Is(err, io.EOF) && dev.regular:
			return nil
		case errors.Is(err, io.EOF):
			// A tty after hangup, or a device like /dev/null. Reopen
			// straight away unless nothing at all was read, so a device
			// that is always at EOF does not make us spin.
			if n == 0 && !backoff() {
				return nil
			}
		default:
			report(Disconnected, err)
			if !backoff() {
				return nil
			}
		}
	}
	return nil
}

// sleep waits for d or until ctx is done, reporting whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

type device struct {
	f       *os.File
	regular bool
	restore func() // puts a terminal back as it was; nil if not a terminal
}

func (d *device) close() {
	if d.restore != nil {
		d.restore()
	}
	d.f.Close()
}

// open opens the device for reading, without blocking.
func (s *LineSource) open() (*device, error) {
	fi, err := os.Stat(s.path)
	if err != nil {
		return nil, err
	}
	// O_NONBLOCK keeps open from waiting for carrier detect on a serial
	// line, and makes reads go through Go's poller so ctx can cut them
	// short.
	flag := unix.O_RDONLY | unix.O_NOCTTY | unix.O_NONBLOCK
	if fi.Mode()&fs.ModeNamedPipe != 0 {
		// A FIFO is opened read-write: O_RDONLY would block in open (and
		// so ignore ctx) until a writer appears, or with O_NONBLOCK read
		// EOF over and over while there is none. Holding a write end
		// ourselves means reads just wait, and writers can come and go
		// without us seeing EOF. Linux defines O_RDWR on a FIFO.
		flag = unix.O_RDWR | unix.O_NOCTTY | unix.O_NONBLOCK
	}
	f, err := os.OpenFile(s.path, flag, 0)
	if err != nil {
		return nil, err
	}
	fi, err = f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	d := &device{f: f, regular: fi.Mode().IsRegular()}
	if fi.Mode()&fs.ModeCharDevice != 0 {
		rc, err := f.SyscallConn()
		if err == nil {
			// Control, not f.Fd: Fd would put the file back in blocking mode.
			cerr := rc.Control(func(fd uintptr) {
				d.restore, err = makeRaw(int(fd), s.baud)
			})
			if err == nil {
				err = cerr
			}
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: set raw mode: %w", s.path, err)
		}
	}
	return d, nil
}

// session calls connected, then reads lines from dev until an error, EOF
// or ctx is done. It returns the number of bytes read. It closes dev, even
// if emit panics.
func (s *LineSource) session(ctx context.Context, dev *device, connected func(), emit func(Event)) (int64, error) {
	defer dev.close()
	connected()
	// A past deadline makes a blocked Read return at once. Regular files
	// have no deadlines but never block; the loop checks ctx for them.
	stop := context.AfterFunc(ctx, func() { dev.f.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()

	var (
		sp    splitter
		total int64
		buf   = make([]byte, 4096)
	)
	code := func(line []byte) {
		if line = bytes.Trim(line, " \t"); len(line) > 0 {
			emit(Event{Source: s.name, Scan: &Scan{Code: string(line), Source: s.name}})
		}
	}
	tooLong := func() {
		emit(Event{Source: s.name, Err: fmt.Errorf("%w: line over %d bytes discarded", ErrCodeTooLong, MaxCodeLen)})
	}
	for ctx.Err() == nil {
		n, err := dev.f.Read(buf)
		if n > 0 {
			total += int64(n)
			sp.feed(buf[:n], code, tooLong)
		}
		if err != nil {
			if errors.Is(err, io.EOF) && dev.regular {
				sp.flush(code)
			}
			return total, err
		}
	}
	return total, ctx.Err()
}

// splitter cuts a byte stream into lines ended by CR or LF, holding at most
// MaxCodeLen bytes of an unfinished line.
type splitter struct {
	buf        []byte
	discarding bool // the current line is too long and is being skipped
}

// feed passes each complete line in p to line, and calls tooLong once for
// each line that outgrows MaxCodeLen. The slice given to line is reused.
// A CRLF pair is a CR-terminated line followed by an empty one.
func (sp *splitter) feed(p []byte, line func([]byte), tooLong func()) {
	for len(p) > 0 {
		i := bytes.IndexAny(p, "\r\n")
		chunk := p
		if i >= 0 {
			chunk = p[:i]
		}
		if !sp.discarding {
			if len(sp.buf)+len(chunk) > MaxCodeLen {
				sp.discarding = true
				sp.buf = sp.buf[:0]
				tooLong()
			} else {
				sp.buf = append(sp.buf, chunk...)
			}
		}
		if i < 0 {
			return
		}
		if !sp.discarding && len(sp.buf) > 0 {
			line(sp.buf)
		}
		sp.buf = sp.buf[:0]
		sp.discarding = false
		p = p[i+1:]
	}
}

// flush passes on an unterminated last line.
func (sp *splitter) flush(line func([]byte)) {
	if !sp.discarding && len(sp.buf) > 0 {
		line(sp.buf)
	}
	sp.buf = sp.buf[:0]
	sp.discarding = false
}
