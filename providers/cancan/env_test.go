package cancan

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"till/providers"
	"till/providers/cancan/cancansim"
	"till/providers/httpx"
	"till/providers/httpx/httpxtest"
	"till/store/money"
)

// testKey is distinctive so a leak anywhere is easy to spot.
const testKey = "cancan-test-key-TOPSECRET-7f3e9a1c"

var testGateways = map[string]string{
	"wechat":  "wechatpay_domestic",
	"alipay":  "alipay_international",
	"linepay": "linepay_th_domestic",
}

// env is a simulator behind a real HTTP server and a client whose sleeps
// are instant: they advance the fake clock and are recorded.
type env struct {
	t      *testing.T
	sim    *cancansim.Sim
	srv    *httptest.Server
	client *Client
	clock  *httpxtest.Clock
	cfg    Config
	hook   httpxtest.Hook

	httpxtest.Recorder // as the server read them
	httpxtest.Sleeper
}

type setup struct {
	cfg  func(*Config)
	sim  []cancansim.Option
	wrap func(sim http.Handler) http.Handler
	opts []httpx.Option
}

func newEnv(t *testing.T, s setup) *env {
	t.Helper()
	e := &env{t: t, clock: httpxtest.NewClock(time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC))}
	e.Sleeper.Clock = e.clock
	simOpts := append([]cancansim.Option{cancansim.WithAPIKey(testKey), cancansim.WithClock(e.clock.Now)}, s.sim...)
	e.sim = cancansim.New(simOpts...)
	e.hook.Next = e.sim
	if s.wrap != nil {
		e.hook.Next = s.wrap(e.sim)
	}
	e.srv = httpxtest.Server(t, e.Recorder.Handler(&e.hook))

	e.cfg = Config{
		BaseURL:      e.srv.URL + "/api/v2/",
		APIKey:       testKey,
		POSID:        "POS-07",
		MchLevel1:    "Thailand",
		MchLevel2:    "Bangkok",
		MchLevel3:    "Bang Rak",
		Gateways:     testGateways,
		Timeout:      5 * time.Second,
		PollInterval: time.Second,
		PollBound:    60 * time.Second,
	}
	if s.cfg != nil {
		s.cfg(&e.cfg)
	}
	opts := append([]httpx.Option{
		httpx.WithClock(e.clock.Now),
		httpx.WithSleep(e.Sleep),
		httpx.WithBackoff(httpx.Backoff{Base: 100 * time.Millisecond, Cap: time.Second, Attempts: 4, Rand: func() float64 { return 0.5 }}),
	}, s.opts...)
	c, err := New(e.cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	return e
}

// Before runs f on every request before the simulator sees it (nil: none).
func (e *env) Before(f func(r *http.Request)) { e.hook.Before(f) }

// Methods lists the requests made, as "POST" and "GET".
func (e *env) Methods() string {
	var m []string
	for _, r := range e.Requests() {
		m = append(m, r.Method)
	}
	return strings.Join(m, " ")
}

func (e *env) saleOp(code string, amount int64) providers.Op {
	return providers.Op{
		Provider:    "cancan",
		Kind:        providers.KindPay,
		Key:         uuid.NewString(),
		SaleID:      "S-1001",
		Wallet:      "linepay",
		Amount:      money.Amount(amount),
		Currency:    "THB",
		PaymentCode: "08114942" + code,
		Created:     e.clock.Now(),
	}
}

func (e *env) op(kind providers.Kind, target string, amount int64) providers.Op {
	return providers.Op{Provider: "cancan", Kind: kind, Key: uuid.NewString(), Target: target, Amount: money.Amount(amount), Currency: "THB", Created: e.clock.Now()}
}

func (e *env) check(out providers.Outcome) providers.Outcome {
	e.t.Helper()
	noKey(e.t, out)
	return out
}

func (e *env) Pay(op providers.Op) providers.Outcome {
	return e.check(e.client.Pay(context.Background(), op))
}

func (e *env) Follow(op providers.Op) providers.Outcome {
	return e.check(e.client.Follow(context.Background(), op))
}

func (e *env) Void(op providers.Op) providers.Outcome {
	return e.check(e.client.Void(context.Background(), op))
}

func (e *env) Refund(op providers.Op) providers.Outcome {
	return e.check(e.client.Refund(context.Background(), op))
}

func (e *env) Lookup(target string) providers.Outcome {
	return e.check(e.client.Lookup(context.Background(), providers.Op{Kind: providers.KindLookup, Target: target}))
}

// paid makes a succeeded sale and returns its op.
func (e *env) paid(amount int64) providers.Op {
	e.t.Helper()
	op := e.saleOp("9999", amount)
	if out := e.Pay(op); out.Status != providers.Approved {
		e.t.Fatalf("sale: %+v", out)
	}
	return op
}

// ledger returns the simulator's transactions by type, checking each id
// appears once.
func (e *env) ledger() map[string][]cancansim.Transaction {
	e.t.Helper()
	seen := map[string]bool{}
	by := map[string][]cancansim.Transaction{}
	for _, tx := range e.sim.Ledger() {
		if seen[tx.ID] {
			e.t.Fatalf("transaction %s twice in the ledger", tx.ID)
		}
		seen[tx.ID] = true
		by[tx.Type] = append(by[tx.Type], tx)
	}
	return by
}

func noKey(t *testing.T, out providers.Outcome) {
	t.Helper()
	if s := fmt.Sprintf("%+v %#v", out, out); strings.Contains(s, testKey) || strings.Contains(s, "TOPSECRET") {
		t.Fatalf("API key in outcome: %s", s)
	}
}

func expect(t *testing.T, out providers.Outcome, status providers.Status) {
	t.Helper()
	if out.Status != status {
		t.Fatalf("status %s, want %s: %+v", out.Status, status, out)
	}
	if out.Status != providers.Approved && out.Reason == "" {
		t.Fatalf("no reason for the clerk: %+v", out)
	}
}
