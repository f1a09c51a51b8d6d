package httpx

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"":                              0,
		"3":                             3 * time.Second,
		"-1":                            0,
		"soon":                          0,
		"Sat, 21 Nov 2026 06:00:10 GMT": 10 * time.Second,
		"Sat, 21 Nov 2026 05:00:00 GMT": 0,
	} {
		h := http.Header{}
		if v != "" {
			h.Set("Retry-After", v)
		}
		if got := RetryAfter(h, now); got != want {
			t.Errorf("Retry-After %q = %v, want %v", v, got, want)
		}
	}
}

func TestDelayIsCappedJitteredAndHonoursRetryAfter(t *testing.T) {
	b := Backoff{Base: 100 * time.Millisecond, Cap: time.Second, Rand: func() float64 { return 0.999 }}
	for attempt, want := range []time.Duration{99, 199, 399, 799, 999, 999} {
		if got := b.Delay(attempt, 0); got.Milliseconds() != int64(want) {
			t.Errorf("attempt %d: %v, want ~%dms", attempt, got, want)
		}
	}
	b.Rand = func() float64 { return 0 }
	if got := b.Delay(100, 0); got != 0 {
		t.Errorf("full jitter may wait nothing, got %v", got)
	}
	if got := b.Delay(0, 7*time.Second); got != 7*time.Second {
		t.Errorf("Retry-After beyond the cap must win: %v", got)
	}
}

func TestWaitGivesUpWhenTheDeadlineIsTooClose(t *testing.T) {
	b := Backoff{Base: time.Second, Cap: time.Second, Rand: func() float64 { return 0.5 }, Sleep: NoWait}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := b.Wait(ctx, 0, 0); err == nil {
		t.Error("waited past the deadline")
	}
	if err := b.Wait(context.Background(), 0, 0); err != nil {
		t.Error(err)
	}
}

func TestSendBoundsTheAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Test") != "yes" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if r.URL.Path == "/huge" {
			w.Write([]byte(strings.Repeat("x", MaxBody+10)))
			return
		}
		w.Header().Set("Retry-After", "2")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"errors":[]}`))
	}))
	defer srv.Close()
	c := New(time.Second)
	h := http.Header{"X-Test": {"yes"}}
	resp, err := c.Send(context.Background(), "POST", srv.URL+"/x", h, []byte("{}"))
	if err != nil || resp.Status != 429 || string(resp.Body) != `{"errors":[]}` || !Retryable(resp.Status) {
		t.Fatalf("resp = %+v, %v", resp, err)
	}
	if _, err := c.Send(context.Background(), "GET", srv.URL+"/huge", h, nil); err != ErrTooLarge {
		t.Errorf("huge answer: %v", err)
	}
	if Retryable(404) || !Retryable(503) {
		t.Error("Retryable is wrong")
	}
}

func TestBaseURL(t *testing.T) {
	for _, ok := range []string{"https://payments.example/api/v2/", "http://127.0.0.1:8700/cancan"} {
		if _, err := BaseURL(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"ftp://x", "payments.example", "https://x/?k=1", "https://x/#f", "https://user:pw@x/", "%zz"} {
		_, err := BaseURL(bad)
		if err == nil {
			t.Errorf("%s accepted", bad)
		} else if strings.Contains(err.Error(), "pw") {
			t.Errorf("%s: the password is shown: %v", bad, err)
		}
	}
	if got := Redacted("https://user:secret@x/"); strings.Contains(got, "secret") {
		t.Errorf("Redacted = %s", got)
	}
}

func TestBuildFillsWhatIsMissing(t *testing.T) {
	slept := false
	sleep := func(context.Context, time.Duration) error { slept = true; return nil }
	def := Build([]Option{WithSleep(sleep)})
	if def.Backoff.Attempts != DefaultBackoff().Attempts || def.Backoff.Rand == nil || def.Now == nil {
		t.Errorf("default = %+v", def)
	}
	def.Backoff.Sleep(context.Background(), 0)
	if !slept {
		t.Error("the adapter's sleep is not used")
	}
	custom := Build([]Option{WithSleep(sleep), WithBackoff(Backoff{Base: time.Millisecond})})
	if b := custom.Backoff; b.Attempts != 1 || b.Rand == nil || b.Sleep == nil || b.Base != time.Millisecond {
		t.Errorf("custom = %+v", b)
	}
	// Redirects are answered, not followed, even through a caller's client.
	mine := &http.Client{}
	st := Build([]Option{WithHTTPClient(mine)})
	if st.Client.HTTP == mine || st.Client.HTTP.CheckRedirect == nil || mine.CheckRedirect != nil {
		t.Error("the caller's client is changed, or redirects are followed")
	}
}
