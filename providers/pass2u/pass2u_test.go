package pass2u

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"till/providers/pass2u/pass2usim"
)

var bg = context.Background()

func TestNewChecksTheConfiguration(t *testing.T) {
	good := Config{APIKey: testKey, Account: "till-1"}
	for _, tc := range []struct {
		name  string
		edit  func(*Config)
		field string
	}{
		{"no key", func(c *Config) { c.APIKey = "" }, "APIKey"},
		{"key with a space", func(c *Config) { c.APIKey = "TOPSECRET " + testKey }, "APIKey"},
		{"key with a line break", func(c *Config) { c.APIKey = testKey + "\r\nX: y" }, "APIKey"},
		{"no account", func(c *Config) { c.Account = " " }, "Account"},
		{"account with a control", func(c *Config) { c.Account = "a\x1b[2Jb" }, "Account"},
		{"account too long", func(c *Config) { c.Account = strings.Repeat("a", 201) }, "Account"},
		{"bad URL", func(c *Config) { c.BaseURL = "ftp://x" }, "BaseURL"},
		{"URL with credentials", func(c *Config) { c.BaseURL = "https://u:" + testKey + "@h/v2" }, "BaseURL"},
		{"negative timeout", func(c *Config) { c.Timeout = -time.Second }, "Timeout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.edit(&cfg)
			_, err := New(cfg)
			if err == nil || !strings.Contains(err.Error(), tc.field) {
				t.Fatalf("error %v does not name %s", err, tc.field)
			}
			noKey(t, err.Error())
			if strings.ContainsRune(err.Error(), 0x1b) {
				t.Fatalf("control character in %q", err)
			}
		})
	}
	c, err := New(good)
	if err != nil {
		t.Fatal(err)
	}
	if c.base != DefaultBaseURL || c.cfg.Timeout != DefaultTimeout {
		t.Fatalf("defaults: %s %v", c.base, c.cfg.Timeout)
	}
}

func TestNothingPrintsTheKey(t *testing.T) {
	cfg := Config{BaseURL: "https://api.example/v2/checkout", APIKey: testKey, Account: "till-1"}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Config is not marshalled (the till's configuration file holds it);
	// its printed forms are checked.
	noKey(t, fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg))
	noKey(t, c)
	if !strings.Contains(fmt.Sprint(cfg), "APIKey: set") {
		t.Fatalf("String: %v", cfg)
	}
}

func TestModels(t *testing.T) {
	e := newEnv(t, nil)
	got, err := e.client.Models(bg)
	if err != nil {
		t.Fatal(err)
	}
	var want []Model
	for _, m := range pass2usim.Models {
		wm := Model{ID: strconv.Itoa(m.ID), Name: m.Name}
		for _, c := range m.Campaigns {
			wm.Campaigns = append(wm.Campaigns, Campaign{ID: strconv.Itoa(c.ID), Name: c.Name})
		}
		want = append(want, wm)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("models\n got %v\nwant %v", got, want)
	}
}

func TestModelsErrors(t *testing.T) {
	for _, tc := range []struct {
		account, key string
		status       int
		reason       string
	}{
		{pass2usim.EmptyAccount, testKey, 404, "This account is not assigned for any campaign."},
		{pass2usim.NoAdminAccount, testKey, 401, reasonRefusedKey},
		{"someone-else", testKey, 401, reasonRefusedKey},
		{pass2usim.DefaultAccount, "wrong-key", 401, reasonRefusedKey},
	} {
		t.Run(tc.account+"/"+tc.key, func(t *testing.T) {
			e := newEnv(t, func(c *Config) { c.Account, c.APIKey = tc.account, tc.key })
			_, err := e.client.Models(bg)
			ae := apiError(t, err)
			if ae.Status != tc.status || ae.Reason() != tc.reason || ae.Retryable() {
				t.Fatalf("%d %q retryable %v", ae.Status, ae.Reason(), ae.Retryable())
			}
		})
	}
}

func TestModelsRetriesReads(t *testing.T) {
	e := newEnv(t, nil)
	e.sim.SetFault(pass2usim.Fault{Status500: 2})
	if _, err := e.client.Models(bg); err != nil {
		t.Fatal(err)
	}
	if n := len(e.Received()); n != 3 {
		t.Fatalf("%d requests, want 3", n)
	}
	e.sim.SetFault(pass2usim.Fault{Down: true})
	if _, err := e.client.Models(bg); !errors.Is(err, ErrNoAnswer) {
		t.Fatalf("down: %v", err)
	}
	if n := len(e.Sleeps()); n != 2+3 {
		t.Fatalf("%d sleeps, want 5", n)
	}
}

