package pass2usim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

var epoch = time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC)

type simEnv struct {
	t   *testing.T
	sim *Sim
	srv *httptest.Server
}

func newSim(t *testing.T) *simEnv {
	s := New(WithClock(func() time.Time { return epoch }))
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &simEnv{t, s, srv}
}

// do sends a request with the default key; uri is the path and query as
// they go on the wire. It returns the status, the Location and the
// message or body.
func (e *simEnv) do(method, uri, key string) (int, string, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+uri, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("x-api-key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var m struct{ Message string }
	if json.Unmarshal(body, &m) == nil && m.Message != "" {
		return resp.StatusCode, resp.Header.Get("Location"), m.Message
	}
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

const records = "/models/1248/campaigns/381/barcodes/"

func q(account string) string { return "/records?account=" + account }

func TestCredentials(t *testing.T) {
	e := newSim(t)
	for _, tc := range []struct {
		method, uri, key string
		status           int
		msg              string
	}{
		{"GET", "/models?account=" + DefaultAccount, "", 401, "API key is not valid."},
		{"GET", "/models?account=" + DefaultAccount, "wrong", 401, "API key is not valid."},
		{"GET", "/models", DefaultAPIKey, 401, "This account is not valid."},
		{"GET", "/models?account=other", DefaultAPIKey, 401, "This account is not valid."},
		{"GET", "/models?account=" + NoAdminAccount, DefaultAPIKey, 401, "No admin account."},
		{"GET", "/models?account=" + EmptyAccount, DefaultAPIKey, 404, "This account is not assigned for any campaign."},
		{"POST", records + "P2U-OK-1" + q(EmptyAccount), DefaultAPIKey, 404, "This account is not assigned for any campaign."},
		{"POST", records + "P2U-OK-1" + q("other"), DefaultAPIKey, 401, "This account is not valid."},
		{"POST", "/models/1248/campaigns//barcodes/P2U-OK-1" + q(DefaultAccount), DefaultAPIKey, 400, "modelId, campaignId, or barcode must be assigned."},
		{"POST", "/models/1248/campaigns/381/barcodes/?account=" + DefaultAccount, DefaultAPIKey, 404, "Not found."},
		{"POST", records + "P2U-OK-a/b" + q(DefaultAccount), DefaultAPIKey, 404, "Not found."},
		{"PUT", records + "P2U-OK-1" + q(DefaultAccount), DefaultAPIKey, 405, "Method not allowed."},
		{"POST", "/models?account=" + DefaultAccount, DefaultAPIKey, 405, "Method not allowed."},
	} {
		if st, _, msg := e.do(tc.method, tc.uri, tc.key); st != tc.status || msg != tc.msg {
			t.Errorf("%s %s: %d %q, want %d %q", tc.method, tc.uri, st, msg, tc.status, tc.msg)
		}
	}
	if l := e.sim.Ledger(); len(l) != 0 {
		t.Fatalf("ledger %+v", l)
	}
}

func TestModelsAnswer(t *testing.T) {
	e := newSim(t)
	st, _, body := e.do("GET", "/models?account="+DefaultAccount, DefaultAPIKey)
	want := `[{"campaigns":[{"name":"10% off","id":381},{"name":"NT$50 off","id":382},{"name":"Free coffee","id":383}],"modelId":1248,"name":"Cake Shop Loyalty Card"},` +
		`{"campaigns":[{"name":"12/10 Lesson","id":355},{"name":"12/11 Lesson","id":356}],"modelId":1250,"name":"Cake Shop Cooking Class"}]`
	if st != 200 || body != want {
		t.Fatalf("%d %s", st, body)
	}
}

func TestRedeemAndUnredeem(t *testing.T) {
	e := newSim(t)
	uri := records + "P2U-OK-a%2Fb%20c" + q(DefaultAccount)
	st, loc, body := e.do("POST", uri, DefaultAPIKey)
	if st != 201 || loc != e.srv.URL+records+"P2U-OK-a%2Fb%20c/records/273" {
		t.Fatalf("%d %q %s", st, loc, body)
	}
	if want := `{"distributionId":"` + distributionID("P2U-OK-a/b c") + `","unredeemable":true,"redeemedAt":"2026-11-21T17:30:00","barcode":"P2U-OK-a/b c"}`; body != want {
		t.Fatalf("body %s", body)
	}
	p, ok := e.sim.Pass("P2U-OK-a/b c")
	if !ok || !p.Redeemed || p.ModelID != "1248" || p.CampaignID != "381" || p.Record != 273 || !p.RedeemedAt.Equal(epoch) {
		t.Fatalf("%+v", p)
	}
	if st, _, msg := e.do("POST", strings.Replace(uri, "381", "383", 1), DefaultAPIKey); st != 400 || msg != "The pass is already redeemed." {
		t.Fatalf("%d %q", st, msg)
	}
	if st, _, body := e.do("DELETE", uri, DefaultAPIKey); st != 204 || body != "" {
		t.Fatalf("%d %q", st, body)
	}
	if st, _, msg := e.do("DELETE", uri, DefaultAPIKey); st != 400 || msg != "The pass was not redeemed." {
		t.Fatalf("%d %q", st, msg)
	}
	l := e.sim.Ledger()
	if len(l) != 2 || l[0].Kind != "redeem" || l[1].Kind != "unredeem" || l[1].Record != 273 || l[1].Barcode != "P2U-OK-a/b c" {
		t.Fatalf("%+v", l)
	}
	// Without Undo: no Location, no unredeem.
	lesson := "/models/1250/campaigns/355/barcodes/P2U-OK-x" + q(DefaultAccount)
	if st, loc, body := e.do("POST", lesson, DefaultAPIKey); st != 201 || loc != "" || !strings.Contains(body, `"unredeemable":false`) {
		t.Fatalf("%d %q %s", st, loc, body)
	}
	if st, _, msg := e.do("DELETE", lesson, DefaultAPIKey); st != 400 || msg != "This account is not allowed to redeem." {
		t.Fatalf("%d %q", st, msg)
	}
	if _, ok := e.sim.Pass("NOPE"); ok {
		t.Fatal("an unknown barcode has a state")
	}
}

func TestEveryKind(t *testing.T) {
	e := newSim(t)
	for _, k := range kinds {
		uri := records + k.prefix + "1" + q(DefaultAccount)
		st, _, msg := e.do("POST", uri, DefaultAPIKey)
		want := k.refusal
		if k.redeemed {
			want = msgAlreadyRedeem
		}
		if want == "" && st != 201 || want != "" && (st != 400 || msg != want) {
			t.Errorf("%s: %d %q", k.prefix, st, msg)
		}
	}
	if st, _, msg := e.do("DELETE", records+"P2U-TBUSED-1"+q(DefaultAccount), DefaultAPIKey); msg != "The pass of the TickeBao order is redeemed." {
		t.Errorf("unredeem TBUSED: %d %q", st, msg)
	}
	if st, _, msg := e.do("POST", records+"OTHER-1"+q(DefaultAccount), DefaultAPIKey); st != 404 || msg != "Not valid barcode." {
		t.Errorf("unknown: %d %q", st, msg)
	}
	if st, _, msg := e.do("POST", "/models/1250/campaigns/381/barcodes/P2U-OK-1"+q(DefaultAccount), DefaultAPIKey); st != 404 || msg != "This campaign is not found." {
		t.Errorf("campaign of another model: %d %q", st, msg)
	}
}

func TestFaults(t *testing.T) {
	e := newSim(t)
	redeem := func(code string) (int, string, string) {
		return e.do("POST", records+code+q(DefaultAccount), DefaultAPIKey)
	}
	e.sim.SetFault(Fault{RateLimit: 1, RetryAfter: 1500 * time.Millisecond})
	req, _ := http.NewRequest("POST", e.srv.URL+records+"P2U-OK-r"+q(DefaultAccount), nil)
	req.Header.Set("x-api-key", DefaultAPIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
		t.Fatalf("rate limit: %v %+v", err, resp)
	}
	resp.Body.Close()

	e.sim.SetFault(Fault{Status500: 1})
	if st, _, msg := redeem("P2U-OK-a"); st != 500 || msg != "Internal error." {
		t.Fatalf("%d %q", st, msg)
	}
	e.sim.SetFault(Fault{Status500After: 1})
	if st, _, _ := redeem("P2U-OK-b"); st != 500 {
		t.Fatalf("%d", st)
	}
	e.sim.SetFault(Fault{DropAnswer: 1})
	if _, _, _ = e.do("GET", "/models?account="+DefaultAccount, DefaultAPIKey); e.sim.Fault().DropAnswer != 1 {
		t.Fatal("a GET took the DropAnswer")
	}
	if st, _, _ := redeem("P2U-OK-c"); st != 0 {
		t.Fatalf("dropped answer: %d", st)
	}
	e.sim.SetFault(Fault{Down: true})
	if st, _, _ := redeem("P2U-OK-d"); st != 0 {
		t.Fatalf("down: %d", st)
	}
	e.sim.SetFault(Fault{})
	for code, done := range map[string]bool{"P2U-OK-r": false, "P2U-OK-a": false, "P2U-OK-b": true, "P2U-OK-c": true, "P2U-OK-d": false} {
		if p, _ := e.sim.Pass(code); p.Redeemed != done {
			t.Errorf("%s redeemed %v, want %v", code, p.Redeemed, done)
		}
	}
}
