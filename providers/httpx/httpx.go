// Package httpx is the HTTP plumbing every provider adapter shares: bounded
// response reading, Retry-After, and capped exponential backoff with full
// jitter that a test can make instant.
package httpx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// MaxBody bounds what is read of a provider's answer: a broken or hostile
// server cannot make the till allocate without limit.
const MaxBody = 1 << 20

// Response is a provider's answer, read in full.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Client sends requests. The zero value is not usable: build it with New.
type Client struct {
	HTTP    *http.Client
	Backoff Backoff
}

// New returns a client whose every request times out after timeout.
func New(timeout time.Duration) *Client {
	return &Client{HTTP: &http.Client{Timeout: timeout}, Backoff: DefaultBackoff()}
}

// ErrTooLarge reports an answer over MaxBody.
var ErrTooLarge = errors.New("answer too large")

// Send makes one request. An error means no usable answer arrived: the
// request may or may not have reached the provider.
func (c *Client) Send(ctx context.Context, method, url string, header http.Header, body []byte) (*Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return nil, err
	}
	for k, vs := range header {
		req.Header[k] = append([]string(nil), vs...)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	if len(data) > MaxBody {
		return nil, ErrTooLarge
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: data}, nil
}

// Retryable reports whether an HTTP status asks to try again later.
func Retryable(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}

// RetryAfter reads a Retry-After header: seconds or an HTTP date. It
// returns 0 when there is none or it cannot be read.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// Backoff is capped exponential backoff with full jitter.
type Backoff struct {
	Base     time.Duration // first delay's ceiling
	Cap      time.Duration // no delay is longer, Retry-After aside
	Attempts int           // tries in all, the first included
	// Rand returns a number in [0,1); Sleep waits or returns ctx's error.
	// Tests replace them to run instantly and deterministically.
	Rand  func() float64
	Sleep func(ctx context.Context, d time.Duration) error
}

// DefaultBackoff is 200 ms doubling to 5 s, four tries.
func DefaultBackoff() Backoff {
	return Backoff{Base: 200 * time.Millisecond, Cap: 5 * time.Second, Attempts: 4, Rand: rand.Float64, Sleep: Sleep}
}

// Delay is how long to wait before try number attempt+1 (attempt counts
// from 0): a random time up to min(Cap, Base×2^attempt), and never less
// than what the provider asked for in Retry-After.
func (b Backoff) Delay(attempt int, retryAfter time.Duration) time.Duration {
	ceiling := b.Cap
	if attempt < 30 {
		ceiling = min(b.Cap, b.Base<<attempt)
	}
	d := time.Duration(b.Rand() * float64(ceiling))
	return max(d, retryAfter)
}

// Wait sleeps before the next try; it fails if ctx ends first or if the
// delay would outlast ctx's deadline (waiting could only end in failure).
func (b Backoff) Wait(ctx context.Context, attempt int, retryAfter time.Duration) error {
	d := b.Delay(attempt, retryAfter)
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		return context.DeadlineExceeded
	}
	return b.Sleep(ctx, d)
}

// Sleep waits d or until ctx ends.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// NoWait is a Sleep for tests: it returns at once unless ctx is done.
func NoWait(ctx context.Context, _ time.Duration) error { return ctx.Err() }

// BaseURL checks a provider's configured base URL: http or https with a
// host, and no query, fragment or credentials (which would end up in
// logs). Errors show the URL with any password redacted.
func BaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("BaseURL is not a valid URL")
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("BaseURL %q must be an http or https URL with a host", u.Redacted())
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("BaseURL %q must not carry a query, fragment or credentials", u.Redacted())
	}
	return u, nil
}

// Redacted is raw with any password hidden, for messages.
func Redacted(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return "(invalid)"
}

// Option adjusts an adapter's client, mostly so tests run instantly.
type Option func(*options)

type options struct {
	http    *http.Client
	backoff *Backoff
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error
}

// WithHTTPClient sends requests through hc. Redirects are never followed
// (a redirected POST would become a GET) and the adapter's timeout still
// bounds every request.
func WithHTTPClient(hc *http.Client) Option { return func(o *options) { o.http = hc } }

// WithBackoff sets the retry policy. A nil Rand or Sleep in b gets the
// default (or WithSleep's).
func WithBackoff(b Backoff) Option { return func(o *options) { o.backoff = &b } }

// WithClock sets the adapter's clock: request times, pay windows and
// Retry-After dates.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithSleep sets how the adapter waits between polls and, unless
// WithBackoff brings its own Sleep, between retries.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(o *options) { o.sleep = sleep }
}

// Setup is an adapter's plumbing, built from its options.
type Setup struct {
	Client  *Client
	Backoff Backoff
	Now     func() time.Time
	Sleep   func(context.Context, time.Duration) error
}

// Build applies opts over the defaults: a client that never follows
// redirects, time.Now, Sleep and DefaultBackoff (with at least one
// attempt, and Rand and Sleep filled in).
func Build(opts []Option) Setup {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	hc := &http.Client{}
	if o.http != nil {
		copied := *o.http
		hc = &copied
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	st := Setup{Now: time.Now, Sleep: Sleep}
	if o.now != nil {
		st.Now = o.now
	}
	if o.sleep != nil {
		st.Sleep = o.sleep
	}
	st.Backoff = DefaultBackoff()
	st.Backoff.Sleep = st.Sleep
	if o.backoff != nil {
		st.Backoff = *o.backoff
		if st.Backoff.Rand == nil {
			st.Backoff.Rand = rand.Float64
		}
		if st.Backoff.Sleep == nil {
			st.Backoff.Sleep = st.Sleep
		}
	}
	st.Backoff.Attempts = max(st.Backoff.Attempts, 1)
	st.Client = &Client{HTTP: hc, Backoff: st.Backoff}
	return st
}
