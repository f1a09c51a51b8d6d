package pass2u

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"till/providers/httpx/httpxtest"
)

// checkGolden compares the request r with testdata/NAME.golden.
func checkGolden(t *testing.T, name string, r httpxtest.Recorded) {
	t.Helper()
	httpxtest.Golden(t, name, httpxtest.Request(r.Method, r.URI, r.Header, r.Body, func(k, v string) (string, bool) {
		if strings.EqualFold(k, "x-api-key") {
			return "[redacted]", true
		}
		return v, true
	}))
}

func TestGoldenRequests(t *testing.T) {
	for _, tc := range []struct {
		name string
		call func(c *Client) error
	}{
		{"models", func(c *Client) error { _, err := c.Models(bg); return err }},
		{"redeem", func(c *Client) error { _, err := c.Redeem(bg, "1248", "381", "P2U-OK-63873671"); return err }},
		{"redeem_hostile", func(c *Client) error {
			_, err := c.Redeem(bg, "1248", "381", "P2U-OK-../a/b?x=1#y %25 烏")
			return err
		}},
		{"unredeem", func(c *Client) error { return c.Unredeem(bg, "1248", "381", "P2U-USED-63873671") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			if err := tc.call(e.client); err != nil {
				t.Fatal(err)
			}
			sent := e.Sent()
			if len(sent) != 1 {
				t.Fatalf("%d requests", len(sent))
			}
			if got := sent[0].Header["x-api-key"]; len(got) != 1 || got[0] != testKey {
				t.Fatalf("x-api-key %q", got)
			}
			checkGolden(t, tc.name, sent[0])
		})
	}
}

// TestGoldenFilesAreWhatTheNotesAsk checks the golden files against NOTES'
// paths and headers, apart from the code that wrote them.
func TestGoldenFilesAreWhatTheNotesAsk(t *testing.T) {
	const headers = "Accept: application/json\nx-api-key: [redacted]\n\n\n"
	for name, line := range map[string]string{
		"models":         "GET /v2/checkout/models?account=till-sim\n",
		"redeem":         "POST /v2/checkout/models/1248/campaigns/381/barcodes/P2U-OK-63873671/records?account=till-sim\n",
		"redeem_hostile": "POST /v2/checkout/models/1248/campaigns/381/barcodes/P2U-OK-..%2Fa%2Fb%3Fx=1%23y%20%2525%20%E7%83%8F/records?account=till-sim\n",
		"unredeem":       "DELETE /v2/checkout/models/1248/campaigns/381/barcodes/P2U-USED-63873671/records?account=till-sim\n",
	} {
		b, err := os.ReadFile(filepath.Join("testdata", name+".golden"))
		if err != nil {
			t.Fatal(err)
		}
		if want := line + headers; string(b) != want {
			t.Errorf("%s:\n%s\nwant\n%s", name, b, want)
		}
	}
}
