package cancan

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"till/providers"
	"till/providers/cancan/cancansim"
)

func TestNewChecksTheConfiguration(t *testing.T) {
	good := Config{APIKey: testKey, Gateways: testGateways}
	for _, tc := range []struct {
		field string
		edit  func(*Config)
	}{
		{"BaseURL", func(c *Config) { c.BaseURL = "ftp://payments.example/api/v2/" }},
		{"BaseURL", func(c *Config) { c.BaseURL = "payments.example/api" }},
		{"BaseURL", func(c *Config) { c.BaseURL = "https://%zz" }},
		{"BaseURL", func(c *Config) { c.BaseURL = "https://user:" + testKey + "@payments.example/" }},
		{"APIKey", func(c *Config) { c.APIKey = "" }},
		{"Gateways", func(c *Config) { c.Gateways = nil }},
		{"Gateways", func(c *Config) { c.Gateways = map[string]string{"wechat": ""} }},
		{"Timeout", func(c *Config) { c.Timeout = -time.Second }},
		{"PollBound", func(c *Config) { c.PollBound = -time.Second }},
	} {
		cfg := good
		tc.edit(&cfg)
		_, err := New(cfg)
		if err == nil || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: error %v should name the field", tc.field, err)
		}
		if err != nil && strings.Contains(err.Error(), testKey) {
			t.Errorf("%s: key in error %q", tc.field, err)
		}
	}
	c, err := New(good)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name() != "cancan" || c.collection != "https://payments.cancanmobile.com/api/v2/transactions" {
		t.Errorf("defaults: %s %s", c.Name(), c.collection)
	}
	if c.cfg.Timeout != DefaultTimeout || c.cfg.PollInterval != DefaultPollInterval || c.cfg.PollBound != DefaultPollBound {
		t.Errorf("durations: %+v", c.cfg)
	}
	for _, base := range []string{"http://h:8080/api/v2", "http://h:8080/api/v2/"} {
		c, err := New(Config{BaseURL: base, APIKey: testKey, Gateways: testGateways})
		if err != nil || c.collection != "http://h:8080/api/v2/transactions" {
			t.Errorf("%s: %v %v", base, c, err)
		}
	}
}

func TestStringNeverShowsTheKey(t *testing.T) {
	cfg := Config{APIKey: testKey, Gateways: testGateways, POSID: "P1"}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprint(c), fmt.Sprintf("%v", &cfg)} {
		if strings.Contains(s, testKey) || strings.Contains(s, "TOPSECRET") {
			t.Errorf("key shown: %s", s)
		}
	}
}

func TestEveryFailureCodeOfTheDocumentHasAClerkMessage(t *testing.T) {
	got := slices.Sorted(maps.Keys(failureReasons))
	table := slices.Sorted(slices.Values(cancansim.FailureCodes))
	if !slices.Equal(got, table) {
		t.Errorf("messages for %v, document table %v", got, table)
	}
	for code, msg := range failureReasons {
		if strings.Contains(msg, "_") || !strings.HasSuffix(msg, ".") {
			t.Errorf("%s: message %q is not plain words", code, msg)
		}
	}
	for code, msg := range map[string]string{
		"customer_insufficient_balance_failure": "The customer's wallet has too little money. Ask for another payment method.",
		"payment_auth_key_failure":              "The payment code is wrong or expired. Ask the customer to refresh it and scan again.",
		"payment_password_failure":              "The customer must confirm the payment in their app (password), then scan again.",
	} {
		if failureReasons[code] != msg {
			t.Errorf("%s: %q", code, failureReasons[code])
		}
	}
	if r := failureReason("shiny_new_failure", "sale"); !strings.Contains(r, "shiny_new_failure") {
		t.Errorf("unknown code: %q", r)
	}
	if r := failureReason("\x1b[31mred", "sale"); strings.Contains(r, "\x1b") {
		t.Errorf("junk code shown: %q", r)
	}
}

