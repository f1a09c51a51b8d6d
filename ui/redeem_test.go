package ui

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"till/providers"
	"till/providers/pass2u"
	"till/providers/pass2u/pass2usim"
	"till/store"
	"till/store/sale"
)

// passHarness is a till redeeming passes through the real Pass2U adapter
// against its simulator, with tea and cola (65.00) in the cart.
func passHarness(t *testing.T, defaultCampaign string) (*harness, *pass2usim.Sim) {
	t.Helper()
	return passHarnessWith(t, defaultCampaign, nil)
}

// passHarnessWith is passHarness with adjust applied to its options last.
func passHarnessWith(t *testing.T, defaultCampaign string, adjust func(*Options)) (*harness, *pass2usim.Sim) {
	t.Helper()
	sim := pass2usim.New()
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	client, err := pass2u.New(pass2u.Config{BaseURL: srv.URL, APIKey: pass2usim.DefaultAPIKey, Account: pass2usim.DefaultAccount})
	if err != nil {
		t.Fatal(err)
	}
	h := newHarnessWith(t, testDB(t), nil, func(o *Options) {
		o.Redeemer = client.Redeemer()
		o.Campaigns = map[string]sale.CouponEffect{
			"1248/381": {Kind: sale.EffectPercent, Percent: 1000},
			"1248/383": {Kind: sale.EffectItem, SKU: "GUM"},
		}
		o.DefaultCampaign = defaultCampaign
		o.PayTimeout = 5 * time.Second
		if adjust != nil {
			adjust(o)
		}
	})
	h.scan("4710088410122")
	h.scan("5449000000996")
	return h, sim
}

func TestRedeemACouponThenPay(t *testing.T) {
	h, sim := passHarness(t, "")
	h.key(tea.KeyF5)
	h.wantScreen("Campaigns", "Cake Shop Loyalty Card · 10% off", "NT$50 off  (no effect configured)")
	h.enter() // the first: 10% off
	h.wantScreen("10% off pass:")
	h.scan("P2U-OK-1")
	h.wantScreen("10% off: pass redeemed", "-6.50", "TOTAL TWD 58.50")
	if p, _ := sim.Pass("P2U-OK-1"); !p.Redeemed {
		t.Fatal("the pass was not redeemed")
	}
	h.key(tea.KeyF12)
	h.typeText("1")
	h.key(tea.KeyF5)
	h.wantScreen("Receipt 000001", "10% off", "-6.50", "TWD 58.50")
	s, _ := h.db.SaleByNumber(1)
	c := s.Lines[2].Coupon
	if c == nil || c.Status != sale.TenderApproved || c.Barcode != "P2U-OK-1" || s.Total != 5850 {
		t.Fatalf("sale %+v", s)
	}
	e, err := h.db.JournalGet(c.Key)
	if err != nil || e.State != store.OpDone || e.Kind != string(providers.KindRedeem) {
		t.Errorf("redeem entry %+v, %v", e, err)
	}
}

func TestRefusedPassSaysWhy(t *testing.T) {
	h, _ := passHarness(t, "1248/381")
	h.key(tea.KeyF5) // the default campaign: straight to the scan
	h.wantScreen("10% off pass:")
	h.scan("P2U-EXPIRED-1")
	h.wantScreen("Pass refused: The pass is expired.", "refused", "TOTAL TWD 65.00")
	if len(h.m.sale.OpenCoupons()) != 0 {
		t.Error("a refused pass is still open")
	}
}