func TestRedeemWithLocation(t *testing.T) {
	e := newEnv(t, nil)
	r := e.redeemed("1248", "381", "P2U-OK-0001")
	wantLoc := e.srv.URL + basePath + "/models/1248/campaigns/381/barcodes/P2U-OK-0001/records/273"
	if r.Location != wantLoc || !r.Unredeemable || !r.CanUndo() || r.Barcode != "P2U-OK-0001" || len(r.DistributionID) != 12 {
		t.Fatalf("%+v", r)
	}
	if !r.RedeemedAt.Equal(epoch) {
		t.Fatalf("redeemedAt %v, want %v", r.RedeemedAt, epoch)
	}
	if p, _ := e.sim.Pass("P2U-OK-0001"); !p.Redeemed || p.CampaignID != "381" {
		t.Fatalf("sim: %+v", p)
	}
	_, err := e.client.Redeem(bg, "1248", "383", "P2U-OK-0001")
	if ae := apiError(t, err); !IsAlreadyRedeemed(err) || ae.Reason() != "The pass is already redeemed." {
		t.Fatalf("second redeem: %v", err)
	}
}

func TestRedeemWithoutLocation(t *testing.T) {
	e := newEnv(t, nil)
	r := e.redeemed("1250", "355", "P2U-OK-lesson")
	if r.Location != "" || r.Unredeemable || r.CanUndo() {
		t.Fatalf("%+v", r)
	}
	err := e.client.Unredeem(bg, "1250", "355", "P2U-OK-lesson")
	if ae := apiError(t, err); ae.Status != 400 || ae.Reason() != "This account is not allowed to redeem." {
		t.Fatalf("unredeem: %v", err)
	}
}

func TestUnredeem(t *testing.T) {
	e := newEnv(t, nil)
	if err := e.client.Unredeem(bg, "1248", "381", "P2U-OK-2"); !IsNotRedeemed(err) {
		t.Fatalf("not redeemed yet: %v", err)
	}
	for range 2 {
		e.redeemed("1248", "381", "P2U-OK-2")
		if err := e.client.Unredeem(bg, "1248", "381", "P2U-OK-2"); err != nil {
			t.Fatal(err)
		}
	}
	if p, _ := e.sim.Pass("P2U-OK-2"); p.Redeemed {
		t.Fatal("still redeemed")
	}
	var kinds []string
	for _, l := range e.sim.Ledger() {
		kinds = append(kinds, l.Kind)
	}
	if got := strings.Join(kinds, " "); got != "redeem unredeem redeem unredeem" {
		t.Fatalf("ledger %s", got)
	}
	if err := e.client.Unredeem(bg, "1248", "381", "P2U-USED-9"); err != nil {
		t.Fatalf("a pass used before can be unredeemed: %v", err)
	}
}

// TestEveryDocumentedMessage redeems and unredeems a pass of every kind
// the Sim knows, and checks that the clerk sees the document's message as
// it is.
func TestEveryDocumentedMessage(t *testing.T) {
	for _, tc := range []struct {
		barcode, model, campaign string
		status                   int
		redeem, unredeem         string
	}{
		{"P2U-USED-1", "1248", "381", 400, "The pass is already redeemed.", ""},
		{"P2U-EXPIRED-1", "1248", "381", 400, "The pass is expired.", ""},
		{"P2U-VOID-1", "1248", "381", 400, "The pass is voided.", ""},
		{"P2U-TBREFUND-1", "1248", "381", 400, "The pass of the TickeBao order is refunded.", ""},
		{"P2U-TBUSED-1", "1248", "381", 400, "The pass of the TickeBo order is redeemed.", "The pass of the TickeBao order is redeemed."},
		{"P2U-TBNONE-1", "1248", "381", 400, "No TicketBao order details for this pass.", ""},
		{"P2U-DISABLED-1", "1248", "381", 400, "This campaign is not enabled.", ""},
		{"P2U-NOTYET-1", "1248", "381", 400, "This campaign does not start yet.", ""},
		{"P2U-ENDED-1", "1248", "381", 400, "This campaign ends already.", ""},
		{"P2U-UNASSIGNED-1", "1248", "381", 400, "This account is not assigned for the campaign.", ""},
		{"P2U-NOREDEEM-1", "1248", "381", 400, "This account is not allowed to redeem.", ""},
		{"P2U-POINTS-1", "1248", "381", 400, "Point / credit / stamp campaign is not supported yet.", ""},
		{"UNKNOWN-1", "1248", "381", 404, "Not valid barcode.", ""},
		{"P2U-OK-1", "1248", "999", 404, "This campaign is not found.", ""},
		{"P2U-OK-1", "9999", "381", 404, "This campaign is not found.", ""},
	} {
		t.Run(tc.barcode+"/"+tc.campaign, func(t *testing.T) {
			e := newEnv(t, nil)
			_, err := e.client.Redeem(bg, tc.model, tc.campaign, tc.barcode)
			if ae := apiError(t, err); ae.Status != tc.status || ae.Reason() != tc.redeem || ae.Retryable() {
				t.Fatalf("redeem: %d %q", ae.Status, ae.Reason())
			}
			r := redemption(tc.barcode)
			r.ModelID, r.CampaignID = tc.model, tc.campaign
			out := e.Redeem(r)
			expect(t, out, "declined", "http_"+strconv.Itoa(tc.status))
			if out.Reason != tc.redeem || out.Retryable {
				t.Fatalf("outcome %+v", out)
			}
			if tc.barcode == "P2U-USED-1" {
				return // unredeem works: see TestUnredeem
			}
			if tc.unredeem == "" {
				tc.unredeem = tc.redeem
			}
			err = e.client.Unredeem(bg, tc.model, tc.campaign, tc.barcode)
			if ae := apiError(t, err); ae.Reason() != tc.unredeem {
				t.Fatalf("unredeem: %q", ae.Reason())
			}
			if len(e.sim.Ledger()) != 0 {
				t.Fatalf("ledger %+v", e.sim.Ledger())
			}
		})
	}
}