// TestMagicCodes drives every documented behaviour of the simulator's
// payment codes through Pay and Follow.
func TestMagicCodes(t *testing.T) {
	type row struct {
		code      string
		pay       providers.Status
		follow    providers.Status // after Pay answered Pending
		failure   string           // expected Code when declined
		retrieves int              // GETs of the sale while following
		voided    bool
	}
	rows := []row{
		{code: "0000", pay: providers.Pending, follow: providers.Approved, retrieves: 1},
		{code: "7999", pay: providers.Pending, follow: providers.Approved, retrieves: 1},
		{code: "8000", pay: providers.Pending, follow: providers.Approved, retrieves: 1},
		{code: "8003", pay: providers.Pending, follow: providers.Approved, retrieves: 4},
		{code: "8096", pay: providers.Pending, follow: providers.Declined, retrieves: 61, voided: true}, // outlasts the 60 s bound
		{code: "8099", pay: providers.Pending, follow: providers.Declined, retrieves: 61, voided: true},
		{code: "8098", pay: providers.Pending, follow: providers.Unknown, retrieves: 61, failure: "void_not_allowed_failure"},
		{code: "8097", pay: providers.Pending, follow: providers.Unknown, retrieves: 61},
		{code: "8100", pay: providers.Pending, follow: providers.Declined, failure: "transaction_denied_failure", retrieves: 1},
		{code: "8117", pay: providers.Pending, follow: providers.Approved, retrieves: 1},
		{code: "9000", pay: providers.Declined, failure: "transaction_denied_failure"},
		{code: "9017", pay: providers.Pending, follow: providers.Approved, retrieves: 1},
		{code: "9999", pay: providers.Approved},
		{code: "12", pay: providers.Pending, follow: providers.Approved, retrieves: 1},
	}
	for i, code := range cancansim.FailureCodes {
		looked := 0
		if code == "transaction_id_failure" {
			looked = 1 // that answer to a create is always looked up
		}
		rows = append(rows,
			row{code: fmt.Sprintf("90%02d", i+1), pay: providers.Declined, failure: code, retrieves: looked},
			row{code: fmt.Sprintf("81%02d", i+1), pay: providers.Pending, follow: providers.Declined, failure: code, retrieves: 1})
	}
	for _, r := range rows {
		t.Run(r.code, func(t *testing.T) {
			e := newEnv(t, setup{})
			op := e.saleOp(r.code, 10000)
			out := e.Pay(op)
			expect(t, out, r.pay)
			if out.Status == providers.Pending {
				out = e.Follow(op)
				expect(t, out, r.follow)
			}
			if out.Status == providers.Approved && out.Reference != op.Key {
				t.Errorf("reference %q", out.Reference)
			}
			if r.failure != "" && out.Code != r.failure {
				t.Errorf("code %q, want %q", out.Code, r.failure)
			}
			if msg, ok := failureReasons[r.failure]; ok && out.Status == providers.Declined && out.Reason != msg {
				t.Errorf("reason %q, want %q", out.Reason, msg)
			}
			if r.failure == "transaction_denied_failure" && !strings.Contains(out.Reason, r.failure) {
				t.Errorf("unknown code not named: %q", out.Reason)
			}
			if r.voided && out.Reason != reasonVoidedAtBound {
				t.Errorf("reason %q", out.Reason)
			}
			if out.Status == providers.Unknown && !strings.Contains(out.Reason, "must be checked") {
				t.Errorf("reason %q", out.Reason)
			}
			l := e.ledger()
			if len(l["sale"]) != 1 || l["sale"][0].ID != op.Key {
				t.Fatalf("ledger: %+v", l)
			}
			if got := l["sale"][0].Retrieves; got != r.retrieves {
				t.Errorf("%d retrieves, want %d", got, r.retrieves)
			}
			if r.voided && (len(l["void"]) != 1 || l["void"][0].State != "succeeded" || l["void"][0].Sale != op.Key) {
				t.Errorf("void: %+v", l["void"])
			}
		})
	}
}

func TestFollowPollsEveryIntervalUntilSucceeded(t *testing.T) {
	e := newEnv(t, setup{cfg: func(c *Config) { c.PollInterval = 2 * time.Second }})
	op := e.saleOp("8005", 2500)
	expect(t, e.Pay(op), providers.Pending)
	out := e.Follow(op)
	expect(t, out, providers.Approved)
	if got := e.Sleeps(); len(got) != 5 || slices.ContainsFunc(got, func(d time.Duration) bool { return d != 2*time.Second }) {
		t.Errorf("sleeps %v", got)
	}
	if m := e.Methods(); m != "POST GET GET GET GET GET GET" {
		t.Errorf("requests %s", m)
	}
}

