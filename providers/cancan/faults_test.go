package cancan

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"till/providers"
	"till/providers/cancan/cancansim"
	"till/providers/httpx"
)

func TestRateLimitHonoursRetryAfter(t *testing.T) {
	e := newEnv(t, setup{})
	e.sim.SetFault(cancansim.Fault{RateLimit: 2, RetryAfter: 3 * time.Second})
	op := e.saleOp("9999", 100)
	expect(t, e.Pay(op), providers.Approved)
	if got := e.Sleeps(); len(got) != 2 || got[0] != 3*time.Second || got[1] != 3*time.Second {
		t.Errorf("sleeps %v, want Retry-After's 3s twice", got)
	}
	if m := e.Methods(); m != "POST POST POST" {
		t.Errorf("requests %s", m)
	}
	if n := len(e.ledger()["sale"]); n != 1 {
		t.Errorf("%d sales", n)
	}
}

func TestBackoffIsJitteredAndCappedWithoutRetryAfter(t *testing.T) {
	e := newEnv(t, setup{})
	e.sim.SetFault(cancansim.Fault{RateLimit: 3})
	expect(t, e.Pay(e.saleOp("9999", 100)), providers.Approved)
	// Base 100ms, Cap 1s, Rand 0.5: half of 100, 200, 400 ms.
	want := []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond}
	if got := e.Sleeps(); len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("sleeps %v, want %v", got, want)
	}
}

// A 429 is an answer: CANCAN took nothing. After the last retry the
// outcome is a retryable decline that keeps Retry-After, with no look-up
// (which would find nothing and wrongly call it final).
func TestRateLimitedThroughoutIsARetryableDecline(t *testing.T) {
	e := newEnv(t, setup{})
	e.sim.SetFault(cancansim.Fault{RateLimit: 4, RetryAfter: 2 * time.Second})
	op := e.saleOp("9999", 100)
	out := e.Pay(op)
	expect(t, out, providers.Declined)
	if !out.Retryable || out.RetryAfter != 2*time.Second || !strings.Contains(out.Detail, "429") {
		t.Errorf("%+v", out)
	}
	if m := e.Methods(); m != "POST POST POST POST" {
		t.Errorf("requests %s", m)
	}
	if n := len(e.ledger()["sale"]); n != 0 {
		t.Errorf("%d sales", n)
	}
	// Sending the same op again charges once.
	expect(t, e.Pay(op), providers.Approved)
	expect(t, e.Pay(op), providers.Approved)
	if n := len(e.ledger()["sale"]); n != 1 {
		t.Errorf("%d sales", n)
	}
}

func TestServerErrorThenSuccess(t *testing.T) {
	e := newEnv(t, setup{})
	e.sim.SetFault(cancansim.Fault{Status500: 1})
	expect(t, e.Pay(e.saleOp("0000", 100)), providers.Pending)
	if m := e.Methods(); m != "POST POST" {
		t.Errorf("requests %s", m)
	}
	if len(e.Sleeps()) != 1 || len(e.ledger()["sale"]) != 1 {
		t.Errorf("sleeps %v, ledger %+v", e.Sleeps(), e.ledger())
	}
}

func TestServerErrorAfterTheCreateIsLookedUpOnTransactionIDFailure(t *testing.T) {
	e := newEnv(t, setup{})
	e.sim.SetFault(cancansim.Fault{Status500After: 1})
	op := e.saleOp("9999", 100)
	out := e.Pay(op)
	expect(t, out, providers.Approved)
	if m := e.Methods(); m != "POST POST GET" {
		t.Errorf("requests %s: the retry's transaction_id_failure must be looked up", m)
	}
	if n := len(e.ledger()["sale"]); n != 1 {
		t.Errorf("%d sales", n)
	}
}

func TestARepeatedPayLooksUpInsteadOfChargingAgain(t *testing.T) {
	e := newEnv(t, setup{})
	op := e.saleOp("9003", 100)
	first := e.Pay(op)
	second := e.Pay(op) // a replay after a crash, say
	if first.Status != providers.Declined || second.Status != first.Status || second.Code != first.Code {
		t.Errorf("first %+v, second %+v", first, second)
	}
	if n := len(e.ledger()["sale"]); n != 1 {
		t.Errorf("%d sales", n)
	}
}

func TestDroppedAnswerIsResolvedByLookUp(t *testing.T) {
	for code, status := range map[string]providers.Status{"9999": providers.Approved, "8005": providers.Pending, "9008": providers.Declined} {
		e := newEnv(t, setup{})
		e.sim.SetFault(cancansim.Fault{DropAnswer: 1})
		op := e.saleOp(code, 100)
		out := e.Pay(op)
		expect(t, out, status)
		if m := e.Methods(); m != "POST GET" {
			t.Errorf("%s: requests %s", code, m)
		}
		if l := e.ledger(); len(l["sale"]) != 1 || len(e.sim.Ledger()) != 1 {
			t.Errorf("%s: ledger %+v", code, l)
		}
	}
}

