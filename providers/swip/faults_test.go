package swip

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"till/providers"
	"till/providers/httpx"
	"till/providers/swip/swipsim"
)

func TestRateLimitHonoursRetryAfter(t *testing.T) {
	e := newEnv(t, setup{})
	e.sim.SetFault(swipsim.Fault{RateLimit: 2, RetryAfter: 3 * time.Second})
	op := e.payOp(100)
	expect(t, e.Pay(op), providers.Pending)
	if got := e.Sleeps(); len(got) != 2 || got[0] != 3*time.Second || got[1] != 3*time.Second {
		t.Errorf("sleeps %v, want Retry-After's 3s twice", got)
	}
	if c := e.Calls(); c != "POST /orders, POST /orders, POST /orders" {
		t.Errorf("calls %s", c)
	}
	if n := len(e.sim.Orders()); n != 1 {
		t.Errorf("%d orders", n)
	}
}

func TestBackoffIsJitteredAndCappedWithoutRetryAfter(t *testing.T) {
	e := newEnv(t, setup{})
	e.sim.SetFault(swipsim.Fault{RateLimit: 3})
	expect(t, e.Pay(e.payOp(100)), providers.Pending)
	// Base 100ms, Cap 1s, Rand 0.5: half of 100, 200, 400 ms.
	want := []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond}
	if got := e.Sleeps(); len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("sleeps %v, want %v", got, want)
	}
}

func TestRateLimitedThroughoutIsDeclinedAndSafeToSendAgain(t *testing.T) {
	e := newEnv(t, setup{})
	e.sim.SetFault(swipsim.Fault{RateLimit: 12, RetryAfter: 2 * time.Second})
	op := e.payOp(100)
	out := e.Pay(op)
	// Four creates turned away, four look-ups turned away: nothing known.
	expect(t, out, providers.Unknown)
	if !out.Retryable || out.RetryAfter != 2*time.Second || out.Code != "" || !strings.Contains(out.Detail, "429") {
		t.Errorf("%+v", out)
	}
	if n := len(e.sim.Orders()); n != 0 {
		t.Errorf("%d orders", n)
	}
	e.sim.SetFault(swipsim.Fault{})
	expect(t, e.Pay(op), providers.Pending)
	expect(t, e.Pay(op), providers.Pending)
	if n := len(e.sim.Orders()); n != 1 {
		t.Errorf("%d orders", n)
	}

	// Creates turned away, look-ups answered: it never arrived.
	f := newEnv(t, setup{})
	f.sim.SetFault(swipsim.Fault{RateLimit: 4, RetryAfter: time.Second})
	out = f.Pay(f.payOp(100))
	expect(t, out, providers.Declined)
	if out.Code != "too_many_request" || !out.Retryable || out.RetryAfter != time.Second || out.Reason != reasonNeverArrived {
		t.Errorf("%+v", out)
	}
}

func TestServerErrorThenSuccess(t *testing.T) {
	e := newEnv(t, setup{})
	e.sim.SetFault(swipsim.Fault{Status500: 1})
	expect(t, e.Pay(e.payOp(100)), providers.Pending)
	if c := e.Calls(); c != "POST /orders, POST /orders" {
		t.Errorf("calls %s", c)
	}
}

func TestDown(t *testing.T) {
	t.Run("throughout", func(t *testing.T) {
		e := newEnv(t, setup{})
		e.sim.SetFault(swipsim.Fault{Down: true})
		op := e.payOp(100)
		out := e.Pay(op)
		expect(t, out, providers.Unknown)
		if !out.Retryable || len(e.sim.Orders()) != 0 {
			t.Errorf("%+v", out)
		}
		if c := e.Calls(); c != "POST /orders, GET /orders/{id}, GET /orders/{id}, GET /orders/{id}, GET /orders/{id}" {
			t.Errorf("calls %s", c)
		}
		lk := e.Lookup(op.Key)
		if lk.Status != providers.Unknown || !lk.Retryable {
			t.Errorf("%+v", lk)
		}
	})
	t.Run("at the end of the window", func(t *testing.T) {
		e := newEnv(t, setup{cfg: func(c *Config) { c.PayWindow = 5 * time.Second }})
		op := e.started(100)
		e.OnSleep(func(n int) {
			if n == 4 {
				e.sim.SetFault(swipsim.Fault{Down: true})
			}
		})
		out := e.Follow(op)
		expect(t, out, providers.Unknown) // never Declined: it could not be cancelled
		if out.Reason != reasonNotChecked || !out.Retryable {
			t.Errorf("%+v", out)
		}
		// Back up: following again cancels it.
		e.OnSleep(nil)
		e.sim.SetFault(swipsim.Fault{})
		again := e.Follow(op)
		if again.Status != providers.Declined || again.Reason != "Not paid within 5 seconds: the order was cancelled" {
			t.Errorf("%+v", again)
		}
	})
}

