package ticketbao

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"till/providers"
	"till/providers/ticketbao/ticketbaosim"
)

var adult2 = GenerateRequest{ChannelOrderID: "S-9", ProductSaleID: ticketbaosim.ProductAdult, Quantity: 2}

func TestLostGenerateAnswerIsFoundByQuery(t *testing.T) {
	e := newEnv(t, nil, nil)
	e.sim.SetFault(ticketbaosim.Fault{DropAnswer: 1})
	out, o := e.c.GenerateOutcome(ctx, adult2)
	expect(t, out, providers.Approved)
	if !o.Found || len(o.Vouchers) != 2 || e.Calls() != "generate query" || e.Kinds() != "generate" {
		t.Fatalf("%+v, calls %q, ledger %q", o, e.Calls(), e.Kinds())
	}
}

func TestLostGenerateThenReplayMakesOneOrder(t *testing.T) {
	for name, fault := range map[string]ticketbaosim.Fault{
		"processed, answer dropped": {DropAnswer: 1},
		"processed, 500":            {Status500After: 1},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, nil, nil)
			e.sim.SetFault(fault)
			e.Block("query", true)
			out, _ := e.c.GenerateOutcome(ctx, adult2)
			if out.Status != providers.Unknown || !out.Retryable {
				t.Fatalf("%+v", out)
			}
			e.Block("query", false)
			out, o := e.c.GenerateOutcome(ctx, adult2)
			expect(t, out, providers.Approved)
			if !o.Found || len(e.sim.Orders()) != 1 || e.Kinds() != "generate" {
				t.Fatalf("%+v, %d orders, ledger %q", o, len(e.sim.Orders()), e.Kinds())
			}
		})
	}
}

func TestGenerateWhileDownThenReplay(t *testing.T) {
	e := newEnv(t, nil, nil)
	e.sim.SetFault(ticketbaosim.Fault{Down: true})
	out, _ := e.c.GenerateOutcome(ctx, adult2)
	if out.Status != providers.Unknown || !out.Retryable {
		t.Fatalf("%+v", out)
	}
	e.sim.SetFault(ticketbaosim.Fault{})
	out, o := e.c.GenerateOutcome(ctx, adult2)
	expect(t, out, providers.Approved)
	if o.Found || len(e.sim.Orders()) != 1 || e.Kinds() != "generate" {
		t.Fatalf("%+v, ledger %q", o, e.Kinds())
	}
}

func TestUnprocessedGenerateIsDeclinedRetryable(t *testing.T) {
	e := newEnv(t, nil, nil)
	e.sim.SetFault(ticketbaosim.Fault{Status500: 1})
	out, _ := e.c.GenerateOutcome(ctx, adult2)
	// Not found by the query: nothing was made, and Declined says so.
	if out.Status != providers.Declined || !out.Retryable || len(e.sim.Orders()) != 0 || e.Calls() != "generate query" {
		t.Fatalf("%+v, calls %s", out, e.Calls())
	}
	_, err := e.c.Generate(ctx, adult2)
	if err != nil {
		t.Fatal(err)
	}
}

func TestLostGenerateAndQuerySaysNoAnswer(t *testing.T) {
	e := newEnv(t, nil, nil)
	e.Block("generate", true)
	e.Block("query", true)
	_, err := e.c.Generate(ctx, adult2)
	isErr(t, err, ErrNoAnswer)
	// One generate, then the query tried four times.
	if e.Calls() != "generate query query query query" {
		t.Errorf("calls %q", e.Calls())
	}
}

func TestTimeoutIsALostAnswer(t *testing.T) {
	e := newEnv(t, nil, func(c *Config) { c.Timeout = 50 * time.Millisecond })
	e.sim.SetFault(ticketbaosim.Fault{Slow: time.Second})
	start := time.Now()
	_, err := e.c.Generate(ctx, adult2)
	isErr(t, err, ErrNoAnswer)
	if d := time.Since(start); d > 900*time.Millisecond {
		t.Errorf("took %v: the timeout did not bound the requests", d)
	}
}

