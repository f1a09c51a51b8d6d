package printer

import (
	"errors"
	"fmt"
)

// Real-time status (DLE EOT n). An answer is one byte whose bit 0 and bit 7
// are 0 and bits 1 and 4 are 1, which tells it from the bytes of an
// automatic status back (its first byte has bit 1 clear).
const (
	statusMask  = 0x93
	statusFixed = 0x12

	// DLE EOT 1, printer status.
	stOffline = 0x08
	// DLE EOT 2, offline cause.
	causeCoverOpen = 0x04
	causeFeeding   = 0x08 // paper fed with the feed button
	causePaperEnd  = 0x20 // printing stopped for lack of paper
	causeError     = 0x40
	// DLE EOT 3, error cause.
	errCutter        = 0x08
	errUnrecoverable = 0x20
	errAutoRecover   = 0x40 // head too hot, voltage out of range: clears by itself
	// DLE EOT 4, roll paper sensor.
	paperEnd = 0x60
)

func isStatusByte(c byte) bool { return c&statusMask == statusFixed }

// errNoStatus: the transport cannot read the printer's answers after all
// (a unidirectional USB printer): its state cannot be told.
var errNoStatus = errors.New("printer does not report its status")

// asker sends DLE EOT n and returns the printer's answer.
type asker func(n byte) (byte, error)

// diagnose asks the printer whether it is ready: nil when online, else an
// error wrapping ErrNoPaper or ErrOffline with the cause. An online
// printer costs one question; an offline one up to four.
func diagnose(ask asker) error {
	st, err := ask(1)
	if err != nil {
		return err
	}
	if st&stOffline == 0 {
		return nil
	}
	return offlineCause(ask)
}

func offlineCause(ask asker) error {
	c, err := ask(2)
	if err != nil {
		return err
	}
	switch {
	case c&causePaperEnd != 0:
		return ErrNoPaper
	case c&causeCoverOpen != 0:
		return fmt.Errorf("%w: cover open", ErrOffline)
	case c&causeError != 0:
		e, err := ask(3)
		if err != nil {
			return err
		}
		return fmt.Errorf("%w: %s", ErrOffline, errorCause(e))
	case c&causeFeeding != 0:
		return fmt.Errorf("%w: paper is being fed with the feed button", ErrOffline)
	}
	// Some printers set no cause bit for a missing roll: the paper sensor
	// tells.
	p, err := ask(4)
	if err != nil {
		return err
	}
	if p&paperEnd != 0 {
		return ErrNoPaper
	}
	return ErrOffline
}

func errorCause(e byte) string {
	switch {
	case e&errCutter != 0:
		return "cutter error: clear the paper jam, then turn the printer off and on"
	case e&errUnrecoverable != 0:
		return "unrecoverable error: turn the printer off and on"
	case e&errAutoRecover != 0:
		return "print head too hot or power out of range: wait for it to recover"
	}
	return "printer error"
}
