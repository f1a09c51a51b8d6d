package ticketbao

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"till/providers"
	"till/providers/httpx"
	"till/store/sanitize"
)

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

const (
	fuzzChannel = "S-42"
	fuzzOrder   = "TB000000000042"
)

// about is the oracle, written apart from decodeOrder: is body one JSON
// object whose member name is the string want?
func about(body []byte, name, want string) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	var m map[string]any
	if dec.Decode(&m) != nil || m == nil || dec.Decode(new(any)) != io.EOF {
		return false
	}
	got, _ := m[name].(string)
	return got == want
}

func FuzzDecode(f *testing.F) {
	voucher := `{"barcodeMessage":"123456789","status":"%s","statusUpdateTime":"2015-03-15T13:00:00+08:00","voucherUrl":"https://pass2u.net/v/1"}`
	good := `{"pass2uOrderId":"` + fuzzOrder + `","productSaleId":"p1","channelOrderId":"` + fuzzChannel + `","mailTo":"kan@gmail.com","expriationDate":"2015-03-15T13:00:00+08:00","createdTime":"2015-03-15T13:00:00+08:00","vouchers":[` +
		strings.Replace(voucher, "%s", "refund", 1) + `]}`
	for status, body := range map[int]string{
		200: good,
		201: strings.Replace(good, "refund", "notPickedup", 1),
		202: strings.Replace(good, "refund", "\u001b[2Jrefund", 1),
		203: strings.Replace(good, "123456789", "\u202e"+testKey+"\u001b]8;;x\u0007", 1),
		204: strings.Replace(good, `"orderUrl"`, `"orderUrl":"javascript:x"`, 1),
		205: `{"pass2uOrderId":"` + fuzzOrder + `","channelOrderId":"` + fuzzChannel + `","orderUrl":"http://www.pass2u.net/xxxxx/xxxxx","orderPasscode":"9005445"}`,
		206: good + good,
		207: `{"pass2uOrderId":"` + fuzzOrder + `","channelOrderId":"` + fuzzChannel + `","vouchers":[` + strings.Replace(voucher, "%s", "notPickedup", 1) + `,` + strings.Replace(voucher, "%s", "refunded", 1) + `]}`,
		400: `{"message":"channelOrderId Repeated.","type":"RepeatedException"}`,
		404: `{"message":"channelOrderId Does Not Exist","type":"` + testKey + `"}`,
		429: `{"message":"Oops! Something Went Wrong."}`,
		500: `{"message":"Create Trade Fail.","type":"x"}`,
		302: good,
		299: `null`,
		250: `{"pass2uOrderId":"` + fuzzOrder + `","vouchers":[{"barcodeMessage":"1","status":"refund"}],"vouchers":null}`,
		401: "{\"message\":\"\xff\xfe" + testKey + "\"}",
	} {
		f.Add(status, []byte(body))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 0 {
			status = -status
		}
		status = 100 + status%500
		c, err := New(Config{BaseURL: "https://pass2u.test/api/", APIKey: testKey},
			httpx.WithHTTPClient(&http.Client{Transport: stub{status, body}}),
			httpx.WithBackoff(httpx.Backoff{Attempts: 2, Rand: func() float64 { return 0 }, Sleep: httpx.NoWait}))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		gen := GenerateRequest{ChannelOrderID: fuzzChannel, ProductSaleID: "p1", Quantity: 1}
		ref := RefundRequest{Pass2UOrderID: fuzzOrder, ChannelOrderID: fuzzChannel, ProductSaleID: "p1", Quantity: 1}
		genOut, genOrder := c.GenerateOutcome(ctx, gen)
		refOut := c.RefundOutcome(ctx, ref)
		q, qerr := c.Query(ctx, QueryRequest{Pass2UOrderID: fuzzOrder, ProductSaleID: "p1"})
		r, rerr := c.Refund(ctx, ref)

		is2xx := status >= 200 && status < 300
		if genOut.Status == providers.Approved && !(is2xx && about(body, "channelOrderId", fuzzChannel) && about(body, "pass2uOrderId", genOrder.Pass2UOrderID)) {
			t.Fatalf("generate approved on HTTP %d %q: %+v", status, body, genOut)
		}
		if refOut.Status == providers.Approved && !(is2xx && about(body, "pass2uOrderId", fuzzOrder)) {
			t.Fatalf("refund approved on HTTP %d %q: %+v", status, body, refOut)
		}
		if qerr == nil && !about(body, "pass2uOrderId", fuzzOrder) {
			t.Fatalf("query answered another order: %+v", q)
		}

		texts := []string{r.Order.Pass2UOrderID}
		for _, o := range []Order{genOrder, q, r.Order} {
			texts = append(texts, o.Pass2UOrderID, o.ProductSaleID, o.ChannelOrderID, o.MailTo, o.OrderURL, o.OrderPasscode)
			for _, v := range o.Vouchers {
				texts = append(texts, v.BarcodeMessage, string(v.Status), v.VoucherURL)
			}
		}
		for _, out := range []providers.Outcome{genOut, refOut} {
			texts = append(texts, out.Reference, out.Code, out.Reason, out.Detail)
			switch out.Status {
			case providers.Approved, providers.Declined, providers.Unknown:
			default:
				t.Fatalf("status %q", out.Status)
			}
		}
		for _, err := range []error{qerr, rerr} {
			var e *Error
			if errors.As(err, &e) {
				texts = append(texts, e.Message, e.Type, e.Reason(), e.Code())
			}
			if err != nil {
				texts = append(texts, err.Error())
			}
		}
		for _, s := range texts {
			if s != sanitize.Text(s) || strings.Contains(s, testKey) || len(s) > maxURL {
				t.Fatalf("unsafe text %q from HTTP %d %q", s, status, body)
			}
		}
	})
}