func TestDown(t *testing.T) {
	t.Run("throughout", func(t *testing.T) {
		e := newEnv(t, setup{})
		e.sim.SetFault(cancansim.Fault{Down: true})
		op := e.saleOp("9999", 100)
		out := e.Pay(op)
		expect(t, out, providers.Unknown)
		if !out.Retryable {
			t.Errorf("%+v", out)
		}
		if n := len(e.sim.Ledger()); n != 0 {
			t.Errorf("%d transactions", n)
		}
		e.sim.SetFault(cancansim.Fault{})
		expect(t, e.Lookup(op.Key), providers.Declined)
	})
	t.Run("back for the look-up", func(t *testing.T) {
		e := newEnv(t, setup{})
		e.sim.SetFault(cancansim.Fault{Down: true})
		e.Before(func(r *http.Request) {
			if r.Method == "GET" {
				e.sim.SetFault(cancansim.Fault{})
			}
		})
		op := e.saleOp("9999", 100)
		out := e.Pay(op)
		expect(t, out, providers.Declined)
		if out.Code != "not_found_error" {
			t.Errorf("%+v", out)
		}
		expect(t, e.Pay(op), providers.Approved) // the same key, now it arrives
		expect(t, e.Pay(op), providers.Approved)
		if n := len(e.sim.Ledger()); n != 1 {
			t.Errorf("%d transactions", n)
		}
	})
	t.Run("during follow", func(t *testing.T) {
		e := newEnv(t, setup{cfg: func(c *Config) { c.PollBound = 4 * time.Second }})
		op := e.saleOp("8002", 100)
		expect(t, e.Pay(op), providers.Pending)
		e.sim.SetFault(cancansim.Fault{Down: true})
		out := e.Follow(op)
		expect(t, out, providers.Unknown) // never Declined: the void could not be made
		if l := e.ledger(); len(l["void"]) != 0 {
			t.Errorf("%+v", l)
		}
	})
}

func TestSlowBeyondTheTimeoutIsLookedUp(t *testing.T) {
	e := newEnv(t, setup{cfg: func(c *Config) { c.Timeout = 100 * time.Millisecond }})
	e.sim.SetFault(cancansim.Fault{Slow: time.Hour})
	e.Before(func(r *http.Request) {
		if r.Method == "GET" {
			e.sim.SetFault(cancansim.Fault{})
		}
	})
	op := e.saleOp("9999", 100)
	out := e.Pay(op)
	expect(t, out, providers.Approved)
	if m := e.Methods(); m != "POST GET" {
		t.Errorf("requests %s", m)
	}
	if n := len(e.sim.Ledger()); n != 1 {
		t.Errorf("%d transactions", n)
	}
}

func TestWrongKeyIsDeclinedWithoutShowingIt(t *testing.T) {
	e := newEnv(t, setup{sim: []cancansim.Option{cancansim.WithAPIKey("another-key")}})
	out := e.Pay(e.saleOp("9999", 100))
	expect(t, out, providers.Declined)
	if out.Reason != "CANCAN refused the till's API key: check the configuration" || out.Code != "authentication_error" || !strings.Contains(out.Detail, "401") {
		t.Errorf("%+v", out)
	}
	expect(t, e.Lookup(uuid.NewString()), providers.Unknown) // a 401 says nothing of the payment
}

// answerWith serves a fixed answer to creates and passes look-ups to the
// simulator, which has stored the create.
func answerWith(status int, body string) func(http.Handler) http.Handler {
	return func(sim http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != "POST" {
				sim.ServeHTTP(w, r)
				return
			}
			sim.ServeHTTP(httptest.NewRecorder(), r)
			w.WriteHeader(status)
			io.WriteString(w, body)
		})
	}
}

func TestUnreadableAnswersAreLookedUpNeverApproved(t *testing.T) {
	for name, body := range map[string]string{
		"truncated":        `{"data":{"id":"`,
		"html":             `<html>OK</html>`,
		"string amount":    `{"data":{"id":"%s","type":"sale","attributes":{"state":"succeeded","amount":"100","currency":"THB"}}}`,
		"float amount":     `{"data":{"id":"%s","type":"sale","attributes":{"state":"succeeded","amount":100.0,"currency":"THB"}}}`,
		"other amount":     `{"data":{"id":"%s","type":"sale","attributes":{"state":"succeeded","amount":1,"currency":"THB"}}}`,
		"other id":         `{"data":{"id":"ee96aaf7-9ec7-4baf-bf88-c0f77db672e0","type":"sale","attributes":{"state":"succeeded","amount":100,"currency":"THB"}}}`,
		"state case":       `{"data":{"id":"%s","type":"sale","attributes":{"state":"Succeeded","amount":100,"currency":"THB"}}}`,
		"member case":      `{"data":{"id":"%s","type":"sale","attributes":{"STATE":"succeeded","amount":100,"currency":"THB"}}}`,
		"type void":        `{"data":{"id":"%s","type":"void","attributes":{"state":"succeeded","sale":"x"}}}`,
		"data and errors":  `{"data":{"id":"%s","type":"sale","attributes":{"state":"succeeded","amount":100,"currency":"THB"}},"errors":[]}`,
		"trailing garbage": `{"data":{"id":"%s","type":"sale","attributes":{"state":"succeeded","amount":100,"currency":"THB"}}} x`,
	} {
		t.Run(name, func(t *testing.T) {
			var op providers.Op
			e := newEnv(t, setup{wrap: func(sim http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					answerWith(201, strings.ReplaceAll(body, "%s", op.Key))(sim).ServeHTTP(w, r)
				})
			}})
			op = e.saleOp("8005", 100) // the simulator has it pending
			out := e.Pay(op)
			expect(t, out, providers.Pending)
			if m := e.Methods(); m != "POST GET" {
				t.Errorf("requests %s", m)
			}
		})
	}
}

