package pass2u

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"till/providers"
	"till/store/sanitize"
)

// FuzzDecode sends every call an arbitrary answer: nothing panics, only a
// 2xx is ever taken for success, and every text that comes back is
// sanitised, capped and free of the key.
func FuzzDecode(f *testing.F) {
	for status, body := range map[int]string{
		200: `[{"campaigns":[{"name":"Get 10% discount","id":381}],"modelId":1248,"name":"Cake Shop Loyalty Card"}]`,
		201: `{"distributionId":"T2bzXfEuEFXx","unredeemable":true,"redeemedAt":"2017-09-29T15:38:44","barcode":"P2U-OK-1"}`,
		204: ``,
		400: `{"message":"The pass is already redeemed."}`,
		401: `{"message":"API key is not valid. ` + testKey + `"}`,
		404: "Not valid barcode.\x1b[2J\u202e",
		429: `{"message":"Too many requests."}`,
		500: `<html>Internal error</html>`,
		202: `{"barcode":"P2U-OK-1","redeemedAt":"2017-09-29T15:38:44.5+08:00"}`,
		203: `[{"modelId":"\u001b]0;x\u0007","name":"\xff"}]`,
	} {
		f.Add(status, "https://api.pass2u.net/v2/checkout/models/1/campaigns/2/barcodes/P2U-OK-1/records/273", []byte(body))
	}
	f.Add(400, "\x1b[31m"+testKey, []byte(`"The pass was not redeemed."`))
	f.Fuzz(func(t *testing.T, status int, location string, body []byte) {
		if status < 0 {
			status = -status
		}
		status = 100 + status%500
		ok2xx := status >= 200 && status < 300
		c := stubClient(t, status, http.Header{"Location": {location}}, string(body))

		var texts []string
		models, merr := c.Models(bg)
		for _, m := range models {
			texts = append(texts, m.ID, m.Name)
			for _, cp := range m.Campaigns {
				texts = append(texts, cp.ID, cp.Name)
			}
		}
		rec, rerr := c.Redeem(bg, "1248", "381", "P2U-OK-1")
		texts = append(texts, rec.DistributionID, rec.Location, rec.Barcode)
		uerr := c.Unredeem(bg, "1248", "381", "P2U-OK-1")
		for _, err := range []error{merr, rerr, uerr} {
			if err == nil {
				continue
			}
			texts = append(texts, err.Error())
			if e, ok := err.(*Error); ok {
				texts = append(texts, e.Message, e.Reason())
				if len(e.Message) > maxMessage {
					t.Fatalf("message of %d bytes", len(e.Message))
				}
			}
		}
		if !ok2xx && (merr == nil || rerr == nil || uerr == nil) {
			t.Fatalf("HTTP %d taken for success: %v %v %v", status, merr, rerr, uerr)
		}
		for _, r := range []Redemption{redemption("P2U-OK-1"), {Key: "k", ModelID: "1", CampaignID: "2", Barcode: "P2U-OK-1", Resent: true}} {
			for i, out := range []providers.Outcome{c.RedeemOutcome(bg, r), c.UnredeemOutcome(bg, r)} {
				texts = append(texts, out.Reference, out.Code, out.Reason, out.Detail)
				// Apart from 2xx, only "already redeemed" to a resent
				// redeem and "not redeemed" to an unredeem are done.
				low := strings.ToLower(string(body))
				done := status == 400 && (i == 0 && r.Resent && strings.Contains(low, "already redeemed") || i == 1 && strings.Contains(low, "not redeemed"))
				if out.Status == providers.Approved && !ok2xx && !done {
					t.Fatalf("HTTP %d approved: %+v", status, out)
				}
				if len(out.Detail) > maxText || len(out.Reason) > 300 {
					t.Fatalf("uncapped: %+v", out)
				}
			}
		}
		for _, s := range texts {
			if sanitize.Text(s) != s || strings.Contains(s, testKey) || len(s) > 2*maxLocation {
				t.Fatalf("unsafe text %q in %s", s, fmt.Sprint(texts))
			}
		}
	})
}
