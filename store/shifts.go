package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"till/store/money"
)

// Shift is a period of trading with one cash float, from its opening to
// its close with a Z report. At most one shift is open at a time. A closed
// shift is never reopened or changed.
type Shift struct {
	// Number is the Z number, given when the shift closes: 1, 2, 3...
	// without gaps. Zero while the shift is open.
	Number   uint64    `json:"number,omitempty"`
	ID       string    `json:"id"`
	OpenedBy string    `json:"opened_by"`
	Opened   time.Time `json:"opened"`
	// Since is where the shift's reports start: the previous shift's
	// close, so that a sale completed between two shifts is in the next
	// one's report rather than in none; Opened for the first shift.
	Since    time.Time    `json:"since"`
	Float    money.Amount `json:"float"` // cash in the drawer at the opening
	ClosedBy string       `json:"closed_by,omitempty"`
	Closed   time.Time    `json:"closed,omitzero"`
	Counted  money.Amount `json:"counted"` // cash counted in the drawer at the close
}

// IsOpen reports whether the shift has not been closed.
func (s Shift) IsOpen() bool { return s.Number == 0 }

// Errors from shifts.
var (
	ErrShiftOpen = errors.New("a shift is already open: close it with a Z report first")
	ErrNoShift   = errors.New("no shift is open")
)

// OpenShift opens a shift with float in the drawer, by an active user
// (clerk or manager).
func (db *DB) OpenShift(by string, float money.Amount, now time.Time) (Shift, error) {
	if float < 0 {
		return Shift{}, errors.New("opening a shift: the float cannot be negative")
	}
	var out Shift
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b, err := buckets(tx, bucketMeta, bucketShifts, bucketShiftNumbers)
		if err != nil {
			return err
		}
		meta, sb, nb := b[0], b[1], b[2]
		if meta.Get(keyOpenShift) != nil {
			return ErrShiftOpen
		}
		u, err := activeUser(tx, by, "")
		if err != nil {
			return err
		}
		out = Shift{ID: uuid.NewString(), OpenedBy: u.ID, Opened: now, Since: now, Float: float}
		if _, key := nb.Cursor().Last(); key != nil {
			prev, err := shiftAt(sb, key)
			if err != nil {
				return err
			}
			out.Since = prev.Closed
		}
		seq, err := sb.NextSequence()
		if err != nil {
			return err
		}
		key := encodeUint(seq)
		if err := putShift(sb, key, &out); err != nil {
			return err
		}
		return meta.Put(keyOpenShift, key)
	})
	if err != nil {
		return Shift{}, fmt.Errorf("opening a shift: %w", err)
	}
	return out, nil
}

// CurrentShift returns the open shift, or nil when none is open.
func (db *DB) CurrentShift() (*Shift, error) {
	var out *Shift
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b, err := buckets(tx, bucketMeta, bucketShifts)
		if err != nil {
			return err
		}
		key := b[0].Get(keyOpenShift)
		if key == nil {
			return nil
		}
		s, err := shiftAt(b[1], key)
		out = &s
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reading the open shift: %w", err)
	}
	return out, nil
}

// CloseShift closes the open shift by an active user, with the cash
// counted in the drawer, and gives it the next Z number, all in one
// transaction. It returns the closed shift; ErrNoShift when none is open.
func (db *DB) CloseShift(by string, counted money.Amount, now time.Time) (Shift, error) {
	if counted < 0 {
		return Shift{}, errors.New("closing the shift: the cash counted cannot be negative")
	}
	var out Shift
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b, err := buckets(tx, bucketMeta, bucketShifts, bucketShiftNumbers)
		if err != nil {
			return err
		}
		meta, sb, nb := b[0], b[1], b[2]
		key := meta.Get(keyOpenShift)
		if key == nil {
			return ErrNoShift
		}
		key = append([]byte(nil), key...) // meta is written below
		if out, err = shiftAt(sb, key); err != nil {
			return err
		}
		u, err := activeUser(tx, by, "")
		if err != nil {
			return err
		}
		// Rolled back with a failed transaction: Z numbers have no gaps.
		n, err := nb.NextSequence()
		if err != nil {
			return err
		}
		out.Number, out.ClosedBy, out.Closed, out.Counted = n, u.ID, now, counted
		if err := putShift(sb, key, &out); err != nil {
			return err
		}
		if err := nb.Put(encodeUint(n), key); err != nil {
			return err
		}
		return meta.Delete(keyOpenShift)
	})
	if err != nil {
		return Shift{}, fmt.Errorf("closing the shift: %w", err)
	}
	return out, nil
}

// ShiftByNumber returns the closed shift with Z number n, or an error
// wrapping ErrNotFound.
func (db *DB) ShiftByNumber(n uint64) (Shift, error) {
	var out Shift
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b, err := buckets(tx, bucketShifts, bucketShiftNumbers)
		if err != nil {
			return err
		}
		key := b[1].Get(encodeUint(n))
		if key == nil {
			return ErrNotFound
		}
		out, err = shiftAt(b[0], key)
		if err == nil && out.Number != n {
			err = fmt.Errorf("Z %d points to the shift holding Z %d", n, out.Number)
		}
		return err
	})
	if err != nil {
		return Shift{}, fmt.Errorf("reading Z %d: %w", n, err)
	}
	return out, nil
}

// Shifts returns every shift, the open one too, in the order they were
// opened.
func (db *DB) Shifts() ([]Shift, error) {
	var out []Shift
	err := db.bolt.View(func(tx *bolt.Tx) error {
		sb, err := bucket(tx, bucketShifts)
		if err != nil {
			return err
		}
		return sb.ForEach(func(k, v []byte) error {
			var s Shift
			if err := decode(bucketShifts, k, v, &s); err != nil {
				return err
			}
			out = append(out, s)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("reading shifts: %w", err)
	}
	return out, nil
}

func shiftAt(sb *bolt.Bucket, key []byte) (Shift, error) {
	raw := sb.Get(key)
	if raw == nil {
		n, _ := decodeUint(key)
		return Shift{}, fmt.Errorf("shift %d is missing", n)
	}
	var s Shift
	err := decode(bucketShifts, key, raw, &s)
	return s, err
}

func putShift(sb *bolt.Bucket, key []byte, s *Shift) error {
	v, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encoding: %w", err)
	}
	if err := sb.Put(key, v); err != nil {
		return err
	}
	// Return what a later read will see (times as JSON keeps them).
	return json.Unmarshal(v, s)
}
