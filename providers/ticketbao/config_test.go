package ticketbao

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"till/providers"
)

func TestNewChecksTheConfiguration(t *testing.T) {
	for name, c := range map[string]struct {
		cfg   Config
		field string
	}{
		"no key":          {Config{}, "APIKey"},
		"key with space":  {Config{APIKey: "a " + testKey}, "APIKey"},
		"key with ctl":    {Config{APIKey: testKey + "\n"}, "APIKey"},
		"ftp":             {Config{APIKey: testKey, BaseURL: "ftp://x/"}, "BaseURL"},
		"url with secret": {Config{APIKey: testKey, BaseURL: "https://u:" + testKey + "@x/"}, "BaseURL"},
		"negative":        {Config{APIKey: testKey, Timeout: -1}, "Timeout"},
		"pickup":          {Config{APIKey: testKey, PickupType: "mail"}, "PickupType"},
	} {
		_, err := New(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.field) || strings.Contains(err.Error(), testKey) {
			t.Errorf("%s: %v", name, err)
		}
	}
	c, err := New(Config{APIKey: testKey})
	if err != nil || c.cfg.BaseURL != DefaultBaseURL || c.cfg.Timeout != DefaultTimeout || c.cfg.PickupType != PickupVoucher {
		t.Fatalf("%+v %v", c.cfg, err)
	}
}

// A key echoed by the server, in an error's message or type, never
// reaches an error, an Outcome or a String.
func TestTheKeyNeverShows(t *testing.T) {
	echo := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/refund") {
				k := r.Header.Get("Authorization")
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprintf(w, `{"message":"bad key %s","type":"%s"}`, k, k)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	e := newEnv(t, echo, nil)
	o := e.sale("S-1", 1)
	out := e.c.RefundOutcome(ctx, refundOf(o, 1, 0))
	_, err := e.c.Refund(ctx, refundOf(o, 1, 0))
	e.Block("generate", true)
	e.Block("query", true)
	lost, _ := e.c.GenerateOutcome(ctx, adult2)
	_, lostErr := e.c.Generate(ctx, adult2)
	cfg := e.c.cfg
	outs, _ := json.Marshal([]providers.Outcome{out, lost})
	for i, s := range []string{
		fmt.Sprintf("%v %+v %#v %s", out, out, out, outs),
		fmt.Sprintf("%v %+v %#v", lost, lost, lost),
		err.Error(), fmt.Sprintf("%+v %#v", err, err), lostErr.Error(),
		cfg.String(), fmt.Sprintf("%v %+v %#v %s", cfg, cfg, cfg, cfg),
		e.c.String(), fmt.Sprintf("%v %+v %#v %s", e.c, e.c, e.c, e.c),
	} {
		if strings.Contains(s, testKey) {
			t.Errorf("%d: the key shows in %s", i, s)
		}
	}
	if out.Status != providers.Declined || !strings.Contains(out.Detail, "[redacted]") {
		t.Errorf("%+v", out)
	}
}
