package swip

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"till/providers"
	"till/providers/swip/swipsim"
)

func TestNewChecksTheConfiguration(t *testing.T) {
	good := Config{Token: testToken, MerchantID: testMerchant, StoreID: testStore, CashID: testCash, Currency: "TWD"}
	for _, tc := range []struct {
		field string
		edit  func(*Config)
	}{
		{"BaseURL", func(c *Config) { c.BaseURL = "ftp://swip.example/" }},
		{"BaseURL", func(c *Config) { c.BaseURL = "swip.example" }},
		{"BaseURL", func(c *Config) { c.BaseURL = "https://%zz" }},
		{"BaseURL", func(c *Config) { c.BaseURL = "https://user:" + testToken + "@swip.example/" }},
		{"Token", func(c *Config) { c.Token = "" }},
		{"Token", func(c *Config) { c.Token = testToken + "\r\nX-Evil: 1" }},
		{"MerchantID", func(c *Config) { c.MerchantID = "" }},
		{"StoreID", func(c *Config) { c.StoreID = " " }},
		{"CashID", func(c *Config) { c.CashID = "" }},
		{"CashID", func(c *Config) { c.CashID = "12\n31" }},
		{"Currency", func(c *Config) { c.Currency = "" }},
		{"Currency", func(c *Config) { c.Currency = "XYZQ" }},
		{"CashierID", func(c *Config) { c.CashierID = "cashier-7" }},
		{"Timeout", func(c *Config) { c.Timeout = -time.Second }},
		{"PayWindow", func(c *Config) { c.PayWindow = -time.Second }},
	} {
		cfg := good
		tc.edit(&cfg)
		_, err := New(cfg)
		if err == nil || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: error %v should name the field", tc.field, err)
		}
		if err != nil && strings.Contains(err.Error(), "TOPSECRET") {
			t.Errorf("%s: token in error %q", tc.field, err)
		}
	}
	c, err := New(good)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name() != "swip" || c.Payments().Name() != "swip" || c.base != DefaultBaseURL {
		t.Errorf("defaults: %s %s", c.Name(), c.base)
	}
	if c.cfg.Timeout != DefaultTimeout || c.cfg.PollInterval != time.Second || c.cfg.PayWindow != 45*time.Second || c.cfg.Cashier != "Till 1231" {
		t.Errorf("defaults: %+v", c.cfg)
	}
	for _, s := range []string{fmt.Sprint(good), fmt.Sprintf("%+v", good), fmt.Sprintf("%#v", good), fmt.Sprint(c), fmt.Sprintf("%v", &good)} {
		if strings.Contains(s, "TOPSECRET") {
			t.Errorf("token shown: %s", s)
		}
	}
}

// TestScenario1 is the customer paying in the SWiP app, with a member's
// discount: Pay shows the QR code, Follow polls, sees the payment, confirms
// it with a close of the order's total and answers Approved.
func TestScenario1PaysInTheAppWithTheDiscount(t *testing.T) {
	e := newEnv(t, setup{})
	op := e.payOp(12345) // 123.45 TWD
	out := e.Pay(op)
	expect(t, out, providers.Pending)
	o := e.order(op.Key)
	if out.Reference != op.Key || out.Detail != o.SessionCode || !strings.HasPrefix(o.SessionCode, "https://swip.one/?qr=") {
		t.Fatalf("pending %+v, order %+v", out, o)
	}
	if got, ok := e.client.LastOrder(op.Key); !ok || got.SessionCode != o.SessionCode || got.Status != Open {
		t.Errorf("LastOrder %+v", got)
	}
	e.OnSleep(func(n int) {
		if n == 3 {
			if err := e.sim.Pay(op.Key, "member-001"); err != nil {
				t.Error(err)
			}
		}
	})
	out = e.Follow(op)
	expect(t, out, providers.Approved)
	// 10% of 123.45 is 12.345: 12.35 before SWiP rounds it to 12.
	got, _ := e.client.LastOrder(op.Key)
	if got.Discount() != 1200 || got.Total != 11145 || got.Paid != 11145 || got.CloseAmount != 11145 || got.Status != Closed {
		t.Errorf("order %+v", got)
	}
	if out.Reference != op.Key || !strings.Contains(out.Detail, "SWiP discount 12.00") || !strings.Contains(out.Detail, "paid 111.45") {
		t.Errorf("approved %+v", out)
	}
	if k := e.kinds(); k != "create pay confirm" {
		t.Errorf("ledger %s", k)
	}
	if c := e.Calls(); c != "POST /orders, GET /orders/{id}, GET /orders/{id}, GET /orders/{id}, GET /orders/{id}, POST /orders/{id}/actions/close" {
		t.Errorf("calls %s", c)
	}
	reqs := e.Requests()
	if b := string(reqs[len(reqs)-1].Body); b != `{"amount":111.45}` {
		t.Errorf("close body %s", b)
	}
	if s := e.order(op.Key); s.CloseAmount != 11145 || s.Unconfirmed != 0 || s.Closes != 1 {
		t.Errorf("simulator %+v", s)
	}
	// Looked up later: still the approved payment.
	again := e.Lookup(op.Key)
	expect(t, again, providers.Approved)
}

