package ipass

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"till/providers"
	"till/providers/httpx"
	"till/providers/ipass/ipasssim"
)

var update = flag.Bool("update", false, "rewrite testdata/*.json")

const (
	secretKey    = "k3y-S3CRET-merchant-0001"
	secretToken  = "tok-S3CRET-bearer-0001"
	secretClient = "cli-S3CRET-client-0001"
	testKey      = "9cc197a0-e12c-4ac5-8cc0-0052e09d3752"
)

// 01:44:54 on 21 November in Taipei.
var fixedNow = time.Date(2026, 11, 20, 17, 44, 54, 0, time.UTC)

// countingReader makes stable ivs that all differ: bytes 0, 1, 2, ...
// with the number of the read mixed into the last eight.
type countingReader struct {
	mu    sync.Mutex
	reads uint64
}

func (r *countingReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range p {
		p[i] = byte(i)
	}
	for i := 0; i < 8 && i < len(p); i++ {
		p[len(p)-1-i] ^= byte(r.reads >> (8 * i))
	}
	r.reads++
	return len(p), nil
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

type env struct {
	sim    *ipasssim.Sim
	srv    *httptest.Server
	c      *Client
	cfg    Config
	clock  *clock
	sleeps *sleeps
}

func merchantConfig() Config {
	return Config{Token: secretToken, MerchantID: "IPM000123", Key: secretKey, ShopStoreID: "00681", TerminalID: "AB123456"}
}

func omniConfig() Config {
	return Config{Token: secretToken, StoreID: "0", ShopStoreID: "00681", TerminalID: "AB123456", IsTest: true}
}

// newEnv runs a simulator matching cfg and a client for it with instant
// backoff, a fixed clock and a predictable iv source.
func newEnv(t *testing.T, cfg Config, simOpts ...ipasssim.Option) *env {
	t.Helper()
	e := &env{clock: &clock{t: fixedNow}, sleeps: &sleeps{}}
	opts := []ipasssim.Option{ipasssim.WithClock(e.clock.now)}
	switch {
	case cfg.StoreID != "":
		opts = append(opts, ipasssim.WithStore(cfg.StoreID))
	case cfg.MerchantID != "":
		opts = append(opts, ipasssim.WithMerchant(cfg.MerchantID, cfg.Key))
	}
	if cfg.Token != "" {
		opts = append(opts, ipasssim.WithToken(cfg.Token))
	}
	e.sim = ipasssim.New(append(opts, simOpts...)...)
	e.srv = httptest.NewServer(e.sim)
	t.Cleanup(e.srv.Close)
	cfg.BaseURL = e.srv.URL + "/"
	if cfg.TokenURL != "" {
		cfg.TokenURL = e.srv.URL + ipasssim.TokenPath
	}
	e.cfg = cfg
	e.c = newClient(t, cfg, e)
	return e
}

func newClient(t *testing.T, cfg Config, e *env) *Client {
	t.Helper()
	c, err := New(cfg,
		WithBackoff(httpx.Backoff{Base: 100 * time.Millisecond, Cap: time.Second, Attempts: 4, Rand: func() float64 { return 0.5 }, Sleep: e.sleeps.sleep}),
		WithClock(e.clock.now),
		WithRandom(&countingReader{}),
	)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func payOp() providers.Op {
	return providers.Op{
		Provider:        "ipass",
		Kind:            providers.KindPay,
		Key:             testKey,
		SaleID:          "S-20261121-0001",
		Wallet:          "ipass",
		Amount:          22900,
		Currency:        "TWD",
		PaymentCode:     "96A1OABQAAFmIVAVRxhA0229",
		OrderNumber:     "IXN20261121000001",
		NonDiscountable: 8000,
		Description:     "XX 防曬乳*1(149 元)、XX 菸品*1(80) & <more>",
		Created:         fixedNow.Add(-61 * time.Second),
	}
}

// nth returns a distinct op: its own key, order number and trade code.
func nth(i int, ending string) providers.Op {
	op := payOp()
	op.Key = fmt.Sprintf("9cc197a0-e12c-4ac5-8cc0-%012d", i)
	op.OrderNumber = fmt.Sprintf("IXN20261121%06d", i)
	op.PaymentCode = fmt.Sprintf("96A1OABQ%08d%s", i, ending)
	return op
}

func bodyOf(t *testing.T, r ipasssim.Request) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body %s: %v", r.Body, err)
	}
	return m
}

func requestOf(t *testing.T, r ipasssim.Request) map[string]any {
	t.Helper()
	return bodyOf(t, r)["request"].(map[string]any)
}

func wantStatus(t *testing.T, out providers.Outcome, want providers.Status) {
	t.Helper()
	if out.Status != want {
		t.Fatalf("outcome %+v, want %s", out, want)
	}
}

