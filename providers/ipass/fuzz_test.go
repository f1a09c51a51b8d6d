package ipass

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"till/providers"
)

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"transaction_id":"e2458974869618","transaction_date_time":"2024-09-03 14:54:15","electronic_invoice_carrier":"","payment_type":"1","amount":2,"order_number":"IXN1","return_code":"0000","return_msg":"成功","req_id":"9cc197a0-e12c-4ac5-8cc0-0052e09d3752"}`,
		`{"return_code":"0006","return_msg":"該OrderNumber重複","req_id":"9cc197a0-e12c-4ac5-8cc0-0052e09d3752","message_from":"IPASS"}`,
		`{"return_code":"9999","return_msg":"發生未預期錯誤","message_from":"IPASS"}`,
		`{"message":"Unauthorized"}`,
		`{"return_code":0,"transaction_id":"e1"}`,
		`{"return_code":"0000","transaction_id":"e1","return_code":"0001"}`,
		`{"return_code":"\u0030000","transaction_id":"e1"}`,
		`{"Return_Code":"0000","transaction_id":"e1"}`,
		`{"return_code":"0000","transaction_id":"e1"}x`,
		`{"return_code":null}`,
		`[]`, `null`, ``, `"0000"`,
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, body []byte, taken bool) {
		out, err := interpret(body, testKey, "IXN1", taken)
		if err != nil {
			if out != (providers.Outcome{}) {
				t.Fatalf("error %v with outcome %+v", err, out)
			}
			return
		}
		switch out.Status {
		case providers.Approved:
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil {
				t.Fatalf("approved a malformed body %q: %v", body, err)
			}
			if m["return_code"] != "0000" {
				t.Fatalf("approved return_code %#v", m["return_code"])
			}
			if id, _ := m["transaction_id"].(string); id == "" || out.Reference == "" {
				t.Fatalf("approved without a transaction id: %q", body)
			}
		case providers.Declined:
			if taken {
				t.Fatalf("declined after an attempt that may have charged: %q", body)
			}
		case providers.Unknown:
			if !taken || out.Reason != needsReview {
				t.Fatalf("unknown %+v for %q", out, body)
			}
		default:
			t.Fatalf("status %q", out.Status)
		}
		if len(out.Reason) > maxShown+100 || !utf8.ValidString(out.Reason) || len(out.Detail) > maxDetail {
			t.Fatalf("reason or detail unbounded: %+v", out)
		}
	})
}