func TestPendingAtTheBoundIsVoidedThenDeclined(t *testing.T) {
	e := newEnv(t, setup{cfg: func(c *Config) { c.PollBound = 10 * time.Second }})
	op := e.saleOp("8099", 4200)
	expect(t, e.Pay(op), providers.Pending)
	start := e.clock.Now()
	out := e.Follow(op)
	expect(t, out, providers.Declined)
	if out.Reason != "No answer from the wallet in time: the payment was cancelled." || out.Reference != op.Key {
		t.Errorf("%+v", out)
	}
	if waited := e.clock.Now().Sub(start); waited != 10*time.Second {
		t.Errorf("followed for %v", waited)
	}
	l := e.ledger()
	if len(l["void"]) != 1 {
		t.Fatalf("voids: %+v", l["void"])
	}
	v := l["void"][0]
	if v.ID != autoVoidID(op.Key) || v.Sale != op.Key || v.State != "succeeded" || l["sale"][0].VoidedBy != v.ID {
		t.Errorf("void %+v, sale %+v", v, l["sale"][0])
	}
	// The void body: type void, attributes.sale = the sale.
	reqs := e.Requests()
	last := reqs[len(reqs)-1]
	if last.Method != "POST" || !strings.Contains(string(last.Body), `"type":"void","attributes":{"sale":"`+op.Key+`"`) {
		t.Errorf("void request %s %s", last.Method, last.Body)
	}

	// Following again finds the sale failed and sends no second void.
	again := e.Follow(op)
	expect(t, again, providers.Declined)
	if l := e.ledger(); len(l["void"]) != 1 {
		t.Errorf("second void: %+v", l["void"])
	}
}

func TestTheBoundCountsFromWhenThePaymentWasMade(t *testing.T) {
	e := newEnv(t, setup{})
	op := e.saleOp("8050", 100)
	expect(t, e.Pay(op), providers.Pending)
	e.clock.Advance(2 * time.Minute) // the till restarted, say
	expect(t, e.Follow(op), providers.Declined)
	if got := e.ledger()["sale"][0].Retrieves; got != 1 {
		t.Errorf("%d retrieves after the bound had passed", got)
	}
}

func TestAVoidThatDoesNotSucceedLeavesThePaymentUnknown(t *testing.T) {
	for _, code := range []string{"8098", "8097"} {
		t.Run(code, func(t *testing.T) {
			e := newEnv(t, setup{cfg: func(c *Config) { c.PollBound = 5 * time.Second }})
			op := e.saleOp(code, 100)
			expect(t, e.Pay(op), providers.Pending)
			out := e.Follow(op)
			expect(t, out, providers.Unknown)
			if !strings.Contains(out.Reason, "must be checked") || out.Reference != op.Key {
				t.Errorf("%+v", out)
			}
		})
	}
	t.Run("void lost", func(t *testing.T) {
		e := newEnv(t, setup{cfg: func(c *Config) { c.PollBound = 3 * time.Second }})
		op := e.saleOp("8099", 100)
		expect(t, e.Pay(op), providers.Pending)
		e.Before(func(r *http.Request) {
			if r.Method == "POST" {
				e.sim.SetFault(cancansim.Fault{Down: true})
			}
		})
		out := e.Follow(op)
		expect(t, out, providers.Unknown)
		if !out.Retryable {
			t.Errorf("following again is safe: %+v", out)
		}
		// Once CANCAN is back, following again finds the void was never
		// made and makes it, with the same id.
		e.Before(nil)
		e.sim.SetFault(cancansim.Fault{})
		expect(t, e.Follow(op), providers.Declined)
		if l := e.ledger(); len(l["void"]) != 1 || l["void"][0].ID != autoVoidID(op.Key) {
			t.Errorf("voids %+v", l["void"])
		}
	})
}

func TestFollowStopsWhenTheContextEnds(t *testing.T) {
	e := newEnv(t, setup{})
	op := e.saleOp("8030", 100)
	expect(t, e.Pay(op), providers.Pending)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.OnSleep(func(n int) {
		if n == 3 {
			cancel()
		}
	})
	out := e.check(e.client.Follow(ctx, op))
	expect(t, out, providers.Pending)
	if l := e.ledger(); len(l["void"]) != 0 {
		t.Errorf("voided before the bound: %+v", l["void"])
	}
}