func TestGoldenBodiesAndHeaders(t *testing.T) {
	for name, cfg := range map[string]Config{"merchant": merchantConfig(), "omni": omniConfig()} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, cfg)
			wantStatus(t, e.c.Pay(context.Background(), payOp()), providers.Approved)
			reqs := e.sim.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests", len(reqs))
			}
			h := reqs[0].Header
			for k, v := range map[string]string{
				"Authorization": "Bearer " + secretToken,
				"Content-Type":  "application/json",
				"Accept":        "application/json",
			} {
				if got := h.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			for _, k := range []string{"Idempotency-Key", "X-Idempotency-Key"} {
				if h.Get(k) != "" {
					t.Errorf("%s set: net/http would re-send failed POSTs by itself", k)
				}
			}
			path := filepath.Join("testdata", "pay_"+name+".json")
			got := append(bytes.Clone(reqs[0].Body), '\n')
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("body\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestModesSendOnlyTheirFields(t *testing.T) {
	e := newEnv(t, merchantConfig())
	e.c.Pay(context.Background(), payOp())
	b := bodyOf(t, e.sim.Requests()[0])
	r := b["request"].(map[string]any)
	if _, ok := b["store_id"]; ok {
		t.Error("merchant mode sent a top-level store_id")
	}
	if r["merchantid"] != "IPM000123" || r["key"] != secretKey || !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(r["iv"].(string)) {
		t.Errorf("merchant credentials: %v", r)
	}
	if r["capture"] != true || r["amount"] != 229.0 || r["store_id"] != "00681" || r["terminal_id"] != "AB123456" {
		t.Errorf("request: %v", r)
	}

	e = newEnv(t, omniConfig())
	e.c.Pay(context.Background(), payOp())
	b = bodyOf(t, e.sim.Requests()[0])
	r = b["request"].(map[string]any)
	if b["store_id"] != "0" || b["is_test"] != true {
		t.Errorf("omni top level: %v", b)
	}
	for _, k := range []string{"merchantid", "key", "iv"} {
		if _, ok := r[k]; ok {
			t.Errorf("omni mode sent %s", k)
		}
	}
}

func TestTimesAreUTC8WithoutLeadingSpace(t *testing.T) {
	e := newEnv(t, merchantConfig())
	op := payOp()
	wantStatus(t, e.c.Pay(context.Background(), op), providers.Approved)
	op = nth(2, "0001")
	op.Created = time.Time{} // no sale time: the request time stands in
	wantStatus(t, e.c.Pay(context.Background(), op), providers.Approved)
	reqs := e.sim.Requests()
	r0, r1 := requestOf(t, reqs[0]), requestOf(t, reqs[1])
	if r0["pos_date_time"] != "2026-11-21 01:43:53" || r0["trade_date_time"] != "2026-11-21 01:44:54" {
		t.Errorf("times %q %q", r0["pos_date_time"], r0["trade_date_time"])
	}
	if r1["pos_date_time"] != "2026-11-21 01:44:54" || r1["trade_date_time"] != "2026-11-21 01:44:54" {
		t.Errorf("times %q %q", r1["pos_date_time"], r1["trade_date_time"])
	}
	for _, r := range reqs {
		if bytes.Contains(r.Body, []byte(`": 2`)) || bytes.Contains(r.Body, []byte(`" 2`)) {
			t.Errorf("leading space in %s", r.Body)
		}
	}
}

func TestNonRedeemAmout(t *testing.T) {
	e := newEnv(t, merchantConfig())
	wantStatus(t, e.c.Pay(context.Background(), payOp()), providers.Approved)
	op := nth(2, "0002")
	op.NonDiscountable = 0
	wantStatus(t, e.c.Pay(context.Background(), op), providers.Approved)
	reqs := e.sim.Requests()
	if !bytes.Contains(reqs[0].Body, []byte(`"redeem":{"non_redeem_amout":80}`)) {
		t.Errorf("NT$80 not discountable: %s", reqs[0].Body)
	}
	if bytes.Contains(reqs[1].Body, []byte(`redeem`)) {
		t.Errorf("redeem sent for nothing excluded: %s", reqs[1].Body)
	}
	l := e.sim.Ledger()
	if l[0].NonRedeemAmount != 80 || l[0].Amount != 229 || l[1].NonRedeemAmount != 0 {
		t.Errorf("ledger %+v", l)
	}
}

func TestApproved(t *testing.T) {
	e := newEnv(t, omniConfig())
	out := e.c.Pay(context.Background(), payOp())
	wantStatus(t, out, providers.Approved)
	l := e.sim.Ledger()
	if len(l) != 1 || out.Reference != l[0].TransactionID || out.Reference == "" {
		t.Fatalf("outcome %+v, ledger %+v", out, l)
	}
	if got := e.c.Follow(context.Background(), payOp()); got != out {
		t.Errorf("Follow = %+v", got)
	}
	// Paying an approved op again answers from memory: nothing is sent.
	if got := e.c.Pay(context.Background(), payOp()); got != out || len(e.sim.Requests()) != 1 {
		t.Errorf("second Pay = %+v after %d requests", got, len(e.sim.Requests()))
	}
}

func TestDeclines(t *testing.T) {
	e := newEnv(t, merchantConfig())
	for i, c := range []struct{ ending, code, msg string }{
		{"9101", "9999", "發生未預期錯誤"},
		{"9102", "S101", "餘額不足"},
		{"9103", "S102", "付款碼已過期"},
		{"9104", "S103", "付款碼已使用"},
		{"9105", "S104", "超過交易限額"},
		{"9177", "9999", "發生未預期錯誤"},
		{"ABCD", "S105", "付款碼無效"},
	} {
		out := e.c.Pay(context.Background(), nth(i, c.ending))
		wantStatus(t, out, providers.Declined)
		if out.Code != c.code || out.Detail != c.msg || out.Reason != "iPASS declined the payment: "+c.msg || out.Retryable {
			t.Errorf("%s: %+v", c.ending, out)
		}
	}
	out := e.c.Pay(context.Background(), nth(99, "9190"))
	wantStatus(t, out, providers.Declined)
	if out.Code != "omni_error" || out.Detail != ipasssim.MsgGatewayFailure || !strings.Contains(out.Reason, ipasssim.MsgGatewayFailure) {
		t.Errorf("gateway message: %+v", out)
	}
	if n := len(e.sim.Ledger()); n != 0 {
		t.Errorf("%d payments taken", n)
	}
	if n := len(e.sim.Requests()); n != 8 {
		t.Errorf("%d requests: a decline is not retried", n)
	}
}

func TestOrderNumberUsedBeforeOnFirstAttemptIsDeclined(t *testing.T) {
	e := newEnv(t, merchantConfig())
	wantStatus(t, e.c.Pay(context.Background(), nth(1, "0001")), providers.Approved)
	op := nth(2, "0002")
	op.OrderNumber = nth(1, "").OrderNumber
	out := e.c.Pay(context.Background(), op)
	wantStatus(t, out, providers.Declined)
	if out.Code != "0006" || out.Detail != "該OrderNumber重複" || !strings.Contains(out.Reason, "該OrderNumber重複") {
		t.Errorf("%+v", out)
	}
}

func TestDroppedAnswerRetriesThenNeedsAPerson(t *testing.T) {
	for name, setup := range map[string]func(*env) providers.Op{
		"magic 8888": func(*env) providers.Op { return nth(1, "8888") },
		"fault": func(e *env) providers.Op {
			e.sim.SetFault(ipasssim.Fault{DropAnswer: 1})
			return nth(1, "0001")
		},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, merchantConfig())
			op := setup(e)
			out := e.c.Pay(context.Background(), op)
			want := providers.Outcome{Status: providers.Unknown, Code: "0006", Detail: "該OrderNumber重複", Reason: needsReview}
			if out != want {
				t.Fatalf("outcome %+v, want %+v", out, want)
			}
			if l := e.sim.Ledger(); len(l) != 1 {
				t.Fatalf("ledger %+v: want exactly one payment", l)
			}
			reqs := e.sim.Requests()
			if len(reqs) != 2 {
				t.Fatalf("%d requests", len(reqs))
			}
			a, b := requestOf(t, reqs[0]), requestOf(t, reqs[1])
			if a["req_id"] != b["req_id"] || a["order_number"] != b["order_number"] || a["req_id"] != op.Key {
				t.Errorf("retry changed ids: %v / %v", a, b)
			}
			if a["iv"] == b["iv"] {
				t.Errorf("retry reused iv %v", a["iv"])
			}
			if got := e.c.Follow(context.Background(), op); got.Status != providers.Unknown || got.Reason != needsReview {
				t.Errorf("Follow = %+v", got)
			}
			// A later Pay of the same op still knows the first may have charged.
			if got := e.c.Pay(context.Background(), op); got.Status != providers.Unknown || got.Reason != needsReview {
				t.Errorf("Pay again = %+v", got)
			}
			if n := len(e.sim.Ledger()); n != 1 {
				t.Errorf("%d payments", n)
			}
		})
	}
}

