package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"till/store/sale"
)

// OpState is where a payment-provider operation stands in the journal.
type OpState string

// Journal states.
const (
	OpQueued  OpState = "queued"  // written, not sent yet (or waiting for the provider to come back)
	OpSent    OpState = "sent"    // on the wire; a crash here leaves the outcome to be looked up
	OpDone    OpState = "done"    // settled (approved or declined: see Outcome)
	OpFailed  OpState = "failed"  // gave up: will not be retried (e.g. refused as invalid)
	OpUnknown OpState = "unknown" // answer lost: to be reconciled by a look-up
	OpReview  OpState = "review"  // needs a person (e.g. no look-up exists); a manager settles it with a note
)

var opStates = []OpState{OpQueued, OpSent, OpDone, OpFailed, OpUnknown, OpReview}

// JournalEntry is one payment-provider operation. The operation and its
// outcome are the providers' business, so they are kept as opaque JSON
// (stored compacted).
type JournalEntry struct {
	Seq        uint64          `json:"seq"` // assigned on append, strictly increasing, never reused
	Provider   string          `json:"provider"`
	Kind       string          `json:"kind"` // "pay", "void", "refund", "lookup", ...
	Key        string          `json:"key"`  // idempotency key, unique in the journal
	SaleID     string          `json:"sale_id"`
	Deferrable bool            `json:"deferrable"` // may wait for the provider and be replayed; a charge may not
	State      OpState         `json:"state"`
	Op         json.RawMessage `json:"op"`
	Outcome    json.RawMessage `json:"outcome,omitempty"`
	Attempts   int             `json:"attempts"`
	NextTry    time.Time       `json:"next_try,omitzero"`
	LastError  string          `json:"last_error,omitempty"` // plain words, never a credential
	Note       string          `json:"note,omitempty"`       // a manager's note when settling a review
	ResolvedBy string          `json:"resolved_by,omitempty"`
	Created    time.Time       `json:"created"`
	Updated    time.Time       `json:"updated"`
}

// ErrDuplicateKey reports an append whose idempotency key is already in
// the journal.
var ErrDuplicateKey = errors.New("idempotency key is already in the journal")

// JournalChange is one journal write made together with the open sale by
// SaveOpenSaleJournal: either Append, or Update applied to the entry with
// Key.
type JournalChange struct {
	Append *JournalEntry
	Key    string
	Update func(*JournalEntry) error
}

// JournalAppend adds e to the journal in its own fsynced transaction and
// returns it as stored. Seq is assigned; State defaults to OpQueued and
// Created and Updated to now. The Key must be new: a duplicate is refused
// with ErrDuplicateKey and the existing entry is left as it was.
func (db *DB) JournalAppend(e JournalEntry) (JournalEntry, error) {
	var out JournalEntry
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		j, err := journalOf(tx)
		if err != nil {
			return err
		}
		out, err = j.append(e, time.Now())
		return err
	})
	if err != nil {
		return JournalEntry{}, fmt.Errorf("appending %q to the journal: %w", e.Key, err)
	}
	return out, nil
}

// JournalUpdate changes the entry with key in one transaction: fn gets the
// stored entry and may change it, except its Seq, Key, Provider, SaleID,
// Kind and Created. Updated is set to now. When fn fails nothing is
// written. A missing key is an error wrapping ErrNotFound.
func (db *DB) JournalUpdate(key string, fn func(*JournalEntry) error) (JournalEntry, error) {
	var out JournalEntry
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		j, err := journalOf(tx)
		if err != nil {
			return err
		}
		out, err = j.update(key, fn, time.Now())
		return err
	})
	if err != nil {
		return JournalEntry{}, fmt.Errorf("updating journal entry %q: %w", key, err)
	}
	return out, nil
}

// JournalGet returns the entry with key, or an error wrapping ErrNotFound.
func (db *DB) JournalGet(key string) (JournalEntry, error) {
	var out JournalEntry
	err := db.bolt.View(func(tx *bolt.Tx) error {
		j, err := journalOf(tx)
		if err != nil {
			return err
		}
		out, err = j.get(key)
		return err
	})
	if err != nil {
		return JournalEntry{}, fmt.Errorf("reading journal entry %q: %w", key, err)
	}
	return out, nil
}

// Journal returns the entries in any of states, or all of them when none
// are given, in Seq order.
func (db *DB) Journal(states ...OpState) ([]JournalEntry, error) {
	var out []JournalEntry
	err := db.bolt.View(func(tx *bolt.Tx) error {
		j, err := journalOf(tx)
		if err != nil {
			return err
		}
		keep := func(e *JournalEntry) error {
			if len(states) == 0 || slices.Contains(states, e.State) {
				out = append(out, *e)
			}
			return nil
		}
		if len(states) > 0 && !slices.ContainsFunc(states, func(s OpState) bool { return !isOpen(s) }) {
			return j.forEachOpen(keep)
		}
		return j.forEach(keep)
	})
	if err != nil {
		return nil, fmt.Errorf("reading the journal: %w", err)
	}
	return out, nil
}