// TestScenario2 is the customer taking the discount and paying at the
// till: Follow says so, the order stays open, and the till closes it with
// what it took.
func TestScenario2DiscountThenTheTillClosesWithTheAmount(t *testing.T) {
	e := newEnv(t, setup{})
	op := e.started(20000)
	e.OnSleep(func(n int) {
		if n == 2 {
			if err := e.sim.Identify(op.Key, "member-002"); err != nil {
				t.Error(err)
			}
		}
	})
	out := e.Follow(op)
	expect(t, out, providers.Declined)
	if out.Code != "pay_at_till" || out.Reason != "The customer pays 180.00 at the till (cash or card) after a SWiP discount of 20.00." ||
		out.Amount != 18000 || out.Discount != 2000 {
		t.Errorf("%+v", out)
	}
	o, _ := e.client.LastOrder(op.Key)
	if o.Status != Open || !o.Cash || o.Total != 18000 || o.Discount() != 2000 || o.Paid != 0 || o.CustomerID == "" {
		t.Fatalf("order %+v", o)
	}
	if n := e.Count("POST /orders/{id}/actions/close"); n != 0 {
		t.Fatalf("%d closes before the till took the money", n)
	}
	// The clerk takes 180.00 in cash; the till closes the order with it.
	closeOp := e.op(providers.KindClose, op.Key, int64(o.Total))
	expect(t, providers.Do(context.Background(), e.pay, closeOp), providers.Approved)
	// Sent again after a lost answer: the order already says so.
	expect(t, e.pay.Close(context.Background(), closeOp), providers.Approved)
	if s := e.order(op.Key); s.Status != "CLOSED" || s.CloseAmount != 18000 || s.Paid != 0 || s.Closes != 1 {
		t.Errorf("closed %+v", s)
	}
	look := e.Lookup(op.Key)
	if look.Status != providers.Declined || look.Code != "paid_at_till" {
		t.Errorf("lookup %+v", look)
	}
	// Nothing went through SWiP, so nothing comes back through it.
	r := e.Refund(e.op(providers.KindRefund, op.Key, 1000))
	if r.Status != providers.Declined || r.Code != "31" || !strings.HasPrefix(r.Detail, "not sent") {
		t.Errorf("refund %+v", r)
	}
	v := e.Void(e.op(providers.KindVoid, op.Key, 0))
	if v.Status != providers.Declined || v.Code != "31" || v.Reason != reasonGiveBackTill {
		t.Errorf("void %+v", v)
	}
	if n := e.Count("POST /refunds") + e.Count("POST /reverses"); n != 0 {
		t.Errorf("%d refunds or reverses sent", n)
	}
	if k := e.kinds(); k != "create identify confirm" {
		t.Errorf("ledger %s", k)
	}
}

func TestNotPaidWithinTheWindowIsCancelledThenDeclined(t *testing.T) {
	e := newEnv(t, setup{})
	op := e.started(5000)
	start := e.clock.Now()
	out := e.Follow(op)
	expect(t, out, providers.Declined)
	if out.Reason != "Not paid within 45 seconds: the order was cancelled" || out.Code != "cancelled" || out.Reference != op.Key {
		t.Errorf("%+v", out)
	}
	if waited := e.clock.Now().Sub(start); waited != 45*time.Second {
		t.Errorf("followed for %v", waited)
	}
	if n := e.Count("GET /orders/{id}"); n != 46 {
		t.Errorf("%d looks", n)
	}
	reqs := e.Requests()
	last := reqs[len(reqs)-1]
	if !strings.HasSuffix(last.Path, "/actions/close") || string(last.Body) != `{"amount":0.00}` {
		t.Errorf("last request %s %s", last.Path, last.Body)
	}
	if s := e.order(op.Key); s.Status != "CLOSED" || s.CloseAmount != 0 || s.TimedOut {
		t.Errorf("simulator %+v", s)
	}
	// Following again finds it cancelled and sends no second close.
	again := e.Follow(op)
	if again.Status != providers.Declined || again.Code != "cancelled" {
		t.Errorf("%+v", again)
	}
	if n := e.Count("POST /orders/{id}/actions/close"); n != 1 {
		t.Errorf("%d closes", n)
	}
}

