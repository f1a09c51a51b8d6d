package pass2u

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"till/providers"
	"till/providers/httpx"
	"till/providers/httpx/httpxtest"
	"till/providers/pass2u/pass2usim"
)

// testKey is distinctive so a leak anywhere is easy to spot.
const testKey = "p2u-key-TOPSECRET-7f3a9c21"

// basePath is where the tests mount the Sim, as the document's base URL.
const basePath = "/v2/checkout"

var epoch = time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)

// env is a Sim behind a real HTTP server under basePath, and a client
// whose sleeps are instant (they advance the fake clock).
type env struct {
	t      *testing.T
	sim    *pass2usim.Sim
	srv    *httptest.Server
	client *Client
	clock  *httpxtest.Clock

	httpxtest.Sleeper
	sent     httpxtest.Recorder // as the client wrote them
	received httpxtest.Recorder // as the server read them
}

func newEnv(t *testing.T, cfg func(*Config), simOpts ...pass2usim.Option) *env {
	t.Helper()
	e := &env{t: t, clock: httpxtest.NewClock(epoch)}
	e.Sleeper.Clock = e.clock
	e.sim = pass2usim.New(append([]pass2usim.Option{pass2usim.WithAPIKey(testKey), pass2usim.WithClock(e.clock.Now)}, simOpts...)...)
	e.srv = httpxtest.Server(t, e.received.Handler(http.StripPrefix(basePath, e.sim)))
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
	c, err := New(cfg,
		httpx.WithHTTPClient(&http.Client{Transport: e.sent.Transport(e.srv.Client().Transport)}),
		httpx.WithClock(e.clock.Now), httpx.WithSleep(e.Sleep),
		httpx.WithBackoff(httpx.Backoff{Base: 100 * time.Millisecond, Cap: time.Second, Attempts: 4, Rand: func() float64 { return 0.5 }}))
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) Sent() []httpxtest.Recorded { return e.sent.Requests() }

func (e *env) Received() []httpxtest.Recorded { return e.received.Requests() }

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
