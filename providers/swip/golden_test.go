package swip

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"till/providers"
	"till/providers/httpx/httpxtest"
	"till/providers/swip/swipsim"
)

// The document's own example ids.
const (
	goldenOrder   = "1374289e-12fd-47e1-b111-0c6ae5568ff1"
	goldenCashier = "77527945-9a53-4849-a732-bd8736b39144"
)

// find returns the last request to a path ending in suffix.
func (e *env) find(method, suffix string) httpxtest.Recorded {
	e.t.Helper()
	reqs := e.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Method == method && strings.HasSuffix(reqs[i].Path, suffix) {
			return reqs[i]
		}
	}
	e.t.Fatalf("no %s …%s", method, suffix)
	return httpxtest.Recorded{}
}

func goldenEnv(t *testing.T, sim ...swipsim.Option) *env {
	return newEnv(t, setup{sim: sim, cfg: func(c *Config) { c.Cashier, c.CashierID = "Cashier name", goldenCashier }})
}

// checkGolden compares the request r with testdata/NAME.golden.
func checkGolden(t *testing.T, name string, r httpxtest.Recorded) {
	t.Helper()
	httpxtest.Golden(t, name, httpxtest.Request(r.Method, r.Path, r.Header, r.Body, nil))
}

func TestGoldenRequests(t *testing.T) {
	ctx := context.Background()
	cart := []Line{
		{ProductID: "TEA-500", Name: "烏龍茶 Oolong tea 500ml", Quantity: 3, Price: 3500, Amount: 10500},
		{ProductID: "BANANA", Name: "Bananas (per kg)", Quantity: 500, Grams: true, Price: 7000, Amount: 3500},
		{ProductID: "SYRUP", ParentID: "TEA-500", Name: `Syrup "extra" & <ice>`, Quantity: 1, Price: 0, Amount: 0},
	}
	t.Run("create", func(t *testing.T) {
		e := goldenEnv(t)
		op := e.payOp(5000)
		op.Key, op.SaleID = goldenOrder, "11"
		expect(t, e.Pay(op), providers.Pending)
		checkGolden(t, "create", e.find("POST", "/orders"))
	})
	t.Run("create with the cart", func(t *testing.T) {
		e := goldenEnv(t)
		if _, err := e.client.CreateOrder(ctx, OrderRequest{ID: goldenOrder, Number: "S-1001", Lines: cart, Total: 14000}); err != nil {
			t.Fatal(err)
		}
		checkGolden(t, "create_cart", e.find("POST", "/orders"))
	})
	t.Run("get", func(t *testing.T) {
		e := goldenEnv(t)
		e.Lookup(goldenOrder)
		checkGolden(t, "get", e.find("GET", goldenOrder))
	})
	t.Run("close", func(t *testing.T) {
		e := goldenEnv(t, swipsim.WithAutoPay(1, "member-001"))
		op := e.payOp(5000)
		op.Key = goldenOrder
		e.Pay(op)
		expect(t, e.Follow(op), providers.Approved)
		checkGolden(t, "close", e.find("POST", "/actions/close"))
	})
	t.Run("close with 0 at the end of the window", func(t *testing.T) {
		e := goldenEnv(t)
		op := e.payOp(5000)
		op.Key = goldenOrder
		e.Pay(op)
		expect(t, e.Follow(op), providers.Declined)
		checkGolden(t, "close_zero", e.find("POST", "/actions/close"))
	})
	t.Run("cancel", func(t *testing.T) {
		e := goldenEnv(t)
		op := e.payOp(5000)
		op.Key = goldenOrder
		e.Pay(op)
		expect(t, e.Void(e.op(providers.KindVoid, goldenOrder, 0)), providers.Approved)
		checkGolden(t, "cancel", e.find("POST", "/actions/close"))
	})
	t.Run("refund", func(t *testing.T) {
		e := goldenEnv(t, swipsim.WithAutoPay(1, "guest"))
		op := e.payOp(5000)
		op.Key = goldenOrder
		e.Pay(op)
		e.Follow(op)
		expect(t, e.Refund(e.op(providers.KindRefund, goldenOrder, 2500)), providers.Approved)
		checkGolden(t, "refund", e.find("POST", "/refunds"))
	})
	t.Run("reverse", func(t *testing.T) {
		e := goldenEnv(t, swipsim.WithAutoPay(1, "guest"))
		op := e.payOp(5000)
		op.Key = goldenOrder
		e.Pay(op)
		e.Follow(op)
		if _, err := e.client.Reverse(ctx, goldenOrder, 2500); err != nil {
			t.Fatal(err)
		}
		checkGolden(t, "reverse", e.find("POST", "/reverses"))
	})
	t.Run("loyalty calculation", func(t *testing.T) {
		e := goldenEnv(t)
		if _, err := e.client.LoyaltyCalculation(ctx, LoyaltyRequest{ID: goldenOrder, Lines: cart[:1], Total: 10500}); err != nil {
			t.Fatal(err)
		}
		checkGolden(t, "loyalty", e.find("POST", "/loyalty-calculations"))
	})
}

// TestGoldenFilesAreWhatTheDocumentAsks checks the golden files against the
// document's paths, headers and member names, independently of the code
// that wrote them.
func TestGoldenFilesAreWhatTheDocumentAsks(t *testing.T) {
	headers := []string{
		"Authorization: Bearer " + testToken + "\n",
		"X-Merchant-ID: ABCD\n",
		"X-Store-ID: Test storeID\n",
		"X-Cash-ID: 1231\n",
		"Api-Version: 3\n",
	}
	json := "Content-Type: application/json\n"
	for name, members := range map[string][]string{
		"create":      {"POST /orders\n", json, `"merchantOrderId":"` + goldenOrder + `"`, `"merchantOrderNumber":"11"`, `"merchantCashier":"Cashier name"`, `"merchantCashierId":"` + goldenCashier + `"`, `"purchases":[{"id":"`, `"name":"Sale 11"`, `"quantity":1,"unit":"PIECES","price":50.00,"amount":50.00}]`, `"saleDate":1795253400000`, `"sessionCode":""`, `"total":50.00,"totalOriginal":50.00}`},
		"create_cart": {"POST /orders\n", `"productId":"TEA-500","name":"烏龍茶 Oolong tea 500ml","quantity":3,"unit":"PIECES","price":35.00,"amount":105.00`, `"quantity":0.500,"unit":"KILOGRAMS","price":70.00,"amount":35.00`, `"parentId":"TEA-500"`, `"total":140.00,"totalOriginal":140.00`},
		"get":         {"GET /orders/" + goldenOrder + "\n"},
		"close":       {"POST /orders/" + goldenOrder + "/actions/close\n", json, "\n{\"amount\":45.00}\n"},
		"close_zero":  {"POST /orders/" + goldenOrder + "/actions/close\n", json, "\n{\"amount\":0.00}\n"},
		"cancel":      {"POST /orders/" + goldenOrder + "/actions/close\n"},
		"refund":      {"POST /refunds\n", json, `{"amount":25.00,"merchantId":"ABCD","merchantOrderId":"` + goldenOrder + `"}`},
		"reverse":     {"POST /reverses\n", json, `{"amount":25.00,"merchantId":"ABCD","merchantOrderId":"` + goldenOrder + `"}`},
		"loyalty":     {"POST /loyalty-calculations\n", json, `{"merchantOrderId":"` + goldenOrder + `","purchases":[`, `"total":105.00}`},
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
		if (name == "get" || name == "cancel") && (strings.Contains(s, "Content-Type") || !strings.HasSuffix(s, "\n\n\n")) {
			t.Errorf("%s has a body", name)
		}
	}
}
