package pass2u

import (
	"net/url"
	"strings"
	"testing"
)

// TestHostileBarcodes sends scanned codes that try to change the request's
// path or query, and checks that the server got exactly one segment that
// unescapes back to the code, or that nothing was sent.
func TestHostileBarcodes(t *testing.T) {
	for _, tc := range []struct {
		name, code string
		refused    bool
	}{
		{"slash", "/", false},
		{"slash in a pass", "P2U-OK-a/b", false},
		{"dot dot", "..", true},
		{"dot", ".", true},
		{"climb", "../../models", false},
		{"climb in a pass", "P2U-OK-../../models", false},
		{"escaped slash", "%2F", false},
		{"percent", "P2U-OK-100%", false},
		{"query", "P2U-OK-?x=1", false},
		{"account", "P2U-OK-?account=other&", false},
		{"fragment", "P2U-OK-#frag", false},
		{"spaces", "P2U-OK- a  b ", false},
		{"unicode", "P2U-OK-烏龍茶☕", false},
		{"sub-delims", "P2U-OK-;,=&+$:@!'()*", false},
		{"backslash", `P2U-OK-..\..\x`, false},
		{"longest", "P2U-OK-" + strings.Repeat("9", MaxBarcode-7), false},
		{"NUL", "P2U-OK-\x00", true},
		{"line break", "P2U-OK-1\r\nx-api-key: x", true},
		{"tab", "P2U-OK-\t1", true},
		{"escape", "P2U-OK-\x1b[31m", true},
		{"DEL", "P2U-OK-\x7f", true},
		{"C1", "P2U-OK-\u0085", true},
		{"bidi", "P2U-OK-\u202e1", true},
		{"invalid UTF-8", "P2U-OK-\xff\xfe", true},
		{"empty", "", true},
		{"one too long", "P2U-OK-" + strings.Repeat("9", MaxBarcode-6), true},
		{"4 KB", strings.Repeat("A", 4096), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			_, err := e.client.Redeem(bg, "1248", "381", tc.code)
			uerr := e.client.Unredeem(bg, "1248", "381", tc.code)
			got := e.Received()
			if tc.refused {
				if ae := apiError(t, err); ae.Status != 0 || len(got) != 0 {
					t.Fatalf("not refused before sending: %v, %d requests", err, len(got))
				}
				if ae := apiError(t, uerr); ae.Status != 0 {
					t.Fatalf("unredeem not refused: %v", uerr)
				}
				return
			}
			if len(got) != 2 {
				t.Fatalf("%d requests", len(got))
			}
			for _, r := range got {
				path, query, _ := strings.Cut(r.URI, "?")
				seg := strings.Split(path, "/")
				want := []string{"", "v2", "checkout", "models", "1248", "campaigns", "381", "barcodes", "*", "records"}
				if len(seg) != len(want) {
					t.Fatalf("%d segments in %q", len(seg), path)
				}
				for i, w := range want {
					if w != "*" && seg[i] != w {
						t.Fatalf("segment %d of %q is %q", i, path, seg[i])
					}
				}
				if code, err := url.PathUnescape(seg[8]); err != nil || code != tc.code {
					t.Fatalf("segment %q unescapes to %q (%v)", seg[8], code, err)
				}
				if query != "account=till-sim" {
					t.Fatalf("query %q", query)
				}
			}
			if strings.HasPrefix(tc.code, "P2U-OK-") {
				// The Sim read back the very code: it redeemed and
				// unredeemed that pass.
				if err != nil || uerr != nil {
					t.Fatalf("redeem %v, unredeem %v", err, uerr)
				}
				if l := e.sim.Ledger(); len(l) != 2 || l[0].Barcode != tc.code {
					t.Fatalf("ledger %+v", l)
				}
			} else if ae := apiError(t, err); ae.Message != "Not valid barcode." {
				t.Fatalf("%v", err)
			}
		})
	}
}