func TestSlowBeyondTheTimeoutIsLookedUp(t *testing.T) {
	e := newEnv(t, setup{cfg: func(c *Config) { c.Timeout = 100 * time.Millisecond }})
	e.sim.SetFault(swipsim.Fault{Slow: time.Hour})
	e.Before(func(r *http.Request) {
		if r.Method == "GET" {
			e.sim.SetFault(swipsim.Fault{})
		}
	})
	op := e.payOp(100)
	expect(t, e.Pay(op), providers.Pending)
	if c := e.Calls(); c != "POST /orders, GET /orders/{id}" {
		t.Errorf("calls %s", c)
	}
	if n := len(e.sim.Orders()); n != 1 {
		t.Errorf("%d orders", n)
	}
}

func TestACloseIsNeverSentTwiceBlindly(t *testing.T) {
	t.Run("answer dropped", func(t *testing.T) {
		e := newEnv(t, setup{})
		op := e.started(1000)
		e.sim.Pay(op.Key, "guest")
		e.sim.SetFault(swipsim.Fault{DropAnswer: 1})
		expect(t, e.Follow(op), providers.Approved)
		if n := e.Count("POST /orders/{id}/actions/close"); n != 1 {
			t.Errorf("%d closes", n)
		}
		if s := e.order(op.Key); s.Closes != 1 || s.CloseAmount != 1000 {
			t.Errorf("%+v", s)
		}
	})
	t.Run("500 after closing", func(t *testing.T) {
		e := newEnv(t, setup{})
		op := e.started(1000)
		e.sim.Pay(op.Key, "guest")
		e.sim.SetFault(swipsim.Fault{Status500After: 1})
		expect(t, e.Follow(op), providers.Approved)
		if s := e.order(op.Key); s.Closes != 1 {
			t.Errorf("%d closes reached SWiP", s.Closes)
		}
	})
	t.Run("500 before closing", func(t *testing.T) {
		e := newEnv(t, setup{})
		op := e.started(1000)
		e.sim.Pay(op.Key, "guest")
		e.Before(func(r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/actions/close") {
				e.Before(nil)
				e.sim.SetFault(swipsim.Fault{Status500: 1})
			}
		})
		expect(t, e.Follow(op), providers.Approved)
		// The 500 was checked (still OPEN) and the close sent again.
		if c := e.Calls(); !strings.HasSuffix(c, "POST /orders/{id}/actions/close, GET /orders/{id}, POST /orders/{id}/actions/close") {
			t.Errorf("calls %s", c)
		}
		if s := e.order(op.Key); s.Closes != 1 {
			t.Errorf("%d closes reached SWiP", s.Closes)
		}
	})
}