func TestRefunds(t *testing.T) {
	e := newEnv(t, setup{sim: []cancansim.Option{cancansim.WithFullRefundsOnly("wechatpay_domestic")}})
	sale := e.paid(10000)

	out := e.Refund(e.op(providers.KindRefund, sale.Key, 4000))
	expect(t, out, providers.Approved)
	expect(t, e.Refund(e.op(providers.KindRefund, sale.Key, 6000)), providers.Approved)
	over := e.Refund(e.op(providers.KindRefund, sale.Key, 1))
	expect(t, over, providers.Declined)
	if over.Code != "refund_exceeds_sale_amount_failure" || over.Reason != failureReasons[over.Code] {
		t.Errorf("%+v", over)
	}

	full := e.paid(2500)
	expect(t, e.Refund(e.op(providers.KindRefund, full.Key, 2500)), providers.Approved)

	tooMuch := e.paid(2500)
	expect(t, e.Refund(e.op(providers.KindRefund, tooMuch.Key, 2501)), providers.Declined)

	wechat := e.saleOp("9999", 3000)
	wechat.Wallet = "wechat"
	expect(t, e.Pay(wechat), providers.Approved)
	partial := e.Refund(e.op(providers.KindRefund, wechat.Key, 1000))
	if partial.Status != providers.Declined || partial.Code != "refund_not_allowed_failure" || partial.Reason != failureReasons[partial.Code] {
		t.Errorf("partial on a full-only gateway: %+v", partial)
	}
	expect(t, e.Refund(e.op(providers.KindRefund, wechat.Key, 3000)), providers.Approved)

	pendingRefund := e.paid(500)
	r := e.op(providers.KindRefund, pendingRefund.Key, 177)
	out = e.Refund(r)
	expect(t, out, providers.Approved)
	if tx, _ := e.sim.Transaction(r.Key); tx.Retrieves != 1 {
		t.Errorf("pending refund followed with %d retrieves", tx.Retrieves)
	}

	pendingSale := e.saleOp("0000", 800)
	expect(t, e.Pay(pendingSale), providers.Pending)
	notYet := e.Refund(e.op(providers.KindRefund, pendingSale.Key, 800))
	if notYet.Code != "refund_not_allowed_failure" {
		t.Errorf("refund of a pending sale: %+v", notYet)
	}
	missing := e.Refund(e.op(providers.KindRefund, "c2f5a10a-d7a7-4d69-83fa-b57c343d22d4", 800))
	if missing.Code != "sale_not_found_failure" || missing.Reason != failureReasons[missing.Code] {
		t.Errorf("refund of nothing: %+v", missing)
	}

	var refunded int64
	for _, tx := range e.ledger()["refund"] {
		if tx.Sale == sale.Key && tx.State == "succeeded" {
			refunded += tx.Amount
		}
	}
	if refunded != 10000 {
		t.Errorf("refunded %d of 10000", refunded)
	}
}

func TestVoids(t *testing.T) {
	e := newEnv(t, setup{})
	sale := e.paid(1500)
	v := e.op(providers.KindVoid, sale.Key, 0)
	v.Description = "customer changed her mind"
	out := e.Void(v)
	expect(t, out, providers.Approved)
	if out.Reference != v.Key {
		t.Errorf("reference %q", out.Reference)
	}
	again := e.Void(e.op(providers.KindVoid, sale.Key, 0))
	if again.Status != providers.Declined || again.Code != "void_not_allowed_failure" || again.Reason != failureReasons[again.Code] {
		t.Errorf("second void: %+v", again)
	}

	late := e.paid(1500)
	e.clock.Advance(11 * time.Minute)
	tooLate := e.Void(e.op(providers.KindVoid, late.Key, 0))
	if tooLate.Code != "void_not_allowed_failure" {
		t.Errorf("void after the window: %+v", tooLate)
	}
	expect(t, e.Refund(e.op(providers.KindRefund, late.Key, 1500)), providers.Approved)

	pending := e.saleOp("8099", 900)
	expect(t, e.Pay(pending), providers.Pending)
	expect(t, e.Void(e.op(providers.KindVoid, pending.Key, 0)), providers.Approved)
	after := e.Follow(pending)
	expect(t, after, providers.Declined)

	hang := e.saleOp("8097", 900)
	expect(t, e.Pay(hang), providers.Pending)
	stuck := e.Void(e.op(providers.KindVoid, hang.Key, 0))
	expect(t, stuck, providers.Pending) // followed to the bound, never voided itself
	if l := e.ledger(); len(l["void"]) != 5 {
		t.Errorf("voids: %+v", l["void"])
	}
}

