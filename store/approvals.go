package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Approval actions the till records. Others may be added: an action is
// any short lower-case word or words joined by hyphens.
const (
	ActionVoidSale      = "void-sale"      // cancel a sale, or a line of one, after payment started
	ActionRefund        = "refund"         // refund or void a payment of a completed sale
	ActionPriceOverride = "price-override" // sell at another price than the catalog's
	ActionNoSale        = "no-sale"        // open the drawer without a sale
	ActionResolve       = "resolve"        // settle an operation by hand (till resolve)
	ActionLeaveKiosk    = "leave-kiosk"    // leave kiosk mode
	ActionCloseShift    = "close-shift"    // close a shift with a Z report
)

// MaxApprovalDetail bounds an approval's free text.
const MaxApprovalDetail = 200

// Approval is a manager's consent to something a clerk may not do alone.
// Approvals are only ever added, never changed or removed.
type Approval struct {
	Seq    uint64    `json:"seq"` // assigned on record: 1, 2, 3... without gaps
	At     time.Time `json:"at"`
	By     string    `json:"by"`            // the manager's user ID
	For    string    `json:"for,omitempty"` // the clerk's user ID, if a clerk asked
	Action string    `json:"action"`
	Detail string    `json:"detail,omitempty"` // e.g. "receipt 000042, 35.00 LINE Pay"
}

// RecordApproval stores a in its own transaction and returns it as stored,
// with its Seq. By must be an active manager; For, when set, a known user;
// At defaults to now.
func (db *DB) RecordApproval(a Approval) (Approval, error) {
	if err := checkAction(a.Action); err != nil {
		return Approval{}, err
	}
	if len(a.Detail) > MaxApprovalDetail {
		return Approval{}, fmt.Errorf("an approval's detail is at most %d bytes", MaxApprovalDetail)
	}
	if a.At.IsZero() {
		a.At = time.Now()
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		ab, err := bucket(tx, bucketApprovals)
		if err != nil {
			return err
		}
		by, err := activeUser(tx, a.By, RoleManager)
		if err != nil {
			return err
		}
		a.By = by.ID
		if a.For != "" {
			u, err := userIn(tx, a.For)
			if errors.Is(err, ErrNotFound) {
				return fmt.Errorf("no user %s", strings.ToLower(a.For))
			}
			if err != nil {
				return err
			}
			a.For = u.ID
		}
		// The bucket's sequence is rolled back with a failed transaction,
		// so committed approvals are numbered without gaps.
		if a.Seq, err = ab.NextSequence(); err != nil {
			return err
		}
		v, err := json.Marshal(a)
		if err != nil {
			return fmt.Errorf("encoding: %w", err)
		}
		if err := ab.Put(encodeUint(a.Seq), v); err != nil {
			return err
		}
		// Return what a later read will see.
		return json.Unmarshal(v, &a)
	})
	if err != nil {
		return Approval{}, fmt.Errorf("recording the %s approval: %w", a.Action, err)
	}
	return a, nil
}

func checkAction(action string) error {
	ok := action != "" && len(action) <= 32 && action[0] != '-' && action[len(action)-1] != '-'
	for i := 0; ok && i < len(action); i++ {
		c := action[i]
		ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
	}
	if !ok {
		return fmt.Errorf("approval action %q is not a lower-case word like %q", action, ActionNoSale)
	}
	return nil
}

// Approvals returns the approvals given in [from, to), in Seq order. A
// zero from or to leaves that end open.
func (db *DB) Approvals(from, to time.Time) ([]Approval, error) {
	var out []Approval
	err := db.bolt.View(func(tx *bolt.Tx) error {
		ab, err := bucket(tx, bucketApprovals)
		if err != nil {
			return err
		}
		return ab.ForEach(func(k, v []byte) error {
			var a Approval
			if err := decode(bucketApprovals, k, v, &a); err != nil {
				return err
			}
			if inWindow(a.At, from, to) {
				out = append(out, a)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("reading approvals: %w", err)
	}
	return out, nil
}

// inWindow reports whether t lies in [from, to); a zero from or to leaves
// that end open.
func inWindow(t, from, to time.Time) bool {
	return (from.IsZero() || !t.Before(from)) && (to.IsZero() || t.Before(to))
}