func TestMissingSegmentMessage(t *testing.T) {
	e := newEnv(t, nil)
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+basePath+"/models/1248/campaigns//barcodes/P2U-OK-1/records?account="+pass2usim.DefaultAccount, nil)
	req.Header.Set("x-api-key", testKey)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body := make([]byte, 512)
	n, _ := resp.Body.Read(body)
	resp.Body.Close()
	if e := e.client.decodeError(resp.StatusCode, body[:n]); e.Status != 400 || e.Reason() != "modelId, campaignId, or barcode must be assigned." {
		t.Fatalf("%d %q", e.Status, e.Reason())
	}
}

func TestServerErrors(t *testing.T) {
	e := newEnv(t, nil)
	e.sim.SetFault(pass2usim.Fault{Status500: 1})
	_, err := e.client.Redeem(bg, "1248", "381", "P2U-OK-1")
	if ae := apiError(t, err); ae.Status != 500 || !ae.Retryable() || ae.Reason() != reasonBusy || ae.Message != "Internal error." {
		t.Fatalf("%+v", ae)
	}
	if n := len(e.Received()); n != 1 {
		t.Fatalf("a redeem answered 500 was sent %d times", n)
	}
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, nil)
	e.sim.SetFault(pass2usim.Fault{RateLimit: 2, RetryAfter: 3 * time.Second})
	if _, err := e.client.Redeem(bg, "1248", "381", "P2U-OK-1"); err != nil {
		t.Fatal(err)
	}
	if s := e.Sleeps(); len(s) != 2 || s[0] < 3*time.Second || s[1] < 3*time.Second {
		t.Fatalf("sleeps %v: Retry-After not honoured", s)
	}
	e.sim.SetFault(pass2usim.Fault{RateLimit: 10, RetryAfter: 3 * time.Second})
	_, err := e.client.Redeem(bg, "1248", "381", "P2U-OK-2")
	if ae := apiError(t, err); ae.Status != 429 || ae.RetryAfter != 3*time.Second || !ae.Retryable() || ae.Reason() != reasonBusy {
		t.Fatalf("%+v", ae)
	}
	if p, _ := e.sim.Pass("P2U-OK-2"); p.Redeemed {
		t.Fatal("redeemed through a 429")
	}
}

func TestNoAnswer(t *testing.T) {
	for _, f := range []pass2usim.Fault{{DropAnswer: 1}, {Down: true}, {Slow: time.Minute}} {
		t.Run(fmt.Sprintf("%+v", f), func(t *testing.T) {
			e := newEnv(t, func(c *Config) { c.Timeout = 100 * time.Millisecond })
			e.sim.SetFault(f)
			_, err := e.client.Redeem(bg, "1248", "381", "P2U-OK-1")
			if !errors.Is(err, ErrNoAnswer) {
				t.Fatalf("%v", err)
			}
			noKey(t, err.Error())
			if errors.As(err, new(*Error)) {
				t.Fatal("a lost answer is not an *Error")
			}
			if n := len(e.Received()); n > 1 {
				t.Fatalf("a redeem without an answer was sent %d times", n)
			}
		})
	}
}
