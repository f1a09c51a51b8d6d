package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"till/providers"
	"till/providers/cancan"
	"till/providers/cancan/cancansim"
	"till/providers/httpx"
	"till/providers/replay"
	"till/providers/sims"
	"till/store"
	"till/store/money"
	"till/store/sale"
)

// TestReplayThroughAnOutage queues the voids and refunds of 100 sales while
// CANCAN is down, brings it back behind a 429 storm, and checks that the
// replay worker sends every one exactly once, in each sale's order, and
// never sooner than a Retry-After allows.
func TestReplayThroughAnOutage(t *testing.T) {
	t.Parallel()
	srv := sims.New()
	wire := &outageLog{}
	hs := httptest.NewServer(wire.wrap(srv))
	t.Cleanup(hs.Close)
	cc, err := cancan.New(cancan.Config{BaseURL: sims.CancanURL(hs.URL), APIKey: sims.CancanAPIKey,
		Gateways: sims.CancanGateways, Timeout: 2 * time.Second, PollInterval: 10 * time.Millisecond},
		httpx.WithBackoff(httpx.Backoff{Base: 10 * time.Millisecond, Cap: 50 * time.Millisecond, Attempts: 2}))
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(filepath.Join(t.TempDir(), "till.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })

	sales := outageSales(t, db, cc)
	entries, err := db.Journal()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 100 {
		t.Fatalf("journaled %d operations, want 100", len(entries))
	}
	paid, setupReqs := len(srv.Cancan.Ledger()), wire.count()

	outageFault(t, hs.URL, `{"down":true}`)
	var (
		mu       sync.Mutex
		statuses []replay.Status
		settled  = map[string]int{}
	)
	w := replay.New(db, map[string]providers.Provider{"cancan": cc}, replay.Options{
		Backoff:   httpx.Backoff{Base: 20 * time.Millisecond, Cap: 200 * time.Millisecond},
		Rate:      500,
		Burst:     50,
		TripAfter: 3,
		Cooldown:  300 * time.Millisecond,
		OpTimeout: 5 * time.Second,
		OnSettled: func(e store.JournalEntry, out providers.Outcome) {
			if err := settleCompleted(db, e, out); err != nil {
				t.Errorf("settling %s into its sale: %v", e.Key, err)
			}
			mu.Lock()
			settled[e.Key]++
			mu.Unlock()
		},
		OnStatus: func(st map[string]replay.Status) {
			mu.Lock()
			statuses = append(statuses, st["cancan"])
			mu.Unlock()
		},
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})

	// Down: nothing gets through, the circuit opens, nothing is lost. The
	// wait is for the state, not a fixed time: a busy machine is slower.
	offline := false
	for deadline := time.Now().Add(15 * time.Second); !offline && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		offline = slices.ContainsFunc(statuses, func(s replay.Status) bool { return s.State == replay.Offline && s.Waiting == 100 })
		mu.Unlock()
	}
	if !offline {
		t.Errorf("the worker never reported CANCAN offline with 100 waiting: %+v", statuses)
	}
	if n := len(srv.Cancan.Ledger()); n != paid {
		t.Fatalf("CANCAN took %d operations while down", n-paid)
	}
	downTries := wire.count() - setupReqs
	if downTries == 0 || downTries > 30 {
		t.Errorf("%d requests while CANCAN was down; the circuit should send a few, not none or a flood", downTries)
	}

	// Back, but the first requests are turned away with Retry-After: 1,
	// more of them than the adapter retries on its own, so the worker
	// has to wait too.
	up := time.Now()
	outageFault(t, hs.URL, `{"rate_limit":3,"retry_after_ms":1000}`)
	deadline := time.Now().Add(20 * time.Second)
	for {
		open, err := db.Journal(store.OpQueued, store.OpSent, store.OpUnknown)
		if err != nil {
			t.Fatal(err)
		}
		if len(open) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d operations still waiting 20s after CANCAN came back: %s", len(open), journalText(open))
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("drained %d operations in %v after CANCAN came back; %d requests while down, %d after",
		len(entries), time.Since(up).Round(time.Millisecond), downTries, wire.count()-setupReqs-downTries)

	wire.checkRetryAfter(t, time.Second)
	outageCheck(t, db, srv.Cancan.Ledger()[paid:], sales)
	mu.Lock()
	defer mu.Unlock()
	if len(settled) != len(entries) {
		t.Errorf("%d operations were reported settled, want %d", len(settled), len(entries))
	}
	for key, n := range settled {
		if n != 1 {
			t.Errorf("operation %s was reported settled %d times", key, n)
		}
	}
}

// outageSale is one of the 100 sales and what was queued for it.
type outageSale struct {
	number uint64
	id     string
	payKey string     // empty for cash
	ops    []outageOp // in the order they were queued
}

type outageOp struct {
	kind   providers.Kind
	key    string
	amount int64
}

const outagePrice = 10000

// outageSales records 100 completed sales, 80 paid by WeChat Pay through
// the adapter, and queues 100 voids and refunds of them: one each for 60,
// two each for 20 (two refunds, or a refund then a void, which the refund
// makes fail: the order shows in the outcome as well as in the ledger).
func outageSales(t *testing.T, db *store.DB, cc *cancan.Client) []outageSale {
	t.Helper()
	tax := sale.TaxRules{Mode: sale.TaxInclusive, Rates: map[string]int64{"standard": 500}}
	now := time.Now()
	var out []outageSale
	for i := range 100 {
		s := sale.New(uuid.NewString(), "TWD", now)
		if _, err := s.Add(sale.Item{SKU: "A", Name: "A", Price: outagePrice, TaxClass: "standard"}, "A", outagePrice, 1); err != nil {
			t.Fatal(err)
		}
		sl := outageSale{id: s.ID}
		if i%5 == 0 {
			if _, err := s.PayCash(tax, outagePrice, now); err != nil {
				t.Fatal(err)
			}
		} else {
			sl.payKey = uuid.NewString()
			res := cc.Pay(context.Background(), providers.Op{Provider: "cancan", Kind: providers.KindPay, Key: sl.payKey,
				SaleID: s.ID, Wallet: "wechat", Amount: outagePrice, Currency: "TWD", PaymentCode: quickCode, Created: now})
			if res.Status != providers.Approved {
				t.Fatalf("paying sale %d: %+v", i, res)
			}
			if _, err := s.StartTender(tax, "WeChat Pay", "cancan", "wechat", sl.payKey, outagePrice, now); err != nil {
				t.Fatal(err)
			}
			if err := s.SettleTender(sl.payKey, sale.TenderApproved, res.Reference, ""); err != nil {
				t.Fatal(err)
			}
		}
		done, err := db.CompleteSale(s, now)
		if err != nil {
			t.Fatal(err)
		}
		sl.number = done.Number
		switch i % 10 {
		case 1, 4, 6:
			sl.ops = []outageOp{{providers.KindRefund, uuid.NewString(), 3000}}
		case 2, 7, 9:
			sl.ops = []outageOp{{providers.KindVoid, uuid.NewString(), 0}}
		case 3:
			sl.ops = []outageOp{{providers.KindRefund, uuid.NewString(), 2000}, {providers.KindRefund, uuid.NewString(), 5000}}
		case 8:
			sl.ops = []outageOp{{providers.KindRefund, uuid.NewString(), 1500}, {providers.KindVoid, uuid.NewString(), 0}}
		}
		for j, op := range sl.ops {
			outageQueue(t, db, sl, op, j == 0)
		}
		out = append(out, sl)
	}
	return out
}

// outageQueue journals op as queued, as `till void` and `till refund` do
// when the provider cannot be reached; the first of a sale's operations
// is also recorded on the sale (it allows one open adjustment at a time).
func outageQueue(t *testing.T, db *store.DB, sl outageSale, op outageOp, onSale bool) {
	t.Helper()
	now := time.Now()
	pop := providers.Op{Provider: "cancan", Kind: op.kind, Key: op.key, SaleID: sl.id, Wallet: "wechat",
		Amount: outageAmount(op), Currency: "TWD", Target: sl.payKey, Created: now}
	raw, err := json.Marshal(pop)
	if err != nil {
		t.Fatal(err)
	}
	e := store.JournalEntry{Provider: "cancan", Kind: string(op.kind), Key: op.key, SaleID: sl.id,
		Deferrable: true, State: store.OpQueued, Op: raw, Created: now}
	if !onSale {
		if _, err := db.JournalAppend(e); err != nil {
			t.Fatal(err)
		}
		return
	}
	if _, err := db.UpdateSale(sl.number, func(s *sale.Sale) error {
		_, err := s.Adjust(string(op.kind), sl.payKey, op.key, pop.Amount, now)
		return err
	}, store.JournalChange{Append: &e}); err != nil {
		t.Fatal(err)
	}
}

func outageAmount(op outageOp) money.Amount {
	if op.kind == providers.KindVoid {
		return outagePrice
	}
	return money.Amount(op.amount)
}

// outageCheck holds the ledger of voids and refunds against what was
// queued: each once, in its sale's order, with the outcome that order
// gives; and each sale records it.
func outageCheck(t *testing.T, db *store.DB, ledger []cancansim.Transaction, sales []outageSale) {
	t.Helper()
	at := map[string]int{}
	for i, tx := range ledger {
		if _, dup := at[tx.ID]; dup {
			t.Errorf("CANCAN holds %s twice", tx.ID)
		}
		at[tx.ID] = i
	}
	want := 0
	for _, sl := range sales {
		want += len(sl.ops)
		for j, op := range sl.ops {
			i, ok := at[op.key]
			if !ok {
				t.Errorf("sale %d: the %s %s never reached CANCAN", sl.number, op.kind, op.key)
				continue
			}
			tx := ledger[i]
			if tx.Type != string(op.kind) || tx.Sale != sl.payKey || (op.kind == providers.KindRefund && tx.Amount != op.amount) {
				t.Errorf("sale %d: CANCAN holds %+v for the %s of %d", sl.number, tx, op.kind, op.amount)
			}
			if j > 0 {
				if prev, ok := at[sl.ops[j-1].key]; ok && prev > i {
					t.Errorf("sale %d: the %s reached CANCAN before the %s queued ahead of it", sl.number, op.kind, sl.ops[j-1].kind)
				}
			}
			// A void after a refund is refused; everything else succeeds.
			wantState := "succeeded"
			if j > 0 && op.kind == providers.KindVoid && sl.ops[0].kind == providers.KindRefund {
				wantState = "failed"
			}
			if tx.State != wantState {
				t.Errorf("sale %d: the %s %s is %s (%s), want %s", sl.number, op.kind, op.key, tx.State, tx.FailureCode, wantState)
			}
			e, err := db.JournalGet(op.key)
			if err != nil || e.State != store.OpDone {
				t.Errorf("sale %d: journal entry %s is %s (%v), want done", sl.number, op.key, e.State, err)
			}
		}
		s, err := db.SaleByNumber(sl.number)
		if err != nil {
			t.Fatal(err)
		}
		if len(sl.ops) == 0 {
			if len(s.Adjustments) != 0 {
				t.Errorf("cash sale %d gained adjustments %+v", sl.number, s.Adjustments)
			}
			continue
		}
		if len(s.Adjustments) != 1 || s.Adjustments[0].Key != sl.ops[0].key || s.Adjustments[0].Status != sale.TenderApproved {
			t.Errorf("sale %d: adjustments %+v, want the %s %s approved", sl.number, s.Adjustments, sl.ops[0].kind, sl.ops[0].key)
		}
	}
	if len(ledger) != want {
		t.Errorf("CANCAN took %d voids and refunds, want exactly the %d queued", len(ledger), want)
	}
}

func outageFault(t *testing.T, base, body string) {
	t.Helper()
	resp, err := http.Post(base+"/_control/cancan/fault", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("fault %s: %s", body, resp.Status)
	}
}

// outageLog records every request to CANCAN: when it arrived and what it
// was answered.
type outageLog struct {
	mu   sync.Mutex
	reqs []outageReq
}

type outageReq struct {
	at     time.Time
	what   string
	status int // 0: no answer (the connection was closed)
	after  string
}

func (l *outageLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/cancan/") {
			h.ServeHTTP(w, r)
			return
		}
		rw := &outageWriter{ResponseWriter: w}
		at := time.Now()
		defer func() {
			l.mu.Lock()
			l.reqs = append(l.reqs, outageReq{at: at, what: r.Method + " " + r.URL.Path, status: rw.status, after: rw.Header().Get("Retry-After")})
			l.mu.Unlock()
		}()
		h.ServeHTTP(rw, r)
	})
}

func (l *outageLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.reqs)
}

// checkRetryAfter fails if any request followed a 429 sooner than its
// Retry-After said.
func (l *outageLog) checkRetryAfter(t *testing.T, want time.Duration) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	reqs := slices.Clone(l.reqs)
	slices.SortFunc(reqs, func(a, b outageReq) int { return a.at.Compare(b.at) })
	storm := 0
	for i, r := range reqs {
		if r.status != http.StatusTooManyRequests {
			continue
		}
		storm++
		if r.after != fmt.Sprint(int(want.Seconds())) {
			t.Errorf("a 429 said Retry-After %q", r.after)
		}
		if i+1 < len(reqs) {
			if gap := reqs[i+1].at.Sub(r.at); gap < want {
				t.Errorf("%s came %v after a 429 that said Retry-After: %s", reqs[i+1].what, gap.Round(time.Millisecond), r.after)
			}
		}
	}
	if storm == 0 {
		t.Error("no request met the 429 storm")
	}
}

// outageWriter keeps the status and lets the simulator hang up, as it
// does when it is down.
type outageWriter struct {
	http.ResponseWriter
	status int
}

func (w *outageWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *outageWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}
