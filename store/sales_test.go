package store

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"till/store/sale"
)

func mustSave(t *testing.T, db *DB, s *sale.Sale) bool {
	t.Helper()
	saved, err := db.SaveOpenSale(s)
	if err != nil {
		t.Fatal(err)
	}
	return saved
}

func TestOpenSaleRoundTrip(t *testing.T) {
	db := openTemp(t)
	if s, err := db.OpenSale(); err != nil || s != nil {
		t.Fatalf("OpenSale on an empty database = %v, %v", s, err)
	}
	s := genSale("s1", 5)
	s.Lines[1].Weighed = true
	s.Lines[2].NonDiscountable = true
	s.Lines[3].TicketSaleID = "T-9"
	if !mustSave(t, db, s) {
		t.Fatal("first save not written")
	}
	db = reopen(t, db)
	got, err := db.OpenSale()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s) {
		t.Errorf("OpenSale = %+v\nwant %+v", got, s)
	}
}

func TestSaveOpenSaleRevisions(t *testing.T) {
	db := openTemp(t)
	s := genSale("s1", 2) // Rev 3
	if !mustSave(t, db, s) {
		t.Fatal("save not written")
	}
	older := s.Clone()
	newer := s.Clone()
	newer.Lines[0].Qty = 9
	newer.Rev++
	if !mustSave(t, db, newer) {
		t.Fatal("newer rev not written")
	}
	older.Lines[0].Qty = 5
	if mustSave(t, db, older) {
		t.Error("older rev written")
	}
	same := newer.Clone()
	same.Lines[0].Qty = 1
	if mustSave(t, db, same) {
		t.Error("same rev written")
	}
	if got, _ := db.OpenSale(); got.Rev != newer.Rev || got.Lines[0].Qty != 9 {
		t.Errorf("stored rev %d qty %d, want rev %d qty 9", got.Rev, got.Lines[0].Qty, newer.Rev)
	}

	// A different sale replaces it whatever its rev.
	other := sale.New("s2", "TWD", t0)
	if !mustSave(t, db, other) {
		t.Error("a different sale with rev 0 was not written")
	}
	if got, _ := db.OpenSale(); got.ID != "s2" {
		t.Errorf("open sale %s, want s2", got.ID)
	}

	if err := db.DiscardOpenSale(); err != nil {
		t.Fatal(err)
	}
	if got, err := db.OpenSale(); err != nil || got != nil {
		t.Errorf("after discard OpenSale = %v, %v", got, err)
	}
	if err := db.DiscardOpenSale(); err != nil {
		t.Errorf("discarding nothing: %v", err)
	}
}

func TestSaveOpenSaleConcurrentKeepsNewest(t *testing.T) {
	db := openTemp(t)
	base := genSale("s1", 1)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			s := base.Clone()
			s.Rev = uint64(i + 1)
			if _, err := db.SaveOpenSale(s); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got, _ := db.OpenSale(); got.Rev != 20 {
		t.Errorf("stored rev %d, want 20", got.Rev)
	}
}

func TestSaveOpenSaleRefusesNoID(t *testing.T) {
	db := openTemp(t)
	if _, err := db.SaveOpenSale(&sale.Sale{}); err == nil {
		t.Error("saved a sale with no ID")
	}
	if _, err := db.SaveOpenSale(nil); err == nil {
		t.Error("saved a nil sale")
	}
}

func TestOpenSaleDamaged(t *testing.T) {
	db := openTemp(t)
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOpen).Put(keyOpenSale, []byte(`{"id": 12`))
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.OpenSale(); err == nil || !strings.Contains(err.Error(), `"sale"`) {
		t.Errorf("OpenSale of a damaged value: %v", err)
	}
	if _, err := db.SaveOpenSale(genSale("s1", 1)); err == nil || !strings.HasPrefix(err.Error(), "saving the open sale") {
		t.Errorf("SaveOpenSale over a damaged value: %v", err)
	}
	// Discarding is the way out.
	if err := db.DiscardOpenSale(); err != nil {
		t.Fatal(err)
	}
	if !mustSave(t, db, genSale("s1", 1)) {
		t.Error("save after discard not written")
	}
}

