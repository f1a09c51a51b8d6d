package ticketbao

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"till/providers"
	"till/providers/ticketbao/ticketbaosim"
)

var ctx = context.Background()

func TestGenerateVouchers(t *testing.T) {
	e := newEnv(t, nil, nil)
	out, o := e.c.GenerateOutcome(ctx, GenerateRequest{ChannelOrderID: "S-1001", ProductSaleID: ticketbaosim.ProductAdult, Quantity: 2, MailTo: "kan@gmail.com"})
	expect(t, out, providers.Approved)
	if out.Reference != o.Pass2UOrderID || o.Pass2UOrderID == "" || o.Found || o.ChannelOrderID != "S-1001" || o.MailTo != "kan@gmail.com" {
		t.Fatalf("%+v %+v", out, o)
	}
	if len(o.Vouchers) != 2 || o.OrderURL != "" {
		t.Fatalf("vouchers %+v, orderUrl %q", o.Vouchers, o.OrderURL)
	}
	for _, v := range o.Vouchers {
		if v.BarcodeMessage == "" || v.Status != NotPickedUp || !strings.HasPrefix(v.VoucherURL, "https://") || v.StatusUpdateTime.IsZero() {
			t.Errorf("voucher %+v", v)
		}
	}
	if want := epoch.Add(180 * 24 * time.Hour); !o.ExpirationDate.Equal(want) || !o.CreatedTime.Equal(epoch) {
		t.Errorf("expires %v created %v", o.ExpirationDate, o.CreatedTime)
	}
	if p, _ := e.sim.Product(ticketbaosim.ProductAdult); p.Left != 98 {
		t.Errorf("%d adult tickets left, want 98", p.Left)
	}
	if e.Kinds() != "generate" || e.Calls() != "generate" {
		t.Errorf("ledger %q calls %q", e.Kinds(), e.Calls())
	}
}

func TestGenerateOrderPickup(t *testing.T) {
	e := newEnv(t, nil, func(c *Config) { c.PickupType = PickupOrder })
	o := e.sale("S-1", 3)
	if o.OrderURL == "" || len(o.OrderPasscode) != 7 || len(o.Vouchers) != 0 {
		t.Fatalf("%+v", o)
	}
	// The same order seen as vouchers: three tickets behind the passcode.
	q, err := e.c.Query(ctx, QueryRequest{Pass2UOrderID: o.Pass2UOrderID, ProductSaleID: ticketbaosim.ProductAdult, PickupType: PickupVoucher})
	if err != nil || len(q.Vouchers) != 3 || q.OrderURL != "" {
		t.Fatalf("%+v %v", q, err)
	}
}

