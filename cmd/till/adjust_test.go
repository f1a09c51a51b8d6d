package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"till/providers"
	"till/providers/cancan"
	"till/providers/sims"
	"till/store/sale"
)

// walletSale completes a sale paid by WeChat Pay through the simulators
// and returns the database, a config pointing at them, and the server.
func walletSale(t *testing.T) (db, cfgPath string, srv *sims.Server) {
	t.Helper()
	isolate(t)
	srv, url := simsOn(t)
	dir := t.TempDir()
	cfgPath = tillConfig(t, dir, fmt.Sprintf(`[payments]
wallets = ["wechat"]
[providers.cancan]
base_url = %q
api_key = %q
poll_interval = "10ms"
[providers.cancan.gateways]
wechat = %q
`, sims.CancanURL(url), sims.CancanAPIKey, sims.CancanGateways["wechat"]))
	cc, err := cancan.New(cancan.Config{BaseURL: sims.CancanURL(url), APIKey: sims.CancanAPIKey, Gateways: sims.CancanGateways})
	if err != nil {
		t.Fatal(err)
	}
	key := uuid.NewString()
	out := cc.Pay(context.Background(), providers.Op{Kind: providers.KindPay, Key: key, SaleID: "s1", Wallet: "wechat",
		Amount: 10000, Currency: "TWD", PaymentCode: "134567890123459999", Created: time.Now()})
	if out.Status != providers.Approved {
		t.Fatalf("pay: %+v", out)
	}
	tax := fixtureTax
	s := sale.New("s1", "TWD", time.Now())
	if _, err := s.Add(sale.Item{SKU: "A", Name: "A", Price: 10000, TaxClass: "standard"}, "A", 10000, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartTender(tax, "WeChat Pay", "cancan", "wechat", key, 10000, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.SettleTender(key, sale.TenderApproved, out.Reference, ""); err != nil {
		t.Fatal(err)
	}
	return completedDB(t, dir, s), cfgPath, srv
}

func adjustments(t *testing.T, db string) []sale.Adjustment {
	t.Helper()
	code, stdout, stderr := runTill(t, "sales", "--json", "--db", db)
	if code != 0 {
		t.Fatal(stderr)
	}
	var sales []saleJSON
	if err := json.Unmarshal([]byte(stdout), &sales); err != nil || len(sales) != 1 {
		t.Fatalf("sales: %v %s", err, stdout)
	}
	return sales[0].Adjustments
}

func TestPartialRefundsThenTheRest(t *testing.T) {
	db, cfg, srv := walletSale(t)
	code, stdout, stderr := runTill(t, "refund", "--receipt", "1", "--amount", "30", "--config", cfg, "--db", db)
	if code != 0 || !strings.Contains(stdout, "refund of 30.00 WeChat Pay on receipt 000001: done") {
		t.Fatalf("refund: %d %s %s", code, stdout, stderr)
	}
	code, _, stderr = runTill(t, "refund", "--receipt", "1", "--amount", "80", "--config", cfg, "--db", db)
	if code != 1 || !strings.Contains(stderr, "at most what is left") {
		t.Fatalf("refund over what is left: %d %s", code, stderr)
	}
	if code, _, stderr = runTill(t, "refund", "--receipt", "1", "--config", cfg, "--db", db); code != 0 {
		t.Fatalf("refund of the rest: %s", stderr)
	}
	adj := adjustments(t, db)
	if len(adj) != 2 || adj[0].Amount != 3000 || adj[1].Amount != 7000 || adj[1].Status != sale.TenderApproved {
		t.Fatalf("adjustments = %+v", adj)
	}
	refunds := 0
	for _, tx := range srv.Cancan.Ledger() {
		if tx.Type == "refund" {
			refunds++
		}
	}
	if refunds != 2 {
		t.Errorf("the gateway holds %d refunds, want exactly 2", refunds)
	}
	if code, _, stderr = runTill(t, "void", "--receipt", "1", "--config", cfg, "--db", db); code != 1 {
		t.Errorf("void after full refund: %d %s", code, stderr)
	}
}

func TestVoidAWalletPayment(t *testing.T) {
	db, cfg, srv := walletSale(t)
	code, stdout, stderr := runTill(t, "void", "--receipt", "1", "--config", cfg, "--db", db)
	if code != 0 || !strings.Contains(stdout, "void of 100.00 WeChat Pay") {
		t.Fatalf("void: %d %s %s", code, stdout, stderr)
	}
	if adj := adjustments(t, db); len(adj) != 1 || adj[0].Kind != sale.AdjustVoid || adj[0].Status != sale.TenderApproved {
		t.Fatalf("adjustments = %+v", adj)
	}
	voids := 0
	for _, tx := range srv.Cancan.Ledger() {
		if tx.Type == "void" {
			voids++
		}
	}
	if voids != 1 {
		t.Errorf("the gateway holds %d voids", voids)
	}
	if code, _, stderr := runTill(t, "refund", "--receipt", "2", "--config", cfg, "--db", db); code != 1 || !strings.Contains(stderr, "not found") {
		t.Errorf("missing receipt: %d %s", code, stderr)
	}
}
