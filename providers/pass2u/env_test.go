package pass2u

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"till/providers"
	"till/providers/httpx"
	"till/providers/pass2u/pass2usim"
)

// testKey is distinctive so a leak anywhere is easy to spot.
const testKey = "p2u-key-TOPSECRET-7f3a9c21"

// basePath is where the tests mount the Sim, as the document's base URL.
const basePath = "/v2/checkout"

var epoch = time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)

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

// recorded is a request: URI is the path and query exactly as on the
// wire.
type recorded struct {
	Method string
	URI    string
	Header http.Header
	Body   []byte
}

// env is a Sim behind a real HTTP server under basePath, and a client
// whose sleeps are instant (they advance the fake clock).
type env struct {
	t      *testing.T
	sim    *pass2usim.Sim
	srv    *httptest.Server
	client *Client
	clock  *fakeClock

	mu       sync.Mutex
	sent     []recorded // as the client wrote them
	received []recorded // as the server read them
	sleeps   []time.Duration
}

// recorder records requests on the client's side, where header names
// are still as the adapter spelt them.
type recorder struct {
	e    *env
	next http.RoundTripper
}

func (rt recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	rt.e.mu.Lock()
	rt.e.sent = append(rt.e.sent, recorded{Method: r.Method, URI: r.URL.RequestURI(), Header: r.Header.Clone(), Body: body})
	rt.e.mu.Unlock()
	return rt.next.RoundTrip(r)
}

func newEnv(t *testing.T, cfg func(*Config), simOpts ...pass2usim.Option) *env {
	t.Helper()
	e := &env{t: t, clock: &fakeClock{t: epoch}}
	e.sim = pass2usim.New(append([]pass2usim.Option{pass2usim.WithAPIKey(testKey), pass2usim.WithClock(e.clock.Now)}, simOpts...)...)
	sim := http.StripPrefix(basePath, e.sim)
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		e.mu.Lock()
		e.received = append(e.received, recorded{Method: r.Method, URI: r.RequestURI, Header: r.Header.Clone(), Body: body})
		e.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(e.srv.Close)
	c := Config{BaseURL: e.srv.URL + basePath + "/", APIKey: testKey, Account: pass2usim.DefaultAccount, Timeout: 2 * time.Second}
	if cfg != nil {
		cfg(&c)
	}
	e.client = e.newClient(c)
	return e
}

// newClient is another client of the same server: a till after a restart.
func (e *env) newClient(cfg Config) *Client {
	e.t.Helper()
	sleep := func(ctx context.Context, d time.Duration) error {
		e.mu.Lock()
		e.sleeps = append(e.sleeps, d)
		e.mu.Unlock()
		e.clock.Advance(d)
		return ctx.Err()
	}
	c, err := New(cfg,
		httpx.WithHTTPClient(&http.Client{Transport: recorder{e, e.srv.Client().Transport}}),
		httpx.WithClock(e.clock.Now), httpx.WithSleep(sleep),
		httpx.WithBackoff(httpx.Backoff{Base: 100 * time.Millisecond, Cap: time.Second, Attempts: 4, Rand: func() float64 { return 0.5 }}))
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) Sent() []recorded {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]recorded(nil), e.sent...)
}

func (e *env) Received() []recorded {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]recorded(nil), e.received...)
}

func (e *env) Sleeps() []time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]time.Duration(nil), e.sleeps...)
}

// redemption is a redemption of barcode in the Loyalty Card's "10% off".
func redemption(barcode string) Redemption {
	return Redemption{Key: "k-" + barcode, SaleID: "S-1001", ModelID: "1248", CampaignID: "381", Barcode: barcode, Created: epoch}
}

// redeemed redeems a pass that must redeem.
func (e *env) redeemed(modelID, campaignID, barcode string) Record {
	e.t.Helper()
	r, err := e.client.Redeem(context.Background(), modelID, campaignID, barcode)
	if err != nil {
		e.t.Fatal(err)
	}
	return noKey(e.t, r)
}

func (e *env) Redeem(r Redemption) providers.Outcome {
	e.t.Helper()
	return noKey(e.t, e.client.RedeemOutcome(context.Background(), r))
}

func (e *env) Unredeem(r Redemption) providers.Outcome {
	e.t.Helper()
	return noKey(e.t, e.client.UnredeemOutcome(context.Background(), r))
}

// noKey fails if the key shows in any rendering of v.
func noKey[T any](t *testing.T, v T) T {
	t.Helper()
	j, _ := json.Marshal(v)
	if s := fmt.Sprintf("%v %+v %#v %s", v, v, v, j); strings.Contains(s, testKey) || strings.Contains(s, "TOPSECRET") {
		t.Fatalf("API key leaked: %s", s)
	}
	return v
}

func expect(t *testing.T, out providers.Outcome, status providers.Status, code string) {
	t.Helper()
	if out.Status != status || out.Code != code {
		t.Fatalf("got %s/%q, want %s/%q: %+v", out.Status, out.Code, status, code, out)
	}
	if out.Reason == "" {
		t.Fatalf("no reason for the clerk: %+v", out)
	}
}

// apiError returns err as an *Error, failing if it is not one.
func apiError(t *testing.T, err error) *Error {
	t.Helper()
	noKey(t, fmt.Sprint(err))
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want an *Error, got %T %v", err, err)
	}
	return e
}
