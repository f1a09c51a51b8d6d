package cancan

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"till/providers"
	"till/providers/httpx"
)

const fuzzID = "c2f5a10a-d7a7-4d69-83fa-b57c343d22d4"

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

// succeeded is the oracle, written apart from decodeRecord: is body a
// well-formed succeeded transaction of fuzzID? typ "" allows any type (a
// look-up does not know it), amount "" any positive integer.
func succeeded(body []byte, typ, amount, currency string) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var top map[string]any
	if dec.Decode(&top) != nil || dec.Decode(new(any)) != io.EOF {
		return false
	}
	if _, ok := top["errors"]; ok {
		return false
	}
	data, _ := top["data"].(map[string]any)
	attrs, _ := data["attributes"].(map[string]any)
	gotType, _ := data["type"].(string)
	if data["id"] != fuzzID || attrs["state"] != "succeeded" || (typ != "" && gotType != typ) {
		return false
	}
	positive := func(v any) bool {
		n, ok := v.(json.Number)
		i, err := strconv.ParseInt(string(n), 10, 64)
		return ok && err == nil && i > 0 && (amount == "" || string(n) == amount)
	}
	switch gotType {
	case "sale":
		cur, _ := attrs["currency"].(string)
		return positive(attrs["amount"]) && len(cur) == 3 && strings.ToUpper(cur) == cur &&
			strings.Trim(cur, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" && (currency == "" || cur == currency)
	case "void", "refund":
		_, hasSale := attrs["sale"].(string)
		a, hasAmount := attrs["amount"]
		return hasSale && (!hasAmount || positive(a))
	}
	return false
}

func FuzzDecode(f *testing.F) {
	good := `{"data":{"id":"` + fuzzID + `","type":"sale","attributes":{"state":"succeeded","payment_gateway":"linepay_th_domestic","amount":1000,"currency":"THB","description":"Item 246","pos_id":"POS123","mch_level_1":"Thailand","mch_level_2":"Bangkok","mch_level_3":"Bang Rak","failure_code":null,"failure_detail":null,"created_at":"2017-01-18T09:53:52Z"}}}`
	for status, body := range map[int]string{
		201: good,
		200: strings.Replace(good, "succeeded", "pending", 1),
		202: strings.Replace(good, `"state":"succeeded"`, `"state":"failed","failure_code":"card_failure"`, 1),
		203: strings.Replace(good, "1000", "1000.0", 1),
		204: strings.Replace(good, "1000", `"1000"`, 1),
		205: strings.Replace(good, "1000", "1e3", 1),
		206: strings.Replace(good, fuzzID, "ee96aaf7-9ec7-4baf-bf88-c0f77db672e0", 1),
		207: strings.Replace(good, `"type":"sale"`, `"type":"void"`, 1),
		208: strings.Replace(good, `"state"`, `"State"`, 1),
		226: good + good,
		400: "{\n  \"errors\": [\n    {\n      \"status\": \"404\"\n      \"code\": \"not_found_error\",\n      \"detail\": \"Record Not Found\"\n    }\n  ]\n}",
		404: `{"errors":[{"status":"404","code":"not_found_error","detail":"Record Not Found"}]}`,
		429: `{"errors":[]}`,
		500: good,
		302: good,
		299: `null`,
		250: `{"data":null}`,
		251: `{"data":{"id":"` + fuzzID + `","type":"sale","attributes":{"state":"succeeded","amount":1000,"currency":"THB"}},"errors":null}`,
		252: `{"data":{"id":"` + fuzzID + `","type":"sale","attributes":{"state":"succeeded","amount":99999999999999999999,"currency":"THB"}}}`,
		253: `{"data":{"id":"` + fuzzID + `","type":"sale","attributes":{"state":"succeeded","state":"failed","amount":1000,"currency":"THB"}}}`,
		254: `{"data":{"id":"` + fuzzID + `","type":"sale","attributes":{"state":"succeeded","amount":-1000,"currency":"THB"}}}`,
	} {
		f.Add(status, []byte(body))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 0 {
			status = -status
		}
		status = 100 + status%500
		is2xx := status >= 200 && status < 300
		paid := is2xx && succeeded(body, "sale", "1000", "THB")
		found := is2xx && succeeded(body, "", "", "")

		w := want{ID: fuzzID, Type: "sale", Amount: 1000, Currency: "THB"}
		if r, err := decodeRecord(body, w); err == nil && r.State == stateSucceeded && !succeeded(body, "sale", "1000", "THB") {
			t.Fatalf("decodeRecord took %q for a succeeded sale", body)
		}
		if e := decodeErrors(status, body); e.Code == "" || len(e.Code) > 64 {
			t.Fatalf("error code %q", e.Code)
		}

		c, err := New(Config{BaseURL: "https://cancan.test/api/v2/", APIKey: testKey, Gateways: testGateways},
			httpx.WithHTTPClient(&http.Client{Transport: stub{status, body}}),
			httpx.WithSleep(httpx.NoWait),
			httpx.WithBackoff(httpx.Backoff{Attempts: 2, Rand: func() float64 { return 0 }}))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		pay := c.Pay(ctx, providers.Op{Key: fuzzID, Wallet: "linepay", PaymentCode: "0811", Amount: 1000, Currency: "THB"})
		look := c.Lookup(ctx, providers.Op{Target: fuzzID})
		if pay.Status == providers.Approved && !paid {
			t.Fatalf("paid on HTTP %d %q: %+v", status, body, pay)
		}
		if look.Status == providers.Approved && !found {
			t.Fatalf("looked up as succeeded on HTTP %d %q: %+v", status, body, look)
		}
		for _, out := range []providers.Outcome{pay, look} {
			if len(out.Detail) > maxText || len(out.Code) > 64 {
				t.Fatalf("uncapped: %+v", out)
			}
			if strings.Contains(out.Detail+out.Reason+out.Code, testKey) {
				t.Fatalf("key leaked: %+v", out)
			}
			switch out.Status {
			case providers.Approved, providers.Declined, providers.Pending, providers.Unknown:
			default:
				t.Fatalf("status %q", out.Status)
			}
		}
		if paid && pay.Status != providers.Approved {
			t.Fatalf("a good succeeded sale was not approved: %+v", pay)
		}
	})
}