func TestErrorBodiesThatAreNotJSONStillReportTheStatus(t *testing.T) {
	// The document's own example, comma missing.
	doc := "{\n  \"errors\": [\n    {\n      \"status\": \"404\"\n      \"code\": \"not_found_error\",\n      \"detail\": \"Record Not Found\"\n    }\n  ]\n}"
	if e := decodeErrors(404, []byte(doc)); e.Code != "not_found_error" || e.Detail != "Record Not Found" {
		t.Errorf("%+v", e)
	}
	for body, code := range map[string]string{
		"<html>Bad Request</html>":               "http_400",
		"":                                       "http_400",
		`{"errors":[{"status":"400","code":7}]}`: "http_400",
		`{"errors":"attribute_error"}`:           "http_400",
		`{"errors":[{"code":"attribute_error"}]}`: "attribute_error",
		`{"errors":[{"code":"\u001b[2Jx"}]}`:      "http_400",
		`{"errors":[{},{"code":"attribute_error"`: "attribute_error",
	} {
		e := newEnv(t, setup{wrap: answerWith(400, body)})
		out := e.Pay(e.saleOp("9999", 100))
		if out.Status != providers.Declined || out.Code != code || !strings.Contains(out.Detail, "HTTP 400") {
			t.Errorf("%q: %+v", body, out)
		}
	}
}

func TestTransportErrorsAndHostileAnswersNeverCarryTheKey(t *testing.T) {
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		if r.Method == "POST" {
			w.WriteHeader(400)
			io.WriteString(w, `{"errors":[{"status":"400","code":"attribute_error","detail":"bad header `+auth+`"}]}`)
			return
		}
		w.WriteHeader(200)
		io.WriteString(w, `{"data":{"id":"`+strings.TrimPrefix(r.URL.Path, "/transactions/")+`","type":"sale","attributes":{"state":"failed","amount":1,"currency":"THB","failure_code":"x","failure_detail":"`+auth+`"}}}`)
	})
	srv := httptest.NewServer(echo)
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, APIKey: testKey, Gateways: testGateways}, httpx.WithSleep(httpx.NoWait))
	if err != nil {
		t.Fatal(err)
	}
	key := uuid.NewString()
	out := c.Pay(context.Background(), providers.Op{Key: key, Wallet: "wechat", PaymentCode: "1", Amount: 1, Currency: "THB"})
	noKey(t, out)
	if out.Status != providers.Declined {
		t.Errorf("%+v", out)
	}
	out = c.Lookup(context.Background(), providers.Op{Target: key})
	noKey(t, out)
	if !strings.Contains(out.Detail, "[redacted]") {
		t.Errorf("%+v", out)
	}

	// Nothing listening: the transport's error text is kept, the key is not.
	dead, err := New(Config{BaseURL: "http://127.0.0.1:1/", APIKey: testKey, Gateways: testGateways},
		httpx.WithSleep(httpx.NoWait), httpx.WithBackoff(httpx.Backoff{Attempts: 2}))
	if err != nil {
		t.Fatal(err)
	}
	out = dead.Pay(context.Background(), providers.Op{Key: key, Wallet: "wechat", PaymentCode: "1", Amount: 1, Currency: "THB"})
	noKey(t, out)
	if out.Status != providers.Unknown || !out.Retryable || out.Detail == "" {
		t.Errorf("%+v", out)
	}
}

func TestAProxyNotFoundPageProvesNothing(t *testing.T) {
	e := newEnv(t, setup{wrap: func(sim http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(404)
			io.WriteString(w, "<h1>Not Found</h1>")
		})
	}})
	out := e.Lookup(uuid.NewString())
	expect(t, out, providers.Unknown)
	if out.Code != "http_404" {
		t.Errorf("%+v", out)
	}
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	e := newEnv(t, setup{wrap: func(sim http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/elsewhere") {
				sim.ServeHTTP(w, r)
				return
			}
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		})
	}})
	out := e.Pay(e.saleOp("9999", 100))
	expect(t, out, providers.Unknown)
	if m := e.Methods(); m != "POST GET" {
		t.Errorf("requests %s", m)
	}
}
