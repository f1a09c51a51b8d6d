package swip

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"till/providers"
	"till/providers/httpx"
)

const fuzzID = goldenOrder

// stub answers every request with one status and body, in process.
type stub struct {
	status int
	body   []byte
}

func (s stub) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		r.Body.Close()
	}
	return &http.Response{
		StatusCode: s.status,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(bytes.NewReader(s.body)),
		Request:    r,
	}, nil
}

// oracleAmount is an amount read apart from toMinor: a JSON number that is
// a whole number of cents, not negative.
func oracleAmount(v any) (*big.Rat, bool) {
	n, ok := v.(json.Number)
	if !ok || len(n) > 40 || strings.ContainsAny(string(n), "eE") && len(strings.TrimLeft(string(n)[strings.IndexAny(string(n), "eE")+1:], "+-0")) > 3 {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(string(n))
	if !ok || r.Sign() < 0 || r.Cmp(big.NewRat(1e12, 1)) >= 0 {
		return nil, false
	}
	cents := new(big.Rat).Mul(r, big.NewRat(100, 1))
	return r, cents.IsInt()
}

// wellTyped checks the members the adapter reads besides the amounts.
func wellTyped(m map[string]any) bool {
	for _, k := range []string{"merchantOrderNumber", "sessionCode", "customerId", "discountCard", "paymentMethod", "paymentSystem", "pan", "rrn", "authorizationCode", "error", "slip"} {
		if _, ok := m[k].(string); m[k] != nil && !ok {
			return false
		}
	}
	for _, k := range []string{"unconfirmed", "refunded"} {
		if _, ok := oracleAmount(m[k]); m[k] != nil && !ok {
			return false
		}
	}
	_, ok := m["cash"].(bool)
	return m["cash"] == nil || ok
}

// paidOrder is the oracle, written apart from decodeOrder: is body one
// well-formed CLOSED order fuzzID, closed with an amount and paid >= total
// > 0? original "" allows any totalOriginal.
func paidOrder(body []byte, original string) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if dec.Decode(&m) != nil || m == nil || dec.Decode(new(any)) != io.EOF {
		return false
	}
	id, _ := m["id"].(string)
	moid, hasMOID := m["merchantOrderId"].(string)
	if !strings.EqualFold(id, fuzzID) || (m["merchantOrderId"] != nil && (!hasMOID || !strings.EqualFold(moid, fuzzID))) {
		return false
	}
	if m["orderStatus"] != "CLOSED" || !wellTyped(m) {
		return false
	}
	total, ok1 := oracleAmount(m["total"])
	orig, ok2 := oracleAmount(m["totalOriginal"])
	paid, ok3 := oracleAmount(m["paid"])
	closed, ok4 := oracleAmount(m["closeAmount"])
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return false
	}
	if original != "" {
		want, _ := new(big.Rat).SetString(original)
		if orig.Cmp(want) != 0 {
			return false
		}
	}
	return total.Sign() > 0 && total.Cmp(orig) <= 0 && paid.Cmp(total) >= 0 && closed.Sign() > 0
}

