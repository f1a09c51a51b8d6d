package swip

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"till/providers"
	"till/providers/httpx"
	"till/providers/httpx/httpxtest"
	"till/providers/swip/swipsim"
	"till/store/money"
)

// testToken is distinctive so a leak anywhere is easy to spot.
const (
	testToken    = "swip-test-token-TOPSECRET-4b9d2e71"
	testMerchant = "ABCD"
	testStore    = "Test storeID"
	testCash     = "1231"
)

// env is a simulator behind a real HTTP server and a client whose sleeps
// are instant: they advance the fake clock and are recorded.
type env struct {
	t      *testing.T
	sim    *swipsim.Sim
	srv    *httptest.Server
	client *Client
	pay    *Payments
	clock  *httpxtest.Clock
	cfg    Config
	hook   httpxtest.Hook

	// Requests are recorded on the client's side, where header names are
	// still as the adapter spelt them.
	httpxtest.Recorder
	httpxtest.Sleeper
}

type setup struct {
	cfg  func(*Config)
	sim  []swipsim.Option
	wrap func(sim http.Handler) http.Handler
	opts []httpx.Option
}

var epoch = time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)

func newEnv(t *testing.T, s setup) *env {
	t.Helper()
	e := &env{t: t, clock: httpxtest.NewClock(epoch)}
	e.Sleeper.Clock = e.clock
	simOpts := append([]swipsim.Option{
		swipsim.WithToken(testToken), swipsim.WithMerchant(testMerchant),
		swipsim.WithClock(e.clock.Now), swipsim.WithCurrency("TWD"),
	}, s.sim...)
	e.sim = swipsim.New(simOpts...)
	e.hook.Next = e.sim
	if s.wrap != nil {
		e.hook.Next = s.wrap(e.sim)
	}
	e.srv = httpxtest.Server(t, &e.hook)

	e.cfg = Config{
		BaseURL:      e.srv.URL + "/",
		Token:        testToken,
		MerchantID:   testMerchant,
		StoreID:      testStore,
		CashID:       testCash,
		Currency:     "TWD",
		Timeout:      5 * time.Second,
		PollInterval: time.Second,
		PayWindow:    45 * time.Second,
	}
	if s.cfg != nil {
		s.cfg(&e.cfg)
	}
	opts := append([]httpx.Option{
		httpx.WithHTTPClient(&http.Client{Transport: e.Recorder.Transport(http.DefaultTransport)}),
		httpx.WithClock(e.clock.Now),
		httpx.WithSleep(e.Sleep),
		httpx.WithBackoff(httpx.Backoff{Base: 100 * time.Millisecond, Cap: time.Second, Attempts: 4, Rand: func() float64 { return 0.5 }}),
	}, s.opts...)
	c, err := New(e.cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	e.pay = c.Payments()
	return e
}

// Before runs f on every request before the simulator sees it (nil: none).
func (e *env) Before(f func(r *http.Request)) { e.hook.Before(f) }

// Calls lists the requests made as "POST /orders", "GET /orders/…".
func (e *env) Calls() string {
	var m []string
	for _, r := range e.Requests() {
		p := r.Path
		if i := strings.Index(p, "/orders/"); i >= 0 {
			rest := p[i+len("/orders/"):]
			p = "/orders/{id}"
			if strings.HasSuffix(rest, "/actions/close") {
				p += "/actions/close"
			}
		}
		m = append(m, r.Method+" "+p)
	}
	return strings.Join(m, ", ")
}

// Count counts the requests whose "METHOD /path" (as Calls writes it) is
// call.
func (e *env) Count(call string) int {
	n := 0
	for _, c := range strings.Split(e.Calls(), ", ") {
		if c == call {
			n++
		}
	}
	return n
}

func (e *env) payOp(amount int64) providers.Op {
	return providers.Op{
		Provider: "swip", Kind: providers.KindPay, Key: uuid.NewString(), SaleID: "S-1001",
		Wallet: "swip", Amount: money.Amount(amount), Currency: "TWD", Created: e.clock.Now(),
	}
}

func (e *env) op(kind providers.Kind, target string, amount int64) providers.Op {
	return providers.Op{Provider: "swip", Kind: kind, Key: uuid.NewString(), Target: target, Amount: money.Amount(amount), Currency: "TWD", Created: e.clock.Now()}
}

// refundOp is a refund as the till sends it: with what it had given back
// of the order before.
func (e *env) refundOp(target string, amount, returned int64) providers.Op {
	op := e.op(providers.KindRefund, target, amount)
	op.Returned = money.Amount(returned)
	return op
}

func (e *env) check(out providers.Outcome) providers.Outcome {
	e.t.Helper()
	noToken(e.t, out)
	return out
}

func (e *env) Pay(op providers.Op) providers.Outcome {
	return e.check(e.pay.Pay(context.Background(), op))
}

func (e *env) Follow(op providers.Op) providers.Outcome {
	return e.check(e.pay.Follow(context.Background(), op))
}

func (e *env) Void(op providers.Op) providers.Outcome {
	return e.check(e.pay.Void(context.Background(), op))
}

func (e *env) Refund(op providers.Op) providers.Outcome {
	return e.check(e.pay.Refund(context.Background(), op))
}

func (e *env) Lookup(target string) providers.Outcome {
	return e.check(e.pay.Lookup(context.Background(), providers.Op{Kind: providers.KindLookup, Target: target}))
}

// started pays op into an OPEN order.
func (e *env) started(amount int64) providers.Op {
	e.t.Helper()
	op := e.payOp(amount)
	expect(e.t, e.Pay(op), providers.Pending)
	return op
}

// paid makes an order the customer paid and the till confirmed.
func (e *env) paid(amount int64, customer string) providers.Op {
	e.t.Helper()
	op := e.started(amount)
	if err := e.sim.Pay(op.Key, customer); err != nil {
		e.t.Fatal(err)
	}
	expect(e.t, e.Follow(op), providers.Approved)
	return op
}

// order returns the simulator's order.
func (e *env) order(id string) swipsim.Order {
	e.t.Helper()
	o, ok := e.sim.Order(id)
	if !ok {
		e.t.Fatalf("no order %s in the simulator", id)
	}
	return o
}

// kinds lists the simulator's ledger as kinds, checking every order was
// created once.
func (e *env) kinds() string {
	e.t.Helper()
	var k []string
	for _, en := range e.sim.Ledger() {
		k = append(k, en.Kind)
	}
	ids := map[string]bool{}
	for _, o := range e.sim.Orders() {
		if ids[o.ID] {
			e.t.Fatalf("order %s twice", o.ID)
		}
		ids[o.ID] = true
	}
	return strings.Join(k, " ")
}

func noToken(t *testing.T, out providers.Outcome) {
	t.Helper()
	if s := fmt.Sprintf("%+v %#v", out, out); strings.Contains(s, testToken) || strings.Contains(s, "TOPSECRET") {
		t.Fatalf("token in outcome: %s", s)
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

// answerWith serves a fixed answer to POSTs once the simulator has handled
// them, and passes GETs through.
func answerWith(status int, body string) func(http.Handler) http.Handler {
	return func(sim http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost {
				sim.ServeHTTP(w, r)
				return
			}
			sim.ServeHTTP(httptest.NewRecorder(), r)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			io.WriteString(w, body)
		})
	}
}