func TestARefundIsNeverMadeTwice(t *testing.T) {
	t.Run("500 after refunding", func(t *testing.T) {
		e := newEnv(t, setup{})
		op := e.paid(1000, "guest")
		e.sim.SetFault(swipsim.Fault{Status500After: 1})
		r := e.op(providers.KindRefund, op.Key, 400)
		out := e.Refund(r)
		expect(t, out, providers.Approved)
		if !strings.HasPrefix(out.Detail, "confirmed by a look-up") {
			t.Errorf("%+v", out)
		}
		if s := e.order(op.Key); s.Refunded != 400 || e.Count("POST /refunds") != 1 {
			t.Errorf("refunded %d in %d requests", s.Refunded, e.Count("POST /refunds"))
		}
	})
	t.Run("answer dropped", func(t *testing.T) {
		e := newEnv(t, setup{})
		op := e.paid(1000, "guest")
		e.sim.SetFault(swipsim.Fault{DropAnswer: 1})
		expect(t, e.Refund(e.op(providers.KindRefund, op.Key, 400)), providers.Approved)
		if s := e.order(op.Key); s.Refunded != 400 {
			t.Errorf("refunded %d", s.Refunded)
		}
	})
	t.Run("lost, then sent again", func(t *testing.T) {
		e := newEnv(t, setup{})
		op := e.paid(1000, "guest")
		e.Before(func(r *http.Request) {
			if r.URL.Path == "/refunds" {
				e.sim.SetFault(swipsim.Fault{Down: true})
			}
		})
		r := e.op(providers.KindRefund, op.Key, 400)
		out := e.Refund(r)
		expect(t, out, providers.Unknown)
		if !out.Retryable {
			t.Errorf("%+v", out)
		}
		e.Before(nil)
		e.sim.SetFault(swipsim.Fault{})
		lk := e.Lookup(r.Key)
		if lk.Status != providers.Declined || lk.Reason != reasonNotRefunded {
			t.Errorf("lookup %+v", lk)
		}
		expect(t, e.Refund(r), providers.Approved)
		expect(t, e.Refund(r), providers.Approved)
		if s := e.order(op.Key); s.Refunded != 400 {
			t.Errorf("refunded %d", s.Refunded)
		}
	})
	t.Run("lost, but it went through", func(t *testing.T) {
		e := newEnv(t, setup{})
		op := e.paid(1000, "guest")
		r := e.op(providers.KindRefund, op.Key, 400)
		e.Before(func(req *http.Request) {
			if req.URL.Path == "/refunds" {
				e.sim.SetFault(swipsim.Fault{DropAnswer: 1})
			}
			if req.Method == "GET" && e.Count("POST /refunds") == 1 {
				e.sim.SetFault(swipsim.Fault{Down: true}) // and the look-up fails
			}
		})
		expect(t, e.Refund(r), providers.Unknown)
		e.Before(nil)
		e.sim.SetFault(swipsim.Fault{})
		expect(t, e.Lookup(r.Key), providers.Approved)
		expect(t, e.Refund(r), providers.Approved) // a replay: not sent again
		if s := e.order(op.Key); s.Refunded != 400 || e.Count("POST /refunds") != 1 {
			t.Errorf("refunded %d in %d requests", s.Refunded, e.Count("POST /refunds"))
		}
	})
	t.Run("500 throughout", func(t *testing.T) {
		e := newEnv(t, setup{})
		op := e.paid(1000, "guest")
		e.Before(func(req *http.Request) {
			if req.URL.Path == "/refunds" {
				e.sim.SetFault(swipsim.Fault{Status500: 1})
			}
		})
		out := e.Refund(e.op(providers.KindRefund, op.Key, 400))
		// Each 500 was checked against the order: nothing happened.
		if out.Status != providers.Declined || !out.Retryable || out.Code != "1" {
			t.Errorf("%+v", out)
		}
		if n := e.Count("POST /refunds"); n != 4 {
			t.Errorf("%d tries", n)
		}
	})
}

func TestErrorBodiesThatAreNotJSONStillReportTheStatus(t *testing.T) {
	// The document's own example, comments included.
	doc := "{\n  \"code\": 5,                        // SWiP internal error code\n  \"description\": \"string\",          // error description\n  \"fieldErrors\": [\n    {\n      \"field\": \"string\",\n    }\n  ]\n}"
	for body, want := range map[string]string{
		doc:                                      "5",
		"<html>Bad Request</html>":               "http_400",
		"":                                       "http_400",
		`{"code":0,"description":"x"}`:           "http_400",
		`{"code":5.5}`:                           "http_400",
		`{"code":"\u001b[2J"}`:                   "http_400",
		`{"code":"unauthorized"}`:                "unauthorized",
		`{"code":31,"description":"Not paid."`:   "31",
		`{"code":"32","description":"too much"}`: "32",
	} {
		e := newEnv(t, setup{wrap: answerWith(400, body)})
		out := e.Pay(e.payOp(100))
		if out.Status != providers.Declined || out.Code != want || !strings.Contains(out.Detail, "HTTP 400") || out.Reason != codeReason(want) {
			t.Errorf("%q: %+v", body, out)
		}
	}
}

