package ticketbao

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"till/providers/httpx/httpxtest"
	"till/providers/ticketbao/ticketbaosim"
)

// last returns the last request to route.
func (e *env) last(route string) httpxtest.Recorded {
	e.t.Helper()
	reqs := e.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if strings.HasSuffix(reqs[i].Path, "/"+route) {
			return reqs[i]
		}
	}
	e.t.Fatalf("no request to %s", route)
	return httpxtest.Recorded{}
}

// The document's example values.
const (
	goldenProduct = ticketbaosim.ProductAdult // 02955ccca3352ef0734a4aecc9f86083
	goldenChannel = "P00001"
)

// checkGolden compares the request r with testdata/NAME.golden.
func checkGolden(t *testing.T, name string, r httpxtest.Recorded) {
	t.Helper()
	httpxtest.Golden(t, name, httpxtest.Request(r.Method, r.Path, r.Header, r.Body, func(_, v string) (string, bool) { return strings.ReplaceAll(v, testKey, "[redacted]"), true }))
}

func TestGoldenRequests(t *testing.T) {
	gen := GenerateRequest{ChannelOrderID: goldenChannel, ProductSaleID: goldenProduct, Quantity: 2, MailTo: "kan@gmail.com"}
	t.Run("generate", func(t *testing.T) {
		e := newEnv(t, nil, nil)
		if _, err := e.c.Generate(ctx, gen); err != nil {
			t.Fatal(err)
		}
		checkGolden(t, "generate", e.last("generate"))
	})
	t.Run("generate for order pickup", func(t *testing.T) {
		e := newEnv(t, nil, nil)
		if _, err := e.c.Generate(ctx, GenerateRequest{ChannelOrderID: goldenChannel, ProductSaleID: goldenProduct, Quantity: 1, PickupType: PickupOrder}); err != nil {
			t.Fatal(err)
		}
		checkGolden(t, "generate_order", e.last("generate"))
	})
	t.Run("query", func(t *testing.T) {
		e := newEnv(t, nil, nil)
		o := e.sale(goldenChannel, 1)
		if _, err := e.c.Query(ctx, QueryRequest{Pass2UOrderID: o.Pass2UOrderID, ProductSaleID: goldenProduct, PickupType: PickupOrder}); err != nil {
			t.Fatal(err)
		}
		checkGolden(t, "query_pass2u", e.last("query"))
		if _, err := e.c.Query(ctx, QueryRequest{ChannelOrderID: goldenChannel, ProductSaleID: goldenProduct}); err != nil {
			t.Fatal(err)
		}
		checkGolden(t, "query_channel", e.last("query"))
	})
	t.Run("refund", func(t *testing.T) {
		e := newEnv(t, nil, nil)
		o, err := e.c.Generate(ctx, gen)
		if err != nil {
			t.Fatal(err)
		}
		req := refundOf(o, 2, 0)
		req.MailTo = "kan@gmail.com"
		if _, err := e.c.Refund(ctx, req); err != nil {
			t.Fatal(err)
		}
		checkGolden(t, "refund", e.last("refund"))
	})
}

// TestGoldenFilesAreWhatTheDocumentAsks checks the golden files against
// the document's paths, headers and member names (NOTES' reading),
// independently of the code that wrote them.
func TestGoldenFilesAreWhatTheDocumentAsks(t *testing.T) {
	headers := []string{
		"Accept: application/json\n",
		"Authorization: [redacted]\n",
		"Content-Type: application/json; charset=utf-8\n",
	}
	base := "POST " + ticketbaosim.DefaultBasePath
	for name, members := range map[string][]string{
		"generate":       {base + "/generate\n", `"productSaleId":"02955ccca3352ef0734a4aecc9f86083"`, `"channelOrderId":"P00001"`, `"mailTo":"kan@gmail.com"`, `"quantity":2`, `"pickupType":"voucher"`},
		"generate_order": {base + "/generate\n", `"channelOrderId":"P00001"`, `"quantity":1`, `"pickupType":"order"`},
		"query_pass2u":   {base + "/query\n", `"pass2uOrderId":"TB000000000001"`, `"productSaleId":"02955ccca3352ef0734a4aecc9f86083"`, `"pickupType":"order"`},
		"query_channel":  {base + "/query\n", `"channelOrderId":"P00001"`, `"productSaleId":"02955ccca3352ef0734a4aecc9f86083"`, `"pickupType":"voucher"`},
		"refund":         {base + "/refund\n", `"pass2uOrderId":"TB000000000001"`, `"productSaleId":"02955ccca3352ef0734a4aecc9f86083"`, `"channelOrderId":"P00001"`, `"mailTo":"kan@gmail.com"`, `"pickupType":"voucher"`, `"quantity":2`},
	} {
		b, err := os.ReadFile(filepath.Join("testdata", name+".golden"))
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		for _, m := range append(members, headers...) {
			if !strings.Contains(s, m) {
				t.Errorf("%s lacks %q", name, m)
			}
		}
		if strings.Contains(s, testKey) || strings.Contains(s, "Bearer") {
			t.Errorf("%s shows the key or a scheme word", name)
		}
		switch {
		case strings.HasPrefix(name, "generate") && strings.Contains(s, "pass2uOrderId"),
			strings.HasPrefix(name, "query") && (strings.Contains(s, `"quantity"`) || strings.Contains(s, "pass2uOrderId") == strings.Contains(s, "channelOrderId")),
			strings.Contains(s, "quanity") || strings.Contains(s, "expirationDate"):
			t.Errorf("%s has a member it should not", name)
		}
	}
}
