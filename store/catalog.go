package store

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"till/store/sale"
)

// progressEvery is how many items ReplaceCatalog writes between progress
// reports.
const progressEvery = 5000

// catalogFill packs pages full: the catalog buckets are only ever
// rewritten whole, in key order, so pages never need room for inserts.
const catalogFill = 1.0

// ReplaceCatalog replaces the whole catalog with items in one transaction:
// either all of it is applied or none. progress, if not nil, is called
// after every 5,000 items written and once more, with len(items), after
// the catalog is committed.
func (db *DB) ReplaceCatalog(items []sale.Item, progress func(done int)) error {
	if err := db.replaceCatalog(items, progress); err != nil {
		return fmt.Errorf("replacing the catalog: %w", err)
	}
	if progress != nil {
		progress(len(items))
	}
	return nil
}

func (db *DB) replaceCatalog(items []sale.Item, progress func(done int)) error {
	// Sorted keys make every insert an append, which is what lets bbolt
	// write 100,000 items quickly.
	sorted := make([]*sale.Item, len(items))
	type barcode struct{ code, sku string }
	var codes []barcode
	for i := range items {
		it := &items[i]
		if it.SKU == "" {
			return fmt.Errorf("item %d (%q) has no SKU", i+1, it.Name)
		}
		sorted[i] = it
		for _, c := range it.Barcodes {
			if c == "" {
				return fmt.Errorf("item %q has an empty barcode", it.SKU)
			}
			codes = append(codes, barcode{c, it.SKU})
		}
	}
	slices.SortFunc(sorted, func(a, b *sale.Item) int { return cmp.Compare(a.SKU, b.SKU) })
	slices.SortFunc(codes, func(a, b barcode) int { return cmp.Compare(a.code, b.code) })
	// The caller validates, but a duplicate would silently drop an item or
	// send a barcode to the wrong one, so refuse it here as well.
	for i := 1; i < len(sorted); i++ {
		if sorted[i].SKU == sorted[i-1].SKU {
			return fmt.Errorf("SKU %q appears more than once", sorted[i].SKU)
		}
	}
	for i := 1; i < len(codes); i++ {
		if codes[i].code == codes[i-1].code && codes[i].sku != codes[i-1].sku {
			return fmt.Errorf("barcode %q is on both %q and %q", codes[i].code, codes[i-1].sku, codes[i].sku)
		}
	}

	return db.bolt.Update(func(tx *bolt.Tx) error {
		ib, err := recreate(tx, bucketItems)
		if err != nil {
			return err
		}
		bb, err := recreate(tx, bucketBarcodes)
		if err != nil {
			return err
		}
		for i, it := range sorted {
			v, err := json.Marshal(it)
			if err != nil {
				return fmt.Errorf("encoding item %q: %w", it.SKU, err)
			}
			if err := ib.Put([]byte(it.SKU), v); err != nil {
				return fmt.Errorf("writing item %q: %w", it.SKU, err)
			}
			if done := i + 1; progress != nil && done%progressEvery == 0 && done < len(sorted) {
				progress(done)
			}
		}
		for _, c := range codes {
			if err := bb.Put([]byte(c.code), []byte(c.sku)); err != nil {
				return fmt.Errorf("writing barcode %q: %w", c.code, err)
			}
		}
		return nil
	})
}

// recreate empties a bucket by dropping it, far cheaper than deleting
// keys one by one.
func recreate(tx *bolt.Tx, name []byte) (*bolt.Bucket, error) {
	if err := tx.DeleteBucket(name); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
		return nil, fmt.Errorf("clearing bucket %q: %w", name, err)
	}
	b, err := tx.CreateBucket(name)
	if err != nil {
		return nil, fmt.Errorf("creating bucket %q: %w", name, err)
	}
	b.FillPercent = catalogFill
	return b, nil
}

// Items returns the whole catalog in SKU order.
func (db *DB) Items() ([]sale.Item, error) {
	var out []sale.Item
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketItems)
		if err != nil {
			return err
		}
		out = make([]sale.Item, 0, b.Stats().KeyN)
		return b.ForEach(func(k, v []byte) error {
			var it sale.Item
			if err := decode(bucketItems, k, v, &it); err != nil {
				return err
			}
			out = append(out, it)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("reading the catalog: %w", err)
	}
	return out, nil
}

// CatalogSize is the number of items in the catalog.
func (db *DB) CatalogSize() (int, error) {
	var n int
	err := db.bolt.View(func(tx *bolt.Tx) error {
		b, err := bucket(tx, bucketItems)
		if err != nil {
			return err
		}
		n = b.Stats().KeyN
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("counting the catalog: %w", err)
	}
	return n, nil
}
