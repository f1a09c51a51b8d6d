package cancansim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"till/providers/httpx/httpxtest"
)

type fixture struct {
	t     *testing.T
	sim   *Sim
	clock *httpxtest.Clock
}

func newFixture(t *testing.T, opts ...Option) *fixture {
	c := httpxtest.NewClock(time.Date(2017, 1, 18, 9, 53, 52, 0, time.UTC))
	return &fixture{t: t, sim: New(append([]Option{WithClock(c.Now)}, opts...)...), clock: c}
}

type reply struct {
	Status int
	Header http.Header
	Body   string
	Doc    map[string]any
}

func (f *fixture) do(method, path, body string, header ...string) reply {
	f.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, path, rd)
	r.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
	r.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	f.sim.ServeHTTP(w, r)
	out := reply{Status: w.Code, Header: w.Header(), Body: w.Body.String()}
	if err := json.Unmarshal(w.Body.Bytes(), &out.Doc); err != nil {
		f.t.Fatalf("answer is not JSON: %q", w.Body.String())
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		f.t.Errorf("Content-Type %q", ct)
	}
	return out
}

func (f *fixture) create(id, typ, attrs string) reply {
	f.t.Helper()
	return f.do("POST", "/api/v2/transactions", fmt.Sprintf(`{"data":{"id":%q,"type":%q,"attributes":{%s}}}`, id, typ, attrs))
}

func (f *fixture) sale(id, code string, amount int) reply {
	f.t.Helper()
	return f.create(id, "sale", fmt.Sprintf(`"payment_gateway":"linepay_th_domestic","payment_auth_key":%q,"amount":%d,"currency":"THB","description":"Item 246"`, code, amount))
}

func (f *fixture) get(id string) reply {
	f.t.Helper()
	return f.do("GET", "/api/v2/transactions/"+id, "")
}

func (r reply) attr(name string) any {
	data, _ := r.Doc["data"].(map[string]any)
	attrs, _ := data["attributes"].(map[string]any)
	return attrs[name]
}

func (r reply) state() string { s, _ := r.attr("state").(string); return s }

func (r reply) errorCode() string {
	list, _ := r.Doc["errors"].([]any)
	if len(list) != 1 {
		return ""
	}
	e, _ := list[0].(map[string]any)
	code, _ := e["code"].(string)
	if e["status"] != strconv.Itoa(r.Status) { // a string, as the document shows
		return "status member " + fmt.Sprint(e["status"])
	}
	return code
}

func TestSaleAnswersAsTheDocumentShows(t *testing.T) {
	f := newFixture(t)
	r := f.create("ee96aaf7-9ec7-4baf-bf88-c0f77db672e0", "sale",
		`"payment_gateway":"linepay_th_domestic","payment_auth_key":"081149423436","amount":10000,"currency":"THB","description":"Item 246","pos_id":"POS123","mch_level_1":"Thailand","mch_level_2":"Bangkok","mch_level_3":"Bang Rak"`)
	want := `{"data":{"id":"ee96aaf7-9ec7-4baf-bf88-c0f77db672e0","type":"sale","attributes":{"state":"pending","payment_gateway":"linepay_th_domestic","amount":10000,"currency":"THB","description":"Item 246","pos_id":"POS123","mch_level_1":"Thailand","mch_level_2":"Bangkok","mch_level_3":"Bang Rak","failure_code":null,"failure_detail":null,"created_at":"2017-01-18T09:53:52Z"}}}`
	if r.Status != 201 || r.Body != want {
		t.Errorf("%d %s\nwant %s", r.Status, r.Body, want)
	}
	g := f.get("ee96aaf7-9ec7-4baf-bf88-c0f77db672e0")
	if g.Status != 200 || g.state() != "succeeded" {
		t.Errorf("%d %s", g.Status, g.Body)
	}
	if strings.Contains(g.Body, "081149423436") {
		t.Error("the payment code is echoed")
	}
}