func TestTheWindowCountsFromWhenThePaymentWasMade(t *testing.T) {
	e := newEnv(t, setup{})
	op := e.started(5000)
	e.clock.Advance(50 * time.Second) // the till restarted, say
	out := e.Follow(op)
	expect(t, out, providers.Declined)
	if n := e.Count("GET /orders/{id}"); n != 1 {
		t.Errorf("%d looks after the window had passed", n)
	}

	// Past SWiP's own 90 s the order has timed out: nothing to close.
	late := e.started(5000)
	e.clock.Advance(2 * time.Minute)
	out = e.Follow(late)
	if out.Status != providers.Declined || out.Code != "cancelled" || out.Reason != reasonCancelled || !strings.Contains(out.Detail, "Order timed out") {
		t.Errorf("%+v", out)
	}
	if s := e.order(late.Key); !s.TimedOut || s.Closes != 0 {
		t.Errorf("%+v", s)
	}
}

func TestPaidAfterTheWindowIsStillConfirmed(t *testing.T) {
	e := newEnv(t, setup{})
	op := e.started(5000)
	e.clock.Advance(60 * time.Second)
	if err := e.sim.Pay(op.Key, "guest"); err != nil {
		t.Fatal(err)
	}
	out := e.Follow(op)
	expect(t, out, providers.Approved)
	if s := e.order(op.Key); s.CloseAmount != 5000 || s.Discount != 0 {
		t.Errorf("%+v", s)
	}
}

func TestAutoPay(t *testing.T) {
	e := newEnv(t, setup{sim: []swipsim.Option{swipsim.WithAutoPay(5*time.Second, "member-001")}})
	op := e.started(1000)
	expect(t, e.Follow(op), providers.Approved)
	if n := len(e.Sleeps()); n != 5 {
		t.Errorf("%d polls", n)
	}
	if o, _ := e.client.LastOrder(op.Key); o.Discount() != 100 {
		t.Errorf("%+v", o)
	}
}

func TestAFailedAttemptInTheAppKeepsWaiting(t *testing.T) {
	e := newEnv(t, setup{})
	op := e.started(3000)
	e.OnSleep(func(n int) {
		switch n {
		case 1:
			e.sim.Decline(op.Key, "Card declined")
		case 4:
			e.sim.Pay(op.Key, "guest")
		}
	})
	expect(t, e.Follow(op), providers.Approved)

	never := e.started(3000)
	base := len(e.Sleeps())
	e.OnSleep(func(n int) {
		if n == base+1 {
			e.sim.Decline(never.Key, "Card declined")
		}
	})
	out := e.Follow(never)
	if out.Status != providers.Declined || !strings.Contains(out.Detail, "Card declined") {
		t.Errorf("%+v", out)
	}
}

func TestClerkCancelsAnOpenOrder(t *testing.T) {
	e := newEnv(t, setup{})
	op := e.started(4200)
	v := e.op(providers.KindVoid, op.Key, 0)
	out := e.Void(v)
	expect(t, out, providers.Approved)
	reqs := e.Requests()
	last := reqs[len(reqs)-1]
	if !strings.HasSuffix(last.Path, "/actions/close") || len(last.Body) != 0 || last.Header.Get("Content-Type") != "" {
		t.Errorf("cancel %s %q %v", last.Path, last.Body, last.Header)
	}
	if s := e.order(op.Key); s.Status != "CLOSED" || s.CloseAmount != 0 {
		t.Errorf("%+v", s)
	}
	follow := e.Follow(op)
	if follow.Status != providers.Declined || follow.Code != "cancelled" {
		t.Errorf("%+v", follow)
	}
	expect(t, e.Lookup(v.Key), providers.Approved) // the void, by its key
	expect(t, e.Void(v), providers.Approved)       // the same void again: no request
	if n := e.Count("POST /orders/{id}/actions/close"); n != 1 {
		t.Errorf("%d closes", n)
	}

	// Paid in the app but not yet confirmed: the cancel gives it back.
	paid := e.started(4200)
	e.sim.Pay(paid.Key, "guest")
	expect(t, e.Void(e.op(providers.KindVoid, paid.Key, 0)), providers.Approved)
	if s := e.order(paid.Key); s.Paid != 0 || s.CloseAmount != 0 {
		t.Errorf("%+v", s)
	}
	if k := e.kinds(); k != "create cancel create pay cancel" {
		t.Errorf("ledger %s", k)
	}
	if l := e.sim.Ledger(); l[len(l)-1].Amount != 4200 {
		t.Errorf("given back %d", l[len(l)-1].Amount)
	}
}

