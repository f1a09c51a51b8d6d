package ui

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"till/store"
	"till/store/catalog"
	"till/store/money"
	"till/store/sale"
)

// memStore keeps the open sale in memory, to measure the UI alone.
type memStore struct{ open *sale.Sale }

func (s *memStore) SaveOpenSaleJournal(sl *sale.Sale, _ ...store.JournalChange) (bool, error) {
	s.open = sl
	return true, nil
}
func (s *memStore) CompleteSale(sl *sale.Sale, now time.Time, _ ...store.JournalChange) (*sale.Sale, error) {
	return sl, nil
}
func (s *memStore) LastSale() (*sale.Sale, error)           { return nil, nil }
func (s *memStore) SaleByNumber(uint64) (*sale.Sale, error) { return nil, store.ErrNotFound }
func (s *memStore) UpdateSaleJournal(uint64, func(*sale.Sale) ([]store.JournalChange, error)) (*sale.Sale, error) {
	return nil, store.ErrNotFound
}

// benchModel is a till with a 100,000-item catalog and a 200-line cart.
func benchModel(b *testing.B, st Store) (*Model, []string) {
	items := make([]sale.Item, 100_000)
	codes := make([]string, len(items))
	for i := range items {
		codes[i] = fmt.Sprintf("SKU%06d", i)
		items[i] = sale.Item{SKU: codes[i], Name: fmt.Sprintf("Item number %d 商品", i), Price: money.Amount(100 + i%5000), TaxClass: "standard"}
	}
	cat := catalog.New(items)
	open := sale.New("bench-sale", "TWD", testNow)
	for i := 0; i < 200; i++ {
		if _, err := open.Add(items[i*7], codes[i*7], items[i*7].Price, 1); err != nil {
			b.Fatal(err)
		}
	}
	m := New(Options{Store: st, Catalog: cat, Currency: twd, Tax: taxIncl, Embedded: rules,
		StoreName: "Bench", OpenSale: open, NewID: func() string { return "x" }, Now: func() time.Time { return testNow }})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	return m, codes
}

// benchScanToView measures one scan as the clerk sees it: the scan message,
// the save it causes, the saved message, and the redrawn screen.
func benchScanToView(b *testing.B, st Store) {
	m, codes := benchModel(b, st)
	base := m.sale.Clone()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if i%50 == 0 { // keep the cart near 200 lines
			fresh := base.Clone()
			fresh.Rev = m.sale.Rev // the store ignores older revisions
			m.sale, m.shown = fresh, fresh.Clone()
		}
		_, cmd := m.Update(ScanMsg{Code: codes[(i*7919)%len(codes)]})
		if cmd == nil {
			b.Fatal("scan caused no save")
		}
		m.Update(cmd())
		_ = m.View()
	}
}

// BenchmarkScanToView saves every scan to a real database file, fsync
// included.
func BenchmarkScanToView(b *testing.B) {
	db, err := store.Open(b.TempDir() + "/bench.db")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	benchScanToView(b, db)
}

// BenchmarkScanToViewNoDisk is the same without the disk: the UI's own cost.
func BenchmarkScanToViewNoDisk(b *testing.B) {
	benchScanToView(b, &memStore{})
}