func TestErrors(t *testing.T) {
	f := newFixture(t)
	okSale := `"payment_gateway":"linepay_th_domestic","payment_auth_key":"1","amount":100,"currency":"THB","description":"d"`
	for name, tc := range map[string]struct {
		reply  func() reply
		status int
		code   string
	}{
		"no key":        {func() reply { return f.do("GET", "/api/v2/transactions/x", "", "Authorization", "") }, 401, "authentication_error"},
		"wrong key":     {func() reply { return f.do("GET", "/api/v2/transactions/x", "", "Authorization", "Bearer nope") }, 401, "authentication_error"},
		"no scheme":     {func() reply { return f.do("GET", "/api/v2/transactions/x", "", "Authorization", DefaultAPIKey) }, 401, "authentication_error"},
		"unknown id":    {func() reply { return f.get("nothing-here") }, 404, "not_found_error"},
		"unknown path":  {func() reply { return f.do("GET", "/api/v2/sales", "") }, 404, "not_found_error"},
		"no base":       {func() reply { return f.do("GET", "/transactions/x", "") }, 404, "not_found_error"},
		"wrong method":  {func() reply { return f.do("DELETE", "/api/v2/transactions/x", "") }, 404, "not_found_error"},
		"not json":      {func() reply { return f.do("POST", "/api/v2/transactions", "{") }, 400, "attribute_error"},
		"content type":  {func() reply { return f.do("POST", "/api/v2/transactions", `{}`, "Content-Type", "text/plain") }, 400, "attribute_error"},
		"no data":       {func() reply { return f.do("POST", "/api/v2/transactions", `{"id":"a"}`) }, 400, "attribute_error"},
		"no id":         {func() reply { return f.do("POST", "/api/v2/transactions", `{"data":{"type":"sale","attributes":{}}}`) }, 400, "transaction_id_failure"},
		"bad id":        {func() reply { return f.create("a b/c", "sale", okSale) }, 400, "transaction_id_failure"},
		"bad type":      {func() reply { return f.create("t1", "capture", okSale) }, 400, "attribute_error"},
		"no attributes": {func() reply { return f.do("POST", "/api/v2/transactions", `{"data":{"id":"t2","type":"sale"}}`) }, 400, "attribute_error"},
		"string amount": {func() reply { return f.create("t3", "sale", strings.Replace(okSale, "100", `"100"`, 1)) }, 400, "attribute_error"},
		"float amount":  {func() reply { return f.create("t4", "sale", strings.Replace(okSale, "100", `100.5`, 1)) }, 400, "attribute_error"},
		"zero amount":   {func() reply { return f.create("t5", "sale", strings.Replace(okSale, "100", `0`, 1)) }, 400, "attribute_error"},
		"exp amount":    {func() reply { return f.create("t6", "sale", strings.Replace(okSale, "100", `1e2`, 1)) }, 400, "attribute_error"},
		"gateway": {func() reply {
			return f.create("t7", "sale", strings.Replace(okSale, "linepay_th_domestic", "paypal", 1))
		}, 400, "attribute_error"},
		"currency":      {func() reply { return f.create("t8", "sale", strings.Replace(okSale, "THB", "baht", 1)) }, 400, "attribute_error"},
		"no auth key":   {func() reply { return f.create("t9", "sale", strings.Replace(okSale, `"1"`, `""`, 1)) }, 400, "attribute_error"},
		"no desc":       {func() reply { return f.create("t10", "sale", strings.Replace(okSale, `,"description":"d"`, ``, 1)) }, 400, "attribute_error"},
		"number pos_id": {func() reply { return f.create("t11", "sale", okSale+`,"pos_id":7`) }, 400, "attribute_error"},
		"void no sale":  {func() reply { return f.create("t12", "void", `"description":"x"`) }, 400, "attribute_error"},
		"refund amount": {func() reply { return f.create("t13", "refund", `"sale":"x"`) }, 400, "attribute_error"},
	} {
		r := tc.reply()
		if r.Status != tc.status || r.errorCode() != tc.code {
			t.Errorf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	if n := len(f.sim.Ledger()); n != 0 {
		t.Errorf("%d transactions stored from bad requests", n)
	}
}

func TestARepeatedIDChargesOnce(t *testing.T) {
	f := newFixture(t)
	if r := f.sale("s1", "9999", 100); r.Status != 201 {
		t.Fatal(r.Body)
	}
	for _, r := range []reply{f.sale("s1", "9999", 100), f.sale("s1", "0000", 500), f.create("s1", "refund", `"sale":"s1","amount":1`)} {
		if r.Status != 400 || r.errorCode() != "transaction_id_failure" {
			t.Errorf("%d %s", r.Status, r.Body)
		}
	}
	if l := f.sim.Ledger(); len(l) != 1 || l[0].Amount != 100 {
		t.Errorf("%+v", l)
	}

	// Racing creates of one id: exactly one wins.
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 16 {
		wg.Go(func() {
			r := httptest.NewRequest("POST", "/api/v2/transactions", strings.NewReader(`{"data":{"id":"race","type":"sale","attributes":{"payment_gateway":"linepay_th_domestic","payment_auth_key":"9999","amount":1,"currency":"THB","description":"d"}}}`))
			r.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
			r.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			f.sim.ServeHTTP(w, r)
			mu.Lock()
			defer mu.Unlock()
			if w.Code == 201 {
				wins++
			}
		})
	}
	wg.Wait()
	if wins != 1 || len(f.sim.Ledger()) != 2 {
		t.Errorf("%d creates won", wins)
	}
}

func TestMagicCodes(t *testing.T) {
	f := newFixture(t)
	states := func(id, code string, gets int) string {
		s := []string{f.sale(id, code, 100).state()}
		for range gets {
			s = append(s, f.get(id).state())
		}
		return strings.Join(s, " ")
	}
	for code, want := range map[string]string{
		"0000":     "pending succeeded succeeded",
		"1234":     "pending succeeded succeeded",
		"7999":     "pending succeeded succeeded",
		"8000":     "pending succeeded succeeded",
		"8002":     "pending pending pending succeeded",
		"8099":     "pending pending pending pending",
		"8098":     "pending pending pending pending",
		"8097":     "pending pending pending pending",
		"8103":     "pending failed failed",
		"8117":     "pending succeeded succeeded",
		"9003":     "failed failed failed",
		"9016":     "failed failed failed",
		"9017":     "pending succeeded succeeded",
		"9999":     "succeeded succeeded succeeded",
		"12":       "pending succeeded succeeded",
		"12ab":     "pending succeeded succeeded",
		"x+999":    "pending succeeded succeeded",
		"08119999": "succeeded succeeded succeeded",
	} {
		gets := strings.Count(want, " ")
		if got := states("id-"+strings.ReplaceAll(code, "+", "p"), code, gets); got != want {
			t.Errorf("%s: %s, want %s", code, got, want)
		}
	}
	for i, c := range FailureCodes {
		id := fmt.Sprintf("f-%d", i)
		r := f.sale(id, fmt.Sprintf("90%02d", i+1), 100)
		if r.attr("failure_code") != c || r.attr("failure_detail") != failureDetails[c] {
			t.Errorf("90%02d: %s", i+1, r.Body)
		}
		id = fmt.Sprintf("p-%d", i)
		f.sale(id, fmt.Sprintf("81%02d", i+1), 100)
		if g := f.get(id); g.attr("failure_code") != c {
			t.Errorf("81%02d: %s", i+1, g.Body)
		}
	}
	if r := f.sale("denied", "9000", 100); r.attr("failure_code") != "transaction_denied_failure" {
		t.Errorf("9000: %s", r.Body)
	}
	for _, c := range append(FailureCodes, "transaction_denied_failure") {
		if failureDetails[c] == "" {
			t.Errorf("no detail for %s", c)
		}
	}
	if tx, _ := f.sim.Transaction("id-8002"); tx.Retrieves != 3 || tx.SettledAt.IsZero() {
		t.Errorf("%+v", tx)
	}
}

func TestVoids(t *testing.T) {
	f := newFixture(t, WithVoidWindow(5*time.Minute))
	void := func(id, sale string) reply {
		return f.create(id, "void", fmt.Sprintf(`"sale":%q,"description":"customer has changed her mind"`, sale))
	}
	f.sale("s-ok", "9999", 100)
	if r := void("v1", "s-ok"); r.Status != 201 || r.state() != "succeeded" || r.attr("sale") != "s-ok" {
		t.Errorf("%s", r.Body)
	}
	if r := void("v2", "s-ok"); r.attr("failure_code") != "void_not_allowed_failure" {
		t.Errorf("second void: %s", r.Body)
	}
	f.sale("s-late", "9999", 100)
	f.clock.Advance(5*time.Minute + time.Second)
	if r := void("v3", "s-late"); r.attr("failure_code") != "void_not_allowed_failure" {
		t.Errorf("late void: %s", r.Body)
	}
	f.sale("s-pending", "8099", 100)
	if r := void("v4", "s-pending"); r.state() != "succeeded" {
		t.Errorf("%s", r.Body)
	}
	if g := f.get("s-pending"); g.state() != "failed" || g.attr("failure_detail") != "Voided by v4" {
		t.Errorf("voided pending sale: %s", g.Body)
	}
	f.sale("s-fails", "8098", 100)
	if r := void("v5", "s-fails"); r.attr("failure_code") != "void_not_allowed_failure" {
		t.Errorf("%s", r.Body)
	}
	f.sale("s-hangs", "8097", 100)
	void("v6", "s-hangs")
	if g := f.get("v6"); g.state() != "pending" {
		t.Errorf("%s", g.Body)
	}
	if r := void("v7", "nothing"); r.attr("failure_code") != "sale_not_found_failure" {
		t.Errorf("%s", r.Body)
	}
	if r := void("v8", "v1"); r.attr("failure_code") != "sale_not_found_failure" {
		t.Errorf("void of a void: %s", r.Body)
	}
	f.sale("s-failed", "9001", 100)
	if r := void("v9", "s-failed"); r.attr("failure_code") != "void_not_allowed_failure" {
		t.Errorf("%s", r.Body)
	}
	if tx, _ := f.sim.Transaction("s-ok"); tx.VoidedBy != "v1" || tx.State != "succeeded" {
		t.Errorf("%+v", tx)
	}
}

func TestRefunds(t *testing.T) {
	f := newFixture(t, WithFullRefundsOnly("alipay_international"))
	refund := func(id, sale string, amount int) reply {
		return f.create(id, "refund", fmt.Sprintf(`"sale":%q,"amount":%d,"description":"factory defect"`, sale, amount))
	}
	f.sale("s", "9999", 1000)
	for i, tc := range []struct {
		amount int
		state  string
		code   any
	}{
		{300, "succeeded", nil},
		{700, "succeeded", nil},
		{1, "failed", "refund_exceeds_sale_amount_failure"},
	} {
		r := refund(fmt.Sprint("r", i), "s", tc.amount)
		if r.state() != tc.state || r.attr("failure_code") != tc.code || r.attr("amount") != float64(tc.amount) {
			t.Errorf("refund %d: %s", tc.amount, r.Body)
		}
	}
	if tx, _ := f.sim.Transaction("s"); tx.Refunded != 1000 {
		t.Errorf("%+v", tx)
	}

	f.sale("p", "0000", 500)
	if r := refund("rp", "p", 500); r.attr("failure_code") != "refund_not_allowed_failure" {
		t.Errorf("refund of a pending sale: %s", r.Body)
	}
	if r := refund("rn", "none", 5); r.attr("failure_code") != "sale_not_found_failure" {
		t.Errorf("%s", r.Body)
	}

	f.sale("slow", "9999", 500)
	if r := refund("r77", "slow", 177); r.state() != "pending" {
		t.Errorf("%s", r.Body)
	}
	if g := f.get("r77"); g.state() != "succeeded" {
		t.Errorf("%s", g.Body)
	}
	if r := refund("r-over", "slow", 324); r.attr("failure_code") != "refund_exceeds_sale_amount_failure" {
		t.Errorf("pending refunds count: %s", r.Body)
	}

	f.create("ali", "sale", `"payment_gateway":"alipay_international","payment_auth_key":"9999","amount":800,"currency":"USD","description":"d"`)
	if r := refund("ra1", "ali", 400); r.attr("failure_code") != "refund_not_allowed_failure" {
		t.Errorf("partial on a full-only gateway: %s", r.Body)
	}
	if r := refund("ra2", "ali", 800); r.state() != "succeeded" {
		t.Errorf("%s", r.Body)
	}

	f.sale("voided", "9999", 100)
	f.create("vv", "void", `"sale":"voided"`)
	if r := refund("rv", "voided", 100); r.attr("failure_code") != "refund_not_allowed_failure" {
		t.Errorf("refund of a voided sale: %s", r.Body)
	}
	f.sale("refunded", "9999", 100)
	refund("rr", "refunded", 10)
	if r := f.create("vr", "void", `"sale":"refunded"`); r.attr("failure_code") != "void_not_allowed_failure" {
		t.Errorf("void after a refund: %s", r.Body)
	}
}

func TestLedgerKeepsCreationOrder(t *testing.T) {
	f := newFixture(t)
	for _, id := range []string{"c", "a", "b"} {
		f.sale(id, "9999", 1)
	}
	var ids []string
	for _, tx := range f.sim.Ledger() {
		ids = append(ids, tx.ID)
	}
	if strings.Join(ids, "") != "cab" {
		t.Errorf("%v", ids)
	}
}

func TestOptions(t *testing.T) {
	s := New(WithAPIKey("k2"), WithGateways("wechat_x"), WithBasePath("/v2/"))
	body := `{"data":{"id":"o1","type":"sale","attributes":{"payment_gateway":"wechat_x","payment_auth_key":"9999","amount":1,"currency":"CNY","description":"d"}}}`
	r := httptest.NewRequest("POST", "/v2/transactions", strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer k2")
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	if w.Code != 201 {
		t.Errorf("%d %s", w.Code, w.Body)
	}
}

// Faults need a real connection.

func serve(t *testing.T, s *Sim) *httptest.Server {
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv
}

func post(srv *httptest.Server, body string, timeout time.Duration) (*http.Response, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/api/v2/transactions", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b), nil
}

func saleBody(id string) string {
	return fmt.Sprintf(`{"data":{"id":%q,"type":"sale","attributes":{"payment_gateway":"linepay_th_domestic","payment_auth_key":"9999","amount":1,"currency":"THB","description":"d"}}}`, id)
}

func TestFaults(t *testing.T) {
	s := New()
	srv := serve(t, s)

	s.SetFault(Fault{Down: true})
	if _, _, err := post(srv, saleBody("d1"), time.Second); err == nil {
		t.Error("down answered")
	}
	if len(s.Ledger()) != 0 {
		t.Error("down processed a create")
	}

	s.SetFault(Fault{RateLimit: 2, RetryAfter: 2500 * time.Millisecond})
	for i := range 2 {
		resp, body, err := post(srv, saleBody("r1"), time.Second)
		if err != nil || resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "3" || !strings.Contains(body, `"status":"429"`) {
			t.Errorf("rate limit %d: %v %v %s", i, resp, err, body)
		}
	}
	if resp, _, _ := post(srv, saleBody("r1"), time.Second); resp.StatusCode != 201 {
		t.Errorf("after the rate limit: %d", resp.StatusCode)
	}

	s.SetFault(Fault{Status500: 1})
	if resp, _, _ := post(srv, saleBody("e1"), time.Second); resp.StatusCode != 500 {
		t.Errorf("500: %d", resp.StatusCode)
	}
	if _, ok := s.Transaction("e1"); ok {
		t.Error("a 500 processed the create")
	}

	s.SetFault(Fault{Status500After: 1})
	if resp, _, _ := post(srv, saleBody("e2"), time.Second); resp.StatusCode != 500 {
		t.Errorf("500 after: %d", resp.StatusCode)
	}
	if _, ok := s.Transaction("e2"); !ok {
		t.Error("Status500After did not process the create")
	}

	s.SetFault(Fault{DropAnswer: 1})
	if _, _, err := post(srv, saleBody("x1"), time.Second); err == nil {
		t.Error("dropped answer arrived")
	}
	if _, ok := s.Transaction("x1"); !ok {
		t.Error("dropped create not processed")
	}
	if resp, _, _ := post(srv, saleBody("x2"), time.Second); resp.StatusCode != 201 {
		t.Errorf("after the drop: %d", resp.StatusCode)
	}
	if f := s.Fault(); f.DropAnswer != 0 || f.RateLimit != 0 || f.Status500 != 0 {
		t.Errorf("counters left: %+v", f)
	}

	s.SetFault(Fault{Slow: 150 * time.Millisecond})
	start := time.Now()
	if resp, _, _ := post(srv, saleBody("w1"), 5*time.Second); resp.StatusCode != 201 || time.Since(start) < 150*time.Millisecond {
		t.Errorf("slow: %d after %v", resp.StatusCode, time.Since(start))
	}
	s.SetFault(Fault{Slow: time.Hour})
	if _, _, err := post(srv, saleBody("w2"), 50*time.Millisecond); err == nil {
		t.Error("an hour-slow answer arrived")
	}
	if _, ok := s.Transaction("w2"); !ok {
		t.Error("a slow create is processed before its answer is delayed")
	}
	s.SetFault(Fault{})
}

func TestConcurrentUse(t *testing.T) {
	s := New()
	srv := serve(t, s)
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Go(func() {
			id := fmt.Sprint("c", i)
			if resp, body, err := post(srv, saleBody(id), 5*time.Second); err != nil || resp.StatusCode != 201 {
				t.Errorf("%s: %v %s", id, err, body)
			}
			req, _ := http.NewRequest("GET", srv.URL+"/api/v2/transactions/"+id, nil)
			req.Header.Set("Authorization", "Bearer "+DefaultAPIKey)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !bytes.Contains(b, []byte(`"state":"succeeded"`)) {
				t.Errorf("%s", b)
			}
			s.SetFault(Fault{})
			_ = s.Fault()
			_ = s.Ledger()
		})
	}
	wg.Wait()
	if n := len(s.Ledger()); n != 32 {
		t.Errorf("%d transactions", n)
	}
}