func TestAnyFailureAfterALostAnswerNeedsAPerson(t *testing.T) {
	// The first attempt may have spent the balance that the retry lacks.
	var n int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		first := n == 1
		mu.Unlock()
		if first {
			conn, _, _ := http.NewResponseController(w).Hijack()
			conn.Close()
			return
		}
		w.Write([]byte(`{"return_code":"S101","return_msg":"餘額不足","message_from":"IPASS"}`))
	}))
	defer srv.Close()
	cfg := merchantConfig()
	cfg.BaseURL = srv.URL
	c := newClient(t, cfg, &env{clock: &clock{t: fixedNow}, sleeps: &sleeps{}})
	out := c.Pay(context.Background(), payOp())
	if out.Status != providers.Unknown || out.Reason != needsReview || out.Code != "S101" {
		t.Errorf("%+v", out)
	}
}

func TestLostTwiceIsUnknown(t *testing.T) {
	e := newEnv(t, merchantConfig())
	e.sim.SetFault(ipasssim.Fault{DropAnswer: 2})
	out := e.c.Pay(context.Background(), nth(1, "0001"))
	if out.Status != providers.Unknown || out.Reason != needsReview || out.Code != "no_answer" || !out.Retryable {
		t.Errorf("%+v", out)
	}
	if len(e.sim.Ledger()) != 1 || len(e.sim.Requests()) != 2 {
		t.Errorf("ledger %d, requests %d", len(e.sim.Ledger()), len(e.sim.Requests()))
	}

	e = newEnv(t, merchantConfig())
	e.sim.SetFault(ipasssim.Fault{Down: true})
	out = e.c.Pay(context.Background(), nth(1, "0001"))
	if out.Status != providers.Unknown || out.Reason != needsReview {
		t.Errorf("down: %+v", out)
	}
	if len(e.sim.Ledger()) != 0 {
		t.Error("down but paid")
	}
}