func FuzzDecode(f *testing.F) {
	good := `{"apiVersion":3,"cash":false,"closeAmount":9.0,"customerId":null,"id":"` + fuzzID + `","merchantOrderId":"` + fuzzID + `","orderStatus":"CLOSED","paid":9.0,"refunded":0,"sessionCode":"https://swip.one/?qr=6794742","total":9.0,"totalOriginal":10.0,"unconfirmed":0.0,"status":"SUCCESS"}`
	for status, body := range map[int]string{
		200: good,
		201: strings.Replace(good, "CLOSED", "OPEN", 1),
		202: strings.Replace(good, `"paid":9.0`, `"paid":8.99`, 1),
		203: strings.Replace(good, `"paid":9.0`, `"paid":"9.0"`, 1),
		204: strings.Replace(good, `"paid":9.0`, `"paid":9.001`, 1),
		205: strings.Replace(good, `"paid":9.0`, `"paid":9e0`, 1),
		206: strings.Replace(good, fuzzID, "ee96aaf7-9ec7-4baf-bf88-c0f77db672e0", 1),
		207: strings.Replace(good, `"total":9.0`, `"total":0`, 1),
		208: strings.Replace(good, `"orderStatus"`, `"OrderStatus"`, 1),
		209: strings.Replace(good, `"closeAmount":9.0`, `"closeAmount":0.0`, 1),
		210: strings.Replace(good, `"totalOriginal":10.0`, `"totalOriginal":1.0E1`, 1),
		226: good + good,
		400: `{"code":28,"description":"Order already exists","fieldErrors":[]}`,
		404: `{"code":9,"description":"Not found"}`,
		429: `{"code":"too_many_request"}`,
		500: good,
		302: good,
		299: `null`,
		250: `{"id":"` + fuzzID + `","orderStatus":"CLOSED","total":9.0,"totalOriginal":10.0,"paid":1e999999999,"closeAmount":9.0}`,
		251: `{"id":"` + fuzzID + `","orderStatus":"CLOSED","orderStatus":"OPEN","total":9.0,"totalOriginal":10.0,"paid":9.0,"closeAmount":9.0}`,
		252: `{"id":"` + fuzzID + `","orderStatus":"CLOSED","total":-9.0,"totalOriginal":10.0,"paid":9.0,"closeAmount":9.0}`,
		253: "{\n  \"code\": 5,  // comment\n  \"description\": \"x\",\n}",
	} {
		f.Add(status, []byte(body))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 0 {
			status = -status
		}
		status = 100 + status%500
		is2xx := status >= 200 && status < 300
		paid := is2xx && paidOrder(body, "10.00")
		found := is2xx && paidOrder(body, "")

		var mu sync.Mutex
		now := time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		sleep := func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			now = now.Add(d)
			mu.Unlock()
			return ctx.Err()
		}
		c, err := New(Config{BaseURL: "https://swip.test/", Token: testToken, MerchantID: testMerchant, StoreID: testStore, CashID: testCash, Currency: "TWD", PayWindow: 3 * time.Second},
			httpx.WithHTTPClient(&http.Client{Transport: stub{status, body}}),
			httpx.WithClock(clock), httpx.WithSleep(sleep),
			httpx.WithBackoff(httpx.Backoff{Attempts: 2, Rand: func() float64 { return 0 }}))
		if err != nil {
			t.Fatal(err)
		}
		p := c.Payments()
		ctx := context.Background()
		op := providers.Op{Key: fuzzID, Amount: 1000, Currency: "TWD", Created: clock()}
		pay := p.Pay(ctx, op)
		follow := p.Follow(ctx, op)
		look := p.Lookup(ctx, providers.Op{Target: fuzzID})
		refund := p.Refund(ctx, providers.Op{Key: "r1", Target: fuzzID, Amount: 100})
		for name, out := range map[string]providers.Outcome{"pay": pay, "follow": follow} {
			if out.Status == providers.Approved && !paid {
				t.Fatalf("%s approved on HTTP %d %q: %+v", name, status, body, out)
			}
		}
		if look.Status == providers.Approved && !found {
			t.Fatalf("look-up approved on HTTP %d %q: %+v", status, body, look)
		}
		if refund.Status == providers.Approved && !found {
			t.Fatalf("refund approved on HTTP %d %q: %+v", status, body, refund)
		}
		for _, out := range []providers.Outcome{pay, follow, look, refund} {
			if len(out.Detail) > maxText || len(out.Code) > 64 || len(out.Reason) > 300 {
				t.Fatalf("uncapped: %+v", out)
			}
			if strings.Contains(out.Detail+out.Reason+out.Code, "TOPSECRET") {
				t.Fatalf("token leaked: %+v", out)
			}
			switch out.Status {
			case providers.Approved, providers.Declined, providers.Pending, providers.Unknown:
			default:
				t.Fatalf("status %q", out.Status)
			}
		}
		if paid && (pay.Status != providers.Approved || follow.Status != providers.Approved) {
			t.Fatalf("a good paid order was not approved: %+v %+v", pay, follow)
		}
	})
}
