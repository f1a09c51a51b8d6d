package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"till/store/sale"
)

// payEntry is a charge as the payment flow would journal it.
func payEntry(key, saleID string) JournalEntry {
	return JournalEntry{
		Provider: "cancan",
		Kind:     "pay",
		Key:      key,
		SaleID:   saleID,
		Op:       json.RawMessage(`{"amount":1000,"currency":"TWD","code":"134567890123456789"}`),
	}
}

func mustAppend(t *testing.T, db *DB, e JournalEntry) JournalEntry {
	t.Helper()
	got, err := db.JournalAppend(e)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func mustGet(t *testing.T, db *DB, key string) JournalEntry {
	t.Helper()
	got, err := db.JournalGet(key)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func seqs(es []JournalEntry) []uint64 {
	var out []uint64
	for _, e := range es {
		out = append(out, e.Seq)
	}
	return out
}

func TestJournalAppend(t *testing.T) {
	db := openTemp(t)
	start := time.Now()
	for i := 1; i <= 3; i++ {
		e := payEntry(fmt.Sprintf("k%d", i), "s1")
		e.Seq = 99 // assigned by the journal, whatever the caller says
		got := mustAppend(t, db, e)
		if got.Seq != uint64(i) {
			t.Errorf("append %d got seq %d", i, got.Seq)
		}
		if got.State != OpQueued {
			t.Errorf("default state %q, want queued", got.State)
		}
		if got.Created.Before(start) || got.Created.After(time.Now()) || !got.Updated.Equal(got.Created) {
			t.Errorf("created %v updated %v, want now", got.Created, got.Updated)
		}
		if string(got.Op) != string(e.Op) || got.Provider != "cancan" || got.Kind != "pay" || got.SaleID != "s1" {
			t.Errorf("stored %+v", got)
		}
		if stored := mustGet(t, db, got.Key); !reflect.DeepEqual(stored, got) {
			t.Errorf("JournalGet = %+v\nappend returned %+v", stored, got)
		}
	}

	// Given times and state are kept.
	e := payEntry("given", "s1")
	e.Created, e.Updated, e.State, e.Deferrable = t0, t0.Add(time.Second), OpUnknown, true
	got := mustAppend(t, db, e)
	if !got.Created.Equal(t0) || !got.Updated.Equal(t0.Add(time.Second)) || got.State != OpUnknown || !got.Deferrable {
		t.Errorf("stored %+v", got)
	}

	db = reopen(t, db)
	if got := mustAppend(t, db, payEntry("after-reopen", "s2")); got.Seq != 5 {
		t.Errorf("seq after reopen %d, want 5", got.Seq)
	}
	all, err := db.Journal()
	if err != nil {
		t.Fatal(err)
	}
	if want := []uint64{1, 2, 3, 4, 5}; !slices.Equal(seqs(all), want) {
		t.Errorf("seqs %v, want %v", seqs(all), want)
	}
}

func TestJournalAppendRefused(t *testing.T) {
	db := openTemp(t)
	orig := mustAppend(t, db, payEntry("k1", "s1"))

	dup := payEntry("k1", "s2")
	dup.State = OpDone
	dup.Op = json.RawMessage(`{"amount":1}`)
	if _, err := db.JournalAppend(dup); !errors.Is(err, ErrDuplicateKey) || !strings.Contains(err.Error(), `"k1"`) {
		t.Errorf("duplicate append: %v", err)
	}
	if got := mustGet(t, db, "k1"); !reflect.DeepEqual(got, orig) {
		t.Errorf("after a duplicate append k1 = %+v\nwant %+v", got, orig)
	}

	noKey := payEntry("", "s1")
	badState := payEntry("k2", "s1")
	badState.State = "pending"
	badOp := payEntry("k3", "s1")
	badOp.Op = json.RawMessage(`{"amount":`)
	for name, e := range map[string]JournalEntry{"no key": noKey, "unknown state": badState, "invalid op JSON": badOp} {
		if _, err := db.JournalAppend(e); err == nil {
			t.Errorf("%s: appended", name)
		}
	}
	if all, err := db.Journal(); err != nil || len(all) != 1 {
		t.Errorf("journal after refusals: %d entries, %v", len(all), err)
	}
	// Refused appends were rolled back, so they used up no seq.
	if got := mustAppend(t, db, payEntry("k4", "s1")); got.Seq != 2 {
		t.Errorf("next seq %d, want 2", got.Seq)
	}
}

func TestJournalUpdate(t *testing.T) {
	db := openTemp(t)
	e := payEntry("k1", "s1")
	e.Created, e.Updated = t0, t0
	orig := mustAppend(t, db, e)

	start := time.Now()
	got, err := db.JournalUpdate("k1", func(e *JournalEntry) error {
		e.State = OpDone
		e.Attempts++
		e.Outcome = json.RawMessage(`{"status":"approved","reference":"T123"}`)
		e.LastError = "timed out"
		e.NextTry = t0.Add(time.Minute)
		e.Updated = t0 // overridden
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.State != OpDone || got.Attempts != 1 || string(got.Outcome) != `{"status":"approved","reference":"T123"}` ||
		got.LastError != "timed out" || !got.NextTry.Equal(t0.Add(time.Minute)) || got.Seq != orig.Seq || !got.Created.Equal(t0) {
		t.Errorf("updated %+v", got)
	}
	if got.Updated.Before(start) {
		t.Errorf("updated at %v, want now", got.Updated)
	}
	db = reopen(t, db)
	if stored := mustGet(t, db, "k1"); !reflect.DeepEqual(stored, got) {
		t.Errorf("after reopen %+v\nwant %+v", stored, got)
	}

	before := mustGet(t, db, "k1")
	for name, fn := range map[string]func(*JournalEntry) error{
		"seq":           func(e *JournalEntry) error { e.Seq++; return nil },
		"key":           func(e *JournalEntry) error { e.Key = "k2"; return nil },
		"provider":      func(e *JournalEntry) error { e.Provider = "ipass"; return nil },
		"sale":          func(e *JournalEntry) error { e.SaleID = "s2"; return nil },
		"kind":          func(e *JournalEntry) error { e.Kind = "refund"; return nil },
		"created":       func(e *JournalEntry) error { e.Created = t0.Add(time.Hour); return nil },
		"unknown state": func(e *JournalEntry) error { e.State = "approved"; return nil },
		"empty state":   func(e *JournalEntry) error { e.State = ""; return nil },
		"invalid JSON":  func(e *JournalEntry) error { e.Outcome = json.RawMessage(`{`); return nil },
		"fn error":      func(e *JournalEntry) error { e.Attempts = 9; return errors.New("provider said no") },
	} {
		if _, err := db.JournalUpdate("k1", fn); err == nil {
			t.Errorf("%s: update accepted", name)
		}
	}
	if after := mustGet(t, db, "k1"); !reflect.DeepEqual(after, before) {
		t.Errorf("refused updates changed the entry: %+v\nwas %+v", after, before)
	}

	sentinel := errors.New("sentinel")
	if _, err := db.JournalUpdate("k1", func(*JournalEntry) error { return sentinel }); !errors.Is(err, sentinel) {
		t.Errorf("fn's error not wrapped: %v", err)
	}
	if _, err := db.JournalUpdate("k1", nil); err == nil {
		t.Error("nil update accepted")
	}
	called := false
	if _, err := db.JournalUpdate("nope", func(*JournalEntry) error { called = true; return nil }); !errors.Is(err, ErrNotFound) || called {
		t.Errorf("update of a missing key: %v (fn called %v)", err, called)
	}
	if _, err := db.JournalGet("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("get of a missing key: %v", err)
	}
}

func TestJournalFilterAndCounts(t *testing.T) {
	db := openTemp(t)
	if all, err := db.Journal(); err != nil || len(all) != 0 {
		t.Fatalf("empty journal: %v, %v", all, err)
	}
	if c, err := db.JournalCounts(); err != nil || len(c) != 0 {
		t.Fatalf("empty counts: %v, %v", c, err)
	}
	// Enough entries that seq order and byte order must agree past 255.
	db.bolt.NoSync = true
	states := []OpState{OpDone, OpUnknown, OpQueued, OpReview, OpSent, OpUnknown, OpDone, OpFailed}
	want := map[OpState][]uint64{}
	for i := 1; i <= 300; i++ {
		st := states[i%len(states)]
		e := payEntry(fmt.Sprintf("k%03d", 301-i), "s1") // key order opposite to seq order
		e.State = st
		got := mustAppend(t, db, e)
		want[st] = append(want[st], got.Seq)
	}
	db.bolt.NoSync = false

	all, err := db.Journal()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 300 {
		t.Fatalf("%d entries, want 300", len(all))
	}
	for i, e := range all {
		if e.Seq != uint64(i+1) {
			t.Fatalf("position %d has seq %d", i, e.Seq)
		}
	}
	got, err := db.Journal(OpReview, OpUnknown)
	if err != nil {
		t.Fatal(err)
	}
	wantRU := slices.Sorted(slices.Values(append(slices.Clone(want[OpReview]), want[OpUnknown]...)))
	if !slices.Equal(seqs(got), wantRU) {
		t.Errorf("review+unknown seqs %v\nwant %v", seqs(got), wantRU)
	}
	for _, e := range got {
		if e.State != OpReview && e.State != OpUnknown {
			t.Errorf("seq %d is %s", e.Seq, e.State)
		}
	}
	if got, err := db.Journal("nonsense"); err != nil || len(got) != 0 {
		t.Errorf("unknown state filter: %d entries, %v", len(got), err)
	}

	counts, err := db.JournalCounts()
	if err != nil {
		t.Fatal(err)
	}
	wantCounts := map[OpState]int{}
	for st, s := range want {
		wantCounts[st] = len(s)
	}
	if !reflect.DeepEqual(counts, wantCounts) {
		t.Errorf("counts %v, want %v", counts, wantCounts)
	}
}

// walletSale is a sale with one item and a pending wallet tender with key.
func walletSale(t *testing.T, id, key string) *sale.Sale {
	t.Helper()
	s := sale.New(id, "TWD", t0)
	if _, err := s.Add(sale.Item{SKU: "A", Name: "A", Price: 1000, TaxClass: "standard"}, "A", 1000, 1); err != nil {
		t.Fatal(err)
	}
	tax := sale.TaxRules{Mode: sale.TaxInclusive, Rates: map[string]int64{"standard": 500}}
	if _, err := s.StartTender(tax, "WeChat Pay", "cancan", "wechat", key, 1000, t0); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSaveOpenSaleJournal(t *testing.T) {
	db := openTemp(t)
	s := walletSale(t, "s1", "pay-1")
	e := payEntry("pay-1", "s1")
	saved, err := db.SaveOpenSaleJournal(s, JournalChange{Append: &e})
	if err != nil || !saved {
		t.Fatalf("pending tender with its entry: saved %v, %v", saved, err)
	}
	if e.Seq != 1 || e.State != OpQueued || e.Created.IsZero() {
		t.Errorf("caller's entry not set to the stored one: %+v", e)
	}
	if stored := mustGet(t, db, "pay-1"); !reflect.DeepEqual(stored, e) {
		t.Errorf("stored %+v\nwant %+v", stored, e)
	}

	// The answer: tender approved and the entry done, together.
	if err := s.SettleTender("pay-1", sale.TenderApproved, "T1", ""); err != nil {
		t.Fatal(err)
	}
	saved, err = db.SaveOpenSaleJournal(s, JournalChange{Key: "pay-1", Update: func(e *JournalEntry) error {
		e.State, e.Outcome = OpDone, json.RawMessage(`{"status":"approved"}`)
		return nil
	}})
	if err != nil || !saved {
		t.Fatalf("settled tender with its outcome: saved %v, %v", saved, err)
	}
	db = reopen(t, db)
	open, err := db.OpenSale()
	if err != nil || !reflect.DeepEqual(open, s) {
		t.Errorf("open sale %+v, %v\nwant %+v", open, err, s)
	}
	if got := mustGet(t, db, "pay-1"); got.State != OpDone || string(got.Outcome) != `{"status":"approved"}` {
		t.Errorf("entry %+v", got)
	}

	// No changes at all is SaveOpenSale.
	s.Rev++
	if saved, err := db.SaveOpenSaleJournal(s); err != nil || !saved {
		t.Errorf("no changes: saved %v, %v", saved, err)
	}
	if _, err := db.SaveOpenSaleJournal(nil); err == nil {
		t.Error("saved a nil sale")
	}
	if _, err := db.SaveOpenSaleJournal(&sale.Sale{}, JournalChange{Append: &e}); err == nil {
		t.Error("saved a sale with no ID")
	}
}

func TestSaveOpenSaleJournalAllOrNothing(t *testing.T) {
	db := openTemp(t)
	s := walletSale(t, "s1", "pay-1")
	e := payEntry("pay-1", "s1")
	if _, err := db.SaveOpenSaleJournal(s, JournalChange{Append: &e}); err != nil {
		t.Fatal(err)
	}
	saleBefore, _ := db.OpenSale()
	entryBefore := mustGet(t, db, "pay-1")

	newer := s.Clone()
	if err := newer.SettleTender("pay-1", sale.TenderDeclined, "", "insufficient funds"); err != nil {
		t.Fatal(err)
	}
	sentinel := errors.New("sentinel")
	fresh := func() *JournalEntry { e := payEntry("lookup-1", "s1"); return &e }
	done := func(e *JournalEntry) error { e.State = OpDone; return nil }
	for name, tc := range map[string]struct {
		changes []JournalChange
		is      error
	}{
		"failing update": {[]JournalChange{{Append: fresh()}, {Key: "pay-1", Update: func(e *JournalEntry) error {
			e.State = OpDone
			return sentinel
		}}}, sentinel},
		"missing key":      {[]JournalChange{{Key: "pay-1", Update: done}, {Key: "nope", Update: done}}, ErrNotFound},
		"duplicate append": {[]JournalChange{{Key: "pay-1", Update: done}, {Append: fresh()}, {Append: fresh()}}, ErrDuplicateKey},
		"protected field":  {[]JournalChange{{Append: fresh()}, {Key: "pay-1", Update: func(e *JournalEntry) error { e.SaleID = "s2"; return nil }}}, nil},
		"append and key":   {[]JournalChange{{Append: fresh(), Key: "pay-1", Update: done}}, nil},
		"empty change":     {[]JournalChange{{Append: fresh()}, {}}, nil},
		"key no update":    {[]JournalChange{{Key: "pay-1"}}, nil},
	} {
		beforeAppends := map[int]JournalEntry{}
		for i, c := range tc.changes {
			if c.Append != nil {
				beforeAppends[i] = *c.Append
			}
		}
		saved, err := db.SaveOpenSaleJournal(newer, tc.changes...)
		if err == nil || saved {
			t.Errorf("%s: saved %v, %v", name, saved, err)
			continue
		}
		if tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("%s: error %v, want %v", name, err, tc.is)
		}
		for i, c := range tc.changes {
			if c.Append != nil && !reflect.DeepEqual(*c.Append, beforeAppends[i]) {
				t.Errorf("%s: the caller's entry %d was changed by a failed save", name, i)
			}
		}
	}
	if got, _ := db.OpenSale(); !reflect.DeepEqual(got, saleBefore) {
		t.Errorf("open sale changed by failed saves: %+v", got)
	}
	if all, err := db.Journal(); err != nil || len(all) != 1 || !reflect.DeepEqual(all[0], entryBefore) {
		t.Errorf("journal changed by failed saves: %+v, %v", all, err)
	}
}

func TestSaveOpenSaleJournalStaleSale(t *testing.T) {
	db := openTemp(t)
	s := walletSale(t, "s1", "pay-1")
	e := payEntry("pay-1", "s1")
	if _, err := db.SaveOpenSaleJournal(s, JournalChange{Append: &e}); err != nil {
		t.Fatal(err)
	}
	// A newer state of the sale is already stored, say a line note; the
	// answer carried by an older copy must still reach the journal.
	newer := s.Clone()
	newer.Rev++
	mustSave(t, db, newer)

	stale := s.Clone()
	if err := stale.SettleTender("pay-1", sale.TenderApproved, "T1", ""); err != nil {
		t.Fatal(err)
	}
	stale.Rev = newer.Rev // same rev: not written
	saved, err := db.SaveOpenSaleJournal(stale, JournalChange{Key: "pay-1", Update: func(e *JournalEntry) error {
		e.State = OpDone
		return nil
	}})
	if err != nil || saved {
		t.Fatalf("stale sale: saved %v, %v", saved, err)
	}
	if got, _ := db.OpenSale(); !reflect.DeepEqual(got, newer) {
		t.Errorf("stale sale overwrote the newer one: %+v", got)
	}
	if got := mustGet(t, db, "pay-1"); got.State != OpDone {
		t.Errorf("journal change not applied with a stale sale: %s", got.State)
	}

	// A completed sale is not reopened, but the journal still moves.
	if _, err := db.CompleteSale(newer, t0); err != nil {
		t.Fatal(err)
	}
	late := newer.Clone()
	late.Rev += 10
	lookup := payEntry("lookup-1", "s1")
	lookup.Kind, lookup.Deferrable = "lookup", true
	saved, err = db.SaveOpenSaleJournal(late, JournalChange{Append: &lookup})
	if err != nil || saved {
		t.Fatalf("completed sale: saved %v, %v", saved, err)
	}
	if open, _ := db.OpenSale(); open != nil {
		t.Errorf("completed sale reopened: %+v", open)
	}
	if got := mustGet(t, db, "lookup-1"); got.Seq != 2 || !got.Deferrable {
		t.Errorf("journal append with a completed sale: %+v", got)
	}
}

// TestJournalMigratesV1 opens a file laid out as schema v1 wrote it, with
// the bucket names spelled out so that later changes cannot move them.
func TestJournalMigratesV1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "till.db")
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := genSale("old", 3)
	done.Number, done.Completed = 1, t0.Add(time.Hour)
	open := genSale("on-screen", 2)
	err = b.Update(func(tx *bolt.Tx) error {
		bs := map[string]*bolt.Bucket{}
		for _, name := range []string{"meta", "items", "barcodes", "open", "sales", "receipts"} {
			if bs[name], err = tx.CreateBucket([]byte(name)); err != nil {
				return err
			}
		}
		dv, _ := json.Marshal(done)
		ov, _ := json.Marshal(open)
		return errors.Join(
			bs["meta"].Put([]byte("schema"), encodeUint(1)),
			bs["meta"].Put([]byte("last_receipt"), encodeUint(1)),
			bs["sales"].Put([]byte("old"), dv),
			bs["receipts"].Put(encodeUint(1), []byte("old")),
			bs["open"].Put([]byte("sale"), ov),
		)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	err = db.bolt.View(func(tx *bolt.Tx) error {
		if v, err := decodeUint(tx.Bucket(bucketMeta).Get(keySchema)); err != nil || v != schemaVersion {
			t.Errorf("schema after migration %d, %v; want %d", v, err, schemaVersion)
		}
		for _, name := range [][]byte{bucketJournal, bucketJournalKeys, bucketJournalOpen} {
			if tx.Bucket(name) == nil {
				t.Errorf("bucket %s not created", name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if all, err := db.Sales(); err != nil || len(all) != 1 || !reflect.DeepEqual(all[0], done) {
		t.Errorf("sales after migration %+v, %v", all, err)
	}
	if got, err := db.OpenSale(); err != nil || !reflect.DeepEqual(got, open) {
		t.Errorf("open sale after migration %+v, %v", got, err)
	}
	if next, err := db.CompleteSale(genSale("new", 1), t0); err != nil || next.Number != 2 {
		t.Errorf("numbering after migration: %v, %v", next, err)
	}
	if got := mustAppend(t, db, payEntry("k1", "new")); got.Seq != 1 {
		t.Errorf("first seq %d", got.Seq)
	}
	db = reopen(t, db)
	if got := mustGet(t, db, "k1"); got.Seq != 1 {
		t.Errorf("entry after reopen %+v", got)
	}
}

func TestJournalDamaged(t *testing.T) {
	db := openTemp(t)
	for _, k := range []string{"k1", "k2", "k3"} {
		mustAppend(t, db, payEntry(k, "s1"))
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketJournal).Put(encodeUint(2), []byte(`{"seq":2,"state":"do`))
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func() error{
		"Journal":         func() error { _, err := db.Journal(); return err },
		"Journal(states)": func() error { _, err := db.Journal(OpDone); return err },
		"JournalCounts":   func() error { _, err := db.JournalCounts(); return err },
		"JournalGet":      func() error { _, err := db.JournalGet("k2"); return err },
		"JournalUpdate": func() error {
			_, err := db.JournalUpdate("k2", func(*JournalEntry) error { return nil })
			return err
		},
		"SaveOpenSaleJournal": func() error {
			_, err := db.SaveOpenSaleJournal(genSale("s1", 1), JournalChange{Key: "k2", Update: func(*JournalEntry) error { return nil }})
			return err
		},
	} {
		if err := f(); err == nil || !strings.Contains(err.Error(), "seq 2") {
			t.Errorf("%s with a damaged entry: %v", name, err)
		}
	}
	// The damage stays where it is.
	if _, err := db.JournalGet("k3"); err != nil {
		t.Errorf("undamaged entry: %v", err)
	}
	if got := mustAppend(t, db, payEntry("k4", "s1")); got.Seq != 4 {
		t.Errorf("append after damage got seq %d", got.Seq)
	}

	// An index that disagrees with the entries, and a key that is not a seq.
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		return errors.Join(
			tx.Bucket(bucketJournalKeys).Put([]byte("k1"), encodeUint(3)),
			tx.Bucket(bucketJournalKeys).Put([]byte("k5"), encodeUint(77)),
			tx.Bucket(bucketJournal).Put([]byte("x"), []byte(`{}`)),
		)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.JournalGet("k1"); err == nil || !strings.Contains(err.Error(), "seq 3") {
		t.Errorf("key pointing at another entry: %v", err)
	}
	if _, err := db.JournalGet("k5"); err == nil || !strings.Contains(err.Error(), "seq 77") {
		t.Errorf("key pointing nowhere: %v", err)
	}
	if _, err := db.JournalCounts(); err == nil {
		t.Error("counted a journal with a key that is not a seq")
	}

	// A file stamped v2 but missing the journal is an error, not a panic.
	err = db.bolt.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketJournal) })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.JournalAppend(payEntry("k9", "s1")); err == nil || !strings.Contains(err.Error(), `"journal" is missing`) {
		t.Errorf("append without the journal bucket: %v", err)
	}
	if _, err := db.Journal(); err == nil {
		t.Error("read without the journal bucket")
	}
}

func TestJournalConcurrentAppends(t *testing.T) {
	db := openTemp(t)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		got  []uint64
		dups int
	)
	for i := range 20 {
		wg.Go(func() {
			e, err := db.JournalAppend(payEntry(fmt.Sprintf("k%02d", i), "s1"))
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			got = append(got, e.Seq)
			mu.Unlock()
		})
		wg.Go(func() {
			// The same charge tried from two places: only one may go out.
			_, err := db.JournalAppend(payEntry("same", "s1"))
			if errors.Is(err, ErrDuplicateKey) {
				mu.Lock()
				dups++
				mu.Unlock()
			} else if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if dups != 19 {
		t.Errorf("%d duplicates refused, want 19", dups)
	}
	all, err := db.Journal()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 21 {
		t.Fatalf("%d entries, want 21", len(all))
	}
	for i, e := range all {
		if e.Seq != uint64(i+1) {
			t.Errorf("position %d has seq %d", i, e.Seq)
		}
	}
	slices.Sort(got)
	if len(slices.Compact(got)) != 20 {
		t.Errorf("seqs given out twice: %v", got)
	}
}

// The replay asks for open entries after every attempt: they are read
// from their own index, and a v2 journal gets the index on upgrade.
func TestOpenEntriesAreIndexed(t *testing.T) {
	db := openTemp(t)
	for i := 0; i < 50; i++ {
		e := JournalEntry{Provider: "cancan", Kind: "refund", Key: fmt.Sprintf("k%02d", i), SaleID: "s", State: OpQueued, Op: []byte(`{}`)}
		if _, err := db.JournalAppend(e); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 50; i += 2 {
		if _, err := db.JournalUpdate(fmt.Sprintf("k%02d", i), func(e *JournalEntry) error { e.State = OpDone; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.JournalUpdate("k01", func(e *JournalEntry) error { e.State = OpReview; return nil }); err != nil {
		t.Fatal(err)
	}
	open, err := db.Journal(OpQueued, OpSent, OpUnknown)
	if err != nil || len(open) != 24 || open[0].Key != "k03" {
		t.Fatalf("open = %d entries (first %+v), %v", len(open), open, err)
	}
	review, _ := db.Journal(OpReview)
	done, _ := db.Journal(OpDone)
	if len(review) != 1 || len(done) != 25 {
		t.Errorf("review %d, done %d", len(review), len(done))
	}
	var indexed int
	db.bolt.View(func(tx *bolt.Tx) error {
		indexed = tx.Bucket(bucketJournalOpen).Stats().KeyN
		return nil
	})
	if indexed != 25 {
		t.Errorf("%d entries indexed as open, want 25", indexed)
	}

	// Drop the index as a v2 database has none, and upgrade again.
	path := db.Path()
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucketJournalOpen); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySchema, encodeUint(2))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	db2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if open, err := db2.Journal(OpQueued, OpReview); err != nil || len(open) != 25 {
		t.Errorf("after upgrade: %d open, %v", len(open), err)
	}
}