func TestReverse(t *testing.T) {
	e := newEnv(t, setup{})
	op := e.paid(10000, "guest")
	v := e.op(providers.KindVoid, op.Key, 0)
	out := e.Void(v)
	expect(t, out, providers.Approved)
	reqs := e.Requests()
	last := reqs[len(reqs)-1]
	if last.Path != "/reverses" || string(last.Body) != `{"merchantId":"ABCD","merchantOrderId":"`+op.Key+`"}` {
		t.Errorf("reverse %s %s", last.Path, last.Body)
	}
	s := e.order(op.Key)
	if !s.Reversed || s.Refunded != 10000 {
		t.Errorf("%+v", s)
	}
	expect(t, e.Lookup(v.Key), providers.Approved)
	// Everything is back: another void changes nothing, a refund is refused.
	again := e.Void(e.op(providers.KindVoid, op.Key, 0))
	if again.Status != providers.Approved || again.Reason != reasonAlreadyBack {
		t.Errorf("%+v", again)
	}
	r := e.Refund(e.refundOp(op.Key, 100, 10000))
	if r.Code != "29" || r.Status != providers.Declined {
		t.Errorf("%+v", r)
	}
	if n := e.Count("POST /reverses") + e.Count("POST /refunds"); n != 1 {
		t.Errorf("%d sent", n)
	}

	// Too late to reverse: 27, refund instead.
	late := e.paid(5000, "guest")
	e.clock.Advance(11 * time.Minute)
	out = e.Void(e.op(providers.KindVoid, late.Key, 0))
	if out.Status != providers.Declined || out.Code != "27" || out.Reason != "This SWiP payment can no longer be cancelled. Refund it instead." {
		t.Errorf("%+v", out)
	}
	expect(t, e.Refund(e.op(providers.KindRefund, late.Key, 5000)), providers.Approved)

	// SWiP's FAIL body says the same.
	fb := newEnv(t, setup{sim: []swipsim.Option{swipsim.WithFailBodies(), swipsim.WithReverseWindow(time.Minute)}})
	p := fb.paid(5000, "guest")
	fb.clock.Advance(2 * time.Minute)
	out = fb.Void(fb.op(providers.KindVoid, p.Key, 0))
	if out.Status != providers.Declined || out.Code != "27" || !strings.Contains(out.Detail, "HTTP 200") {
		t.Errorf("%+v", out)
	}
}

func TestRefunds(t *testing.T) {
	e := newEnv(t, setup{})
	op := e.paid(10000, "guest")

	expect(t, e.Refund(e.op(providers.KindRefund, op.Key, 2500)), providers.Approved)
	r2 := e.refundOp(op.Key, 2500, 2500)
	expect(t, e.Refund(r2), providers.Approved)
	expect(t, e.Refund(r2), providers.Approved) // the same refund again: not sent twice
	expect(t, e.Lookup(r2.Key), providers.Approved)

	over := e.Refund(e.refundOp(op.Key, 5001, 5000))
	if over.Status != providers.Declined || over.Code != "32" || over.Reason != codeReasons["32"] || !strings.HasPrefix(over.Detail, "not sent") {
		t.Errorf("over: %+v", over)
	}
	expect(t, e.Refund(e.refundOp(op.Key, 5000, 5000)), providers.Approved)
	full := e.Refund(e.refundOp(op.Key, 1, 10000))
	if full.Code != "29" {
		t.Errorf("after all: %+v", full)
	}
	if n := e.Count("POST /refunds"); n != 3 {
		t.Errorf("%d refunds sent", n)
	}
	s := e.order(op.Key)
	if s.Refunded != 10000 {
		t.Errorf("refunded %d", s.Refunded)
	}
	reqs := e.Requests()
	for _, r := range reqs {
		if r.Path == "/refunds" && string(r.Body) != `{"amount":25.00,"merchantId":"ABCD","merchantOrderId":"`+op.Key+`"}` && string(r.Body) != `{"amount":50.00,"merchantId":"ABCD","merchantOrderId":"`+op.Key+`"}` {
			t.Errorf("body %s", r.Body)
		}
	}

	// The discount lowers what can be refunded: a member paid 90.00.
	m := e.paid(10000, "member-001")
	if out := e.Refund(e.op(providers.KindRefund, m.Key, 9001)); out.Code != "32" {
		t.Errorf("%+v", out)
	}
	expect(t, e.Refund(e.op(providers.KindRefund, m.Key, 9000)), providers.Approved)

	// An open order cannot be refunded.
	open := e.started(1000)
	if out := e.Refund(e.op(providers.KindRefund, open.Key, 1000)); out.Code != "6" || out.Reason != codeReasons["6"] {
		t.Errorf("%+v", out)
	}
	// The simulator refuses too, when the adapter's own check is bypassed.
	_, err := e.client.moneyBackFrom(context.Background(), "/refunds", Order{ID: m.Key, Status: Closed, Paid: 1 << 40, CloseAmount: 1 << 40}, 1, false)
	var ae *Error
	if !errors.As(err, &ae) || ae.Code != "29" || ae.Status != 400 {
		t.Errorf("simulator: %v", err)
	}
}