func TestUnreadableAnswersAreLookedUpNeverApproved(t *testing.T) {
	for name, body := range map[string]string{
		"truncated":        `{"id":"`,
		"html":             `<html>OK</html>`,
		"string amount":    `{"id":"%s","orderStatus":"CLOSED","total":"10.00","totalOriginal":10.0,"paid":10.0,"closeAmount":10.0}`,
		"too many digits":  `{"id":"%s","orderStatus":"CLOSED","total":10.001,"totalOriginal":10.001,"paid":10.001,"closeAmount":10.001}`,
		"other total":      `{"id":"%s","orderStatus":"CLOSED","total":1.0,"totalOriginal":1.0,"paid":1.0,"closeAmount":1.0}`,
		"other id":         `{"id":"ee96aaf7-9ec7-4baf-bf88-c0f77db672e0","orderStatus":"CLOSED","total":10.0,"totalOriginal":10.0,"paid":10.0,"closeAmount":10.0}`,
		"status case":      `{"id":"%s","orderStatus":"Closed","total":10.0,"totalOriginal":10.0,"paid":10.0,"closeAmount":10.0}`,
		"member case":      `{"id":"%s","ORDERSTATUS":"CLOSED","total":10.0,"totalOriginal":10.0,"paid":10.0,"closeAmount":10.0}`,
		"unknown status":   `{"id":"%s","orderStatus":"PAID","total":10.0,"totalOriginal":10.0,"paid":10.0,"closeAmount":10.0}`,
		"cash not bool":    `{"id":"%s","orderStatus":"CLOSED","total":10.0,"totalOriginal":10.0,"paid":10.0,"closeAmount":10.0,"cash":"yes"}`,
		"negative paid":    `{"id":"%s","orderStatus":"CLOSED","total":10.0,"totalOriginal":10.0,"paid":-10.0,"closeAmount":10.0}`,
		"trailing garbage": `{"id":"%s","orderStatus":"CLOSED","total":10.0,"totalOriginal":10.0,"paid":10.0,"closeAmount":10.0} x`,
		"trailing comma":   `{"id":"%s","orderStatus":"CLOSED","total":10.0,"totalOriginal":10.0,"paid":10.0,"closeAmount":10.0,}`,
	} {
		t.Run(name, func(t *testing.T) {
			var op providers.Op
			e := newEnv(t, setup{wrap: func(sim http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					answerWith(200, strings.ReplaceAll(body, "%s", op.Key))(sim).ServeHTTP(w, r)
				})
			}})
			op = e.payOp(1000) // the simulator has it OPEN
			out := e.Pay(op)
			expect(t, out, providers.Pending)
			if c := e.Calls(); c != "POST /orders, GET /orders/{id}" {
				t.Errorf("calls %s", c)
			}
		})
	}
}

