package printer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"
)

// port is a connection to the printer for one call: a TCP connection or an
// open device or file. Each call opens its own, so a printer switched off
// and on, or unplugged and plugged in again, is found again by the next.
type port interface {
	io.ReadWriteCloser
	SetReadDeadline(time.Time) error
	SetWriteDeadline(time.Time) error
}

type link struct {
	port port
	kind string
	// canAsk: the printer's answers can be read back with a deadline and
	// the spec asks for them.
	canAsk bool
	opt    Options
}

// connect opens a port to the printer named by spec.
func connect(ctx context.Context, spec Spec) (*link, error) {
	opt := spec.Options
	l := &link{kind: spec.Kind, opt: opt}
	switch spec.Kind {
	case "tcp":
		ctx, cancel := context.WithTimeout(ctx, opt.connectTimeout())
		defer cancel()
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", spec.Address)
		if err != nil {
			return nil, fmt.Errorf("%w: cannot connect: %w", ErrOffline, err)
		}
		l.port, l.canAsk = c, opt.Status
	case "usb":
		// Non-blocking, so the runtime poller serves the device and
		// deadlines work (usblp supports poll); read-write, so DLE EOT
		// answers can be read, or write-only where only that is allowed.
		f, err := os.OpenFile(spec.Address, os.O_RDWR|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
		readable := err == nil
		if errors.Is(err, os.ErrPermission) {
			f, err = os.OpenFile(spec.Address, os.O_WRONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: cannot open the device: %w%s", ErrOffline, err, openHint(err))
		}
		l.port = f
		l.canAsk = opt.Status && readable && f.SetReadDeadline(time.Time{}) == nil
	case "file":
		// Non-blocking, so a FIFO without a reader fails at once instead
		// of hanging the call.
		f, err := os.OpenFile(spec.Address, os.O_WRONLY|os.O_APPEND|os.O_CREATE|syscall.O_NONBLOCK, 0o644)
		if err != nil {
			return nil, fmt.Errorf("%w: cannot open the file: %w", ErrOffline, err)
		}
		l.port = f
	default:
		return nil, fmt.Errorf("unknown printer kind %q", spec.Kind)
	}
	return l, nil
}

func openHint(err error) string {
	switch {
	case errors.Is(err, os.ErrPermission):
		return " (the till's user needs write access: the lp group)"
	case errors.Is(err, os.ErrNotExist), errors.Is(err, syscall.ENODEV), errors.Is(err, syscall.ENXIO):
		return " (unplugged or switched off?)"
	}
	return ""
}

// deadline is now+d, or ctx's deadline when that is sooner.
func deadline(ctx context.Context, d time.Duration) time.Time {
	t := time.Now().Add(d)
	if cd, ok := ctx.Deadline(); ok && cd.Before(t) {
		return cd
	}
	return t
}

// write sends p within the write timeout.
func (l *link) write(ctx context.Context, p []byte) error {
	// Regular files have no deadlines and need none.
	_ = l.port.SetWriteDeadline(deadline(ctx, l.opt.writeTimeout()))
	if _, err := l.port.Write(p); err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return fmt.Errorf("%w: it took no data for %v", ErrOffline, l.opt.writeTimeout())
		}
		return ioError(err)
	}
	return nil
}

// asker returns a function asking DLE EOT n, each answer awaited for
// within wait.
func (l *link) asker(ctx context.Context, wait time.Duration) asker {
	return func(n byte) (byte, error) {
		if err := l.write(ctx, statusRequest(n)); err != nil {
			return 0, err
		}
		_ = l.port.SetReadDeadline(deadline(ctx, wait))
		var buf [16]byte
		for {
			k, err := l.port.Read(buf[:])
			for _, c := range buf[:k] {
				if isStatusByte(c) {
					return c, nil
				}
			}
			switch {
			case err == nil:
			case errors.Is(err, os.ErrDeadlineExceeded):
				return 0, fmt.Errorf("%w: no answer to a status request within %v (for a printer that never answers, set status=off)", ErrOffline, wait)
			case l.kind == "usb" && errors.Is(err, syscall.EINVAL):
				return 0, errNoStatus // usblp: a unidirectional printer
			default:
				return 0, ioError(err)
			}
		}
	}
}

func ioError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return fmt.Errorf("%w: it closed the connection", ErrOffline)
	}
	return fmt.Errorf("%w: %w", ErrOffline, err)
}

// ready is nil when the printer says it is ready, or cannot say.
func (l *link) ready(ctx context.Context) error {
	if !l.canAsk {
		return nil
	}
	err := diagnose(l.asker(ctx, l.opt.replyTimeout()))
	if errors.Is(err, errNoStatus) {
		l.canAsk = false
		return nil
	}
	return err
}

// confirm waits, after a job, for the printer to answer a status request:
// it answers once it has taken in everything before it, so the answer
// proves the job arrived. An offline answer is diagnosed.
func (l *link) confirm(ctx context.Context) error {
	if !l.canAsk {
		return nil
	}
	ask := l.asker(ctx, l.opt.writeTimeout())
	st, err := ask(1)
	switch {
	case errors.Is(err, errNoStatus):
		return nil
	case err != nil:
		return err
	case st&stOffline != 0:
		return offlineCause(l.asker(ctx, l.opt.replyTimeout()))
	}
	return nil
}
