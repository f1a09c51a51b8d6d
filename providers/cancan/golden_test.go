package cancan

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"till/providers"
	"till/providers/httpx/httpxtest"
)

const (
	goldenSale   = "c2f5a10a-d7a7-4d69-83fa-b57c343d22d4"
	goldenVoid   = "ee96aaf7-9ec7-4baf-bf88-c0f77db672e0"
	goldenRefund = "5b0e1c3a-2f4d-4e6b-9a8c-7d1e2f3a4b5c"
)

// transportHeaders are set by net/http, not by the adapter.
var transportHeaders = []string{"Accept-Encoding", "User-Agent"}

func lastRequest(t *testing.T, e *env, method string) httpxtest.Recorded {
	t.Helper()
	reqs := e.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Method == method {
			return reqs[i]
		}
	}
	t.Fatalf("no %s request", method)
	return httpxtest.Recorded{}
}

// checkGolden compares the request r with testdata/NAME.golden.
func checkGolden(t *testing.T, name string, r httpxtest.Recorded) {
	t.Helper()
	httpxtest.Golden(t, name, httpxtest.Request(r.Method, r.Path, r.Header, r.Body, func(k, v string) (string, bool) { return v, !slices.Contains(transportHeaders, k) }))
}

func TestGoldenRequests(t *testing.T) {
	t.Run("sale", func(t *testing.T) {
		e := newEnv(t, setup{})
		op := e.saleOp("9999", 10000)
		op.Key = goldenSale
		expect(t, e.Pay(op), providers.Approved)
		checkGolden(t, "sale", lastRequest(t, e, "POST"))
	})
	t.Run("sale without the optional attributes", func(t *testing.T) {
		e := newEnv(t, setup{cfg: func(c *Config) { c.POSID, c.MchLevel1, c.MchLevel2, c.MchLevel3 = "", "", "", "" }})
		op := e.saleOp("9999", 1)
		op.Key, op.Wallet, op.Currency = goldenSale, "wechat", "CNY"
		op.Description = `Thé & <café> "2"`
		expect(t, e.Pay(op), providers.Approved)
		checkGolden(t, "sale_minimal", lastRequest(t, e, "POST"))
	})
	t.Run("void", func(t *testing.T) {
		e := newEnv(t, setup{})
		sale := e.paid(10000)
		op := e.op(providers.KindVoid, sale.Key, 0)
		op.Key, op.Target, op.Description = goldenVoid, goldenSale, "customer has changed her mind"
		e.Void(op) // the sale id is fixed here, so CANCAN does not know it
		checkGolden(t, "void", lastRequest(t, e, "POST"))
	})
	t.Run("refund", func(t *testing.T) {
		e := newEnv(t, setup{})
		op := e.op(providers.KindRefund, goldenSale, 2500)
		op.Key, op.Description = goldenRefund, "factory defect"
		e.Refund(op)
		checkGolden(t, "refund", lastRequest(t, e, "POST"))
	})
	t.Run("void at the bound", func(t *testing.T) {
		e := newEnv(t, setup{cfg: func(c *Config) { c.PollBound = time.Second }})
		op := e.saleOp("8099", 10000)
		op.Key = goldenSale
		e.Pay(op)
		expect(t, e.Follow(op), providers.Declined)
		checkGolden(t, "void_at_bound", lastRequest(t, e, "POST"))
	})
	t.Run("retrieve", func(t *testing.T) {
		e := newEnv(t, setup{})
		e.Lookup(goldenSale)
		checkGolden(t, "retrieve", lastRequest(t, e, "GET"))
	})
}

// TestGoldenFilesAreWhatTheDocumentAsks checks the golden files against the
// document's field names, independently of the code that wrote them.
func TestGoldenFilesAreWhatTheDocumentAsks(t *testing.T) {
	for name, members := range map[string][]string{
		"sale":          {`"type":"sale"`, `"payment_gateway":"linepay_th_domestic"`, `"payment_auth_key":"081149429999"`, `"amount":10000`, `"currency":"THB"`, `"description":"Sale S-1001"`, `"pos_id":"POS-07"`, `"mch_level_1":"Thailand"`, `"mch_level_3":"Bang Rak"`},
		"sale_minimal":  {`"payment_gateway":"wechatpay_domestic"`, `"amount":1,"currency":"CNY"`},
		"void":          {`"type":"void"`, `"sale":"` + goldenSale + `"`, `"description":"customer has changed her mind"`},
		"refund":        {`"type":"refund"`, `"sale":"` + goldenSale + `"`, `"amount":2500`},
		"void_at_bound": {`"type":"void"`, `"id":"` + autoVoidID(goldenSale) + `"`, `"sale":"` + goldenSale + `"`},
		"retrieve":      {"GET /api/v2/transactions/" + goldenSale + "\n"},
	} {
		b, err := os.ReadFile(filepath.Join("testdata", name+".golden"))
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		for _, m := range append(members, "Accept: application/json\n", "Authorization: Bearer "+testKey+"\n", "Content-Type: application/json\n") {
			if !strings.Contains(s, m) {
				t.Errorf("%s lacks %s", name, m)
			}
		}
		if name == "sale_minimal" && (strings.Contains(s, "pos_id") || strings.Contains(s, "mch_level")) {
			t.Errorf("%s sends empty optional attributes", name)
		}
	}
}