func TestLoyaltyCalculation(t *testing.T) {
	e := newEnv(t, setup{sim: []swipsim.Option{swipsim.WithAnonymousDiscount(5)}})
	id := uuid.NewString()
	l, err := e.client.LoyaltyCalculation(context.Background(), LoyaltyRequest{
		ID:    id,
		Lines: []Line{{ProductID: "COLA", Name: "Cola 330ml", Quantity: 2, Price: 2525, Amount: 5050}},
		Total: 5050,
	})
	if err != nil {
		t.Fatal(err)
	}
	// 5% of 50.50 is 2.525: 2.53, rounded by SWiP to 3.
	if l.DiscountOriginal != 253 || l.Discount != 300 || l.TotalBefore != 5050 || l.Total != 4750 || len(l.Lines) != 1 ||
		l.Lines[0].ProgramID != swipsim.AnonymousProgramID || l.Lines[0].Discount != 253 || l.Lines[0].Description == "" {
		t.Errorf("%+v", l)
	}
	if len(e.sim.Orders()) != 0 {
		t.Error("a calculation made an order")
	}
	// Everyone gets it on an order too: a guest pays 47.50.
	op := e.started(5050)
	e.sim.Pay(op.Key, "guest")
	expect(t, e.Follow(op), providers.Approved)
	if o, _ := e.client.LastOrder(op.Key); o.Total != 4750 {
		t.Errorf("%+v", o)
	}
}

func TestQuoteIsTheAnonymousDiscount(t *testing.T) {
	e := newEnv(t, setup{sim: []swipsim.Option{swipsim.WithAnonymousDiscount(5)}})
	op := e.payOp(5050)
	op.Items = []providers.Item{{SKU: "COLA", Name: "Cola 330ml", Qty: 2, UnitPrice: 2525, Amount: 5050}}
	out := e.check(e.pay.Quote(context.Background(), op))
	if out.Status != providers.Approved || out.Discount != 300 || out.Amount != 4750 || !strings.Contains(out.Detail, "Discount for all customers 2.53") {
		t.Errorf("%+v", out)
	}
	if len(e.sim.Orders()) != 0 {
		t.Error("a quote made an order")
	}
	e.sim.SetFault(swipsim.Fault{Down: true})
	if out := e.pay.Quote(context.Background(), op); out.Status != providers.Declined || out.Reason == "" {
		t.Errorf("down: %+v", out)
	}
}

func TestCloseAnOrderSWiPTimedOutIsDeclined(t *testing.T) {
	e := newEnv(t, setup{})
	op := e.started(20000)
	if err := e.sim.Identify(op.Key, "member-002"); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(91 * time.Second) // the clerk took too long: SWiP closed it with 0
	out := e.check(e.pay.Close(context.Background(), e.op(providers.KindClose, op.Key, 18000)))
	if out.Status != providers.Declined || out.Reason != reasonClosedOtherwise {
		t.Errorf("%+v", out)
	}
	if s := e.order(op.Key); s.CloseAmount != 0 {
		t.Errorf("%+v", s)
	}
	bad := e.pay.Close(context.Background(), e.op(providers.KindClose, "", 100))
	if bad.Status != providers.Declined || !strings.HasPrefix(bad.Detail, "not sent") {
		t.Errorf("%+v", bad)
	}
}

// TestEveryErrorCodeOfTheTable drives each code through the adapter and
// checks its clerk message, from the simulator's forced errors.
func TestEveryErrorCodeOfTheTable(t *testing.T) {
	for _, code := range swipsim.CodesInOrder() {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			e := newEnv(t, setup{})
			c := fmt.Sprint(code)
			name, msg := codeNames[c], codeReasons[c]
			if name != swipsim.Codes[code] || msg == "" || strings.Contains(msg, "_") || !strings.HasSuffix(msg, ".") {
				t.Fatalf("code %d: name %q, message %q", code, name, msg)
			}
			op := e.started(1000)
			n := 1
			if code == 1 {
				n = 4 // a 500 is retried
			}
			for range n {
				e.sim.FailNext(swipsim.OpGet, code)
			}
			_, err := e.client.GetOrder(context.Background(), op.Key)
			var ae *Error
			if !errors.As(err, &ae) || ae.Code != c || ae.Status != swipsim.HTTPStatus(code) || ae.Reason() != msg {
				t.Fatalf("%v", err)
			}
			if !strings.Contains(ae.Error(), name) {
				t.Errorf("%q lacks %q", ae.Error(), name)
			}
			// A refused refund carries the code and message to the clerk.
			p := e.paid(1000, "guest")
			if code == 1 {
				return // a 500 is looked up and retried, not a refusal
			}
			e.sim.FailNext(swipsim.OpRefund, code)
			out := e.Refund(e.op(providers.KindRefund, p.Key, 100))
			if out.Status != providers.Declined || out.Code != c || out.Reason != msg || !strings.Contains(out.Detail, name) {
				t.Errorf("refund: %+v", out)
			}
		})
	}
}

