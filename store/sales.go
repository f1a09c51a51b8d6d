package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"till/store/sale"
)

// SaveOpenSale stores s as the sale on screen, in its own fsynced
// transaction. It writes nothing and returns false when the stored open
// sale has the same ID and a Rev at least s.Rev, or when s has already
// been completed: a late save of an older state must not undo a newer one.
func (db *DB) SaveOpenSale(s *sale.Sale) (saved bool, err error) {
	return db.SaveOpenSaleJournal(s)
}

// OpenSale returns the sale that was on screen, or nil when there is none.
func (db *DB) OpenSale() (*sale.Sale, error) {
	var s *sale.Sale
	err := db.bolt.View(func(tx *bolt.Tx) error {
		ob, err := bucket(tx, bucketOpen)
		if err != nil {
			return err
		}
		raw := ob.Get(keyOpenSale)
		if raw == nil {
			return nil
		}
		s = new(sale.Sale)
		return decode(bucketOpen, keyOpenSale, raw, s)
	})
	if err != nil {
		return nil, fmt.Errorf("reading the open sale: %w", err)
	}
	return s, nil
}

// DiscardOpenSale forgets the sale on screen.
func (db *DB) DiscardOpenSale() error {
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		ob, err := bucket(tx, bucketOpen)
		if err != nil {
			return err
		}
		return ob.Delete(keyOpenSale)
	})
	if err != nil {
		return fmt.Errorf("discarding the open sale: %w", err)
	}
	return nil
}

// CompleteSale gives s the next receipt number, stamps it completed at now,
// stores it and removes it as the open sale, all in one transaction, so
// numbers have no gaps and a crash never leaves a sale both open and
// completed. Completing a sale again returns the stored one unchanged. On
// success s.Number and s.Completed are set to the stored values too.
// Journal changes (operations that follow the sale) are committed with it.
func (db *DB) CompleteSale(s *sale.Sale, now time.Time, changes ...JournalChange) (*sale.Sale, error) {
	if s == nil || s.ID == "" {
		return nil, errors.New("completing the sale: the sale has no ID")
	}
	var out *sale.Sale
	appended := make([]JournalEntry, len(changes))
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b, err := buckets(tx, bucketMeta, bucketOpen, bucketSales, bucketReceipts)
		if err != nil {
			return err
		}
		meta, ob, sb, rb := b[0], b[1], b[2], b[3]
		id := []byte(s.ID)

		if raw := ob.Get(keyOpenSale); raw != nil {
			var cur struct {
				ID string `json:"id"`
			}
			// A damaged open sale is about to be replaced anyway; only a
			// matching one must go.
			if json.Unmarshal(raw, &cur) == nil && cur.ID == s.ID {
				if err := ob.Delete(keyOpenSale); err != nil {
					return fmt.Errorf("removing the open sale: %w", err)
				}
			}
		}

		if raw := sb.Get(id); raw != nil {
			// Completed before (a retry after a lost answer): its journal
			// changes went with it then.
			out = new(sale.Sale)
			return decode(bucketSales, id, raw, out)
		}

		var last uint64
		if raw := meta.Get(keyLastReceipt); raw != nil {
			if last, err = decodeUint(raw); err != nil {
				return fmt.Errorf("reading the last receipt number: %w", err)
			}
		}
		n := last + 1
		key := encodeUint(n)
		if other := rb.Get(key); other != nil {
			return fmt.Errorf("receipt %d is already taken by sale %s", n, other)
		}
		c := s.Clone()
		c.Number = n
		c.Completed = now
		v, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("encoding: %w", err)
		}
		if err := sb.Put(id, v); err != nil {
			return err
		}
		if err := rb.Put(key, id); err != nil {
			return err
		}
		if err := meta.Put(keyLastReceipt, key); err != nil {
			return err
		}
		if err := applyJournal(tx, changes, appended); err != nil {
			return err
		}
		// Return what a later read will see, not the caller's copy.
		out = new(sale.Sale)
		return decode(bucketSales, id, v, out)
	})
	if err != nil {
		return nil, fmt.Errorf("completing sale %s: %w", s.ID, err)
	}
	filled(changes, appended)
	s.Number, s.Completed = out.Number, out.Completed
	return out, nil
}