func TestTimeoutRetriesOnce(t *testing.T) {
	e := newEnv(t, merchantConfig())
	cfg := e.cfg
	cfg.Timeout = 50 * time.Millisecond
	c := newClient(t, cfg, e)
	e.sim.SetFault(ipasssim.Fault{Slow: 2 * time.Second})
	out := c.Pay(context.Background(), nth(1, "0001"))
	if out.Status != providers.Unknown || out.Reason != needsReview {
		t.Errorf("%+v", out)
	}
	if len(e.sim.Ledger()) != 1 || len(e.sim.Requests()) != 2 {
		t.Errorf("ledger %d, requests %d", len(e.sim.Ledger()), len(e.sim.Requests()))
	}
}

func TestRateLimitHonoursRetryAfter(t *testing.T) {
	e := newEnv(t, merchantConfig())
	e.sim.SetFault(ipasssim.Fault{RateLimit: 1, RetryAfter: 2 * time.Second})
	wantStatus(t, e.c.Pay(context.Background(), nth(1, "0001")), providers.Approved)
	if s := e.sleeps.all(); len(s) != 1 || s[0] < 2*time.Second {
		t.Errorf("slept %v, want one wait of at least 2s", s)
	}
	reqs := e.sim.Requests()
	if len(reqs) != 2 || requestOf(t, reqs[0])["iv"] == requestOf(t, reqs[1])["iv"] {
		t.Errorf("%d requests, or iv reused", len(reqs))
	}

	// Still limited after every try: nothing was taken, try later.
	e = newEnv(t, merchantConfig())
	e.sim.SetFault(ipasssim.Fault{RateLimit: 100, RetryAfter: 3 * time.Second})
	out := e.c.Pay(context.Background(), nth(1, "0001"))
	if out.Status != providers.Declined || !out.Retryable || out.RetryAfter != 3*time.Second || out.Code != "http_429" {
		t.Errorf("%+v", out)
	}
	if n := len(e.sim.Requests()); n != 4 {
		t.Errorf("%d tries, want the backoff's 4", n)
	}
}

func TestServerErrors(t *testing.T) {
	e := newEnv(t, merchantConfig())
	e.sim.SetFault(ipasssim.Fault{Status500: 2})
	wantStatus(t, e.c.Pay(context.Background(), nth(1, "0001")), providers.Approved)
	if n := len(e.sim.Requests()); n != 3 {
		t.Errorf("%d requests", n)
	}

	// A 5xx may come from a gateway that passed the payment on.
	e.sim.SetFault(ipasssim.Fault{Status500: 100})
	out := e.c.Pay(context.Background(), nth(2, "0002"))
	if out.Status != providers.Unknown || out.Reason != needsReview || !out.Retryable {
		t.Errorf("%+v", out)
	}
}

func TestStaticTokenRefused(t *testing.T) {
	e := newEnv(t, merchantConfig(), ipasssim.WithToken("another-token"))
	cfg := e.cfg
	cfg.Token = "wrong-token-value"
	c := newClient(t, cfg, e)
	out := c.Pay(context.Background(), payOp())
	if out.Status != providers.Declined || out.Reason != tokenRefused {
		t.Errorf("%+v", out)
	}
	if n := len(e.sim.Requests()); n != 1 {
		t.Errorf("%d requests: a static token is not retried", n)
	}
}