func TestNaturalErrorCodes(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, setup{})
	// 9: no such order.
	_, err := e.client.GetOrder(ctx, uuid.NewString())
	if code(err) != "9" {
		t.Errorf("get: %v", err)
	}
	op := e.paid(1000, "guest")
	// 30: closed twice.
	if _, err := e.client.Close(ctx, op.Key, 500); code(err) != "30" {
		t.Errorf("close again: %v", err)
	}
	// A close that repeats one that went through is success.
	if o, err := e.client.Close(ctx, op.Key, 1000); err != nil || o.CloseAmount != 1000 {
		t.Errorf("same close again: %v %+v", err, o)
	}
	// 11: a cancelled order closed.
	c := e.started(1000)
	e.client.Cancel(ctx, c.Key)
	if _, err := e.client.Close(ctx, c.Key, 1000); code(err) != "11" {
		t.Errorf("close cancelled: %v", err)
	}
	// 13: an order that timed out.
	late := e.started(1000)
	e.clock.Advance(91 * time.Second)
	if _, err := e.client.Close(ctx, late.Key, 1000); code(err) != "13" {
		t.Errorf("close timed out: %v", err)
	}
	// 5: a close above what was paid.
	p := e.started(1000)
	e.sim.Pay(p.Key, "guest")
	o, err := e.client.Close(ctx, p.Key, 1001)
	var ae *Error
	if !errors.As(err, &ae) || ae.Code != "5" || len(ae.FieldErrors) != 1 || ae.FieldErrors[0].Field != "amount" || o.Status != Open {
		t.Errorf("close above paid: %v %+v", err, o)
	}
	// 8: a sessionCode another open order shows.
	first := e.started(1000)
	_, err = e.client.CreateOrder(ctx, OrderRequest{ID: uuid.NewString(), Total: 100, SessionCode: e.order(first.Key).SessionCode,
		Lines: []Line{{Name: "x", Quantity: 1, Price: 100, Amount: 100}}})
	if code(err) != "8" {
		t.Errorf("duplicate session: %v", err)
	}
}

func code(err error) string {
	var ae *Error
	if errors.As(err, &ae) {
		return ae.Code
	}
	return fmt.Sprintf("not an *Error: %v", err)
}

func TestCode28FetchesTheOrder(t *testing.T) {
	e := newEnv(t, setup{})
	op := e.payOp(2500)
	first := e.Pay(op)
	second := e.Pay(op) // a replay after a crash, say
	expect(t, second, providers.Pending)
	if second.Detail != first.Detail || second.Reference != first.Reference {
		t.Errorf("first %+v, second %+v", first, second)
	}
	if c := e.Calls(); c != "POST /orders, POST /orders, GET /orders/{id}" {
		t.Errorf("calls %s", c)
	}
	if n := len(e.sim.Orders()); n != 1 {
		t.Errorf("%d orders", n)
	}
	// A 500 after the create was stored: the retry answers 28, then GET.
	f := newEnv(t, setup{})
	f.sim.SetFault(swipsim.Fault{Status500After: 1})
	expect(t, f.Pay(f.payOp(100)), providers.Pending)
	if c := f.Calls(); c != "POST /orders, POST /orders, GET /orders/{id}" {
		t.Errorf("calls %s", c)
	}
	if n := len(f.sim.Orders()); n != 1 {
		t.Errorf("%d orders", n)
	}
}

func TestDroppedCreateAnswerIsFoundByLookUp(t *testing.T) {
	e := newEnv(t, setup{})
	e.sim.SetFault(swipsim.Fault{DropAnswer: 1})
	op := e.payOp(2500)
	out := e.Pay(op)
	expect(t, out, providers.Pending)
	if c := e.Calls(); c != "POST /orders, GET /orders/{id}" {
		t.Errorf("calls %s", c)
	}
	if orders := e.sim.Orders(); len(orders) != 1 || orders[0].ID != op.Key || out.Detail != orders[0].SessionCode {
		t.Errorf("orders %+v", orders)
	}
}

func TestACreateThatNeverArrived(t *testing.T) {
	e := newEnv(t, setup{})
	e.sim.SetFault(swipsim.Fault{Down: true})
	e.Before(func(r *http.Request) {
		if r.Method == "GET" {
			e.sim.SetFault(swipsim.Fault{})
		}
	})
	op := e.payOp(2500)
	out := e.Pay(op)
	expect(t, out, providers.Declined)
	if out.Reason != reasonNeverArrived || out.Code != "" {
		t.Errorf("%+v", out)
	}
	if c := e.Calls(); c != "POST /orders, GET /orders/{id}, GET /orders/{id}" {
		t.Errorf("calls %s", c)
	}
	lk := e.Lookup(op.Key)
	if lk.Status != providers.Declined || lk.Reason != reasonNeverArrived {
		t.Errorf("lookup %+v", lk)
	}
	// An id this client never made: it may be a refund before a restart.
	other := e.Lookup(uuid.NewString())
	if other.Status != providers.Unknown || other.Reason != reasonNoSuchOrder || other.Retryable {
		t.Errorf("%+v", other)
	}
	// After a restart the client remembers nothing; the journal says the
	// looked-up op was a payment, so a 404 still means it never arrived.
	fresh := e.op(providers.KindLookup, uuid.NewString(), 0)
	fresh.TargetKind = providers.KindPay
	if out := e.pay.Lookup(context.Background(), fresh); out.Status != providers.Declined || out.Reason != reasonNeverArrived {
		t.Errorf("after a restart: %+v", out)
	}
	e.Before(nil)
	expect(t, e.Pay(op), providers.Pending) // the same key, now it arrives
	if n := len(e.sim.Orders()); n != 1 {
		t.Errorf("%d orders", n)
	}
}

