package ticketbaosim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

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

func newSim() (*Sim, *clock) {
	c := &clock{t: time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)}
	return New(WithClock(c.now)), c
}

// do sends one request to the Sim, in process, with the document's
// headers unless hdr replaces them ("" removes one).
func do(s *Sim, method, route, body string, hdr map[string]string) (int, map[string]any) {
	r := httptest.NewRequest(method, DefaultBasePath+"/"+route, strings.NewReader(body))
	r.Header.Set("Accept", "application/json")
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	r.Header.Set("Authorization", DefaultAPIKey)
	for k, v := range hdr {
		r.Header.Set(k, v)
		if v == "" {
			r.Header.Del(k)
		}
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	var m map[string]any
	json.Unmarshal(w.Body.Bytes(), &m)
	return w.Code, m
}

func post(s *Sim, route, body string) (int, map[string]any) { return do(s, "POST", route, body, nil) }

func gen(channel, product string, n int, pickup string) string {
	b, _ := json.Marshal(map[string]any{"productSaleId": product, "channelOrderId": channel, "quantity": n, "pickupType": pickup})
	return string(b)
}

func wantMsg(t *testing.T, status int, m map[string]any, wantStatus int, msg string) {
	t.Helper()
	if status != wantStatus || m["message"] != msg || m["type"] == "" {
		t.Errorf("HTTP %d %v, want %d %q", status, m, wantStatus, msg)
	}
}

func TestHeadersAndShape(t *testing.T) {
	s, _ := newSim()
	body := gen("S-1", ProductAdult, 1, "voucher")
	for name, c := range map[string]struct {
		method, route, body string
		hdr                 map[string]string
		status              int
	}{
		"no key":            {"POST", "generate", body, map[string]string{"Authorization": ""}, 401},
		"scheme word":       {"POST", "generate", body, map[string]string{"Authorization": "Bearer " + DefaultAPIKey}, 401},
		"wrong key":         {"POST", "generate", body, map[string]string{"Authorization": "nope"}, 401},
		"unknown path":      {"POST", "orders", body, nil, 404},
		"GET":               {"GET", "query", body, nil, 405},
		"no Accept":         {"POST", "generate", body, map[string]string{"Accept": ""}, 406},
		"text":              {"POST", "generate", body, map[string]string{"Content-Type": "text/plain"}, 415},
		"latin1":            {"POST", "generate", body, map[string]string{"Content-Type": "application/json; charset=latin1"}, 415},
		"not JSON":          {"POST", "generate", "{", nil, 400},
		"array":             {"POST", "generate", "[]", nil, 400},
		"id not a string":   {"POST", "generate", `{"productSaleId":1,"channelOrderId":"S-1","quantity":1,"pickupType":"voucher"}`, nil, 400},
		"no channelOrder":   {"POST", "generate", `{"productSaleId":"` + ProductAdult + `","quantity":1,"pickupType":"voucher"}`, nil, 400},
		"data after":        {"POST", "generate", body + "{}", nil, 400},
		"charset omitted":   {"POST", "generate", gen("S-2", ProductAdult, 1, "voucher"), map[string]string{"Content-Type": "application/json"}, 200},
		"the right headers": {"POST", "generate", body, nil, 200},
	} {
		status, m := do(s, c.method, c.route, c.body, c.hdr)
		if status != c.status || status != 200 && m["message"] != MsgOops {
			t.Errorf("%s: HTTP %d %v, want %d", name, status, m, c.status)
		}
	}
	if len(s.Ledger()) != 2 {
		t.Errorf("ledger %+v", s.Ledger())
	}
}

func TestGenerate(t *testing.T) {
	s, _ := newSim()
	status, m := post(s, "generate", `{"productSaleId":"`+ProductAdult+`","channelOrderId":"P00001","mailTo":"kan@gmail.com","quantity":2,"pickupType":"voucher"}`)
	if status != 200 || m["pass2uOrderId"] != "TB000000000001" || m["channelOrderId"] != "P00001" || m["mailTo"] != "kan@gmail.com" ||
		m["expriationDate"] != "2027-05-20T17:30:00+08:00" || m["createdTime"] != "2026-11-21T17:30:00+08:00" || m["orderUrl"] != nil {
		t.Fatalf("HTTP %d %v", status, m)
	}
	vs := m["vouchers"].([]any)
	v := vs[1].(map[string]any)
	if len(vs) != 2 || v["barcodeMessage"] != "000001002" || v["status"] != "notPickedup" || !strings.HasPrefix(v["voucherUrl"].(string), "https://") {
		t.Errorf("%v", vs)
	}
	_, m = post(s, "generate", gen("P00002", ProductChild, 1, "order"))
	if m["orderUrl"] == nil || len(m["orderPasscode"].(string)) != 7 || m["vouchers"] != nil {
		t.Errorf("%v", m)
	}
	if p, _ := s.Product(ProductAdult); p.Left != 98 {
		t.Errorf("%d left", p.Left)
	}
	// Repeated: nothing changes, even with other members.
	status, m = post(s, "generate", gen("P00001", ProductSoldOut, 5, "order"))
	wantMsg(t, status, m, 400, MsgChannelRepeated)
	if len(s.Orders()) != 2 || len(s.Ledger()) != 2 {
		t.Errorf("%d orders", len(s.Orders()))
	}
}

func TestGenerateRefusals(t *testing.T) {
	s, _ := newSim()
	for name, c := range map[string]struct {
		body   string
		status int
		msg    string
	}{
		"unknown product":   {gen("S-1", "nope", 1, "voucher"), 404, MsgProductNotFound},
		"not on sale yet":   {gen("S-1", ProductNotYet, 1, "voucher"), 400, MsgCampaignExpired},
		"sale ended":        {gen("S-1", ProductEnded, 1, "voucher"), 400, MsgCampaignExpired},
		"sold out":          {gen("S-1", ProductSoldOut, 1, "voucher"), 400, MsgNotEnough},
		"too many":          {gen("S-1", ProductChild, 51, "voucher"), 400, MsgNotEnough},
		"bad expiry":        {gen("S-1", ProductBadExpiry, 1, "voucher"), 400, MsgExpiryFormat},
		"expired":           {gen("S-1", ProductExpired, 1, "voucher"), 400, MsgExpiryBeforeNow},
		"trade fails":       {gen("S-1", ProductTradeFails, 1, "voucher"), 500, MsgCreateTradeFail},
		"pickup type":       {gen("S-1", ProductAdult, 1, "mail"), 400, MsgPickupTypeFormat},
		"pickup missing":    {`{"productSaleId":"` + ProductAdult + `","channelOrderId":"S-1","quantity":1}`, 400, MsgPickupTypeFormat},
		"quantity 0":        {gen("S-1", ProductAdult, 0, "voucher"), 400, MsgQuantityFormat},
		"quantity text":     {`{"productSaleId":"` + ProductAdult + `","channelOrderId":"S-1","quantity":"2","pickupType":"voucher"}`, 400, MsgQuantityFormat},
		"quantity fraction": {`{"productSaleId":"` + ProductAdult + `","channelOrderId":"S-1","quantity":1.5,"pickupType":"voucher"}`, 400, MsgQuantityFormat},
	} {
		status, m := post(s, "generate", c.body)
		if status != c.status || m["message"] != c.msg {
			t.Errorf("%s: HTTP %d %v", name, status, m)
		}
	}
	if len(s.Orders()) != 0 {
		t.Errorf("orders were made")
	}
	if p, _ := s.Product(ProductChild); p.Left != 50 {
		t.Errorf("%d child tickets left", p.Left)
	}
}

func TestQuery(t *testing.T) {
	s, _ := newSim()
	post(s, "generate", gen("S-1", ProductAdult, 1, "voucher"))
	q := func(body string) (int, map[string]any) { return post(s, "query", body) }
	status, m := q(`{"channelOrderId":"S-1","productSaleId":"` + ProductAdult + `","pickupType":"order"}`)
	if status != 200 || m["pass2uOrderId"] != "TB000000000001" || m["orderUrl"] == nil {
		t.Fatalf("HTTP %d %v", status, m)
	}
	for body, want := range map[string]string{
		`{"productSaleId":"` + ProductAdult + `","pickupType":"order"}`:                                                         MsgInvalidQueryCriteria,
		`{"pass2uOrderId":"TB000000000001","channelOrderId":"S-1","productSaleId":"` + ProductAdult + `","pickupType":"order"}`: MsgInvalidQueryCriteria,
		`{"pass2uOrderId":"TB000000000001","productSaleId":"` + ProductChild + `","pickupType":"order"}`:                        MsgInvalidQueryCriteria,
		`{"pass2uOrderId":"TB000000000009","productSaleId":"` + ProductAdult + `","pickupType":"order"}`:                        MsgOrderNotFound,
		`{"channelOrderId":"S-9","productSaleId":"` + ProductAdult + `","pickupType":"order"}`:                                  MsgChannelNotFound,
		`{"channelOrderId":"S-1","productSaleId":"nope","pickupType":"order"}`:                                                  MsgProductNotFound,
		`{"channelOrderId":"S-1","productSaleId":"` + ProductAdult + `","pickupType":"x"}`:                                      MsgPickupTypeFormat,
	} {
		if _, m := q(body); m["message"] != want {
			t.Errorf("%s: %v, want %q", body, m, want)
		}
	}
	if o, _ := s.OrderFor("S-1"); o.Queries != 1 {
		t.Errorf("%d queries", o.Queries)
	}
}

func refund(id, channel string, n int) string {
	b, _ := json.Marshal(map[string]any{"pass2uOrderId": id, "productSaleId": ProductAdult, "channelOrderId": channel, "quantity": n, "pickupType": "voucher"})
	return string(b)
}

func TestRefund(t *testing.T) {
	s, c := newSim()
	post(s, "generate", gen("S-1", ProductAdult, 4, "voucher"))
	post(s, "generate", gen("S-2", ProductAdult, 1, "voucher"))
	id := "TB000000000001"
	if err := s.SetVoucherStatus(id, 0, "redeemed"); err != nil {
		t.Fatal(err)
	}
	s.SetVoucherStatus(id, 1, "pickedup")
	status, m := post(s, "refund", refund(id, "S-1", 2))
	if status != 200 {
		t.Fatalf("HTTP %d %v", status, m)
	}
	var got []string
	for _, v := range m["vouchers"].([]any) {
		got = append(got, v.(map[string]any)["status"].(string))
	}
	if strings.Join(got, " ") != "redeemed refund refund notPickedup" {
		t.Errorf("%v", got)
	}
	if p, _ := s.Product(ProductAdult); p.Left != 97 {
		t.Errorf("%d left", p.Left)
	}
	for body, want := range map[string]string{
		refund(id, "S-1", 2):               MsgRefundableNotEnough,
		refund(id, "S-2", 1):               MsgInvalidQueryCriteria,
		refund("TB000000000009", "S-1", 1): MsgOrderNotFound,
		refund("", "S-1", 1):               MsgOrderNotFound,
		refund(id, "", 1):                  MsgChannelNotFound,
		refund(id, "S-1", 0):               MsgQuantityFormat,
	} {
		if _, m := post(s, "refund", body); m["message"] != want {
			t.Errorf("%s: %v, want %q", body, m, want)
		}
	}
	// At the expiry the last ticket expires and cannot be refunded.
	c.add(181 * 24 * time.Hour)
	_, m = post(s, "refund", refund(id, "S-1", 1))
	if m["message"] != MsgRefundableNotEnough {
		t.Errorf("%v", m)
	}
	if o, _ := s.Order(id); o.Vouchers[3].Status != "expired" || o.Vouchers[1].Status != "refunded" {
		t.Errorf("%+v", o.Vouchers)
	}
	if l := s.Ledger(); len(l) != 3 || l[2].Kind != "refund" || l[2].Quantity != 2 || l[2].ChannelOrderID != "S-1" {
		t.Errorf("%+v", l)
	}
}

func TestFailNext(t *testing.T) {
	s, _ := newSim()
	if err := s.FailNext(RouteGenerate, "Something else."); err == nil {
		t.Error("an unlisted message was taken")
	}
	for _, msg := range Messages {
		s.FailNext(RouteQuery, msg)
		status, m := post(s, "query", `{"channelOrderId":"S-1","productSaleId":"`+ProductAdult+`","pickupType":"voucher"}`)
		want := 400
		switch msg {
		case MsgProductNotFound, MsgOrderNotFound, MsgChannelNotFound:
			want = 404
		case MsgCreateTradeFail, MsgOops:
			want = 500
		}
		wantMsg(t, status, m, want, msg)
	}
	if len(Messages) != 14 {
		t.Errorf("%d messages: the document lists 14 (two twice)", len(Messages))
	}
}

func TestFaults(t *testing.T) {
	s, _ := newSim()
	srv := httptest.NewServer(s)
	defer srv.Close()
	send := func(route, body string) (*http.Response, error) {
		r, _ := http.NewRequest("POST", srv.URL+DefaultBasePath+"/"+route, strings.NewReader(body))
		r.Header.Set("Accept", "application/json")
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", DefaultAPIKey)
		resp, err := http.DefaultClient.Do(r)
		if err == nil {
			resp.Body.Close()
		}
		return resp, err
	}
	s.SetFault(Fault{RateLimit: 1, RetryAfter: 1500 * time.Millisecond})
	if resp, _ := send("generate", gen("S-1", ProductAdult, 1, "voucher")); resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
		t.Errorf("%+v", resp)
	}
	s.SetFault(Fault{Status500: 1})
	if resp, _ := send("generate", gen("S-1", ProductAdult, 1, "voucher")); resp.StatusCode != 500 || len(s.Orders()) != 0 {
		t.Errorf("%+v", resp)
	}
	// Queries change nothing: Status500After and DropAnswer pass them by.
	s.SetFault(Fault{Status500After: 1, DropAnswer: 1})
	if resp, _ := send("query", `{"channelOrderId":"S-1","productSaleId":"`+ProductAdult+`","pickupType":"order"}`); resp.StatusCode != 404 {
		t.Errorf("%+v", resp)
	}
	if resp, _ := send("generate", gen("S-1", ProductAdult, 1, "voucher")); resp.StatusCode != 500 || len(s.Orders()) != 1 {
		t.Errorf("%+v", resp)
	}
	if _, err := send("refund", refund("TB000000000001", "S-1", 1)); err == nil || len(s.Ledger()) != 2 {
		t.Errorf("dropped refund: %v, ledger %+v", err, s.Ledger())
	}
	s.SetFault(Fault{Down: true})
	if _, err := send("generate", gen("S-2", ProductAdult, 1, "voucher")); err == nil || len(s.Orders()) != 1 {
		t.Errorf("down: %v", err)
	}
	if f := s.Fault(); !f.Down || f.DropAnswer != 0 {
		t.Errorf("%+v", f)
	}
}
