package printer

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
)

// Device is the Printer for a spec. It connects afresh for every call (see
// port), so it holds nothing open between calls.
type Device struct {
	spec Spec
	sem  chan struct{} // one call at a time
	life context.Context
	kill context.CancelFunc
}

var _ Printer = (*Device)(nil)

// Open makes the Printer for a spec (see ParseSpec). It does not connect:
// call Status to find out whether the printer is there.
func Open(spec string) (*Device, error) {
	s, err := ParseSpec(spec)
	if err != nil {
		return nil, err
	}
	return New(s)
}

// New makes the Printer for a parsed spec.
func New(s Spec) (*Device, error) {
	switch s.Kind {
	case "usb", "tcp", "file":
	default:
		return nil, fmt.Errorf("printer %s: unknown kind %q (want usb, tcp or file)", s.Name(), s.Kind)
	}
	if s.Address == "" {
		return nil, fmt.Errorf("printer %s: no address", s.Name())
	}
	if err := s.Options.Validate(); err != nil {
		return nil, err
	}
	life, kill := context.WithCancel(context.Background())
	return &Device{spec: s, sem: make(chan struct{}, 1), life: life, kill: kill}, nil
}

// Name is the printer's spec without options, e.g. "usb:/dev/usb/lp0".
func (d *Device) Name() string { return d.spec.Name() }

// Options are the printer's options: pass them to Render.
func (d *Device) Options() Options { return d.spec.Options }

// Print sends job. Where the printer can answer (tcp, usb, status=on), it
// first asks whether the printer is ready and sends nothing if not (so a
// receipt never comes out unexpectedly once paper is put back: reprint
// it), then waits for the printer to confirm it has taken the job in.
func (d *Device) Print(ctx context.Context, job []byte) error {
	return d.do(ctx, func(ctx context.Context, l *link) error {
		if err := l.ready(ctx); err != nil {
			return err
		}
		if err := l.write(ctx, job); err != nil {
			return err
		}
		return l.confirm(ctx)
	})
}

// OpenDrawer sends the drawer pulse (ESC p) for the configured pins, then,
// where the printer can answer, waits for it to confirm. An offline
// printer (paper out, cover open) may hold the pulse until it is back
// online: then OpenDrawer reports why, and the drawer must be opened with
// its key.
func (d *Device) OpenDrawer(ctx context.Context) error {
	if d.spec.Options.Drawer == NoDrawer {
		return d.wrap(ErrNoDrawer)
	}
	pulse := DrawerPulse(d.spec.Options.Drawer)
	return d.do(ctx, func(ctx context.Context, l *link) error {
		if err := l.write(ctx, pulse); err != nil {
			return err
		}
		return l.confirm(ctx)
	})
}

// Status reports whether the printer is ready. A file is always ready; a
// printer that cannot answer (status=off, a write-only device) is ready if
// it can be connected to or opened.
func (d *Device) Status(ctx context.Context) error {
	if d.spec.Kind == "file" {
		if d.life.Err() != nil {
			return d.wrap(ErrClosed)
		}
		return nil
	}
	return d.do(ctx, func(ctx context.Context, l *link) error { return l.ready(ctx) })
}

// Close makes calls under way give up and later ones fail with ErrClosed.
func (d *Device) Close() error {
	d.kill()
	return nil
}

// do runs op on a fresh link, one call at a time, and returns by ctx's
// end, the call's own timeout or Close, whichever comes first, even if
// the operating system leaves op blocked.
func (d *Device) do(ctx context.Context, op func(context.Context, *link) error) error {
	if d.life.Err() != nil {
		return d.wrap(ErrClosed)
	}
	timeout := d.spec.Options.callTimeout()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	defer context.AfterFunc(d.life, cancel)()
	select {
	case d.sem <- struct{}{}:
	case <-ctx.Done():
		return d.wrap(d.ended(ctx, errors.New("still busy with the previous call")))
	}
	done := make(chan error, 1)
	go func() {
		defer func() { <-d.sem }()
		done <- d.session(ctx, op)
	}()
	select {
	case err := <-done:
		return d.wrap(err)
	case <-ctx.Done():
		select {
		case err := <-done:
			return d.wrap(err)
		default:
		}
		return d.wrap(d.ended(ctx, errTimedOut))
	}
}

// session connects, runs op and disconnects. ctx's end closes the port,
// which ends any read or write blocked on it.
func (d *Device) session(ctx context.Context, op func(context.Context, *link) error) error {
	l, err := connect(ctx, d.spec)
	if err != nil {
		if ctx.Err() != nil {
			return d.ended(ctx, err)
		}
		return err
	}
	stop := context.AfterFunc(ctx, func() { l.port.Close() })
	err = op(ctx, l)
	if stop() {
		// A file's write error may only show on close.
		if cerr := l.port.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("%w: %w", ErrOffline, cerr)
		}
	}
	if err != nil && ctx.Err() != nil {
		return d.ended(ctx, err)
	}
	return err
}

var errTimedOut = errors.New("timed out")

// ended is the error for a call whose ctx ended with err: closed, cancelled
// by the caller, or out of time (the printer is taken to be offline).
func (d *Device) ended(ctx context.Context, err error) error {
	switch {
	case d.life.Err() != nil:
		return ErrClosed
	case errors.Is(ctx.Err(), context.Canceled):
		return ctx.Err()
	case errors.Is(err, os.ErrClosed), errors.Is(err, net.ErrClosed):
		// ctx's end closed the port under a read or write.
		return fmt.Errorf("%w: %w", ErrOffline, errTimedOut)
	case errors.Is(err, ErrOffline), errors.Is(err, ErrNoPaper):
		return err
	}
	return fmt.Errorf("%w: %w", ErrOffline, err)
}

func (d *Device) wrap(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("receipt printer %s: %w", d.spec.Name(), err)
}