func TestCompleteSale(t *testing.T) {
	db := openTemp(t)
	if s, err := db.LastSale(); err != nil || s != nil {
		t.Fatalf("LastSale on an empty database = %v, %v", s, err)
	}
	if s, err := db.Sales(); err != nil || len(s) != 0 {
		t.Fatalf("Sales on an empty database = %v, %v", s, err)
	}

	var done []*sale.Sale
	for i := 1; i <= 3; i++ {
		s := genSale(fmt.Sprintf("s%d", i), i)
		mustSave(t, db, s)
		at := t0.Add(time.Duration(i) * time.Hour)
		got, err := db.CompleteSale(s, at)
		if err != nil {
			t.Fatal(err)
		}
		if got.Number != uint64(i) || !got.Completed.Equal(at) {
			t.Errorf("sale %d: number %d completed %v", i, got.Number, got.Completed)
		}
		if s.Number != got.Number || !s.Completed.Equal(at) {
			t.Errorf("sale %d: caller's copy has number %d completed %v", i, s.Number, s.Completed)
		}
		if open, err := db.OpenSale(); err != nil || open != nil {
			t.Errorf("sale %d still open after completion: %v, %v", i, open, err)
		}
		done = append(done, got)
		if i == 2 {
			db = reopen(t, db) // numbering carries over
		}
	}

	// Completing again changes nothing and gives no new number.
	again := done[1].Clone()
	again.Number = 0
	again.Lines = nil
	got, err := db.CompleteSale(again, t0.Add(99*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, done[1]) {
		t.Errorf("re-complete = %+v\nwant %+v", got, done[1])
	}

	db = reopen(t, db)
	all, err := db.Sales()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(all, done) {
		t.Errorf("Sales = %+v\nwant %+v", all, done)
	}
	for _, want := range done {
		got, err := db.SaleByNumber(want.Number)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("SaleByNumber(%d) = %+v\nwant %+v", want.Number, got, want)
		}
	}
	last, err := db.LastSale()
	if err != nil || !reflect.DeepEqual(last, done[2]) {
		t.Errorf("LastSale = %+v, %v", last, err)
	}
	for _, n := range []uint64{0, 4, 1 << 40} {
		if _, err := db.SaleByNumber(n); !errors.Is(err, ErrNotFound) {
			t.Errorf("SaleByNumber(%d) error %v, want ErrNotFound", n, err)
		}
	}

	next, err := db.CompleteSale(genSale("s4", 1), t0)
	if err != nil || next.Number != 4 {
		t.Errorf("fourth sale number %d, %v", next.Number, err)
	}
}

func TestCompleteSaleLeavesOtherOpenSale(t *testing.T) {
	db := openTemp(t)
	mustSave(t, db, genSale("on-screen", 1))
	if _, err := db.CompleteSale(genSale("other", 1), t0); err != nil {
		t.Fatal(err)
	}
	if open, _ := db.OpenSale(); open == nil || open.ID != "on-screen" {
		t.Errorf("open sale = %v, want on-screen", open)
	}
}

func TestSaveAfterCompleteIgnored(t *testing.T) {
	db := openTemp(t)
	s := genSale("s1", 1)
	if _, err := db.CompleteSale(s, t0); err != nil {
		t.Fatal(err)
	}
	late := s.Clone()
	late.Rev++
	if mustSave(t, db, late) {
		t.Error("a save of a completed sale was written")
	}
	if open, _ := db.OpenSale(); open != nil {
		t.Errorf("completed sale came back as open: %+v", open)
	}
}

