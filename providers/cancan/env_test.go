package cancan

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"till/providers"
	"till/providers/cancan/cancansim"
	"till/providers/httpx"
	"till/store/money"
)

// testKey is distinctive so a leak anywhere is easy to spot.
const testKey = "cancan-test-key-TOPSECRET-7f3e9a1c"

var testGateways = map[string]string{
	"wechat":  "wechatpay_domestic",
	"alipay":  "alipay_international",
	"linepay": "linepay_th_domestic",
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type recorded struct {
	Method  string
	Path    string // escaped, as sent
	Header  http.Header
	Body    []byte
	Attempt int
}

// env is a simulator behind a real HTTP server and a client whose sleeps
// are instant: they advance the fake clock and are recorded.
type env struct {
	t      *testing.T
	sim    *cancansim.Sim
	srv    *httptest.Server
	client *Client
	clock  *fakeClock
	cfg    Config

	mu       sync.Mutex
	sleeps   []time.Duration
	requests []recorded
	onSleep  func(n int) // called with the count of sleeps so far
	before   func(r *http.Request)
}

type setup struct {
	cfg  func(*Config)
	sim  []cancansim.Option
	wrap func(sim http.Handler) http.Handler
	opts []httpx.Option
}

func newEnv(t *testing.T, s setup) *env {
	t.Helper()
	e := &env{t: t, clock: &fakeClock{t: time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)}}
	simOpts := append([]cancansim.Option{cancansim.WithAPIKey(testKey), cancansim.WithClock(e.clock.Now)}, s.sim...)
	e.sim = cancansim.New(simOpts...)
	var next http.Handler = e.sim
	if s.wrap != nil {
		next = s.wrap(e.sim)
	}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		e.mu.Lock()
		e.requests = append(e.requests, recorded{Method: r.Method, Path: r.URL.EscapedPath(), Header: r.Header.Clone(), Body: body})
		before := e.before
		e.mu.Unlock()
		if before != nil {
			before(r)
		}
		next.ServeHTTP(w, r)
	}))
	t.Cleanup(e.srv.Close)

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
	sleep := func(ctx context.Context, d time.Duration) error {
		e.mu.Lock()
		e.sleeps = append(e.sleeps, d)
		n, hook := len(e.sleeps), e.onSleep
		e.mu.Unlock()
		e.clock.Advance(d)
		if hook != nil {
			hook(n)
		}
		return ctx.Err()
	}
	opts := append([]httpx.Option{
		httpx.WithClock(e.clock.Now),
		httpx.WithSleep(sleep),
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
func (e *env) Before(f func(r *http.Request)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.before = f
}

// OnSleep runs f after every sleep with the count so far.
func (e *env) OnSleep(f func(n int)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.onSleep = f
}

func (e *env) Sleeps() []time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]time.Duration(nil), e.sleeps...)
}

func (e *env) Requests() []recorded {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]recorded(nil), e.requests...)
}

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
