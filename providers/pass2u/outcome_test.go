package pass2u

import (
	"strings"
	"testing"
	"time"

	"till/providers"
	"till/providers/pass2u/pass2usim"
)

func TestRedeemOutcome(t *testing.T) {
	e := newEnv(t, nil)
	out := e.Redeem(redemption("P2U-OK-1"))
	expect(t, out, providers.Approved, "")
	if !strings.HasSuffix(out.Detail, "/barcodes/P2U-OK-1/records/273") || len(out.Reference) != 12 {
		t.Fatalf("%+v", out)
	}
	// A first redeem of a used pass is a plain refusal.
	out = e.Redeem(redemption("P2U-USED-1"))
	expect(t, out, providers.Declined, "http_400")
	if out.Reason != "The pass is already redeemed." {
		t.Fatalf("%+v", out)
	}
}

// TestLostAnswerThenReplay: the redeem went through but its answer was
// lost; sending it again answers "already redeemed".
func TestLostAnswerThenReplay(t *testing.T) {
	for _, f := range []pass2usim.Fault{{DropAnswer: 1}, {Status500After: 1}} {
		e := newEnv(t, nil)
		e.sim.SetFault(f)
		r := redemption("P2U-OK-lost")
		out := e.Redeem(r)
		if out.Status != providers.Unknown || !out.Retryable || out.Code == "http_429" {
			t.Fatalf("%+v: %+v", f, out)
		}
		if p, _ := e.sim.Pass(r.Barcode); !p.Redeemed {
			t.Fatal("the sim did not process it")
		}

		// Sent again by the same client, without Resent: a person checks.
		out = e.Redeem(r)
		expect(t, out, providers.Unknown, CodeAlreadyRedeemed)
		if out.Retryable || out.Reason != reasonCheckPass {
			t.Fatalf("%+v", out)
		}

		// Resent: the till says it sent it before.
		r.Resent = true
		out = e.Redeem(r)
		expect(t, out, providers.Approved, CodeAlreadyRedeemed)

		// After a restart the client remembers nothing: without Resent,
		// "already redeemed" reads as a pass used elsewhere.
		r.Resent = false
		fresh := e.newClient(e.client.cfg)
		if out := fresh.RedeemOutcome(bg, r); out.Status != providers.Declined {
			t.Fatalf("%+v", out)
		}
		if n := len(e.sim.Ledger()); n != 1 {
			t.Fatalf("%d redemptions", n)
		}
	}
}

func TestReplayAfterUnprocessed500(t *testing.T) {
	e := newEnv(t, nil)
	e.sim.SetFault(pass2usim.Fault{Status500: 1})
	r := redemption("P2U-OK-500")
	out := e.Redeem(r)
	expect(t, out, providers.Unknown, "http_500")
	if !out.Retryable {
		t.Fatalf("%+v", out)
	}
	r.Resent = true
	out = e.Redeem(r)
	expect(t, out, providers.Approved, "")
	if out.Reference == "" {
		t.Fatalf("not a fresh redemption: %+v", out)
	}
}

func TestRateLimitedOutcome(t *testing.T) {
	e := newEnv(t, nil)
	e.sim.SetFault(pass2usim.Fault{RateLimit: 10, RetryAfter: 2 * time.Second})
	out := e.Redeem(redemption("P2U-OK-busy"))
	expect(t, out, providers.Unknown, "http_429")
	if !out.Retryable || out.RetryAfter != 2*time.Second || out.Reason != reasonBusy {
		t.Fatalf("%+v", out)
	}
	// A 429 was never processed: it does not make a later "already
	// redeemed" doubtful.
	e.sim.SetFault(pass2usim.Fault{})
	if out := e.Redeem(redemption("P2U-OK-busy")); out.Status != providers.Approved {
		t.Fatalf("%+v", out)
	}
}

func TestUnredeemOutcome(t *testing.T) {
	e := newEnv(t, nil)
	r := redemption("P2U-OK-undo")
	expect(t, e.Unredeem(r), providers.Approved, CodeNotRedeemed)
	expect(t, e.Redeem(r), providers.Approved, "")
	expect(t, e.Unredeem(r), providers.Approved, "")
	// Replayed: nothing left to undo.
	expect(t, e.Unredeem(r), providers.Approved, CodeNotRedeemed)

	e.sim.SetFault(pass2usim.Fault{DropAnswer: 1})
	expect(t, e.Redeem(r), providers.Unknown, CodeNoAnswer)
	e.sim.SetFault(pass2usim.Fault{DropAnswer: 1})
	out := e.Unredeem(r)
	expect(t, out, providers.Unknown, CodeNoAnswer)
	if !out.Retryable || !strings.Contains(out.Reason, "cancellation") {
		t.Fatalf("%+v", out)
	}
	expect(t, e.Unredeem(r), providers.Approved, CodeNotRedeemed)
	if p, _ := e.sim.Pass(r.Barcode); p.Redeemed {
		t.Fatal("still redeemed")
	}
}

func TestOutcomeRefusedBeforeSending(t *testing.T) {
	e := newEnv(t, nil)
	for _, r := range []Redemption{
		{Key: "", ModelID: "1248", CampaignID: "381", Barcode: "P2U-OK-1"},
		{Key: "k", ModelID: "1248", CampaignID: "381", Barcode: ""},
		{Key: "k", ModelID: "", CampaignID: "381", Barcode: "P2U-OK-1"},
		{Key: "k", ModelID: "1248", CampaignID: "3/81", Barcode: "P2U-OK-1"},
		{Key: "k", ModelID: "1248", CampaignID: "381", Barcode: "P2U-OK-\x00"},
	} {
		for _, out := range []providers.Outcome{e.Redeem(r), e.Unredeem(r)} {
			expect(t, out, providers.Declined, CodeNotSent)
			if !strings.HasPrefix(out.Reason, "Nothing was sent") {
				t.Fatalf("%+v", out)
			}
		}
	}
	if n := len(e.Received()); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

func TestRedeemerRunsJournaledOps(t *testing.T) {
	e := newEnv(t, nil)
	r := e.client.Redeemer()
	cs, err := r.Campaigns(bg)
	if err != nil || len(cs) != 5 || cs[0] != (providers.Campaign{Model: "1248", ModelName: "Cake Shop Loyalty Card", ID: "381", Name: "10% off"}) {
		t.Fatalf("campaigns %+v, %v", cs, err)
	}
	op := providers.Op{Provider: "pass2u", Kind: providers.KindRedeem, Key: "k-1", SaleID: "S-1",
		Pass: &providers.Pass{Model: "1248", Campaign: "381", Barcode: "P2U-OK-op"}, Created: epoch}
	expect(t, noKey(t, providers.Do(bg, r, op)), providers.Approved, "")
	// The replay after a restart says it may have been sent: the pass
	// found redeemed is this op's.
	op.Resend = true
	expect(t, noKey(t, providers.Do(bg, r, op)), providers.Approved, CodeAlreadyRedeemed)
	op.Kind = providers.KindUnredeem
	expect(t, noKey(t, providers.Do(bg, r, op)), providers.Approved, "")
	if p, _ := e.sim.Pass("P2U-OK-op"); p.Redeemed {
		t.Error("still redeemed after the unredeem")
	}
	if out := providers.Do(bg, r, providers.Op{Kind: providers.KindPay, Key: "k-2"}); out.Status != providers.Declined || out.Code != "invalid_operation" {
		t.Errorf("a pass provider took a payment: %+v", out)
	}
}
