package sims

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"till/providers"
	"till/providers/cancan"
	"till/providers/ipass"
	"till/providers/pass2u"
	"till/providers/ticketbao"
	"till/providers/ticketbao/ticketbaosim"
)

// The demo's wiring: adapters configured with this package's URLs and
// credentials pay through the simulators, and the control API's faults
// reach them.
func TestAdaptersPayThroughTheServer(t *testing.T) {
	srv := httptest.NewServer(New())
	defer srv.Close()
	cc, err := cancan.New(cancan.Config{BaseURL: CancanURL(srv.URL), APIKey: CancanAPIKey, Gateways: CancanGateways,
		PollInterval: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ip, err := ipass.New(ipass.Config{BaseURL: IPassURL(srv.URL), Token: IPassToken, StoreID: IPassStoreID,
		ShopStoreID: "00681", TerminalID: "T1"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	op := providers.Op{Kind: providers.KindPay, Key: uuid.NewString(), SaleID: "s1", Wallet: "wechat",
		Amount: 3500, Currency: "TWD", PaymentCode: "134567890123459999", Created: time.Now()}
	if out := cc.Pay(ctx, op); out.Status != providers.Approved {
		t.Fatalf("CANCAN: %+v", out)
	}
	op.Key, op.Wallet, op.PaymentCode = uuid.NewString(), "ipass", "96A1OABQAAFmIVAV1234"
	op.OrderNumber = op.Key
	if out := ip.Pay(ctx, op); out.Status != providers.Approved {
		t.Fatalf("iPASS: %+v", out)
	}

	resp, err := http.Post(srv.URL+"/_control/ipass/fault", "application/json", strings.NewReader(`{"rate_limit":1,"retry_after_ms":1000}`))
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("control: %v %v", resp, err)
	}
	resp, _ = http.Post(srv.URL+"/_control/ipass/fault", "application/json", strings.NewReader(`{"bogus":1}`))
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown fault field: %d", resp.StatusCode)
	}
	if n := ledgerLen(t, srv.URL+"/_control/cancan/ledger"); n != 1 {
		t.Errorf("CANCAN ledger holds %d transactions, want 1", n)
	}
	if n := ledgerLen(t, srv.URL+"/_control/ipass/ledger"); n != 1 {
		t.Errorf("iPASS ledger holds %d payments, want 1", n)
	}
}

func ledgerLen(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("ledger: %v %v", resp, err)
	}
	defer resp.Body.Close()
	var entries []json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&entries); err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// The pass providers are served too, with the same control API.
func TestPassesAndTicketsThroughTheServer(t *testing.T) {
	srv := httptest.NewServer(New())
	defer srv.Close()
	p2u, err := pass2u.New(pass2u.Config{BaseURL: Pass2UURL(srv.URL), APIKey: Pass2UAPIKey, Account: Pass2UAccount})
	if err != nil {
		t.Fatal(err)
	}
	tb, err := ticketbao.New(ticketbao.Config{BaseURL: TicketBaoURL(srv.URL), APIKey: TicketBaoAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if cs, err := p2u.Redeemer().Campaigns(ctx); err != nil || len(cs) == 0 {
		t.Fatalf("Pass2U campaigns: %v, %v", cs, err)
	}
	if _, err := p2u.Redeem(ctx, "1248", "381", "P2U-OK-sims"); err != nil {
		t.Fatalf("Pass2U redeem: %v", err)
	}
	if _, err := tb.Generate(ctx, ticketbao.GenerateRequest{ChannelOrderID: "s1", ProductSaleID: ticketbaosim.ProductAdult, Quantity: 2}); err != nil {
		t.Fatalf("TicketBao generate: %v", err)
	}
	for _, name := range []string{"pass2u", "ticketbao"} {
		if n := ledgerLen(t, srv.URL+"/_control/"+name+"/ledger"); n != 1 {
			t.Errorf("%s ledger holds %d entries, want 1", name, n)
		}
		resp, err := http.Post(srv.URL+"/_control/"+name+"/fault", "application/json", strings.NewReader(`{"down":true}`))
		if err != nil || resp.StatusCode != http.StatusNoContent {
			t.Fatalf("%s control: %v %v", name, resp, err)
		}
	}
	if _, err := p2u.Redeem(ctx, "1248", "381", "P2U-OK-down"); err == nil {
		t.Error("Pass2U answered while down")
	}
}