func TestVoidingACouponGivesThePassBack(t *testing.T) {
	h, sim := passHarness(t, "1248/383")
	h.key(tea.KeyF5)
	h.scan("P2U-OK-gum")
	h.wantScreen("Free coffee: Mint gum", "free", "TOTAL TWD 65.00")
	h.key(tea.KeyF4) // the coupon line is selected: the last added
	l := h.m.sale.Lines[2]
	if !l.Voided || l.Coupon.UnredeemKey == "" {
		t.Fatalf("line %+v %+v", l, l.Coupon)
	}
	e, err := h.db.JournalGet(l.Coupon.UnredeemKey)
	if err != nil || e.State != store.OpQueued || !e.Deferrable || e.Kind != string(providers.KindUnredeem) {
		t.Fatalf("unredeem entry %+v, %v", e, err)
	}
	// The replay worker sends it.
	out := providers.Do(t.Context(), h.m.opt.Redeemer, decodeOp(t, e.Op))
	if p, _ := sim.Pass("P2U-OK-gum"); out.Status != providers.Approved || p.Redeemed {
		t.Errorf("%+v, still redeemed %v", out, p.Redeemed)
	}
}

func TestHostilePassCodes(t *testing.T) {
	h, sim := passHarness(t, "1248/381")
	h.key(tea.KeyF5)
	h.scan("P2U-OK-\x1b[2J\x07")
	h.wantScreen("That is not a pass barcode")
	h.scan("P2U-OK-" + strings.Repeat("9", 4096))
	h.wantScreen("That is not a pass barcode")
	if len(sim.Ledger()) != 0 {
		t.Fatal("a hostile code was sent")
	}
	// Slashes, dots and percent signs are the pass's own: sent as one
	// escaped path segment, shown as they are.
	h.scan("P2U-OK-a/../%2F b")
	if p, _ := sim.Pass("P2U-OK-a/../%2F b"); !p.Redeemed {
		t.Fatalf("ledger %+v", sim.Ledger())
	}
	if s := h.m.View().Content; strings.ContainsAny(s, "\x07") || strings.Contains(s, "\x1b[2J") {
		t.Error("a control sequence reached the screen")
	}
}

func TestPaymentWaitsForAPassInFlight(t *testing.T) {
	h, _ := passHarness(t, "1248/381")
	h.m.sale.Lines = append(h.m.sale.Lines, sale.Line{ID: 9, Name: "10% off", Qty: 1,
		Coupon: &sale.Coupon{Key: "k", Barcode: "x", Status: sale.TenderUnknown, Effect: sale.CouponEffect{Kind: sale.EffectPercent, Percent: 1000}}})
	h.key(tea.KeyF12)
	h.wantScreen("A pass is still being redeemed")
}

func TestAPassWhoseLineWasNotSavedIsNotWaitedFor(t *testing.T) {
	h, sim := passHarness(t, "1248/381")
	fs := &failingStore{Store: h.db}
	h.m.opt.Store = fs
	fs.fail = true
	h.key(tea.KeyF5)
	h.scan("P2U-OK-1")
	h.wantScreen("Not saved, last change undone")
	if len(sim.Ledger()) != 0 {
		t.Fatal("a pass whose line was not saved was sent")
	}
	fs.fail = false
	h.key(tea.KeyF5)
	h.scan("P2U-OK-2")
	h.wantScreen("10% off: pass redeemed")
}

func TestVoidingTheSaleGivesItsPassesBack(t *testing.T) {
	h, _ := passHarness(t, "1248/381")
	h.key(tea.KeyF5)
	h.scan("P2U-OK-sale")
	h.wantScreen("10% off: pass redeemed")
	h.key(tea.KeyF10)
	h.wantScreen("Void all 3 lines of this sale? Press F10 again")
	h.key(tea.KeyF10)
	h.wantScreen("Sale voided: 3 lines", "TOTAL TWD 0.00")
	c := h.m.sale.Lines[2].Coupon
	if e, err := h.db.JournalGet(c.UnredeemKey); err != nil || e.Kind != string(providers.KindUnredeem) || e.State != store.OpQueued {
		t.Fatalf("unredeem %+v, %v", e, err)
	}
	// A press of anything else in between asks again.
	h.scan("4710088410122")
	h.key(tea.KeyF10)
	h.key(tea.KeyDown)
	h.key(tea.KeyF10)
	h.wantScreen("Press F10 again", "TOTAL TWD 35.00")
}