// Sales returns every completed sale, by receipt number.
func (db *DB) Sales() ([]*sale.Sale, error) {
	var out []*sale.Sale
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b, err := buckets(tx, bucketSales, bucketReceipts)
		if err != nil {
			return err
		}
		return b[1].ForEach(func(k, id []byte) error {
			s, err := saleByID(b[0], k, id)
			if err != nil {
				return err
			}
			out = append(out, s)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("reading completed sales: %w", err)
	}
	return out, nil
}

// SaleByNumber returns the completed sale with receipt number n, or an
// error wrapping ErrNotFound.
func (db *DB) SaleByNumber(n uint64) (*sale.Sale, error) {
	var s *sale.Sale
	err := db.bolt.View(func(tx *bolt.Tx) (err error) {
		s, err = byNumber(tx, n)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reading receipt %d: %w", n, err)
	}
	return s, nil
}

// LastSale returns the most recently completed sale, or nil when there is
// none.
func (db *DB) LastSale() (*sale.Sale, error) {
	var s *sale.Sale
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b, err := buckets(tx, bucketSales, bucketReceipts)
		if err != nil {
			return err
		}
		k, id := b[1].Cursor().Last()
		if k == nil {
			return nil
		}
		s, err = saleByID(b[0], k, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reading the last sale: %w", err)
	}
	return s, nil
}

// byNumber reads the completed sale with receipt number n.
func byNumber(tx *bolt.Tx, n uint64) (*sale.Sale, error) {
	b, err := buckets(tx, bucketSales, bucketReceipts)
	if err != nil {
		return nil, err
	}
	key := encodeUint(n)
	id := b[1].Get(key)
	if id == nil {
		return nil, ErrNotFound
	}
	return saleByID(b[0], key, id)
}

// saleByID follows the receipt index entry number -> id.
func saleByID(sb *bolt.Bucket, number, id []byte) (*sale.Sale, error) {
	raw := sb.Get(id)
	if raw == nil {
		n, _ := decodeUint(number)
		return nil, fmt.Errorf("receipt %d points to sale %s, which is missing", n, id)
	}
	s := new(sale.Sale)
	if err := decode(bucketSales, id, raw, s); err != nil {
		return nil, err
	}
	return s, nil
}

func buckets(tx *bolt.Tx, names ...[]byte) ([]*bolt.Bucket, error) {
	out := make([]*bolt.Bucket, len(names))
	for i, name := range names {
		b, err := bucket(tx, name)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

// UpdateSale changes the completed sale with receipt number n, and applies
// journal changes with it, in one transaction: fn gets the stored sale and
// may change it (voids and refunds). Its number, ID and lines cannot be
// changed. When fn or a change fails nothing is written.
func (db *DB) UpdateSale(n uint64, fn func(*sale.Sale) error, changes ...JournalChange) (*sale.Sale, error) {
	return db.UpdateSaleJournal(n, func(s *sale.Sale) ([]JournalChange, error) { return changes, fn(s) })
}

// UpdateSaleJournal is UpdateSale for a change whose journal changes
// depend on the stored sale (a return's refunds): fn returns them.
func (db *DB) UpdateSaleJournal(n uint64, fn func(*sale.Sale) ([]JournalChange, error)) (*sale.Sale, error) {
	var out *sale.Sale
	var changes []JournalChange
	var appended []JournalEntry
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		s, err := byNumber(tx, n)
		if err != nil {
			return err
		}
		before := s.Clone()
		if changes, err = fn(s); err != nil {
			return err
		}
		if s.ID != before.ID || s.Number != before.Number || len(s.Lines) != len(before.Lines) {
			return errors.New("a completed sale's number, id and lines cannot change")
		}
		v, err := json.Marshal(s)
		if err != nil {
			return fmt.Errorf("encoding: %w", err)
		}
		out = s
		if err := tx.Bucket(bucketSales).Put([]byte(s.ID), v); err != nil {
			return err
		}
		appended = make([]JournalEntry, len(changes))
		return applyJournal(tx, changes, appended)
	})
	if err != nil {
		return nil, fmt.Errorf("updating receipt %d: %w", n, err)
	}
	filled(changes, appended)
	return out, nil
}

// CompletedByID returns the completed sale with the given ID, or an error
// wrapping ErrNotFound (it may still be open).
func (db *DB) CompletedByID(id string) (*sale.Sale, error) {
	var s *sale.Sale
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketSales)
		if err != nil {
			return err
		}
		raw := b.Get([]byte(id))
		if raw == nil {
			return ErrNotFound
		}
		s = new(sale.Sale)
		return decode(bucketSales, []byte(id), raw, s)
	})
	if err != nil {
		return nil, fmt.Errorf("finding sale %s: %w", id, err)
	}
	return s, nil
}