func TestConcurrentCompletionsGapFree(t *testing.T) {
	db := openTemp(t)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if _, err := db.CompleteSale(genSale(fmt.Sprintf("s%02d", i), 1), t0); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	all, err := db.Sales()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i, s := range all {
		if s.Number != uint64(i+1) {
			t.Errorf("position %d has number %d", i, s.Number)
		}
		seen[s.ID] = true
	}
	if len(all) != 20 || len(seen) != 20 {
		t.Errorf("%d sales, %d distinct", len(all), len(seen))
	}
}

func TestSalesDamagedValue(t *testing.T) {
	db := openTemp(t)
	if _, err := db.CompleteSale(genSale("s1", 1), t0); err != nil {
		t.Fatal(err)
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSales).Put([]byte("s1"), []byte("]"))
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func() error{
		"Sales":        func() error { _, err := db.Sales(); return err },
		"SaleByNumber": func() error { _, err := db.SaleByNumber(1); return err },
		"LastSale":     func() error { _, err := db.LastSale(); return err },
	} {
		if err := f(); err == nil || !strings.Contains(err.Error(), `"s1"`) {
			t.Errorf("%s with a damaged value: %v", name, err)
		}
	}
}

func TestUpdateSaleRecordsARefundAtomically(t *testing.T) {
	db := openTemp(t)
	s := sale.New("sale-upd", "TWD", time.Now())
	if _, err := s.Add(sale.Item{SKU: "A", Name: "A", Price: 1000, TaxClass: "standard"}, "A", 1000, 1); err != nil {
		t.Fatal(err)
	}
	tax := sale.TaxRules{Mode: sale.TaxInclusive, Rates: map[string]int64{"standard": 500}}
	if _, err := s.StartTender(tax, "WeChat Pay", "cancan", "wechat", "pay-1", 1000, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.SettleTender("pay-1", sale.TenderApproved, "ref", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CompleteSale(s, time.Now()); err != nil {
		t.Fatal(err)
	}
	_, err := db.UpdateSale(1, func(s *sale.Sale) error {
		_, err := s.Adjust(sale.AdjustRefund, "pay-1", "refund-1", 400, time.Now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateSale(1, func(s *sale.Sale) error {
		_, err := s.Adjust(sale.AdjustRefund, "pay-1", "refund-2", 100, time.Now())
		return err
	}); err == nil {
		t.Error("a second refund was accepted while the first is open")
	}
	got, err := db.SaleByNumber(1)
	if err != nil || len(got.Adjustments) != 1 || got.Adjustments[0].Status != sale.TenderPending || got.Number != 1 {
		t.Fatalf("stored = %+v, %v", got, err)
	}
	if _, err := db.UpdateSale(1, func(s *sale.Sale) error { s.Lines = nil; return nil }); err == nil {
		t.Error("lines of a completed sale were changed")
	}
	if _, err := db.UpdateSale(9, func(*sale.Sale) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing receipt: %v", err)
	}
}

func TestCompleteSaleCommitsItsJournalChanges(t *testing.T) {
	db := openTemp(t)
	s := genSale("s1", 1)
	mustSave(t, db, s)
	e := JournalEntry{Provider: "ticketbao", Kind: "tickets", Key: "t-1", SaleID: s.ID, Deferrable: true, State: OpQueued, Op: []byte(`{}`)}
	if _, err := db.CompleteSale(s, time.Now(), JournalChange{Append: &e}); err != nil {
		t.Fatal(err)
	}
	got, err := db.JournalGet("t-1")
	if err != nil || got.State != OpQueued || got.SaleID != s.ID {
		t.Fatalf("%+v, %v", got, err)
	}
	// A second completion changes nothing, and appends nothing twice.
	again := JournalEntry{Provider: "ticketbao", Kind: "tickets", Key: "t-2", SaleID: s.ID, State: OpQueued, Op: []byte(`{}`)}
	if _, err := db.CompleteSale(s, time.Now(), JournalChange{Append: &again}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.JournalGet("t-2"); err == nil {
		t.Error("a repeated completion journaled again")
	}
}