func TestConcurrentPaymentsEachMakeOneOrder(t *testing.T) {
	e := newEnv(t, setup{sim: []swipsim.Option{swipsim.WithAutoPay(3*time.Second, "guest")}})
	var wg sync.WaitGroup
	ops := make([]providers.Op, 16)
	for i := range ops {
		ops[i] = e.payOp(int64(100 + i))
		wg.Go(func() {
			if out := e.pay.Pay(context.Background(), ops[i]); out.Status != providers.Pending {
				t.Errorf("pay %d: %+v", i, out)
				return
			}
			if out := e.pay.Follow(context.Background(), ops[i]); out.Status != providers.Approved {
				t.Errorf("follow %d: %+v", i, out)
			}
		})
	}
	wg.Wait()
	if n := len(e.sim.Orders()); n != len(ops) {
		t.Errorf("%d orders for %d payments", n, len(ops))
	}
}

func TestNothingIsSentForAnInvalidOperation(t *testing.T) {
	e := newEnv(t, setup{})
	for name, edit := range map[string]func(*providers.Op){
		"key not a uuid":  func(op *providers.Op) { op.Key = "sale-1" },
		"key upper case":  func(op *providers.Op) { op.Key = strings.ToUpper(op.Key) },
		"zero amount":     func(op *providers.Op) { op.Amount = 0 },
		"negative amount": func(op *providers.Op) { op.Amount = -100 },
		"other currency":  func(op *providers.Op) { op.Currency = "JPY" },
	} {
		op := e.payOp(100)
		edit(&op)
		out := e.Pay(op)
		if out.Status != providers.Declined || out.Reason == "" || out.Retryable || !strings.HasPrefix(out.Detail, "not sent") {
			t.Errorf("%s: %+v", name, out)
		}
	}
	expect(t, e.Void(providers.Op{Key: uuid.NewString()}), providers.Declined)
	expect(t, e.Refund(providers.Op{Key: uuid.NewString(), Target: uuid.NewString()}), providers.Declined)
	expect(t, e.Lookup(""), providers.Declined)
	expect(t, e.Lookup(".."), providers.Declined)
	expect(t, e.Follow(providers.Op{Key: "nope"}), providers.Declined)
	ctx := context.Background()
	for name, req := range map[string]OrderRequest{
		"no lines":       {ID: uuid.NewString(), Total: 100},
		"unnamed line":   {ID: uuid.NewString(), Total: 100, Lines: []Line{{Quantity: 1, Amount: 100}}},
		"lines differ":   {ID: uuid.NewString(), Total: 100, Lines: []Line{{Name: "a", Quantity: 1, Amount: 99}}},
		"zero quantity":  {ID: uuid.NewString(), Total: 100, Lines: []Line{{Name: "a", Amount: 100}}},
		"control number": {ID: uuid.NewString(), Total: 100, Number: "1\x1b[2J", Lines: []Line{{Name: "a", Quantity: 1, Amount: 100}}},
	} {
		if _, err := e.client.CreateOrder(ctx, req); code(err) != "invalid_request" {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := len(e.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	out := e.check(e.pay.Pay(cctx, e.payOp(100)))
	expect(t, out, providers.Declined)
	if n := len(e.Requests()); n != 0 {
		t.Errorf("%d requests sent after cancel", n)
	}
}

func TestPurchasesFromTheCart(t *testing.T) {
	cart := []providers.Item{
		{SKU: "TEA-500", Name: "烏龍茶 Oolong tea 500ml", Qty: 3, UnitPrice: 3500, Amount: 10500},
		{SKU: "BANANA", Name: "Bananas (per kg)", Qty: 500, Weighed: true, UnitPrice: 7000, Amount: 3500},
	}
	e := newEnv(t, setup{})
	op := e.payOp(14000)
	op.Items = cart
	expect(t, e.Pay(op), providers.Pending)
	s := e.order(op.Key)
	if len(s.Purchases) != 2 || s.Purchases[1].Quantity != "0.500" || s.Purchases[1].Unit != "KILOGRAMS" || s.Purchases[0].Name != cart[0].Name || s.Purchases[0].Amount != 10500 {
		t.Errorf("%+v", s.Purchases)
	}
	// A split tender: the cart does not add up to it, one line is sent.
	part := e.payOp(5000)
	part.Items = cart
	expect(t, e.Pay(part), providers.Pending)
	if s := e.order(part.Key); len(s.Purchases) != 1 || s.Purchases[0].Name != "Sale S-1001" || s.Purchases[0].Amount != 5000 {
		t.Errorf("%+v", s.Purchases)
	}
}

func TestDoDispatchesToTheAdapter(t *testing.T) {
	e := newEnv(t, setup{})
	op := e.payOp(100)
	expect(t, providers.Do(context.Background(), e.pay, op), providers.Pending)
	expect(t, providers.Do(context.Background(), e.pay, providers.Op{Kind: providers.KindLookup, Target: op.Key}), providers.Pending)
}

func TestAnOrderWithoutAQRCodeIsCancelled(t *testing.T) {
	var op providers.Op
	e := newEnv(t, setup{wrap: func(sim http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/orders" {
				sim.ServeHTTP(w, r)
				return
			}
			answerWith(200, `{"id":"`+op.Key+`","orderStatus":"OPEN","total":10.0,"totalOriginal":10.0,"sessionCode":""}`)(sim).ServeHTTP(w, r)
		})
	}})
	op = e.payOp(1000)
	out := e.Pay(op)
	if out.Status != providers.Declined || out.Code != "no_session_code" || out.Reason != reasonNoQR {
		t.Errorf("%+v", out)
	}
	if s := e.order(op.Key); s.Status != "CLOSED" || s.CloseAmount != 0 {
		t.Errorf("%+v", s)
	}
}

