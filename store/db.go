// Package store is the till's database: the catalog, the sale on screen,
// the completed sales and the payment journal, in one bbolt file.
//
// Layout, schema version 4 (names are the constants below):
//
//	meta      "schema"       -> version, uint64 big-endian
//	          "last_receipt" -> last receipt number given, uint64 big-endian
//	          "open_shift"   -> key in shifts of the shift open now (v4)
//	items     SKU            -> JSON sale.Item
//	barcodes  barcode key    -> SKU
//	open      "sale"         -> JSON sale.Sale, the one sale on screen
//	sales     sale ID        -> JSON sale.Sale, completed
//	receipts  number (uint64 big-endian) -> sale ID
//	journal       seq (uint64 big-endian) -> JSON JournalEntry (v2)
//	journal_keys  idempotency key -> seq (v2)
//	journal_open  seq -> nothing, for every entry still open (v3)
//	users         user ID -> JSON userRecord (v4)
//	approvals     seq (uint64 big-endian) -> JSON Approval (v4)
//	shifts        opening seq (uint64 big-endian) -> JSON Shift (v4)
//	shift_numbers Z number (uint64 big-endian) -> key in shifts (v4)
//
// Receipt numbers are big-endian so that bbolt's byte order is number
// order. Every write is one transaction, committed and fsynced before the
// call returns.
package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Bucket names and fixed keys: the whole on-disk layout.
var (
	bucketMeta     = []byte("meta")
	bucketItems    = []byte("items")
	bucketBarcodes = []byte("barcodes")
	bucketOpen     = []byte("open")
	bucketSales    = []byte("sales")
	bucketReceipts = []byte("receipts")
	// Schema v2: the payment-operation journal.
	bucketJournal     = []byte("journal")
	bucketJournalKeys = []byte("journal_keys")
	// Schema v3: seq -> nothing for every entry still open, so the replay
	// reads what waits without decoding the settled history.
	bucketJournalOpen = []byte("journal_open")
	// Schema v4: clerks and managers, manager approvals, shifts and the
	// index of closed shifts by Z number.
	bucketUsers        = []byte("users")
	bucketApprovals    = []byte("approvals")
	bucketShifts       = []byte("shifts")
	bucketShiftNumbers = []byte("shift_numbers")

	keySchema      = []byte("schema")
	keyLastReceipt = []byte("last_receipt")
	keyOpenSale    = []byte("sale")
	keyOpenShift   = []byte("open_shift")
)

// lockTimeout bounds the wait for a file another till holds; without it
// bbolt would block forever.
const lockTimeout = time.Second

// migration brings the database from version-1 to version.
type migration struct {
	version uint64
	apply   func(tx *bolt.Tx) error
}

// migrations run in order; a later schema appends a step here.
var migrations = []migration{
	{1, func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketItems, bucketBarcodes, bucketOpen, bucketSales, bucketReceipts} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("creating bucket %q: %w", name, err)
			}
		}
		return nil
	}},
	{2, func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketJournal, bucketJournalKeys} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("creating bucket %q: %w", name, err)
			}
		}
		return nil
	}},
	{3, func(tx *bolt.Tx) error {
		open, err := tx.CreateBucketIfNotExists(bucketJournalOpen)
		if err != nil {
			return fmt.Errorf("creating bucket %q: %w", bucketJournalOpen, err)
		}
		j, err := journalOf(tx)
		if err != nil {
			return err
		}
		return j.forEach(func(e *JournalEntry) error {
			if isOpen(e.State) {
				return open.Put(encodeUint(e.Seq), nil)
			}
			return nil
		})
	}},
	{4, func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketUsers, bucketApprovals, bucketShifts, bucketShiftNumbers} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("creating bucket %q: %w", name, err)
			}
		}
		return nil
	}},
}

// schemaVersion is the newest version this till understands.
var schemaVersion = migrations[len(migrations)-1].version

// ErrNotFound reports a sale that is not in the database.
var ErrNotFound = errors.New("not found")

// DB is an open till database. It is safe for concurrent use.
type DB struct {
	bolt *bolt.DB
	path string
}

// Open opens the database at path, creating it and its folder if needed,
// and brings its schema up to date.
func Open(path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating the folder for database %s: %w", path, err)
	}
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	switch {
	case err == nil:
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, fmt.Errorf("database %s is in use by another till", path)
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrChecksum),
		errors.Is(err, bolterrors.ErrVersionMismatch):
		return nil, fmt.Errorf("database %s is not a till database or is damaged: %w", path, err)
	default:
		return nil, fmt.Errorf("opening database %s: %w", path, err)
	}
	db := &DB{bolt: b, path: path}
	if err := db.migrate(); err != nil {
		_ = b.Close()
		return nil, fmt.Errorf("opening database %s: %w", path, err)
	}
	return db, nil
}

// migrate stamps a new file or upgrades an older one, all in one
// transaction so a crash never leaves a half-upgraded schema.
func (db *DB) migrate() error {
	return db.bolt.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return fmt.Errorf("creating bucket %q: %w", bucketMeta, err)
		}
		var v uint64
		if raw := meta.Get(keySchema); raw != nil {
			if v, err = decodeUint(raw); err != nil {
				return fmt.Errorf("reading the schema version: %w", err)
			}
		}
		if v > schemaVersion {
			return fmt.Errorf("database schema v%d is newer than this till understands (v%d)", v, schemaVersion)
		}
		for _, m := range migrations {
			if m.version <= v {
				continue
			}
			if err := m.apply(tx); err != nil {
				return fmt.Errorf("upgrading to schema v%d: %w", m.version, err)
			}
			if err := meta.Put(keySchema, encodeUint(m.version)); err != nil {
				return fmt.Errorf("stamping schema v%d: %w", m.version, err)
			}
		}
		return nil
	})
}

// Close closes the database file.
func (db *DB) Close() error {
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("closing database %s: %w", db.path, err)
	}
	return nil
}

// Path is the file the database was opened from.
func (db *DB) Path() string { return db.path }

// bucket returns a bucket that the schema guarantees, as an error rather
// than a nil dereference if the file was tampered with.
func bucket(tx *bolt.Tx, name []byte) (*bolt.Bucket, error) {
	b := tx.Bucket(name)
	if b == nil {
		return nil, fmt.Errorf("bucket %q is missing", name)
	}
	return b, nil
}

func encodeUint(n uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, n)
}

func decodeUint(raw []byte) (uint64, error) {
	if len(raw) != 8 {
		return 0, fmt.Errorf("want 8 bytes, found %d", len(raw))
	}
	return binary.BigEndian.Uint64(raw), nil
}

// decode unmarshals a stored value, naming where it came from when the
// value is damaged.
func decode(bucketName, key, raw []byte, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("damaged value in bucket %q at key %q: %w", bucketName, key, err)
	}
	return nil
}
