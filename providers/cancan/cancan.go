// Package cancan is the till's adapter for the CANCAN payment gateway
// (WeChat Pay, Alipay, LINE Pay) over its Payments API v2. It implements
// providers.Payments.
//
// Every create carries a till-chosen UUID as data.id, CANCAN's idempotency
// key: a create whose answer is lost is resolved by retrieving that id,
// never by charging again. A sale still pending at Config.PollBound is
// voided, so every payment ends paid or reversed.
package cancan

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"till/providers"
	"till/providers/httpx"
)

// DefaultBaseURL is the document's host.
const DefaultBaseURL = "https://payments.cancanmobile.com/api/v2/"

// Defaults for the zero values of Config's durations.
const (
	DefaultTimeout      = 10 * time.Second
	DefaultPollInterval = time.Second
	DefaultPollBound    = 60 * time.Second
)

// Config is the adapter's configuration.
type Config struct {
	BaseURL   string // default DefaultBaseURL; a trailing slash is optional
	APIKey    string // secret: never in errors, logs, outcomes or String
	POSID     string
	MchLevel1 string
	MchLevel2 string
	MchLevel3 string
	// Gateways maps a wallet ("wechat", "alipay", "linepay") to the
	// merchant's payment_gateway code for it.
	Gateways     map[string]string
	Timeout      time.Duration // per request; default 10s
	PollInterval time.Duration // between retrieves of a pending transaction; default 1s
	// PollBound is how long a pending sale is followed, counted from
	// Op.Created, before it is voided; default 60s.
	PollBound time.Duration
}

// String describes the configuration without its API key.
func (c Config) String() string {
	wallets := make([]string, 0, len(c.Gateways))
	for w, g := range c.Gateways {
		wallets = append(wallets, w+"="+g)
	}
	sort.Strings(wallets)
	key := "unset"
	if c.APIKey != "" {
		key = "set"
	}
	return fmt.Sprintf("cancan.Config{BaseURL: %q, APIKey: %s, POSID: %q, Gateways: [%s], Timeout: %v, PollInterval: %v, PollBound: %v}",
		httpx.Redacted(c.BaseURL), key, c.POSID, strings.Join(wallets, " "), c.Timeout, c.PollInterval, c.PollBound)
}

// GoString keeps %#v from printing the key.
func (c Config) GoString() string { return c.String() }

// Client talks to CANCAN. Build it with New; it is safe for concurrent use.
type Client struct {
	cfg        Config
	collection string // .../transactions
	header     http.Header
	http       *httpx.Client
	backoff    httpx.Backoff
	now        func() time.Time
	sleep      func(context.Context, time.Duration) error
}

// New checks cfg and returns a client.
func New(cfg Config, opts ...httpx.Option) (*Client, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	u, err := httpx.BaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("cancan: %w", err)
	}
	if cfg.APIKey == "" {
		return nil, errors.New("cancan: APIKey is empty")
	}
	if strings.ContainsAny(cfg.APIKey, "\r\n") {
		return nil, errors.New("cancan: APIKey contains a line break")
	}
	if len(cfg.Gateways) == 0 {
		return nil, errors.New("cancan: Gateways is empty: map at least one wallet to a payment_gateway code")
	}
	for w, g := range cfg.Gateways {
		if w == "" || g == "" {
			return nil, fmt.Errorf("cancan: Gateways[%q] = %q: wallet and code must both be set", w, g)
		}
	}
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"Timeout", &cfg.Timeout, DefaultTimeout},
		{"PollInterval", &cfg.PollInterval, DefaultPollInterval},
		{"PollBound", &cfg.PollBound, DefaultPollBound},
	} {
		if *d.v < 0 {
			return nil, fmt.Errorf("cancan: %s must not be negative", d.name)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	cfg.Gateways = copyMap(cfg.Gateways)

	st := httpx.Build(opts)

	c := &Client{
		cfg:        cfg,
		collection: strings.TrimSuffix(u.String(), "/") + "/transactions",
		header: http.Header{
			"Authorization": {"Bearer " + cfg.APIKey},
			"Content-Type":  {"application/json"},
			"Accept":        {"application/json"},
		},
	}
	c.now, c.sleep, c.backoff, c.http = st.Now, st.Sleep, st.Backoff, st.Client
	return c, nil
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Name is the provider's configuration name.
func (c *Client) Name() string { return "cancan" }

// String describes the client without its API key.
func (c *Client) String() string { return "cancan client for " + httpx.Redacted(c.collection) }

var _ providers.Payments = (*Client)(nil)