func TestLostRefundAnswerIsCheckedByQuery(t *testing.T) {
	for name, fault := range map[string]ticketbaosim.Fault{
		"dropped":        {DropAnswer: 1},
		"500 after work": {Status500After: 1},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, nil, nil)
			o := e.sale("S-1", 3)
			e.sim.SetFault(fault)
			r, err := e.c.Refund(ctx, refundOf(o, 2, 0))
			if err != nil || !r.Verified || r.Order.Refunded() != 2 {
				t.Fatalf("%+v %v", r, err)
			}
			if e.Kinds() != "generate refund" || e.Calls() != "generate query refund query" {
				t.Errorf("ledger %q calls %q", e.Kinds(), e.Calls())
			}
		})
	}
}

func TestLostRefundThenReplayRefundsOnce(t *testing.T) {
	e := newEnv(t, nil, nil)
	o := e.sale("S-1", 3)
	req := refundOf(o, 2, 0)
	// The refund is made, its answer lost, and so are the queries after it.
	e.sim.SetFault(ticketbaosim.Fault{DropAnswer: 1})
	e.c.http.HTTP.Transport = afterRefund{e, e.c.http.HTTP.Transport}
	out := e.c.RefundOutcome(ctx, req)
	if out.Status != providers.Unknown || !out.Retryable {
		t.Fatalf("%+v", out)
	}
	e.Block("query", false)
	out = e.c.RefundOutcome(ctx, req) // the replay, unchanged
	expect(t, out, providers.Approved)
	if !strings.Contains(out.Detail, "not sent again") || e.Kinds() != "generate refund" || strings.Count(e.Calls(), "refund") != 1 {
		t.Fatalf("%+v, ledger %q, calls %q", out, e.Kinds(), e.Calls())
	}
	if got, _ := e.sim.Order(o.Pass2UOrderID); countRefunded(got) != 2 {
		t.Errorf("%d refunded", countRefunded(got))
	}
}

// afterRefund cuts the queries once a refund has been sent.
type afterRefund struct {
	e    *env
	next http.RoundTripper
}

func (rt afterRefund) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := rt.next.RoundTrip(r)
	if strings.HasSuffix(r.URL.Path, "/refund") {
		rt.e.Block("query", true)
	}
	return resp, err
}

func countRefunded(o ticketbaosim.Order) int {
	n := 0
	for _, v := range o.Vouchers {
		if v.Status == "refunded" {
			n++
		}
	}
	return n
}

func TestUnprocessedRefundIsSentAgainOnReplay(t *testing.T) {
	e := newEnv(t, nil, nil)
	o := e.sale("S-1", 3)
	req := refundOf(o, 1, 0)
	// A 500 that did nothing (a fault's would hit the check's query first).
	if err := e.sim.FailNext(ticketbaosim.RouteRefund, ticketbaosim.MsgOops); err != nil {
		t.Fatal(err)
	}
	out := e.c.RefundOutcome(ctx, req)
	// The query after the 500 shows nothing refunded: not done, retryable.
	if out.Status != providers.Unknown || !out.Retryable || e.Kinds() != "generate" {
		t.Fatalf("%+v, ledger %q", out, e.Kinds())
	}
	expect(t, e.c.RefundOutcome(ctx, req), providers.Approved)
	if e.Kinds() != "generate refund" {
		t.Errorf("ledger %q", e.Kinds())
	}
}

func TestRefundCheckFailingSendsNothing(t *testing.T) {
	e := newEnv(t, nil, nil)
	o := e.sale("S-1", 1)
	e.Block("query", true)
	out := e.c.RefundOutcome(ctx, refundOf(o, 1, 0))
	if out.Status != providers.Declined || !out.Retryable || strings.Contains(e.Calls(), "refund") {
		t.Fatalf("%+v, calls %s", out, e.Calls())
	}
}