func TestTransportErrorsAndHostileAnswersNeverCarryTheToken(t *testing.T) {
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		if r.Method == "POST" {
			w.WriteHeader(400)
			io.WriteString(w, `{"code":5,"description":"bad header `+auth+`","fieldErrors":[{"field":"Authorization","message":"`+auth+`"}]}`)
			return
		}
		w.WriteHeader(200)
		id := strings.TrimPrefix(r.URL.Path, "/orders/")
		io.WriteString(w, `{"id":"`+id+`","orderStatus":"CLOSED","total":1.0,"totalOriginal":1.0,"closeAmount":0,"error":"`+auth+`","sessionCode":"`+auth+`"}`)
	})
	srv := httptest.NewServer(echo)
	defer srv.Close()
	cfg := Config{BaseURL: srv.URL, Token: testToken, MerchantID: testMerchant, StoreID: testStore, CashID: testCash, Currency: "TWD"}
	c, err := New(cfg, httpx.WithSleep(httpx.NoWait))
	if err != nil {
		t.Fatal(err)
	}
	p := c.Payments()
	key := uuid.NewString()
	out := p.Pay(context.Background(), providers.Op{Key: key, Amount: 100, Currency: "TWD"})
	noToken(t, out)
	if out.Status != providers.Declined || !strings.Contains(out.Detail, "[redacted]") {
		t.Errorf("%+v", out)
	}
	out = p.Lookup(context.Background(), providers.Op{Target: key})
	noToken(t, out)
	if !strings.Contains(out.Detail, "[redacted]") {
		t.Errorf("%+v", out)
	}
	o, _ := c.GetOrder(context.Background(), key)
	if strings.Contains(o.Error+o.SessionCode, "TOPSECRET") {
		t.Errorf("%+v", o)
	}
	_, err = c.CreateOrder(context.Background(), OrderRequest{ID: key, Total: 1, Lines: []Line{{Name: "a", Quantity: 1, Amount: 1}}})
	if err == nil || strings.Contains(err.Error(), "TOPSECRET") {
		t.Errorf("%v", err)
	}

	// Nothing listening: the transport's error text is kept, the token is not.
	cfg.BaseURL = "http://127.0.0.1:1/"
	dead, err := New(cfg, httpx.WithSleep(httpx.NoWait), httpx.WithBackoff(httpx.Backoff{Attempts: 2}))
	if err != nil {
		t.Fatal(err)
	}
	out = dead.Payments().Pay(context.Background(), providers.Op{Key: key, Amount: 1, Currency: "TWD"})
	noToken(t, out)
	if out.Status != providers.Unknown || !out.Retryable || out.Detail == "" {
		t.Errorf("%+v", out)
	}
}

func TestAProxyNotFoundPageProvesNothing(t *testing.T) {
	e := newEnv(t, setup{wrap: func(sim http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(404)
			io.WriteString(w, "<h1>Not Found</h1>")
		})
	}})
	out := e.Lookup(uuid.NewString())
	expect(t, out, providers.Unknown)
	if out.Code != "http_404" {
		t.Errorf("%+v", out)
	}
	_, err := e.client.CreateOrder(context.Background(), OrderRequest{ID: uuid.NewString(), Total: 1, Lines: []Line{{Name: "a", Quantity: 1, Amount: 1}}})
	if code(err) != "http_404" {
		t.Errorf("%v", err)
	}
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	e := newEnv(t, setup{wrap: func(sim http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		})
	}})
	out := e.Pay(e.payOp(100))
	if out.Status != providers.Declined || out.Code != "http_302" {
		t.Errorf("%+v", out)
	}
	if c := e.Calls(); c != "POST /orders" {
		t.Errorf("calls %s", c)
	}
}

func TestWrongTokenIsDeclinedWithoutShowingIt(t *testing.T) {
	e := newEnv(t, setup{sim: []swipsim.Option{swipsim.WithToken("another-token")}})
	out := e.Pay(e.payOp(100))
	expect(t, out, providers.Declined)
	if out.Reason != codeReasons["2"] || out.Code != "2" || !strings.Contains(out.Detail, "401") {
		t.Errorf("%+v", out)
	}
	lk := e.Lookup(uuid.NewString()) // a 401 says nothing of the payment
	if lk.Status != providers.Unknown || lk.Reason != codeReasons["2"] {
		t.Errorf("%+v", lk)
	}
}

func TestTheContextBoundsEveryCall(t *testing.T) {
	e := newEnv(t, setup{})
	op := e.started(100)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.OnSleep(func(n int) {
		if n == 3 {
			cancel()
		}
	})
	out := e.check(e.pay.Follow(ctx, op))
	expect(t, out, providers.Pending)
	if n := e.Count("POST /orders/{id}/actions/close"); n != 0 {
		t.Errorf("cancelled before the window: %d closes", n)
	}
	// A deadline shorter than a Retry-After is not waited out.
	e.sim.SetFault(swipsim.Fault{RateLimit: 1, RetryAfter: time.Hour})
	dctx, dcancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer dcancel()
	_, err := e.client.GetOrder(dctx, op.Key)
	if code(err) != "too_many_request" {
		t.Errorf("%v", err)
	}
	var ae *Error
	if errors.As(err, &ae) && ae.RetryAfter != time.Hour {
		t.Errorf("retry after %v", ae.RetryAfter)
	}
}
