package ipasssim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 20, 17, 44, 54, 0, time.UTC)

const (
	token    = "sim-test-token"
	merchant = "IPM000123"
	key      = "sim-test-key"
)

func start(t *testing.T, opts ...Option) (*Sim, *httptest.Server) {
	t.Helper()
	s := New(append([]Option{WithClock(func() time.Time { return now })}, opts...)...)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

// body is a valid merchant-mode request; n makes its ids and iv unique.
func body(n int) map[string]any {
	return map[string]any{
		"is_test": false,
		"request": map[string]any{
			"merchantid":      merchant,
			"key":             key,
			"iv":              fmt.Sprintf("%032x", n),
			"req_id":          fmt.Sprintf("9cc197a0-e12c-4ac5-8cc0-%012d", n),
			"trade_code":      fmt.Sprintf("96A1OABQ%08d0229", n),
			"amount":          229,
			"order_number":    fmt.Sprintf("IXN%06d", n),
			"store_id":        "00681",
			"terminal_id":     "AB123456",
			"capture":         true,
			"pos_date_time":   "2026-11-21 01:43:53",
			"trade_date_time": "2026-11-21 01:44:54",
			"product_desc":    "XX 防曬乳*1(149 元)、XX 菸品*1(80)",
			"remark":          "",
			"redeem":          map[string]any{"non_redeem_amout": 80},
		},
	}
}

func req(b map[string]any) map[string]any { return b["request"].(map[string]any) }

func post(t *testing.T, srv *httptest.Server, b any, auth string) (int, map[string]any, http.Header) {
	t.Helper()
	var raw []byte
	switch b := b.(type) {
	case string:
		raw = []byte(b)
	default:
		raw, _ = json.Marshal(b)
	}
	r, _ := http.NewRequest(http.MethodPost, srv.URL+PayPath, bytes.NewReader(raw))
	r.Header.Set("Content-Type", "application/json")
	if auth != "" {
		r.Header.Set("Authorization", "Bearer "+auth)
	}
	resp, err := srv.Client().Do(r)
	if err != nil {
		return 0, nil, nil
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("answer %q: %v", data, err)
	}
	return resp.StatusCode, m, resp.Header
}

func TestPaysOnceAndAnswers0006After(t *testing.T) {
	s, srv := start(t, WithToken(token), WithMerchant(merchant, key))
	status, first, _ := post(t, srv, body(1), token)
	if m := first; status != 200 || m["return_code"] != "0000" || m["payment_type"] != "1" || m["transaction_id"] == "" || m["req_id"] != req(body(1))["req_id"] {
		t.Fatalf("%d %v", status, first)
	}
	again := body(2)
	req(again)["order_number"] = req(body(1))["order_number"]
	_, m, _ := post(t, srv, again, token)
	if m["return_code"] != "0006" || m["return_msg"] != "該OrderNumber重複" || m["message_from"] != "IPASS" {
		t.Errorf("%v", m)
	}
	l := s.Ledger()
	if len(l) != 1 || l[0].Amount != 229 || l[0].NonRedeemAmount != 80 || l[0].TransactionID != first["transaction_id"] {
		t.Errorf("ledger %+v", l)
	}
	if strings.Contains(fmt.Sprintf("%+v", l), key) {
		t.Error("the ledger keeps the merchant key")
	}
}

func TestMagicTradeCodes(t *testing.T) {
	_, srv := start(t, WithToken(token))
	for i, c := range []struct{ ending, code, msg string }{
		{"0000", "0000", "成功"},
		{"7999", "0000", "成功"},
		{"9101", "9999", "發生未預期錯誤"},
		{"9102", "S101", "餘額不足"},
		{"9103", "S102", "付款碼已過期"},
		{"9104", "S103", "付款碼已使用"},
		{"9105", "S104", "超過交易限額"},
		{"9142", "9999", "發生未預期錯誤"},
		{"8000", "S105", "付款碼無效"},
		{"x12", "S105", "付款碼無效"},
	} {
		b := body(i)
		req(b)["trade_code"] = "96A1OABQ" + c.ending
		_, m, _ := post(t, srv, b, token)
		if m["return_code"] != c.code || m["return_msg"] != c.msg {
			t.Errorf("%s: %v", c.ending, m)
		}
	}
	b := body(50)
	req(b)["trade_code"] = "96A1OABQ9190"
	if status, m, _ := post(t, srv, b, token); status != 200 || m["message"] != MsgGatewayFailure || m["return_code"] != nil {
		t.Errorf("9190: %d %v", status, m)
	}
	// A paid code cannot pay again under another order number.
	b = body(51)
	req(b)["trade_code"] = "96A1OABQ0000"
	if _, m, _ := post(t, srv, b, token); m["return_code"] != "S103" {
		t.Errorf("reused code: %v", m)
	}
}

func TestMagic8888PaysAndDropsTheAnswer(t *testing.T) {
	s, srv := start(t)
	b := body(1)
	req(b)["trade_code"] = "96A1OABQ8888"
	if status, _, _ := post(t, srv, b, token); status != 0 {
		t.Fatalf("answered %d", status)
	}
	if len(s.Ledger()) != 1 {
		t.Fatal("not paid")
	}
	req(b)["iv"] = fmt.Sprintf("%032x", 99)
	if _, m, _ := post(t, srv, b, token); m["return_code"] != "0006" {
		t.Errorf("retry: %v", m)
	}
}

func TestIVNeverReused(t *testing.T) {
	s, srv := start(t)
	post(t, srv, body(1), token)
	b := body(2)
	req(b)["iv"] = strings.ToUpper(fmt.Sprintf("%032x", 1))
	if _, m, _ := post(t, srv, b, token); m["return_code"] != CodeIVReused {
		t.Errorf("%v", m)
	}
	if len(s.Ledger()) != 1 {
		t.Error("paid with a reused iv")
	}
}

func TestStrictBody(t *testing.T) {
	cases := map[string]func(b map[string]any){
		"no req_id":           func(b map[string]any) { delete(req(b), "req_id") },
		"req_id not a uuid":   func(b map[string]any) { req(b)["req_id"] = "abc" },
		"req_id 37":           func(b map[string]any) { req(b)["req_id"] = "9cc197a0-e12c-4ac5-8cc0-0052e09d37520" },
		"no trade_code":       func(b map[string]any) { req(b)["trade_code"] = "" },
		"order_number 101":    func(b map[string]any) { req(b)["order_number"] = strings.Repeat("1", 101) },
		"store_id 21":         func(b map[string]any) { req(b)["store_id"] = strings.Repeat("1", 21) },
		"no store_id":         func(b map[string]any) { delete(req(b), "store_id") },
		"terminal_id 9":       func(b map[string]any) { req(b)["terminal_id"] = "123456789" },
		"product_desc 4001":   func(b map[string]any) { req(b)["product_desc"] = strings.Repeat("菸", 4001) },
		"remark 1001":         func(b map[string]any) { req(b)["remark"] = strings.Repeat("備", 1001) },
		"capture false":       func(b map[string]any) { req(b)["capture"] = false },
		"no capture":          func(b map[string]any) { delete(req(b), "capture") },
		"amount fraction":     func(b map[string]any) { req(b)["amount"] = 229.5 },
		"amount string":       func(b map[string]any) { req(b)["amount"] = "229" },
		"amount zero":         func(b map[string]any) { req(b)["amount"] = 0 },
		"leading space":       func(b map[string]any) { req(b)["pos_date_time"] = " 2026-11-21 01:43:53" },
		"iso time":            func(b map[string]any) { req(b)["trade_date_time"] = "2026-11-21T01:44:54" },
		"utc not utc+8":       func(b map[string]any) { req(b)["trade_date_time"] = "2026-11-20 17:44:54" },
		"correct spelling":    func(b map[string]any) { req(b)["redeem"] = map[string]any{"non_redeem_amount": 80} },
		"non_redeem > amount": func(b map[string]any) { req(b)["redeem"] = map[string]any{"non_redeem_amout": 230} },
		"unknown field":       func(b map[string]any) { req(b)["tip"] = 1 },
		"other case":          func(b map[string]any) { req(b)["Req_ID"] = req(b)["req_id"]; delete(req(b), "req_id") },
		"both modes":          func(b map[string]any) { b["store_id"] = "0" },
		"no mode":             func(b map[string]any) { delete(req(b), "merchantid"); delete(req(b), "key"); delete(req(b), "iv") },
		"no iv":               func(b map[string]any) { delete(req(b), "iv") },
		"short iv":            func(b map[string]any) { req(b)["iv"] = "0a1b" },
		"iv not hex":          func(b map[string]any) { req(b)["iv"] = strings.Repeat("zz", 16) },
		"no request":          func(b map[string]any) { delete(b, "request") },
		"is_test not a bool":  func(b map[string]any) { b["is_test"] = "false" },
		"top store_id too big": func(b map[string]any) {
			delete(req(b), "merchantid")
			delete(req(b), "key")
			delete(req(b), "iv")
			b["store_id"] = strings.Repeat("1", 21)
		},
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			s, srv := start(t)
			b := body(1)
			edit(b)
			status, m, _ := post(t, srv, b, token)
			if status != http.StatusBadRequest || m["message"] == nil {
				t.Errorf("%d %v", status, m)
			}
			if len(s.Ledger()) != 0 {
				t.Error("paid")
			}
		})
	}
	for name, raw := range map[string]string{
		"trailing data": `{"is_test":false} {}`,
		"twice":         `{"is_test":false,"is_test":true}`,
		"not json":      `{"request":`,
	} {
		_, srv := start(t)
		if status, _, _ := post(t, srv, raw, token); status != http.StatusBadRequest {
			t.Errorf("%s: %d", name, status)
		}
	}
}

