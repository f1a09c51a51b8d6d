package pass2u

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"till/providers"
	"till/providers/httpx"
)

// stub answers every request with one status, header and body, in
// process.
type stub struct {
	status int
	header http.Header
	body   []byte
}

func (s stub) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: s.status, Header: s.header, Body: io.NopCloser(bytes.NewReader(s.body)), Request: r}, nil
}

// stubClient is a client whose every request gets status and body.
func stubClient(t testing.TB, status int, header http.Header, body string) *Client {
	c, err := New(Config{BaseURL: "https://pass2u.test/v2/checkout", APIKey: testKey, Account: "till-1"},
		httpx.WithHTTPClient(&http.Client{Transport: stub{status, header, []byte(body)}}),
		httpx.WithBackoff(httpx.Backoff{Attempts: 2, Rand: func() float64 { return 0 }, Sleep: httpx.NoWait}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestUnreadableAnswers(t *testing.T) {
	for _, body := range []string{"", "{", "null", "[]", `"x"`, `{"barcode":"P2U-OK-2"}`, `{"barcode":7}`, `{"unredeemable":"yes"}`, `{"redeemedAt":"yesterday"}`, `{"a":1} {"b":2}`, "<html>Created</html>"} {
		c := stubClient(t, 201, nil, body)
		_, err := c.Redeem(bg, "1248", "381", "P2U-OK-1")
		if !errors.Is(err, ErrUnreadable) {
			t.Errorf("redeem answered %q: %v", body, err)
		}
		out := c.RedeemOutcome(bg, redemption("P2U-OK-1"))
		if out.Status != providers.Unknown || out.Code != CodeUnreadable || !out.Retryable {
			t.Errorf("redeem answered %q: %+v", body, out)
		}
	}
	for _, body := range []string{"", "[", "null", "{}", `[{"modelId":null,"name":"x"}]`, `[{"modelId":true}]`, `[{"modelId":1.5}]`, `[{"modelId":"../x"}]`, `[{"modelId":1,"campaigns":[{"id":{}}]}]`, `[{"modelId":1,"campaigns":{}}]`} {
		if _, err := stubClient(t, 200, nil, body).Models(bg); !errors.Is(err, ErrUnreadable) {
			t.Errorf("models answered %q: %v", body, err)
		}
	}
}

func TestReadableAnswers(t *testing.T) {
	r, err := stubClient(t, 201, http.Header{"Location": {"https://x/records/9"}},
		`{"distributionId":"T2bzXfEuEFXx","unredeemable":true,"redeemedAt":"2017-09-29T15:38:44","barcode":"P2U-OK-1","extra":[1]}`).
		Redeem(bg, "1248", "381", "P2U-OK-1")
	if err != nil {
		t.Fatal(err)
	}
	if r.DistributionID != "T2bzXfEuEFXx" || r.Location != "https://x/records/9" || r.RedeemedAt.UTC().Format("2006-01-02 15:04") != "2017-09-29 07:38" {
		t.Fatalf("%+v", r)
	}
	// Ids as strings, names with escapes.
	m, err := stubClient(t, 200, nil, `[{"modelId":"A-1","name":"\u001b[2JCake\u202e","campaigns":[{"id":"381","name":"a\nb"}]}]`).Models(bg)
	if err != nil {
		t.Fatal(err)
	}
	if m[0].ID != "A-1" || m[0].Name != "Cake" || m[0].Campaigns[0].Name != "a b" {
		t.Fatalf("%+v", m)
	}
}

func TestErrorMessages(t *testing.T) {
	long := strings.Repeat("The pass is expired. ", 300)
	for _, tc := range []struct {
		status       int
		body, reason string
	}{
		{400, `{"message":"The pass is expired."}`, "The pass is expired."},
		{400, `"The pass is voided."`, "The pass is voided."},
		{400, "The pass is already redeemed.\n", "The pass is already redeemed."},
		{400, `{"message":"\u001b[31mThe pass is expired.\u001b[0m\r\n"}`, "The pass is expired."},
		{400, `{"message":42}`, "Pass2U refused the request (HTTP 400)."},
		{400, "<html><body>Bad Request</body></html>", "Pass2U refused the request (HTTP 400)."},
		{404, `{"message":"Not valid barcode."}`, "Not valid barcode."},
		{404, "<html>404</html>", reasonNotFound},
		{404, `{"message":"Missing Authentication Token"}`, reasonNotFound},
		{401, `{"message":"API key is not valid."}`, reasonRefusedKey},
		{403, `{"message":"Forbidden"}`, reasonRefusedKey},
		{500, "<html>oops</html>", reasonBusy},
		{503, "", reasonBusy},
		{418, "", "Pass2U refused the request (HTTP 418)."},
	} {
		_, err := stubClient(t, tc.status, nil, tc.body).Redeem(bg, "1248", "381", "P2U-OK-1")
		if ae := apiError(t, err); ae.Status != tc.status || ae.Reason() != tc.reason {
			t.Errorf("%d %q: reason %q, want %q", tc.status, tc.body, ae.Reason(), tc.reason)
		}
	}
	_, err := stubClient(t, 400, nil, `{"message":"`+long+`"}`).Redeem(bg, "1248", "381", "P2U-OK-1")
	if ae := apiError(t, err); len(ae.Message) > maxMessage || len(ae.Reason()) > maxMessage || !strings.HasSuffix(ae.Message, "…") {
		t.Fatalf("not capped: %d bytes", len(ae.Message))
	}
}

// TestEchoedKeyIsRedacted: a server or proxy that echoes the key in its
// message or Location does not get it onto the screen.
func TestEchoedKeyIsRedacted(t *testing.T) {
	echo := "x-api-key " + testKey + " refused"
	_, err := stubClient(t, 400, nil, `{"message":"`+echo+`"}`).Redeem(bg, "1248", "381", "P2U-OK-1")
	noKey(t, err.Error())
	noKey(t, stubClient(t, 500, nil, echo).RedeemOutcome(bg, redemption("P2U-OK-1")))
	noKey(t, stubClient(t, 400, nil, echo).UnredeemOutcome(bg, redemption("P2U-OK-1")))
	c := stubClient(t, 201, http.Header{"Location": {"https://x/records/1?k=" + testKey}}, `{"distributionId":"`+testKey+`"}`)
	r, err := c.Redeem(bg, "1248", "381", "P2U-OK-1")
	if err != nil {
		t.Fatal(err)
	}
	noKey(t, r)
	noKey(t, c.RedeemOutcome(bg, redemption("P2U-OK-1")))
	m, err := stubClient(t, 200, nil, `[{"modelId":1,"name":"`+testKey+`"}]`).Models(bg)
	if err != nil {
		t.Fatal(err)
	}
	noKey(t, m)
}
