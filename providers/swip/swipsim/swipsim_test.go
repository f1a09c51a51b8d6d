package swipsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"till/providers/httpx/httpxtest"
	"till/store/money"
)

type env struct {
	t     *testing.T
	sim   *Sim
	clock *httpxtest.Clock
	srv   *httptest.Server
}

func newEnv(t *testing.T, opts ...Option) *env {
	e := &env{t: t, clock: httpxtest.NewClock(time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC))}
	e.sim = New(append([]Option{WithClock(e.clock.Now)}, opts...)...)
	e.srv = httptest.NewServer(e.sim)
	t.Cleanup(e.srv.Close)
	return e
}

func headers() http.Header {
	h := http.Header{}
	h.Set("Authorization", "Bearer "+DefaultToken)
	h.Set("X-Merchant-ID", DefaultMerchantID)
	h.Set("X-Store-ID", "Store 1")
	h.Set("X-Cash-ID", "7")
	h.Set("Api-Version", "3")
	h.Set("Content-Type", "application/json")
	return h
}

type reply struct {
	Status int
	Header http.Header
	Body   map[string]any
	Raw    string
}

// do sends a request; edit may change its headers.
func (e *env) do(method, path, body string, edit func(http.Header)) reply {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header = headers()
	if edit != nil {
		edit(req.Header)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := reply{Status: resp.StatusCode, Header: resp.Header, Raw: string(raw)}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	dec.Decode(&r.Body)
	return r
}

// wantError checks an error object.
func (r reply) wantError(t *testing.T, status int, code any) {
	t.Helper()
	if r.Status != status || fmt.Sprint(r.Body["code"]) != fmt.Sprint(code) {
		t.Fatalf("HTTP %d %s, want %d code %v", r.Status, r.Raw, status, code)
	}
	if _, ok := r.Body["fieldErrors"].([]any); !ok {
		t.Fatalf("no fieldErrors: %s", r.Raw)
	}
	if d, _ := r.Body["description"].(string); d == "" {
		t.Fatalf("no description: %s", r.Raw)
	}
}

func orderBody(id string, total string) string {
	return `{"merchantOrderId":"` + id + `","merchantCashier":"Ann","purchases":[{"name":"Tea","quantity":1,"price":` + total + `,"amount":` + total + `}],"saleDate":1795253400000,"sessionCode":"","total":` + total + `,"totalOriginal":` + total + `}`
}

func (e *env) create(total string) string {
	e.t.Helper()
	id := uuid.NewString()
	r := e.do("POST", "/orders", orderBody(id, total), nil)
	if r.Status != 200 || r.Body["id"] != id || r.Body["orderStatus"] != "OPEN" {
		e.t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	return id
}

func TestTheFiveHeaders(t *testing.T) {
	e := newEnv(t, WithStores("Store 1", "Test storeID"))
	id := e.create("50.00")
	get := func(edit func(http.Header)) reply { return e.do("GET", "/orders/"+id, "", edit) }
	get(func(h http.Header) { h.Del("Authorization") }).wantError(t, 401, 2)
	get(func(h http.Header) { h.Set("Authorization", "Bearer nope") }).wantError(t, 401, 2)
	get(func(h http.Header) { h.Set("Authorization", DefaultToken) }).wantError(t, 401, 2)
	for _, name := range []string{"X-Merchant-ID", "X-Store-ID", "X-Cash-ID", "Api-Version"} {
		r := get(func(h http.Header) { h.Del(name) })
		r.wantError(t, 400, 5)
		if !strings.Contains(r.Raw, `"field":"`+name+`"`) {
			t.Errorf("%s not named: %s", name, r.Raw)
		}
	}
	get(func(h http.Header) { h.Set("X-Merchant-ID", "WXYZ") }).wantError(t, 403, 4)
	get(func(h http.Header) { h.Set("X-Store-ID", "Store 2") }).wantError(t, 403, 4)
	get(func(h http.Header) { h.Set("Api-Version", "2") }).wantError(t, 400, 10)
	get(func(h http.Header) { h.Set("X-Merchant-ID", "") }).wantError(t, 400, 5)
	// The document's vending machines send an empty X-Cash-ID.
	if r := get(func(h http.Header) { h.Set("X-Cash-ID", "") }); r.Status != 200 {
		t.Errorf("empty X-Cash-ID: %d %s", r.Status, r.Raw)
	}
	if r := get(nil); r.Status != 200 || r.Body["merchantId"] != DefaultMerchantID || r.Body["merchantStore"] != "Store 1" || r.Body["merchantCash"] != "7" {
		t.Errorf("%s", r.Raw)
	}
}

func TestRoutesAndBodies(t *testing.T) {
	e := newEnv(t)
	id := e.create("50.00")
	e.do("GET", "/orders", "", nil).wantError(t, 405, 7)
	e.do("DELETE", "/orders/"+id, "", nil).wantError(t, 405, 7)
	e.do("GET", "/refunds", "", nil).wantError(t, 405, 7)
	e.do("GET", "/payments", "", nil).wantError(t, 404, 9)
	e.do("GET", "/orders/"+uuid.NewString(), "", nil).wantError(t, 404, 9)
	e.do("GET", "/orders/a/b", "", nil).wantError(t, 404, 9)
	e.do("POST", "/orders", "{", nil).wantError(t, 400, 10)
	e.do("POST", "/orders", "{} {}", nil).wantError(t, 400, 10)
	e.do("POST", "/orders", orderBody(uuid.NewString(), "1.00"), func(h http.Header) { h.Set("Content-Type", "text/plain") }).wantError(t, 400, 10)
	// Upper-case ids find the same order.
	if r := e.do("GET", "/orders/"+strings.ToUpper(id), "", nil); r.Status != 200 || r.Body["id"] != id {
		t.Errorf("%s", r.Raw)
	}
}

func TestCreateValidation(t *testing.T) {
	e := newEnv(t)
	for name, body := range map[string]string{
		"three decimals":   orderBody(uuid.NewString(), "12.345"),
		"string total":     strings.Replace(orderBody(uuid.NewString(), "1.00"), `"total":1.00`, `"total":"1.00"`, 1),
		"negative":         orderBody(uuid.NewString(), "-1.00"),
		"zero":             orderBody(uuid.NewString(), "0"),
		"no cashier":       strings.Replace(orderBody(uuid.NewString(), "1.00"), `"merchantCashier":"Ann",`, ``, 1),
		"no purchases":     strings.Replace(orderBody(uuid.NewString(), "1.00"), `"purchases":[{"name":"Tea","quantity":1,"price":1.00,"amount":1.00}]`, `"purchases":[]`, 1),
		"no name":          strings.Replace(orderBody(uuid.NewString(), "1.00"), `"name":"Tea",`, ``, 1),
		"zero quantity":    strings.Replace(orderBody(uuid.NewString(), "1.00"), `"quantity":1`, `"quantity":0`, 1),
		"odd unit":         strings.Replace(orderBody(uuid.NewString(), "1.00"), `"name":"Tea",`, `"name":"Tea","unit":"BOXES",`, 1),
		"not adding up":    strings.Replace(orderBody(uuid.NewString(), "1.00"), `"amount":1.00`, `"amount":0.99`, 1),
		"total > original": strings.Replace(orderBody(uuid.NewString(), "1.00"), `"total":1.00`, `"total":2.00`, 1),
		"no saleDate":      strings.Replace(orderBody(uuid.NewString(), "1.00"), `"saleDate":1795253400000,`, ``, 1),
		"huge exponent":    orderBody(uuid.NewString(), "1e999999999"),
	} {
		r := e.do("POST", "/orders", body, nil)
		if r.Status != 400 || fmt.Sprint(r.Body["code"]) != "5" || len(r.Body["fieldErrors"].([]any)) == 0 {
			t.Errorf("%s: %d %s", name, r.Status, r.Raw)
		}
	}
	dup := strings.Replace(orderBody(uuid.NewString(), "2.00"), `"purchases":[{"name":"Tea","quantity":1,"price":2.00,"amount":2.00}]`,
		`"purchases":[{"id":"b314fd4e-df92-427b-a2f9-1da10dcefb78","name":"A","quantity":1,"price":1,"amount":1},{"id":"b314fd4e-df92-427b-a2f9-1da10dcefb78","name":"B","quantity":1,"price":1,"amount":1}]`, 1)
	e.do("POST", "/orders", dup, nil).wantError(t, 400, 8)
	id := e.create("1.00")
	e.do("POST", "/orders", orderBody(id, "1.00"), nil).wantError(t, 400, 28)
	if n := len(e.sim.Orders()); n != 1 {
		t.Errorf("%d orders", n)
	}
	// Exponents and trailing zeros are exact.
	r := e.do("POST", "/orders", orderBody(uuid.NewString(), "1.0E7"), nil)
	if r.Status != 200 || r.Body["total"] != json.Number("1.0E7") || r.Body["paid"] != json.Number("0.0") {
		t.Errorf("%s", r.Raw)
	}
	r = e.do("POST", "/orders", orderBody(uuid.NewString(), "19.800"), nil)
	if r.Status != 200 || r.Body["total"] != json.Number("19.8") {
		t.Errorf("%s", r.Raw)
	}
	// Not a UUID: SWiP makes the id.
	r = e.do("POST", "/orders", orderBody("S-1001", "1.00"), nil)
	if id, _ := r.Body["id"].(string); r.Status != 200 || uuid.Validate(id) != nil || r.Body["merchantOrderId"] != "S-1001" {
		t.Errorf("%s", r.Raw)
	}
}

func TestOrderLifecycle(t *testing.T) {
	e := newEnv(t)
	// Scenario 1 with a member: 10% off 123.45 is 12.35, SWiP gives 12.
	id := e.create("123.45")
	if err := e.sim.Pay(id, "member-001"); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.Pay(id, "member-001"); err == nil {
		t.Error("paid twice")
	}
	r := e.do("GET", "/orders/"+id, "", nil)
	if r.Body["total"] != json.Number("111.45") || r.Body["paid"] != json.Number("111.45") || r.Body["unconfirmed"] != json.Number("111.45") ||
		r.Body["totalOriginal"] != json.Number("123.45") || r.Body["swipDiscount"] != json.Number("12.0") || r.Body["customerId"] == nil {
		t.Errorf("%s", r.Raw)
	}
	r = e.do("POST", "/orders/"+id+"/actions/close", `{"amount":111.45}`, nil)
	if r.Status != 200 || r.Body["orderStatus"] != "CLOSED" || r.Body["closeAmount"] != json.Number("111.45") || r.Body["unconfirmed"] != json.Number("0.0") {
		t.Errorf("%s", r.Raw)
	}
	e.do("POST", "/orders/"+id+"/actions/close", `{"amount":111.45}`, nil).wantError(t, 400, 30)
	refund := func(amount string) reply {
		return e.do("POST", "/refunds", `{"amount":`+amount+`,"merchantId":"TILL","merchantOrderId":"`+id+`"}`, nil)
	}
	if r := refund("100.00"); r.Status != 200 || r.Body["status"] != "SUCCESS" {
		t.Errorf("%s", r.Raw)
	}
	refund("11.46").wantError(t, 400, 32)
	e.do("POST", "/reverses", `{"merchantId":"TILL","merchantOrderId":"`+id+`"}`, nil).wantError(t, 400, 27)
	refund("11.45")
	refund("0.01").wantError(t, 400, 29)
	e.do("POST", "/refunds", `{"amount":1,"merchantId":"WXYZ","merchantOrderId":"`+id+`"}`, nil).wantError(t, 400, 5)
	e.do("POST", "/refunds", `{"amount":1,"merchantId":"TILL","merchantOrderId":"nope"}`, nil).wantError(t, 404, 9)

	// Open orders cannot be refunded or reversed; cancelled ones took nothing.
	open := e.create("10.00")
	e.do("POST", "/refunds", `{"amount":1,"merchantId":"TILL","merchantOrderId":"`+open+`"}`, nil).wantError(t, 400, 6)
	e.do("POST", "/reverses", `{"merchantId":"TILL","merchantOrderId":"`+open+`"}`, nil).wantError(t, 400, 6)
	if r := e.do("POST", "/orders/"+open+"/actions/close", "", nil); r.Status != 200 || r.Body["closeAmount"] != json.Number("0.0") {
		t.Errorf("cancel without a body: %s", r.Raw)
	}
	e.do("POST", "/orders/"+open+"/actions/close", `{"amount":0}`, nil).wantError(t, 400, 11)
	e.do("POST", "/refunds", `{"amount":1,"merchantId":"TILL","merchantOrderId":"`+open+`"}`, nil).wantError(t, 400, 31)

	// Scenario 2: identified, pays at the till, closed with the amount.
	till := e.create("100.00")
	if err := e.sim.Identify(till, "member-002"); err != nil {
		t.Fatal(err)
	}
	r = e.do("GET", "/orders/"+till, "", nil)
	if r.Body["cash"] != true || r.Body["total"] != json.Number("90.0") || r.Body["paymentMethod"] != "CASH" || r.Body["paid"] != json.Number("0.0") {
		t.Errorf("%s", r.Raw)
	}
	e.do("POST", "/orders/"+till+"/actions/close", `{"amount":100.01}`, nil).wantError(t, 400, 5)
	e.do("POST", "/orders/"+till+"/actions/close", `{"amount":90.00}`, nil)
	e.do("POST", "/reverses", `{"merchantId":"TILL","merchantOrderId":"`+till+`"}`, nil).wantError(t, 400, 31)

	// Reverse within the window, once.
	rev := e.create("20.00")
	e.sim.Pay(rev, "guest")
	e.do("POST", "/orders/"+rev+"/actions/close", `{"amount":20}`, nil)
	e.do("POST", "/reverses", `{"amount":20.01,"merchantId":"TILL","merchantOrderId":"`+rev+`"}`, nil).wantError(t, 400, 32)
	if r := e.do("POST", "/reverses", `{"merchantId":"TILL","merchantOrderId":"`+rev+`"}`, nil); r.Body["status"] != "SUCCESS" {
		t.Errorf("%s", r.Raw)
	}
	e.do("POST", "/reverses", `{"merchantId":"TILL","merchantOrderId":"`+rev+`"}`, nil).wantError(t, 400, 29)
	if o, _ := e.sim.Order(rev); !o.Reversed || o.Refunded != 2000 {
		t.Errorf("%+v", o)
	}
	var kinds []string
	for _, en := range e.sim.Ledger() {
		kinds = append(kinds, en.Kind)
	}
	if k := strings.Join(kinds, " "); k != "create pay confirm refund refund create cancel create identify confirm create pay confirm reverse" {
		t.Errorf("ledger %s", k)
	}
}

func TestTimeouts(t *testing.T) {
	e := newEnv(t, WithAutoPay(10*time.Second, "guest"))
	id := e.create("10.00")
	e.clock.Advance(89 * time.Second)
	if o, _ := e.sim.Order(id); o.Status != "OPEN" || o.Paid != 1000 {
		t.Errorf("%+v", o)
	}
	e.clock.Advance(time.Second)
	o, _ := e.sim.Order(id)
	if o.Status != "CLOSED" || !o.TimedOut || o.Paid != 0 || o.Error != "Order timed out" {
		t.Errorf("%+v", o)
	}
	e.do("POST", "/orders/"+id+"/actions/close", `{"amount":10}`, nil).wantError(t, 400, 13)
	l := e.sim.Ledger()
	if last := l[len(l)-1]; last.Kind != "expire" || last.Amount != 1000 {
		t.Errorf("%+v", last)
	}

	restaurant := newEnv(t, WithOpenFor(10*time.Hour))
	id = restaurant.create("10.00")
	restaurant.clock.Advance(9 * time.Hour)
	if o, _ := restaurant.sim.Order(id); o.Status != "OPEN" {
		t.Errorf("%+v", o)
	}
}

func TestLoyaltyRules(t *testing.T) {
	e := newEnv(t, WithAnonymousDiscount(5), WithMembers(20, "vip"))
	r := e.do("POST", "/loyalty-calculations", `{"merchantOrderId":"x","total":50.50}`, nil)
	res, _ := r.Body["discountCalcResult"].(map[string]any)
	if r.Status != 200 || res["discountOriginal"] != json.Number("2.53") || res["discount"] != json.Number("3.0") ||
		r.Body["totalBeforeCalc"] != json.Number("50.5") || r.Body["total"] != json.Number("47.5") {
		t.Errorf("%s", r.Raw)
	}
	e.do("POST", "/loyalty-calculations", `{"merchantOrderId":"x","total":50.505}`, nil).wantError(t, 400, 5)
	// A member gets both: 25% of 10.00.
	id := e.create("10.00")
	e.sim.Pay(id, "vip")
	if o, _ := e.sim.Order(id); o.Discount != 300 || o.Total != 700 {
		t.Errorf("%+v", o)
	}
	// Never the whole total: 1.00 at 100% still costs something.
	all := newEnv(t, WithMembers(100, "vip"))
	id = all.create("1.00")
	all.sim.Pay(id, "vip")
	if o, _ := all.sim.Order(id); o.Total <= 0 {
		t.Errorf("%+v", o)
	}
	none := newEnv(t, WithCurrency("JPY"))
	id = none.create("1234")
	none.sim.Pay(id, "member-001")
	if o, _ := none.sim.Order(id); o.Discount != 123 || o.Total != 1111 {
		t.Errorf("JPY: %+v", o)
	}
}

func TestFailNextReachesEveryCode(t *testing.T) {
	e := newEnv(t, WithFailBodies())
	id := e.create("10.00")
	for _, code := range CodesInOrder() {
		for _, op := range []Op{OpCreate, OpGet, OpClose, OpRefund, OpReverse, OpLoyalty} {
			e.sim.FailNext(op, code)
			var r reply
			switch op {
			case OpCreate:
				r = e.do("POST", "/orders", orderBody(uuid.NewString(), "1.00"), nil)
			case OpGet:
				r = e.do("GET", "/orders/"+id, "", nil)
			case OpClose:
				r = e.do("POST", "/orders/"+id+"/actions/close", `{"amount":1}`, nil)
			case OpRefund:
				r = e.do("POST", "/refunds", `{"amount":1,"merchantId":"TILL","merchantOrderId":"`+id+`"}`, nil)
			case OpReverse:
				r = e.do("POST", "/reverses", `{"merchantId":"TILL","merchantOrderId":"`+id+`"}`, nil)
			default:
				r = e.do("POST", "/loyalty-calculations", `{"merchantOrderId":"x","total":1}`, nil)
			}
			if op == OpRefund || op == OpReverse {
				if r.Status != 200 || r.Body["status"] != "FAIL" || fmt.Sprint(r.Body["code"]) != fmt.Sprint(code) {
					t.Errorf("%s %d: %d %s", op, code, r.Status, r.Raw)
				}
				continue
			}
			r.wantError(t, HTTPStatus(code), code)
		}
	}
	if o, _ := e.sim.Order(id); o.Status != "OPEN" || len(e.sim.Orders()) != 1 {
		t.Errorf("a forced error changed something: %+v", o)
	}
}

func TestFaults(t *testing.T) {
	e := newEnv(t)
	e.sim.SetFault(Fault{RateLimit: 1, RetryAfter: 1500 * time.Millisecond})
	r := e.do("GET", "/orders/x", "", nil)
	if r.Status != 429 || r.Header.Get("Retry-After") != "2" || r.Body["code"] != "too_many_request" {
		t.Errorf("%d %v %s", r.Status, r.Header, r.Raw)
	}
	e.sim.SetFault(Fault{Status500: 1})
	e.do("POST", "/orders", orderBody(uuid.NewString(), "1.00"), nil).wantError(t, 500, 1)
	if n := len(e.sim.Orders()); n != 0 {
		t.Errorf("a 500 stored %d orders", n)
	}
	e.sim.SetFault(Fault{Status500After: 1})
	e.do("POST", "/orders", orderBody(uuid.NewString(), "1.00"), nil).wantError(t, 500, 1)
	e.sim.SetFault(Fault{DropAnswer: 1})
	req, _ := http.NewRequest("POST", e.srv.URL+"/orders", strings.NewReader(orderBody(uuid.NewString(), "1.00")))
	req.Header = headers()
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Error("dropped answer arrived")
	}
	if n := len(e.sim.Orders()); n != 2 {
		t.Errorf("%d orders: processed faults store theirs", n)
	}
	e.sim.SetFault(Fault{Down: true})
	req, _ = http.NewRequest("GET", e.srv.URL+"/orders/x", nil)
	req.Header = headers()
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Error("down answered")
	}
	if f := e.sim.Fault(); !f.Down || f.DropAnswer != 0 {
		t.Errorf("%+v", f)
	}
}

