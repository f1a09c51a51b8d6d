package replay_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"golang.org/x/time/rate"

	"till/providers"
	"till/providers/cancan"
	"till/providers/httpx"
	"till/providers/replay"
	"till/providers/sims"
	"till/store"
	"till/store/sale"
)

// BenchmarkReplay10k replays 10,000 queued refunds through the real CANCAN
// adapter, against the simulators on a loopback HTTP server, with the
// journal in a real bbolt file: the time from the worker starting to the
// last refund settled in the journal.
func BenchmarkReplay10k(b *testing.B) { benchReplay(b, 10_000, 0) }

// BenchmarkReplay1k is the same with a tenth of the queue, to show how the
// rate scales with the journal's size.
func BenchmarkReplay1k(b *testing.B) { benchReplay(b, 1_000, 0) }

// BenchmarkReplay100After10k replays 100 refunds queued behind 10,000
// settled entries, as on a till with months of history.
func BenchmarkReplay100After10k(b *testing.B) { benchReplay(b, 100, 10_000) }

// benchSales is how many sales the refunds are spread over; each is
// refunded in equal parts.
const benchSales = 100

// benchReplay times the replay of n queued refunds in a journal that
// already holds history settled entries.
func benchReplay(b *testing.B, n, history int) {
	var total time.Duration
	for range b.N {
		b.StopTimer()
		w, settled, cleanup := benchSetup(b, n, history)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		start := time.Now()
		b.StartTimer()
		go func() { done <- w.Run(ctx) }()
		for settled.Load() < int64(n) {
			time.Sleep(time.Millisecond)
		}
		b.StopTimer()
		total += time.Since(start)
		cancel()
		<-done
		cleanup()
	}
	b.ReportMetric(float64(n*b.N)/total.Seconds(), "ops/s")
}

// benchSetup pays benchSales sales through the adapter and journals n
// refunds of them as queued after history settled ones, in one
// transaction (an fsynced append each would make the setup longer than
// the run).
func benchSetup(b *testing.B, n, history int) (*replay.Worker, *atomic.Int64, func()) {
	b.Helper()
	hs := httptest.NewServer(sims.New())
	cc, err := cancan.New(cancan.Config{BaseURL: sims.CancanURL(hs.URL), APIKey: sims.CancanAPIKey,
		Gateways: sims.CancanGateways, PollInterval: time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	db, err := store.Open(filepath.Join(b.TempDir(), "till.db"))
	if err != nil {
		b.Fatal(err)
	}
	per := max(n/benchSales, 1)
	now := time.Now()
	changes := make([]store.JournalChange, 0, n+history)
	for range history {
		changes = append(changes, store.JournalChange{Append: &store.JournalEntry{Provider: "cancan", Kind: "refund",
			Key: uuid.NewString(), SaleID: uuid.NewString(), Deferrable: true, State: store.OpDone,
			Op: json.RawMessage(`{"provider":"cancan","kind":"refund"}`), Created: now}})
	}
	for i := range min(benchSales, n) {
		pay := providers.Op{Provider: "cancan", Kind: providers.KindPay, Key: uuid.NewString(), SaleID: uuid.NewString(),
			Wallet: "wechat", Amount: 100 * 100 * 10, Currency: "TWD", PaymentCode: "134567890123459999", Created: now}
		if out := cc.Pay(context.Background(), pay); out.Status != providers.Approved {
			b.Fatalf("paying sale %d: %+v", i, out)
		}
		for range per {
			op := providers.Op{Provider: "cancan", Kind: providers.KindRefund, Key: uuid.NewString(), SaleID: pay.SaleID,
				Wallet: "wechat", Amount: pay.Amount / 100, Currency: "TWD", Target: pay.Key, Created: now}
			raw, err := json.Marshal(op)
			if err != nil {
				b.Fatal(err)
			}
			changes = append(changes, store.JournalChange{Append: &store.JournalEntry{Provider: "cancan",
				Kind: string(op.Kind), Key: op.Key, SaleID: op.SaleID, Deferrable: true, State: store.OpQueued, Op: raw, Created: now}})
		}
	}
	carrier := sale.New(uuid.NewString(), "TWD", now)
	if _, err := db.SaveOpenSaleJournal(carrier, changes...); err != nil {
		b.Fatal(err)
	}
	if err := db.DiscardOpenSale(); err != nil {
		b.Fatal(err)
	}
	settled := new(atomic.Int64)
	w := replay.New(db, map[string]providers.Provider{"cancan": cc}, replay.Options{
		Rate: rate.Inf, Burst: 1, Backoff: httpx.Backoff{Base: time.Millisecond, Cap: 10 * time.Millisecond},
		OnSettled: func(e store.JournalEntry, out providers.Outcome) {
			if out.Status != providers.Approved {
				b.Errorf("refund %s: %+v", e.Key, out)
			}
			settled.Add(1)
		},
	})
	return w, settled, func() {
		db.Close()
		hs.Close()
	}
}