func TestRateLimitHonoursRetryAfter(t *testing.T) {
	e := newEnv(t, nil, nil)
	e.sim.SetFault(ticketbaosim.Fault{RateLimit: 2, RetryAfter: 3 * time.Second})
	out, _ := e.c.GenerateOutcome(ctx, adult2)
	expect(t, out, providers.Approved)
	if s := e.Sleeps(); len(s) != 2 || s[0] != 3*time.Second || s[1] != 3*time.Second {
		t.Errorf("sleeps %v, want Retry-After's 3s twice", s)
	}
	if e.Calls() != "generate generate generate" || len(e.sim.Orders()) != 1 {
		t.Errorf("calls %q", e.Calls())
	}
}

func TestRateLimitedThroughoutIsUnknownRetryable(t *testing.T) {
	e := newEnv(t, nil, nil)
	e.sim.SetFault(ticketbaosim.Fault{RateLimit: 4, RetryAfter: 2 * time.Second})
	out, _ := e.c.GenerateOutcome(ctx, adult2)
	if out.Status != providers.Unknown || !out.Retryable || out.RetryAfter != 2*time.Second || !strings.Contains(out.Reason, "busy") {
		t.Fatalf("%+v", out)
	}
	o := e.sale("S-1", 1)
	e.sim.SetFault(ticketbaosim.Fault{RateLimit: 8, RetryAfter: 2 * time.Second})
	out = e.c.RefundOutcome(ctx, refundOf(o, 1, 0))
	if out.Status != providers.Declined || !out.Retryable || out.RetryAfter != 2*time.Second {
		t.Fatalf("refund: %+v", out)
	}
	if len(e.sim.Orders()) != 1 || e.Kinds() != "generate" {
		t.Errorf("ledger %q", e.Kinds())
	}
}

// broken answers route's requests with status and body, after the Sim
// has processed them.
func broken(route string, status int, body string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasSuffix(r.URL.Path, "/"+route) {
				next.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(discard{}, r)
			w.WriteHeader(status)
			w.Write([]byte(body))
		})
	}
}

type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}

func TestBrokenJSON(t *testing.T) {
	t.Run("generate answer", func(t *testing.T) {
		e := newEnv(t, broken("generate", 200, `{"pass2uOrderId":"TB1",`), nil)
		out, o := e.c.GenerateOutcome(ctx, adult2)
		expect(t, out, providers.Approved) // found by the query
		if !o.Found || e.Kinds() != "generate" {
			t.Fatalf("%+v", o)
		}
	})
	t.Run("error body", func(t *testing.T) {
		e := newEnv(t, broken("generate", 400, `<html>Bad Request</html>`), nil)
		out, _ := e.c.GenerateOutcome(ctx, adult2)
		// The Sim made the order; a 400 without a message is looked up.
		expect(t, out, providers.Approved)
	})
	t.Run("query answer", func(t *testing.T) {
		e := newEnv(t, broken("query", 200, `{"pass2uOrderId":`), nil)
		_, err := e.c.Query(ctx, QueryRequest{ChannelOrderID: "S-1", ProductSaleID: ticketbaosim.ProductAdult})
		isErr(t, err, ErrUnreadable)
	})
	t.Run("refund answer", func(t *testing.T) {
		e := newEnv(t, broken("refund", 200, `[]`), nil)
		o := e.sale("S-1", 2)
		r, err := e.c.Refund(ctx, refundOf(o, 1, 0))
		if err != nil || !r.Verified {
			t.Fatalf("%+v %v", r, err)
		}
	})
	t.Run("unknown voucher status", func(t *testing.T) {
		e := newEnv(t, broken("generate", 200, `{"pass2uOrderId":"TB1","channelOrderId":"S-9","vouchers":[{"barcodeMessage":"1","status":"lost"},{"barcodeMessage":"2","status":"notPickedup"}]}`), nil)
		e.Block("query", true)
		out, _ := e.c.GenerateOutcome(ctx, adult2)
		if out.Status != providers.Unknown || !strings.Contains(out.Detail, "unknown status") {
			t.Fatalf("%+v", out)
		}
	})
}
