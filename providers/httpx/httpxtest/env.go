package httpxtest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Clock is a fake clock, safe for concurrent use: it moves only when
// told to.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Sleeper stands in for an adapter's sleeps (httpx.WithSleep): each one
// is recorded, advances Clock when it is set, runs the OnSleep function
// if any, and returns at once with ctx's error.
type Sleeper struct {
	Clock *Clock // nil: sleeps leave the time alone

	mu      sync.Mutex
	sleeps  []time.Duration
	onSleep func(n int)
}

// Sleep records d and returns ctx's error without waiting.
func (s *Sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.sleeps = append(s.sleeps, d)
	n, hook := len(s.sleeps), s.onSleep
	s.mu.Unlock()
	if s.Clock != nil {
		s.Clock.Advance(d)
	}
	if hook != nil {
		hook(n)
	}
	return ctx.Err()
}

// OnSleep runs f after every sleep with the count so far (nil: none).
func (s *Sleeper) OnSleep(f func(n int)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onSleep = f
}

// Sleeps lists the sleeps so far.
func (s *Sleeper) Sleeps() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.sleeps...)
}

// Recorded is a request as a Recorder saw it.
type Recorded struct {
	Method string
	Path   string // escaped, as sent
	URI    string // path and query as on the wire
	Header http.Header
	Body   []byte
}

// Recorder records requests, on the client's side (Transport) or the
// server's (Handler). The zero value is ready to use.
type Recorder struct {
	mu   sync.Mutex
	reqs []Recorded
}

// Transport records each request as the client wrote it (header names
// still as the adapter spelt them), then sends it through next.
func (rec *Recorder) Transport(next http.RoundTripper) http.RoundTripper {
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		var body []byte
		if r.Body != nil {
			body, _ = io.ReadAll(r.Body)
			r.Body.Close()
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		rec.add(Recorded{Method: r.Method, Path: r.URL.EscapedPath(), URI: r.URL.RequestURI(), Header: r.Header.Clone(), Body: body})
		return next.RoundTrip(r)
	})
}

// Handler records each request as the server read it, then passes it to
// next.
func (rec *Recorder) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec.add(Recorded{Method: r.Method, Path: r.URL.EscapedPath(), URI: r.RequestURI, Header: r.Header.Clone(), Body: body})
		next.ServeHTTP(w, r)
	})
}

func (rec *Recorder) add(r Recorded) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.reqs = append(rec.reqs, r)
}

// Requests lists the requests recorded so far.
func (rec *Recorder) Requests() []Recorded {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]Recorded(nil), rec.reqs...)
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Hook passes every request to Next, after running on it the function
// last given to Before, if any.
type Hook struct {
	Next http.Handler

	mu     sync.Mutex
	before func(r *http.Request)
}

// Before runs f on every request before Next sees it (nil: none).
func (h *Hook) Before(f func(r *http.Request)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.before = f
}

// ServeHTTP runs the Before function, if any, then Next.
func (h *Hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	before := h.before
	h.mu.Unlock()
	if before != nil {
		before(r)
	}
	h.Next.ServeHTTP(w, r)
}

// Server starts a test server for h, closed when the test ends.
func Server(t testing.TB, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}