func TestYenHasNoDecimals(t *testing.T) {
	e := newEnv(t, setup{cfg: func(c *Config) { c.Currency = "JPY" }, sim: []swipsim.Option{swipsim.WithCurrency("JPY")}})
	op := e.payOp(1234)
	op.Currency = "JPY"
	expect(t, e.Pay(op), providers.Pending)
	e.sim.Pay(op.Key, "member-001")
	out := e.Follow(op)
	expect(t, out, providers.Approved)
	if o, _ := e.client.LastOrder(op.Key); o.Total != 1111 || o.Discount() != 123 {
		t.Errorf("%+v", o)
	}
	reqs := e.Requests()
	if b := string(reqs[0].Body); !strings.Contains(b, `"total":1234,"totalOriginal":1234}`) {
		t.Errorf("create %s", b)
	}
	if b := string(reqs[len(reqs)-1].Body); b != `{"amount":1111}` {
		t.Errorf("close %s", b)
	}
}

func TestTheTypedCalls(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, setup{})
	op := e.paid(10000, "guest")
	r, err := e.client.Refund(ctx, op.Key, 1000)
	if err != nil || r.Status != "SUCCESS" || r.Order != nil || r.Description == "" {
		t.Errorf("%+v %v", r, err)
	}
	r, err = e.client.Refund(ctx, op.Key, 9001)
	var ae *Error
	if !errors.As(err, &ae) || ae.Code != "32" || ae.Status != 0 || r.Order == nil || r.Order.Refundable() != 9000 {
		t.Errorf("%+v %v", r, err)
	}
	if !strings.HasPrefix(ae.Error(), "swip: refused before sending: code 32 (EXCESS TOTAL AMOUNT)") {
		t.Errorf("%q", ae.Error())
	}
	if _, err := e.client.Refund(ctx, op.Key, 0); code(err) != "invalid_request" {
		t.Errorf("%v", err)
	}
	// A reverse after a refund is too late.
	if _, err := e.client.Reverse(ctx, op.Key, 0); code(err) != "27" {
		t.Errorf("%v", err)
	}
	p := e.paid(5000, "guest")
	if r, err := e.client.Reverse(ctx, p.Key, 2000); err != nil || r.Status != "SUCCESS" {
		t.Errorf("%+v %v", r, err)
	}
	if o, err := e.client.GetOrder(ctx, p.Key); err != nil || o.Refunded != 2000 || o.Refundable() != 3000 {
		t.Errorf("%+v %v", o, err)
	}
	if _, err := e.client.Close(ctx, p.Key, -1); code(err) != "invalid_request" {
		t.Errorf("%v", err)
	}
	if _, err := e.client.LoyaltyCalculation(ctx, LoyaltyRequest{ID: "x", Total: 1}); code(err) != "invalid_request" {
		t.Errorf("%v", err)
	}
}

func TestAnUnreadableLookUpIsUnknown(t *testing.T) {
	e := newEnv(t, setup{wrap: func(sim http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(200)
			w.Write([]byte(`{"id":"` + strings.TrimPrefix(r.URL.Path, "/orders/") + `","orderStatus":"PAID","total":1,"totalOriginal":1}`))
		})
	}})
	out := e.Lookup(uuid.NewString())
	expect(t, out, providers.Unknown)
	if out.Code != "unreadable_answer" || out.Retryable || !strings.Contains(out.Detail, "unknown orderStatus") {
		t.Errorf("%+v", out)
	}
}