func TestControl(t *testing.T) {
	e := newEnv(t)
	ctl := httptest.NewServer(e.sim.Control())
	defer ctl.Close()
	id := e.create("10.00")
	post := func(path, body string) int {
		resp, err := http.Post(ctl.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := post("/orders/"+id+"/pay", `{"customer":"member-001"}`); s != 204 {
		t.Errorf("pay %d", s)
	}
	if s := post("/orders/"+id+"/pay", `{"customer":"member-001"}`); s != 409 {
		t.Errorf("pay twice %d", s)
	}
	if s := post("/fail", `{"op":"get","code":13}`); s != 204 {
		t.Errorf("fail %d", s)
	}
	if s := post("/fail", `{"op":"get","code":3}`); s != 409 {
		t.Errorf("code 3 %d", s)
	}
	if s := post("/fail", `{"op":"x","code":3,"extra":1}`); s != 400 {
		t.Errorf("extra member %d", s)
	}
	e.do("GET", "/orders/"+id, "", nil).wantError(t, 400, 13)
	resp, err := http.Get(ctl.URL + "/orders")
	if err != nil {
		t.Fatal(err)
	}
	var orders []Order
	json.NewDecoder(resp.Body).Decode(&orders)
	resp.Body.Close()
	if len(orders) != 1 || orders[0].Paid != 900 {
		t.Errorf("%+v", orders)
	}
}

func TestConcurrentUse(t *testing.T) {
	e := newEnv(t, WithAutoPay(time.Second, "guest"))
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			id := uuid.NewString()
			body := orderBody(id, fmt.Sprintf("%d.00", i+1))
			for range 2 { // the second answers 28
				req, _ := http.NewRequest("POST", e.srv.URL+"/orders", strings.NewReader(body))
				req.Header = headers()
				if resp, err := http.DefaultClient.Do(req); err == nil {
					resp.Body.Close()
				}
			}
			e.clock.Advance(time.Second)
			e.sim.Orders()
			e.sim.Pay(id, "member-001")
		})
	}
	wg.Wait()
	if n := len(e.sim.Orders()); n != 20 {
		t.Errorf("%d orders", n)
	}
}

func TestJavaNumber(t *testing.T) {
	for _, tc := range []struct {
		a    int64
		exp  int
		want string
	}{
		{5000, 2, "50.0"}, {1980, 2, "19.8"}, {5, 2, "0.05"}, {0, 2, "0.0"}, {999999999, 2, "9999999.99"},
		{1000000000, 2, "1.0E7"}, {1234567890, 2, "1.23456789E7"}, {120, 0, "120.0"}, {12345678, 0, "1.2345678E7"}, {125, 3, "0.125"},
	} {
		if got := JavaNumber(moneyAmount(tc.a), tc.exp); got != tc.want {
			t.Errorf("%d exp %d: %s, want %s", tc.a, tc.exp, got, tc.want)
		}
	}
}

func moneyAmount(a int64) money.Amount { return money.Amount(a) }