func TestLookup(t *testing.T) {
	e := newEnv(t, setup{})
	paid := e.paid(100)
	out := e.Lookup(paid.Key)
	expect(t, out, providers.Approved)
	if out.Reference != paid.Key {
		t.Errorf("%+v", out)
	}

	failed := e.saleOp("9003", 100)
	e.Pay(failed)
	out = e.Lookup(failed.Key)
	if out.Status != providers.Declined || out.Code != "customer_insufficient_balance_failure" || out.Detail != "Customer has insufficient balance" {
		t.Errorf("%+v", out)
	}

	pending := e.saleOp("8010", 100)
	e.Pay(pending)
	expect(t, e.Lookup(pending.Key), providers.Pending)

	v := e.op(providers.KindVoid, paid.Key, 0)
	e.Void(v)
	expect(t, e.Lookup(v.Key), providers.Approved)

	// Never created: CANCAN answers 404 twice, a poll interval apart.
	before := len(e.Requests())
	never := "3b241101-e2bb-4255-8caf-4136c566a962"
	out = e.Lookup(never)
	expect(t, out, providers.Declined)
	if out.Code != "not_found_error" || !strings.Contains(out.Reason, "never reached") {
		t.Errorf("%+v", out)
	}
	if n := len(e.Requests()) - before; n != 2 {
		t.Errorf("%d look-ups for a 404", n)
	}

	// The id travels as one escaped path segment.
	out = e.Lookup("a/b?c#d %")
	expect(t, out, providers.Declined)
	reqs := e.Requests()
	if p := reqs[len(reqs)-1].Path; p != "/api/v2/transactions/a%2Fb%3Fc%23d%20%25" {
		t.Errorf("path %s", p)
	}
}

func TestNothingIsSentForAnInvalidOperation(t *testing.T) {
	e := newEnv(t, setup{})
	for name, edit := range map[string]func(*providers.Op){
		"key not a uuid":  func(op *providers.Op) { op.Key = "sale-1" },
		"key in braces":   func(op *providers.Op) { op.Key = "{" + op.Key + "}" },
		"key without -":   func(op *providers.Op) { op.Key = strings.ReplaceAll(op.Key, "-", "") },
		"unknown wallet":  func(op *providers.Op) { op.Wallet = "paypal" },
		"no wallet":       func(op *providers.Op) { op.Wallet = "" },
		"no payment code": func(op *providers.Op) { op.PaymentCode = "" },
		"zero amount":     func(op *providers.Op) { op.Amount = 0 },
		"negative amount": func(op *providers.Op) { op.Amount = -100 },
		"bad currency":    func(op *providers.Op) { op.Currency = "baht" },
	} {
		op := e.saleOp("9999", 100)
		edit(&op)
		out := e.Pay(op)
		if out.Status != providers.Declined || out.Reason == "" || out.Retryable {
			t.Errorf("%s: %+v", name, out)
		}
	}
	for name, op := range map[string]providers.Op{
		"void key":      {Key: "x", Target: "c2f5a10a-d7a7-4d69-83fa-b57c343d22d4"},
		"void target":   {Key: "c2f5a10a-d7a7-4d69-83fa-b57c343d22d4"},
		"refund amount": {Key: "c2f5a10a-d7a7-4d69-83fa-b57c343d22d4", Target: "ee96aaf7-9ec7-4baf-bf88-c0f77db672e0"},
	} {
		var out providers.Outcome
		if strings.HasPrefix(name, "void") {
			out = e.Void(op)
		} else {
			out = e.Refund(op)
		}
		expect(t, out, providers.Declined)
	}
	expect(t, e.Lookup(""), providers.Declined)
	expect(t, e.Lookup(".."), providers.Declined)
	expect(t, e.Follow(providers.Op{Key: "nope"}), providers.Declined)
	if n := len(e.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := e.check(e.client.Pay(ctx, e.saleOp("9999", 100)))
	expect(t, out, providers.Declined)
	if n := len(e.Requests()); n != 0 {
		t.Errorf("%d requests sent after cancel", n)
	}
}

func TestConcurrentPaymentsEachChargeOnce(t *testing.T) {
	e := newEnv(t, setup{})
	var wg sync.WaitGroup
	ops := make([]providers.Op, 24)
	for i := range ops {
		ops[i] = e.saleOp(fmt.Sprintf("80%02d", i%5), int64(100+i))
		wg.Go(func() {
			if out := e.client.Pay(context.Background(), ops[i]); out.Status != providers.Pending {
				t.Errorf("pay %d: %+v", i, out)
				return
			}
			if out := e.client.Follow(context.Background(), ops[i]); out.Status != providers.Approved {
				t.Errorf("follow %d: %+v", i, out)
			}
		})
	}
	wg.Wait()
	if l := e.ledger(); len(l["sale"]) != len(ops) {
		t.Errorf("%d sales for %d payments", len(l["sale"]), len(ops))
	}
}

func TestDoDispatchesToTheAdapter(t *testing.T) {
	e := newEnv(t, setup{})
	op := e.saleOp("9999", 100)
	out := providers.Do(context.Background(), e.client, op)
	expect(t, out, providers.Approved)
	out = providers.Do(context.Background(), e.client, providers.Op{Kind: providers.KindLookup, Target: op.Key})
	expect(t, out, providers.Approved)
}