// JournalCounts is the number of entries in each state; states with none
// are absent.
func (db *DB) JournalCounts() (map[OpState]int, error) {
	counts := map[OpState]int{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		j, err := journalOf(tx)
		if err != nil {
			return err
		}
		return j.entries.ForEach(func(k, v []byte) error {
			seq, err := journalSeq(k)
			if err != nil {
				return err
			}
			// Only the state is needed; Unmarshal still checks the whole value.
			var e struct {
				State OpState `json:"state"`
			}
			if err := json.Unmarshal(v, &e); err != nil {
				return damagedEntry(seq, err)
			}
			counts[e.State]++
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("counting the journal: %w", err)
	}
	return counts, nil
}

// SaveOpenSaleJournal stores s as the open sale under the same rules as
// SaveOpenSale and applies changes to the journal, all in one fsynced
// transaction, so a tender and its journal entry are never out of step.
// A stale s is not written (saved is false) but the changes still are.
// If any change fails, nothing at all is written. On success each
// Append is set to the entry as stored, with its Seq.
func (db *DB) SaveOpenSaleJournal(s *sale.Sale, changes ...JournalChange) (saved bool, err error) {
	if s == nil || s.ID == "" {
		return false, errors.New("saving the open sale: the sale has no ID")
	}
	v, err := json.Marshal(s)
	if err != nil {
		return false, fmt.Errorf("saving the open sale %s: encoding: %w", s.ID, err)
	}
	appended := make([]JournalEntry, len(changes))
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		ok, err := putOpenSale(tx, s, v)
		if err != nil {
			return err
		}
		if err := applyJournal(tx, changes, appended); err != nil {
			return err
		}
		saved = ok
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("saving the open sale %s: %w", s.ID, err)
	}
	filled(changes, appended)
	return saved, nil
}

// applyJournal applies changes inside tx, recording appended entries.
func applyJournal(tx *bolt.Tx, changes []JournalChange, appended []JournalEntry) error {
	if len(changes) == 0 {
		return nil
	}
	j, err := journalOf(tx)
	if err != nil {
		return err
	}
	now := time.Now()
	for i, c := range changes {
		switch {
		case c.Append != nil && c.Key == "" && c.Update == nil:
			if appended[i], err = j.append(*c.Append, now); err != nil {
				return fmt.Errorf("appending %q to the journal: %w", c.Append.Key, err)
			}
		case c.Append == nil && c.Update != nil:
			if _, err = j.update(c.Key, c.Update, now); err != nil {
				return fmt.Errorf("updating journal entry %q: %w", c.Key, err)
			}
		default:
			return fmt.Errorf("journal change %d must be either an Append or a Key with an Update", i+1)
		}
	}
	return nil
}

// filled gives each Append the entry as stored, once the commit is done,
// so a failed write leaves the caller's entries alone.
func filled(changes []JournalChange, appended []JournalEntry) {
	for i, c := range changes {
		if c.Append != nil {
			*c.Append = appended[i]
		}
	}
}

// putOpenSale writes v, the encoded s, as the open sale inside tx under
// SaveOpenSale's rules and reports whether it was written.
func putOpenSale(tx *bolt.Tx, s *sale.Sale, v []byte) (bool, error) {
	ob, err := bucket(tx, bucketOpen)
	if err != nil {
		return false, err
	}
	sb, err := bucket(tx, bucketSales)
	if err != nil {
		return false, err
	}
	if sb.Get([]byte(s.ID)) != nil {
		return false, nil
	}
	if raw := ob.Get(keyOpenSale); raw != nil {
		var cur struct {
			ID  string `json:"id"`
			Rev uint64 `json:"rev"`
		}
		if err := decode(bucketOpen, keyOpenSale, raw, &cur); err != nil {
			return false, err
		}
		if cur.ID == s.ID && cur.Rev >= s.Rev {
			return false, nil
		}
	}
	if err := ob.Put(keyOpenSale, v); err != nil {
		return false, err
	}
	return true, nil
}

// journal is the journal's buckets within one transaction; open is nil
// while a v2 database is being migrated.
type journal struct {
	entries, keys, open *bolt.Bucket
}

func journalOf(tx *bolt.Tx) (journal, error) {
	b, err := buckets(tx, bucketJournal, bucketJournalKeys)
	if err != nil {
		return journal{}, err
	}
	return journal{entries: b[0], keys: b[1], open: tx.Bucket(bucketJournalOpen)}, nil
}

func (j journal) append(e JournalEntry, now time.Time) (JournalEntry, error) {
	if e.Key == "" {
		return JournalEntry{}, errors.New("the entry has no idempotency key")
	}
	if j.keys.Get([]byte(e.Key)) != nil {
		return JournalEntry{}, ErrDuplicateKey
	}
	if e.State == "" {
		e.State = OpQueued
	}
	if err := checkState(e.State); err != nil {
		return JournalEntry{}, err
	}
	if e.Created.IsZero() {
		e.Created = now
	}
	if e.Updated.IsZero() {
		e.Updated = now
	}
	// The bucket's sequence is stored with it and only moves forward, so
	// a committed Seq is never handed out again.
	seq, err := j.entries.NextSequence()
	if err != nil {
		return JournalEntry{}, err
	}
	e.Seq = seq
	if err := j.keys.Put([]byte(e.Key), encodeUint(seq)); err != nil {
		return JournalEntry{}, err
	}
	return j.put(&e)
}

func (j journal) update(key string, fn func(*JournalEntry) error, now time.Time) (JournalEntry, error) {
	if fn == nil {
		return JournalEntry{}, errors.New("no update given")
	}
	e, err := j.get(key)
	if err != nil {
		return JournalEntry{}, err
	}
	before := e
	if err := fn(&e); err != nil {
		return JournalEntry{}, err
	}
	if e.Seq != before.Seq || e.Key != before.Key || e.Provider != before.Provider ||
		e.SaleID != before.SaleID || e.Kind != before.Kind || !e.Created.Equal(before.Created) {
		return JournalEntry{}, errors.New("an entry's seq, key, provider, sale, kind and creation time cannot change")
	}
	if err := checkState(e.State); err != nil {
		return JournalEntry{}, err
	}
	e.Updated = now
	return j.put(&e)
}

// put writes e at its Seq and returns it as a later read will see it.
func (j journal) put(e *JournalEntry) (JournalEntry, error) {
	v, err := json.Marshal(e)
	if err != nil {
		return JournalEntry{}, fmt.Errorf("encoding: %w", err)
	}
	if err := j.entries.Put(encodeUint(e.Seq), v); err != nil {
		return JournalEntry{}, err
	}
	if j.open != nil {
		if isOpen(e.State) {
			err = j.open.Put(encodeUint(e.Seq), nil)
		} else {
			err = j.open.Delete(encodeUint(e.Seq))
		}
		if err != nil {
			return JournalEntry{}, err
		}
	}
	var out JournalEntry
	if err := json.Unmarshal(v, &out); err != nil {
		return JournalEntry{}, damagedEntry(e.Seq, err)
	}
	return out, nil
}

func (j journal) get(key string) (JournalEntry, error) {
	raw := j.keys.Get([]byte(key))
	if raw == nil {
		return JournalEntry{}, ErrNotFound
	}
	seq, err := journalSeq(raw)
	if err != nil {
		return JournalEntry{}, err
	}
	v := j.entries.Get(raw)
	if v == nil {
		return JournalEntry{}, fmt.Errorf("key points to seq %d, which is missing", seq)
	}
	var e JournalEntry
	if err := json.Unmarshal(v, &e); err != nil {
		return JournalEntry{}, damagedEntry(seq, err)
	}
	if e.Key != key || e.Seq != seq {
		return JournalEntry{}, fmt.Errorf("key points to seq %d, which holds %q at seq %d", seq, e.Key, e.Seq)
	}
	return e, nil
}

// forEach decodes every entry in Seq order.
func (j journal) forEach(fn func(e *JournalEntry) error) error {
	return j.entries.ForEach(func(k, v []byte) error {
		return decodeEntry(k, v, fn)
	})
}

// forEachOpen decodes the entries still open, in Seq order.
func (j journal) forEachOpen(fn func(e *JournalEntry) error) error {
	if j.open == nil {
		return errors.New(`bucket "journal_open" is missing`)
	}
	return j.open.ForEach(func(k, _ []byte) error {
		v := j.entries.Get(k)
		if v == nil {
			seq, _ := journalSeq(k)
			return fmt.Errorf("open journal entry at seq %d is missing", seq)
		}
		return decodeEntry(k, v, fn)
	})
}

func decodeEntry(k, v []byte, fn func(e *JournalEntry) error) error {
	seq, err := journalSeq(k)
	if err != nil {
		return err
	}
	var e JournalEntry
	if err := json.Unmarshal(v, &e); err != nil {
		return damagedEntry(seq, err)
	}
	return fn(&e)
}

// isOpen reports a state that still needs the replay or a person.
func isOpen(s OpState) bool {
	return s == OpQueued || s == OpSent || s == OpUnknown || s == OpReview
}

func journalSeq(k []byte) (uint64, error) {
	seq, err := decodeUint(k)
	if err != nil {
		return 0, fmt.Errorf("journal key %x is not a sequence number: %w", k, err)
	}
	return seq, nil
}

func damagedEntry(seq uint64, err error) error {
	return fmt.Errorf("damaged journal entry at seq %d: %w", seq, err)
}

func checkState(s OpState) error {
	if !slices.Contains(opStates, s) {
		return fmt.Errorf("unknown journal state %q", s)
	}
	return nil
}