func TestLimitsPass(t *testing.T) {
	s, srv := start(t)
	b := body(1)
	r := req(b)
	r["order_number"] = strings.Repeat("1", 100)
	r["store_id"] = strings.Repeat("1", 20)
	r["terminal_id"] = "12345678"
	r["product_desc"] = strings.Repeat("菸", 4000)
	r["remark"] = strings.Repeat("備", 1000)
	delete(r, "redeem")
	delete(r, "pos_date_time")
	if status, m, _ := post(t, srv, b, token); status != 200 || m["return_code"] != "0000" {
		t.Errorf("%d %v", status, m)
	}
	if len(s.Ledger()) != 1 || s.Ledger()[0].NonRedeemAmount != 0 {
		t.Error(s.Ledger())
	}
}

func TestModes(t *testing.T) {
	omni := body(1)
	delete(req(omni), "merchantid")
	delete(req(omni), "key")
	delete(req(omni), "iv")
	omni["store_id"] = "0"

	_, srv := start(t, WithStore("0"))
	if _, m, _ := post(t, srv, omni, token); m["return_code"] != "0000" {
		t.Errorf("omni: %v", m)
	}
	if status, _, _ := post(t, srv, body(2), token); status != 400 {
		t.Errorf("merchant body to an omni store: %d", status)
	}
	omni["store_id"] = "9"
	if status, _, _ := post(t, srv, omni, token); status != 400 {
		t.Errorf("other store: %d", status)
	}

	_, srv = start(t, WithMerchant(merchant, key))
	if status, _, _ := post(t, srv, omni, token); status != 400 {
		t.Errorf("omni body to a merchant store: %d", status)
	}
	b := body(3)
	req(b)["key"] = "wrong"
	if _, m, _ := post(t, srv, b, token); m["return_code"] != CodeBadMerchant {
		t.Errorf("wrong key: %v", m)
	}
}