func TestTokenURLFlow(t *testing.T) {
	cfg := merchantConfig()
	cfg.Token, cfg.TokenURL, cfg.ClientID, cfg.ClientSecret = "", "set", "till-01", secretClient
	e := newEnv(t, cfg, ipasssim.WithClientCredentials("till-01", secretClient, time.Hour))
	ctx := context.Background()
	wantStatus(t, e.c.Pay(ctx, nth(1, "0001")), providers.Approved)
	wantStatus(t, e.c.Pay(ctx, nth(2, "0002")), providers.Approved)
	if n := e.sim.TokenCalls(); n != 1 {
		t.Errorf("%d token calls: the token is not cached", n)
	}

	// Refused token: renewed once and the payment retried.
	e.sim.RevokeTokens()
	wantStatus(t, e.c.Pay(ctx, nth(3, "0003")), providers.Approved)
	if n := e.sim.TokenCalls(); n != 2 {
		t.Errorf("%d token calls after a 401", n)
	}
	reqs := e.sim.Requests()
	if len(reqs) != 4 || reqs[2].Header.Get("Authorization") == reqs[3].Header.Get("Authorization") {
		t.Errorf("%d requests; retry kept the refused token", len(reqs))
	}

	// Expired by the clock: fetched again before sending.
	e.clock.add(2 * time.Hour)
	wantStatus(t, e.c.Pay(ctx, nth(4, "0004")), providers.Approved)
	if n := e.sim.TokenCalls(); n != 3 {
		t.Errorf("%d token calls after expiry", n)
	}

	// Wrong secret: refused before any payment is sent.
	bad := e.cfg
	bad.ClientSecret = "wrong-S3CRET"
	c := newClient(t, bad, e)
	before := len(e.sim.Requests())
	out := c.Pay(ctx, nth(5, "0005"))
	if out.Status != providers.Declined || out.Code != "token_refused" || len(e.sim.Requests()) != before {
		t.Errorf("%+v", out)
	}
}

func TestTokenRefusedTwiceIsDeclined(t *testing.T) {
	var mu sync.Mutex
	var tokens, pays int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path == "/token" {
			tokens++
			fmt.Fprintf(w, `{"access_token":"t-%d","token_type":"bearer","expires_in":3600}`, tokens)
			return
		}
		pays++
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer srv.Close()
	cfg := merchantConfig()
	cfg.BaseURL = srv.URL
	cfg.Token, cfg.TokenURL, cfg.ClientID, cfg.ClientSecret = "", srv.URL+"/token", "till-01", secretClient
	c := newClient(t, cfg, &env{clock: &clock{t: fixedNow}, sleeps: &sleeps{}})
	out := c.Pay(context.Background(), payOp())
	mu.Lock()
	defer mu.Unlock()
	if out.Status != providers.Declined || out.Reason != tokenRefused || tokens != 2 || pays != 2 {
		t.Errorf("%+v, %d tokens, %d pays", out, tokens, pays)
	}
}

func TestLengthLimits(t *testing.T) {
	long := func(s string, n int) string { return strings.Repeat(s, n) }
	for _, c := range []struct {
		field string
		set   func(*providers.Op, int)
		limit int
	}{
		{"req_id", func(op *providers.Op, n int) { op.Key = testKey + long("0", n-36) }, 36},
		{"order_number", func(op *providers.Op, n int) { op.OrderNumber = long("9", n) }, 100},
		{"product_desc", func(op *providers.Op, n int) { op.Description = long("菸", n) }, 4000},
		{"remark", func(op *providers.Op, n int) { op.SaleID = long("售", n) }, 1000},
	} {
		t.Run(c.field, func(t *testing.T) {
			e := newEnv(t, merchantConfig())
			op := payOp()
			c.set(&op, c.limit)
			wantStatus(t, e.c.Pay(context.Background(), op), providers.Approved)

			e = newEnv(t, merchantConfig())
			op = payOp()
			c.set(&op, c.limit+1)
			out := e.c.Pay(context.Background(), op)
			wantStatus(t, out, providers.Declined)
			if !strings.Contains(out.Reason, c.field) {
				t.Errorf("reason %q does not name %s", out.Reason, c.field)
			}
			if n := len(e.sim.Requests()); n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}
	for _, c := range []struct {
		field string
		cfg   Config
		set   func(*Config, string)
		limit int
	}{
		{"StoreID", omniConfig(), func(cfg *Config, v string) { cfg.StoreID = v }, 20},
		{"ShopStoreID", merchantConfig(), func(cfg *Config, v string) { cfg.ShopStoreID = v }, 20},
		{"TerminalID", merchantConfig(), func(cfg *Config, v string) { cfg.TerminalID = v }, 8},
	} {
		t.Run(c.field, func(t *testing.T) {
			cfg := c.cfg
			c.set(&cfg, long("7", c.limit))
			e := newEnv(t, cfg)
			wantStatus(t, e.c.Pay(context.Background(), payOp()), providers.Approved)

			c.set(&cfg, long("7", c.limit+1))
			cfg.BaseURL = "https://omni.example/"
			if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), c.field) {
				t.Errorf("New = %v, want an error naming %s", err, c.field)
			}
		})
	}
}