func TestQueryByEitherID(t *testing.T) {
	e := newEnv(t, nil, nil)
	o := e.sale("S-1", 4)
	for i, status := range []string{"pickedup", "redeemed", "expired"} {
		if err := e.sim.SetVoucherStatus(o.Pass2UOrderID, i, status); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.c.Refund(ctx, refundOf(o, 1, 0)); err != nil {
		t.Fatal(err)
	}
	for _, req := range []QueryRequest{
		{Pass2UOrderID: o.Pass2UOrderID, ProductSaleID: ticketbaosim.ProductAdult},
		{ChannelOrderID: "S-1", ProductSaleID: ticketbaosim.ProductAdult},
	} {
		q, err := e.c.Query(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		var got []VoucherStatus
		for _, v := range q.Vouchers {
			got = append(got, v.Status)
		}
		// The pickedup one was refunded: the first refundable.
		if want := []VoucherStatus{Refunded, Redeemed, Expired, NotPickedUp}; !slices.Equal(got, want) || q.Refunded() != 1 {
			t.Errorf("%v, want %v", got, want)
		}
	}
}

func TestQueryNeedsExactlyOneID(t *testing.T) {
	e := newEnv(t, nil, nil)
	for _, req := range []QueryRequest{
		{ProductSaleID: ticketbaosim.ProductAdult},
		{Pass2UOrderID: "TB000000000001", ChannelOrderID: "S-1", ProductSaleID: ticketbaosim.ProductAdult},
	} {
		_, err := e.c.Query(ctx, req)
		var te *Error
		if !errors.As(err, &te) || te.Status != 0 || !strings.Contains(te.Reason(), "exactly one") {
			t.Errorf("%+v: %v", req, err)
		}
	}
	if c := e.Calls(); c != "" {
		t.Errorf("sent %s", c)
	}
}

func TestInvalidRequestsAreNotSent(t *testing.T) {
	e := newEnv(t, nil, nil)
	good := GenerateRequest{ChannelOrderID: "S-1", ProductSaleID: ticketbaosim.ProductAdult, Quantity: 1}
	for name, mod := range map[string]func(*GenerateRequest){
		"no sale id":        func(r *GenerateRequest) { r.ChannelOrderID = "" },
		"long sale id":      func(r *GenerateRequest) { r.ChannelOrderID = strings.Repeat("x", MaxIDLen+1) },
		"sale id spaces":    func(r *GenerateRequest) { r.ChannelOrderID = "S 1" },
		"no product":        func(r *GenerateRequest) { r.ProductSaleID = "" },
		"zero quantity":     func(r *GenerateRequest) { r.Quantity = 0 },
		"too many":          func(r *GenerateRequest) { r.Quantity = MaxQuantity + 1 },
		"bad e-mail":        func(r *GenerateRequest) { r.MailTo = "kan at gmail" },
		"e-mail with name":  func(r *GenerateRequest) { r.MailTo = "Kan <kan@gmail.com>" },
		"e-mail line break": func(r *GenerateRequest) { r.MailTo = "kan@gmail.com\r\nBcc: x@y.z" },
		"pickup type":       func(r *GenerateRequest) { r.PickupType = "email" },
	} {
		req := good
		mod(&req)
		out, _ := e.c.GenerateOutcome(ctx, req)
		if out.Status != providers.Declined || out.Code != "invalid_request" || out.Retryable || out.Reason == "" {
			t.Errorf("%s: %+v", name, out)
		}
	}
	for name, req := range map[string]RefundRequest{
		"no order":        {ChannelOrderID: "S-1", ProductSaleID: ticketbaosim.ProductAdult, Quantity: 1},
		"no sale":         {Pass2UOrderID: "TB1", ProductSaleID: ticketbaosim.ProductAdult, Quantity: 1},
		"zero":            {Pass2UOrderID: "TB1", ChannelOrderID: "S-1", ProductSaleID: ticketbaosim.ProductAdult},
		"negative before": {Pass2UOrderID: "TB1", ChannelOrderID: "S-1", ProductSaleID: ticketbaosim.ProductAdult, Quantity: 1, Before: -1},
	} {
		if out := e.c.RefundOutcome(ctx, req); out.Status != providers.Declined || out.Code != "invalid_request" {
			t.Errorf("%s: %+v", name, out)
		}
	}
	if c := e.Calls(); c != "" {
		t.Errorf("sent %s", c)
	}
}

func TestRepeatedChannelOrderIDIsQueriedNotSoldAgain(t *testing.T) {
	e := newEnv(t, nil, nil)
	first := e.sale("S-7", 2)
	out, again := e.c.GenerateOutcome(ctx, GenerateRequest{ChannelOrderID: "S-7", ProductSaleID: ticketbaosim.ProductAdult, Quantity: 2})
	expect(t, out, providers.Approved)
	if !again.Found || again.Pass2UOrderID != first.Pass2UOrderID || len(again.Vouchers) != 2 || !strings.Contains(out.Detail, "not generated again") {
		t.Fatalf("%+v %+v", out, again)
	}
	if e.Kinds() != "generate" || e.Calls() != "generate generate query" {
		t.Errorf("ledger %q calls %q", e.Kinds(), e.Calls())
	}
}

func TestRepeatedChannelOrderIDOfAnotherSaleNeedsAPerson(t *testing.T) {
	e := newEnv(t, nil, nil)
	e.sale("S-7", 2)
	for _, req := range []GenerateRequest{
		{ChannelOrderID: "S-7", ProductSaleID: ticketbaosim.ProductAdult, Quantity: 3},
		{ChannelOrderID: "S-7", ProductSaleID: ticketbaosim.ProductChild, Quantity: 2},
	} {
		out, _ := e.c.GenerateOutcome(ctx, req)
		expect(t, out, providers.Unknown)
		if out.Retryable || out.Code != "mismatch" || !strings.Contains(out.Reason, "person") {
			t.Errorf("%+v", out)
		}
	}
	if e.Kinds() != "generate" {
		t.Errorf("ledger %q", e.Kinds())
	}
}

func TestDeclines(t *testing.T) {
	e := newEnv(t, nil, nil)
	for _, c := range []struct {
		product string
		n       int
		msg     string
		reason  string
	}{
		{"no-such-product", 1, ticketbaosim.MsgProductNotFound, "does not know this ticket product"},
		{ticketbaosim.ProductEnded, 1, ticketbaosim.MsgCampaignExpired, "not on sale"},
		{ticketbaosim.ProductNotYet, 1, ticketbaosim.MsgCampaignExpired, "not on sale"},
		{ticketbaosim.ProductSoldOut, 1, ticketbaosim.MsgNotEnough, "Sold out"},
		{ticketbaosim.ProductChild, 51, ticketbaosim.MsgNotEnough, "Sold out"},
		{ticketbaosim.ProductBadExpiry, 1, ticketbaosim.MsgExpiryFormat, "expiry date"},
		{ticketbaosim.ProductExpired, 1, ticketbaosim.MsgExpiryBeforeNow, "expired"},
	} {
		out, _ := e.c.GenerateOutcome(ctx, GenerateRequest{ChannelOrderID: "S-" + c.product, ProductSaleID: c.product, Quantity: c.n})
		if out.Status != providers.Declined || out.Code != c.msg || !strings.Contains(out.Reason, c.reason) || out.Retryable {
			t.Errorf("%s: %+v", c.product, out)
		}
	}
	if len(e.sim.Orders()) != 0 {
		t.Errorf("orders were made")
	}
}

func TestCreateTradeFailIsSafeToRetry(t *testing.T) {
	e := newEnv(t, nil, nil)
	out, _ := e.c.GenerateOutcome(ctx, GenerateRequest{ChannelOrderID: "S-1", ProductSaleID: ticketbaosim.ProductTradeFails, Quantity: 1})
	// A 500: the order is looked for, not found, so nothing was made.
	if out.Status != providers.Declined || !out.Retryable || out.Code != ticketbaosim.MsgCreateTradeFail || !strings.Contains(out.Reason, "could not create") {
		t.Fatalf("%+v", out)
	}
	if e.Calls() != "generate query" {
		t.Errorf("calls %q", e.Calls())
	}
}

func TestQueryErrors(t *testing.T) {
	e := newEnv(t, nil, nil)
	o := e.sale("S-1", 1)
	for _, c := range []struct {
		req QueryRequest
		msg string
	}{
		{QueryRequest{Pass2UOrderID: "TB999999999999", ProductSaleID: ticketbaosim.ProductAdult}, ticketbaosim.MsgOrderNotFound},
		{QueryRequest{ChannelOrderID: "S-404", ProductSaleID: ticketbaosim.ProductAdult}, ticketbaosim.MsgChannelNotFound},
		{QueryRequest{Pass2UOrderID: o.Pass2UOrderID, ProductSaleID: ticketbaosim.ProductChild}, ticketbaosim.MsgInvalidQueryCriteria},
		{QueryRequest{Pass2UOrderID: o.Pass2UOrderID, ProductSaleID: "nope"}, ticketbaosim.MsgProductNotFound},
	} {
		_, err := e.c.Query(ctx, c.req)
		var te *Error
		if !errors.As(err, &te) || te.Message != c.msg || te.Retryable() || te.Code() != c.msg {
			t.Errorf("%+v: %v", c.req, err)
		}
	}
}

func TestRefund(t *testing.T) {
	e := newEnv(t, nil, nil)
	o := e.sale("S-1", 3)
	out := e.c.RefundOutcome(ctx, refundOf(o, 2, 0))
	expect(t, out, providers.Approved)
	if out.Reference != o.Pass2UOrderID {
		t.Errorf("%+v", out)
	}
	if p, _ := e.sim.Product(ticketbaosim.ProductAdult); p.Left != 99 {
		t.Errorf("%d left: refunded tickets go back on sale", p.Left)
	}
	// One left: two more is too many; redeemed tickets are not refundable.
	out = e.c.RefundOutcome(ctx, refundOf(o, 2, 2))
	if out.Status != providers.Declined || out.Code != ticketbaosim.MsgRefundableNotEnough || !strings.Contains(out.Reason, "Refund quantity too large") {
		t.Errorf("%+v", out)
	}
	if err := e.sim.SetVoucherStatus(o.Pass2UOrderID, 2, "redeemed"); err != nil {
		t.Fatal(err)
	}
	if out = e.c.RefundOutcome(ctx, refundOf(o, 1, 2)); out.Code != ticketbaosim.MsgRefundableNotEnough {
		t.Errorf("%+v", out)
	}
	if e.Kinds() != "generate refund" {
		t.Errorf("ledger %q", e.Kinds())
	}
}

func TestRefundRefusals(t *testing.T) {
	e := newEnv(t, nil, nil)
	o := e.sale("S-1", 2)
	other := e.sale("S-2", 1)
	for name, c := range map[string]struct {
		req  RefundRequest
		want providers.Status
		code string
	}{
		"unknown order":  {RefundRequest{Pass2UOrderID: "TB999999999999", ChannelOrderID: "S-1", ProductSaleID: ticketbaosim.ProductAdult, Quantity: 1}, providers.Declined, ticketbaosim.MsgOrderNotFound},
		"another sale":   {RefundRequest{Pass2UOrderID: other.Pass2UOrderID, ChannelOrderID: "S-1", ProductSaleID: ticketbaosim.ProductAdult, Quantity: 1}, providers.Unknown, "mismatch"},
		"before too low": {refundOf(o, 1, 1), providers.Unknown, "mismatch"},
	} {
		out := e.c.RefundOutcome(ctx, c.req)
		if out.Status != c.want || out.Code != c.code {
			t.Errorf("%s: %+v", name, out)
		}
	}
	if strings.Contains(e.Calls(), "refund") {
		t.Errorf("a refund was sent: %s", e.Calls())
	}
}

func TestWrongKey(t *testing.T) {
	e := newEnv(t, nil, func(c *Config) { c.APIKey = "another-key" })
	out, _ := e.c.GenerateOutcome(ctx, GenerateRequest{ChannelOrderID: "S-1", ProductSaleID: ticketbaosim.ProductAdult, Quantity: 1})
	if out.Status != providers.Declined || out.Code != ticketbaosim.MsgOops || !strings.Contains(out.Reason, "API key") || e.Calls() != "generate" {
		t.Fatalf("%+v, calls %s", out, e.Calls())
	}
}

// Every message the document lists, forced on a refund's answer, gives
// its own clerk reason.
func TestEveryMessageHasItsReason(t *testing.T) {
	e := newEnv(t, nil, nil)
	o := e.sale("S-1", 1)
	for _, msg := range ticketbaosim.Messages {
		if err := e.sim.FailNext(ticketbaosim.RouteRefund, msg); err != nil {
			t.Fatal(err)
		}
		out := e.c.RefundOutcome(ctx, refundOf(o, 1, 0))
		want := reasons[norm(msg)]
		if want == "" || out.Reason != want || out.Code != msg || out.Status == providers.Approved {
			t.Errorf("%q: %+v", msg, out)
		}
		for _, jargon := range []string{"productSaleId", "channelOrderId", "pass2uOrderId", "Exception", "quantity Is"} {
			if strings.Contains(want, jargon) {
				t.Errorf("%q: the reason %q says %q", msg, want, jargon)
			}
		}
	}
	if e.Kinds() != "generate" {
		t.Errorf("ledger %q", e.Kinds())
	}
}

func TestRequestsAreJournalable(t *testing.T) {
	req := RefundRequest{Pass2UOrderID: "TB1", ChannelOrderID: "S-1", ProductSaleID: "p", Quantity: 2, Before: 1, PickupType: PickupOrder}
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	var back RefundRequest
	if err := json.Unmarshal(b, &back); err != nil || back != req {
		t.Fatalf("%s → %+v %v", b, back, err)
	}
	if !strings.Contains(string(b), `"before":1`) {
		t.Errorf("%s", b)
	}
}
