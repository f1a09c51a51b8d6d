package store

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"till/store/money"
	"till/store/sale"
)

// openTemp opens a fresh database in a temporary folder, closed when the
// test ends.
func openTemp(tb testing.TB) *DB {
	tb.Helper()
	db, err := Open(filepath.Join(tb.TempDir(), "till", "till.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}

func reopen(tb testing.TB, db *DB) *DB {
	tb.Helper()
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
	db2, err := Open(db.Path())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db2.Close() })
	return db2
}

var t0 = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// genItems makes n items with SKUs in reverse order (so sorting matters)
// and one or two barcodes each.
func genItems(n int) []sale.Item {
	items := make([]sale.Item, n)
	for i := range items {
		k := n - i
		it := sale.Item{
			SKU:      fmt.Sprintf("SKU%07d", k),
			Barcodes: []string{fmt.Sprintf("47100%08d", k)},
			Name:     fmt.Sprintf("Item number %d", k),
			Price:    money.Amount(100 + k%5000),
			TaxClass: "std",
		}
		if k%2 == 0 {
			it.Barcodes = append(it.Barcodes, fmt.Sprintf("2%012d", k))
		}
		if k%7 == 0 {
			it.Weighed = true
		}
		items[i] = it
	}
	return items
}

// genSale makes a sale with n lines and one cash tender.
func genSale(id string, n int) *sale.Sale {
	s := sale.New(id, "TWD", t0)
	for i := 0; i < n; i++ {
		s.Lines = append(s.Lines, sale.Line{
			ID: s.NextLineID, SKU: fmt.Sprintf("SKU%07d", i), Name: fmt.Sprintf("Item number %d", i),
			Code: fmt.Sprintf("47100%08d", i), TaxClass: "std", UnitPrice: money.Amount(100 + i), Qty: int64(1 + i%3),
			Voided: i%17 == 0,
		})
		s.NextLineID++
		s.Rev++
	}
	s.Tenders = []sale.Tender{{Method: sale.MethodCash, Amount: 1000, Tendered: 2000, Change: 1000, Status: sale.TenderApproved, At: t0.Add(time.Minute)}}
	s.Rev++
	return s
}