func TestAuth(t *testing.T) {
	_, srv := start(t, WithToken(token))
	for _, tok := range []string{"", "other"} {
		if status, _, _ := post(t, srv, body(1), tok); status != 401 {
			t.Errorf("%q: %d", tok, status)
		}
	}
	r, _ := http.NewRequest(http.MethodPost, srv.URL+PayPath, strings.NewReader(`{}`))
	r.Header.Set("Authorization", "Bearer "+token)
	resp, err := srv.Client().Do(r)
	if err != nil || resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("no content type: %v %v", resp, err)
	}
	resp.Body.Close()
}

func TestTokenEndpoint(t *testing.T) {
	s, srv := start(t, WithClientCredentials("till 01", "p@ss:word", time.Minute))
	get := func(id, secret, grant string) (int, map[string]any) {
		r, _ := http.NewRequest(http.MethodPost, srv.URL+TokenPath, strings.NewReader(url.Values{"grant_type": {grant}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
		resp, err := srv.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}
	if status, _ := get("till 01", "wrong", "client_credentials"); status != 401 {
		t.Errorf("wrong secret: %d", status)
	}
	if status, _ := get("till 01", "p@ss:word", "password"); status != 400 {
		t.Errorf("wrong grant: %d", status)
	}
	status, m := get("till 01", "p@ss:word", "client_credentials")
	tok, _ := m["access_token"].(string)
	if status != 200 || tok == "" || m["expires_in"] != 60.0 || m["token_type"] != "Bearer" {
		t.Fatalf("%d %v", status, m)
	}
	if _, m, _ := post(t, srv, body(1), tok); m["return_code"] != "0000" {
		t.Errorf("issued token refused: %v", m)
	}
	s.RevokeTokens()
	if status, _, _ := post(t, srv, body(2), tok); status != 401 {
		t.Errorf("revoked token: %d", status)
	}
	if s.TokenCalls() != 1 {
		t.Error(s.TokenCalls())
	}
}

func TestFaults(t *testing.T) {
	s, srv := start(t)
	s.SetFault(Fault{RateLimit: 1, Status500: 1, RetryAfter: 1500 * time.Millisecond})
	status, _, h := post(t, srv, body(1), token)
	if status != 429 || h.Get("Retry-After") != "2" {
		t.Errorf("%d %q", status, h.Get("Retry-After"))
	}
	if status, _, _ := post(t, srv, body(1), token); status != 500 {
		t.Errorf("%d", status)
	}
	if status, _, _ := post(t, srv, body(1), token); status != 200 {
		t.Errorf("%d", status)
	}

	s.SetFault(Fault{DropAnswer: 1})
	if status, _, _ := post(t, srv, body(2), token); status != 0 {
		t.Errorf("dropped answer arrived: %d", status)
	}
	if len(s.Ledger()) != 2 {
		t.Error("dropped payment not processed")
	}

	s.SetFault(Fault{Down: true})
	if status, _, _ := post(t, srv, body(3), token); status != 0 {
		t.Errorf("down but answered %d", status)
	}
	s.SetFault(Fault{Slow: 50 * time.Millisecond})
	start := time.Now()
	post(t, srv, body(4), token)
	if time.Since(start) < 50*time.Millisecond {
		t.Error("not slow")
	}
	if len(s.Ledger()) != 3 || len(s.Requests()) != 5 {
		t.Errorf("ledger %d, requests %d", len(s.Ledger()), len(s.Requests()))
	}
}

func TestConcurrent(t *testing.T) {
	s, srv := start(t)
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := body(i % 25) // each payment twice, racing
			req(b)["iv"] = fmt.Sprintf("%032x", 1000+i)
			post(t, srv, b, token)
		}()
	}
	wg.Wait()
	if n := len(s.Ledger()); n != 25 {
		t.Errorf("%d payments, want 25", n)
	}
}
