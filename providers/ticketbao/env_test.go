package ticketbao

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"till/providers"
	"till/providers/httpx"
	"till/providers/httpx/httpxtest"
	"till/providers/ticketbao/ticketbaosim"
)

// testKey is distinctive so a leak anywhere is easy to spot.
const testKey = "tb-key-TOPSECRET-7f3a91c2"

var epoch = time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)

// env is a simulator behind a real HTTP server and a client whose sleeps
// are instant and recorded.
type env struct {
	t   *testing.T
	sim *ticketbaosim.Sim
	c   *Client

	httpxtest.Recorder // as the client wrote them
	httpxtest.Sleeper  // the clock stands still

	mu    sync.Mutex
	block map[string]bool // routes ("query", ...) whose connections are cut
}

// newEnv starts a Sim; wrap, when given, stands between it and the
// client, and cfg adjusts the client's configuration.
func newEnv(t *testing.T, wrap func(http.Handler) http.Handler, cfg func(*Config)) *env {
	t.Helper()
	e := &env{t: t, block: map[string]bool{}}
	e.sim = ticketbaosim.New(ticketbaosim.WithAPIKey(testKey), ticketbaosim.WithClock(func() time.Time { return epoch }))
	var next http.Handler = e.sim
	if wrap != nil {
		next = wrap(e.sim)
	}
	srv := httpxtest.Server(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		cut := e.block[r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]]
		e.mu.Unlock()
		if cut {
			panic(http.ErrAbortHandler) // the connection closes unanswered
		}
		next.ServeHTTP(w, r)
	}))
	c := Config{BaseURL: srv.URL + ticketbaosim.DefaultBasePath, APIKey: testKey, Timeout: 5 * time.Second}
	if cfg != nil {
		cfg(&c)
	}
	var err error
	e.c, err = New(c,
		httpx.WithHTTPClient(&http.Client{Transport: e.Recorder.Transport(http.DefaultTransport)}),
		httpx.WithClock(func() time.Time { return epoch }),
		httpx.WithSleep(e.Sleep),
		httpx.WithBackoff(httpx.Backoff{Base: 100 * time.Millisecond, Cap: time.Second, Attempts: 4, Rand: func() float64 { return 0.5 }}))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// Block cuts the connections of route ("generate", "query", "refund")
// while on.
func (e *env) Block(route string, on bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.block[route] = on
}

// Calls lists the routes requested, "generate query ...".
func (e *env) Calls() string {
	var out []string
	for _, r := range e.Requests() {
		out = append(out, r.Path[strings.LastIndex(r.Path, "/")+1:])
	}
	return strings.Join(out, " ")
}

// Kinds lists the Sim's ledger, "generate refund ...".
func (e *env) Kinds() string {
	var out []string
	for _, l := range e.sim.Ledger() {
		out = append(out, l.Kind)
	}
	return strings.Join(out, " ")
}

// sale generates n adult tickets under channel and fails the test
// otherwise.
func (e *env) sale(channel string, n int) Order {
	e.t.Helper()
	o, err := e.c.Generate(context.Background(), GenerateRequest{ChannelOrderID: channel, ProductSaleID: ticketbaosim.ProductAdult, Quantity: n})
	if err != nil {
		e.t.Fatal(err)
	}
	return o
}

func refundOf(o Order, quantity, before int) RefundRequest {
	return RefundRequest{Pass2UOrderID: o.Pass2UOrderID, ChannelOrderID: o.ChannelOrderID, ProductSaleID: o.ProductSaleID, Quantity: quantity, Before: before}
}

func expect(t *testing.T, out providers.Outcome, want providers.Status) {
	t.Helper()
	if out.Status != want {
		t.Fatalf("status %s, want %s: %+v", out.Status, want, out)
	}
}

func isErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error %v, want %v", err, target)
	}
}