func TestRefusedBeforeSending(t *testing.T) {
	for name, edit := range map[string]func(*providers.Op){
		"cents":                func(op *providers.Op) { op.Amount = 22950 },
		"zero":                 func(op *providers.Op) { op.Amount = 0 },
		"negative":             func(op *providers.Op) { op.Amount = -100 },
		"currency":             func(op *providers.Op) { op.Currency = "JPY" },
		"no currency":          func(op *providers.Op) { op.Currency = "" },
		"excluded cents":       func(op *providers.Op) { op.NonDiscountable = 50 },
		"excluded over amount": func(op *providers.Op) { op.NonDiscountable = 23000 },
		"not a uuid":           func(op *providers.Op) { op.Key = "sale-1-payment-1" },
		"no code":              func(op *providers.Op) { op.PaymentCode = "" },
		"no order number":      func(op *providers.Op) { op.OrderNumber = "" },
		"a refund":             func(op *providers.Op) { op.Kind = providers.KindRefund },
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, merchantConfig())
			op := payOp()
			edit(&op)
			out := e.c.Pay(context.Background(), op)
			if out.Status != providers.Declined || !strings.HasPrefix(out.Reason, "not sent to iPASS: ") {
				t.Errorf("%+v", out)
			}
			if n := len(e.sim.Requests()); n != 0 {
				t.Errorf("%d requests", n)
			}
			if got := e.c.Follow(context.Background(), op); got != out {
				t.Errorf("Follow = %+v", got)
			}
		})
	}
}

func TestIVFreshOnEveryRequest(t *testing.T) {
	// The real random source, through retries and several payments.
	e := newEnv(t, merchantConfig())
	c, err := New(e.cfg, WithBackoff(httpx.Backoff{Attempts: 4, Sleep: httpx.NoWait}), WithClock(e.clock.now))
	if err != nil {
		t.Fatal(err)
	}
	e.sim.SetFault(ipasssim.Fault{RateLimit: 2})
	wantStatus(t, c.Pay(context.Background(), nth(1, "0001")), providers.Approved)
	e.sim.SetFault(ipasssim.Fault{DropAnswer: 1})
	c.Pay(context.Background(), nth(2, "0002"))
	for i := 3; i < 6; i++ {
		wantStatus(t, c.Pay(context.Background(), nth(i, "0003")), providers.Approved)
	}
	seen := map[any]bool{}
	hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)
	reqs := e.sim.Requests()
	if len(reqs) != 8 {
		t.Fatalf("%d requests", len(reqs))
	}
	for _, r := range reqs {
		iv := requestOf(t, r)["iv"]
		s, _ := iv.(string)
		if !hex32.MatchString(s) || seen[iv] {
			t.Errorf("iv %v bad or reused", iv)
		}
		seen[iv] = true
	}
}

func TestNewChecksTheConfiguration(t *testing.T) {
	for _, c := range []struct {
		name  string
		edit  func(*Config)
		words []string
	}{
		{"both modes", func(c *Config) { c.StoreID = "0" }, []string{"MerchantID", "Key", "StoreID", "not both"}},
		{"no mode", func(c *Config) { c.MerchantID, c.Key = "", "" }, []string{"MerchantID", "Key", "StoreID"}},
		{"half merchant", func(c *Config) { c.Key = "" }, []string{"MerchantID", "Key"}},
		{"no base", func(c *Config) { c.BaseURL = "" }, []string{"BaseURL"}},
		{"bad base", func(c *Config) { c.BaseURL = "omni.example" }, []string{"BaseURL"}},
		{"no auth", func(c *Config) { c.Token = "" }, []string{"Token", "TokenURL"}},
		{"two auths", func(c *Config) { c.TokenURL, c.ClientSecret = "https://t.example/", secretClient }, []string{"Token", "not both"}},
		{"half client", func(c *Config) { c.Token, c.TokenURL = "", "https://t.example/" }, []string{"ClientID", "ClientSecret"}},
		{"no shop", func(c *Config) { c.ShopStoreID = "" }, []string{"ShopStoreID"}},
		{"no terminal", func(c *Config) { c.TerminalID = "" }, []string{"TerminalID"}},
	} {
		cfg := merchantConfig()
		cfg.BaseURL = "https://omni.example/"
		c.edit(&cfg)
		_, err := New(cfg)
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		for _, w := range c.words {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not name %s", c.name, err, w)
			}
		}
		for _, s := range []string{secretKey, secretToken, secretClient} {
			if strings.Contains(err.Error(), s) {
				t.Errorf("%s: error shows a secret", c.name)
			}
		}
	}
}

func TestNoRefundVoidOrLookup(t *testing.T) {
	c, err := New(func() Config { c := omniConfig(); c.BaseURL = "https://omni.example"; return c }())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if c.Name() != "ipass" {
		t.Error(c.Name())
	}
	want := providers.Outcome{Status: providers.Declined, Code: "unsupported", Reason: "iPASS payments cannot be voided or refunded from the till: refund in cash with a manager"}
	if got := c.Void(ctx, providers.Op{Kind: providers.KindVoid, Target: testKey}); got != want {
		t.Errorf("Void = %+v", got)
	}
	if got := providers.Do(ctx, c, providers.Op{Kind: providers.KindRefund, Target: testKey}); got != want {
		t.Errorf("Refund = %+v", got)
	}
	want = providers.Outcome{Status: providers.Unknown, Reason: "iPASS has no look-up: a manager must check this payment"}
	if got := c.Lookup(ctx, providers.Op{Kind: providers.KindLookup, Target: testKey}); got != want {
		t.Errorf("Lookup = %+v", got)
	}
	// Never paid by this client: a person must check.
	if got := c.Follow(ctx, payOp()); got.Status != providers.Unknown || got.Reason != needsReview {
		t.Errorf("Follow = %+v", got)
	}
}

// scripted answers each request with the next body (the last repeats).
func scripted(t *testing.T, status int, bodies ...string) (*httptest.Server, *int) {
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		b := bodies[min(n, len(bodies)-1)]
		n++
		mu.Unlock()
		w.WriteHeader(status)
		w.Write([]byte(b))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestMalformedAnswersAreNeverApproved(t *testing.T) {
	for _, body := range []string{
		`{"return_code":0}`,
		`{"return_code":"0000"}`,
		`{"return_code":null,"transaction_id":"e1"}`,
		`{"return_code":"0000","transaction_id":"e1","return_code":"9999"}`,
		`{"Return_Code":"0000","transaction_id":"e1"}`,
		`{"return_code":"0000","transaction_id":"e1"} {"return_code":"9999"}`,
		`{"return_code":"0000","transaction_id":"e1","req_id":"1cc197a0-e12c-4ac5-8cc0-0052e09d3752"}`,
		`{"return_code":"0000","transaction_id":"e1","order_number":"IXN-other"}`,
		`{"return_code":"0000","transaction_id":17}`,
		`{"return_code":"0000","transaction_id":"e1",}`,
		`["0000"]`,
		`{}`,
		``,
		`<html>502</html>`,
	} {
		srv, n := scripted(t, http.StatusOK, body)
		cfg := merchantConfig()
		cfg.BaseURL = srv.URL
		c := newClient(t, cfg, &env{clock: &clock{t: fixedNow}, sleeps: &sleeps{}})
		out := c.Pay(context.Background(), payOp())
		if out.Status != providers.Unknown || out.Reason != needsReview || *n != 2 {
			t.Errorf("%s: %+v after %d requests", body, out, *n)
		}
	}
	// Unreadable, then a good answer: the retry settles it.
	srv, _ := scripted(t, http.StatusOK, `{"return_code":`, `{"return_code":"0000","transaction_id":"e77","req_id":"9CC197A0-E12C-4AC5-8CC0-0052E09D3752"}`)
	cfg := merchantConfig()
	cfg.BaseURL = srv.URL
	c := newClient(t, cfg, &env{clock: &clock{t: fixedNow}, sleeps: &sleeps{}})
	if out := c.Pay(context.Background(), payOp()); out.Status != providers.Approved || out.Reference != "e77" {
		t.Errorf("%+v", out)
	}
}

func TestOtherHTTPErrors(t *testing.T) {
	srv, n := scripted(t, http.StatusBadRequest, `{"message":"request.store_id is required"}`)
	cfg := merchantConfig()
	cfg.BaseURL = srv.URL
	c := newClient(t, cfg, &env{clock: &clock{t: fixedNow}, sleeps: &sleeps{}})
	out := c.Pay(context.Background(), payOp())
	if out.Status != providers.Declined || out.Code != "http_400" || out.Detail != "request.store_id is required" || *n != 1 {
		t.Errorf("%+v", out)
	}
}

func TestLongProviderTextIsCapped(t *testing.T) {
	msg := strings.Repeat("餘", 400) // 1200 bytes
	srv, _ := scripted(t, http.StatusOK, `{"return_code":"S101","return_msg":"`+msg+`"}`)
	cfg := merchantConfig()
	cfg.BaseURL = srv.URL
	c := newClient(t, cfg, &env{clock: &clock{t: fixedNow}, sleeps: &sleeps{}})
	out := c.Pay(context.Background(), payOp())
	shownPart := strings.TrimPrefix(out.Reason, "iPASS declined the payment: ")
	if len(shownPart) > 500 || len(shownPart) < 495 || !strings.HasPrefix(msg, shownPart) {
		t.Errorf("reason shows %d bytes", len(shownPart))
	}
}

func TestCancelledBeforeSending(t *testing.T) {
	e := newEnv(t, merchantConfig())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := e.c.Pay(ctx, payOp())
	if out.Status == providers.Approved || len(e.sim.Requests()) != 0 {
		t.Errorf("%+v", out)
	}
}

func TestSecretsNeverShown(t *testing.T) {
	var outs []providers.Outcome
	var errs []error
	ctx := context.Background()

	// A server that echoes the whole request, headers included, back.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var buf bytes.Buffer
		buf.ReadFrom(r.Body)
		text := r.Header.Get("Authorization") + " " + buf.String()
		for _, status := range []int{http.StatusOK, http.StatusBadRequest} {
			if strings.Contains(r.URL.Path, fmt.Sprint(status)) {
				w.WriteHeader(status)
			}
		}
		json.NewEncoder(w).Encode(map[string]string{"return_code": "9999", "return_msg": text, "message": text})
	}))
	defer echo.Close()
	for _, path := range []string{"/200", "/400"} {
		cfg := merchantConfig()
		cfg.BaseURL = echo.URL + path
		c := newClient(t, cfg, &env{clock: &clock{t: fixedNow}, sleeps: &sleeps{}})
		outs = append(outs, c.Pay(ctx, payOp()))

		cfg.Token, cfg.TokenURL, cfg.ClientID, cfg.ClientSecret = "", echo.URL+"/token", "till-01", secretClient
		c = newClient(t, cfg, &env{clock: &clock{t: fixedNow}, sleeps: &sleeps{}})
		outs = append(outs, c.Pay(ctx, payOp()))
	}

	// Token endpoint that issues a token the pay endpoint echoes back.
	cfg := merchantConfig()
	cfg.Token, cfg.TokenURL, cfg.ClientID, cfg.ClientSecret = "", "set", "till-01", secretClient
	e := newEnv(t, cfg, ipasssim.WithClientCredentials("till-01", secretClient, time.Hour), ipasssim.WithToken("only-this"))
	outs = append(outs, e.c.Pay(ctx, payOp()))
	e.sim.SetFault(ipasssim.Fault{Down: true})
	outs = append(outs, e.c.Pay(ctx, nth(2, "0002")))

	for _, cfg := range []Config{merchantConfig(), omniConfig()} {
		e := newEnv(t, cfg)
		for i, f := range []ipasssim.Fault{{DropAnswer: 2}, {Status500: 9}, {RateLimit: 9}, {}} {
			e.sim.SetFault(f)
			outs = append(outs, e.c.Pay(ctx, nth(i, "9101")))
		}
		bad := e.cfg
		bad.Token = "not-the-token-" + secretToken
		outs = append(outs, newClient(t, bad, e).Pay(ctx, payOp()))
	}

	for _, cfg := range []Config{
		{BaseURL: "https://u:" + secretToken + "@omni.example", Token: secretToken, MerchantID: "m", Key: secretKey, StoreID: "x"},
		{BaseURL: "::", Token: secretToken, ClientSecret: secretClient, Key: secretKey},
	} {
		_, err := New(cfg)
		errs = append(errs, err)
	}

	redacted := 0
	for _, o := range outs {
		s := fmt.Sprintf("%+v", o)
		redacted += strings.Count(s, "[redacted]")
		for _, secret := range []string{secretKey, secretToken, secretClient, "simtok-"} {
			if strings.Contains(s, secret) {
				t.Errorf("outcome shows a secret: %s", s)
			}
		}
	}
	if redacted == 0 {
		t.Error("the echoing server's answers were not redacted")
	}
	for _, err := range errs {
		if err == nil {
			t.Error("bad configuration accepted")
			continue
		}
		for _, secret := range []string{secretKey, secretToken, secretClient} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error shows a secret: %v", err)
			}
		}
	}
}

func TestConcurrentPayments(t *testing.T) {
	e := newEnv(t, merchantConfig())
	var wg sync.WaitGroup
	outs := make([]providers.Outcome, 40)
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			op := nth(i%20, "0001") // every payment twice, at once
			outs[i] = e.c.Pay(context.Background(), op)
		}()
	}
	wg.Wait()
	for i, o := range outs {
		if o.Status != providers.Approved {
			t.Errorf("%d: %+v", i, o)
		}
	}
	if n := len(e.sim.Ledger()); n != 20 {
		t.Errorf("%d payments, want 20", n)
	}
}

func TestMemoryIsBounded(t *testing.T) {
	c, err := New(func() Config { c := omniConfig(); c.BaseURL = "https://omni.example"; return c }())
	if err != nil {
		t.Fatal(err)
	}
	for i := range remembered + 50 {
		c.Follow(context.Background(), nth(i, "0001"))
	}
	if len(c.keys) != remembered || len(c.order) != remembered {
		t.Errorf("%d keys, %d in order", len(c.keys), len(c.order))
	}
}
