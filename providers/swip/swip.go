// Package swip is the till's adapter for SWiP, a loyalty and payment
// provider, over its POS API v3 (with the till's NOTES where they settle a
// point the document leaves open).
//
// The till creates an order with the cart's purchases and shows the
// order's sessionCode as a QR code. The customer scans it in the SWiP app,
// where SWiP applies the customer's loyalty discount, and then either pays
// in the app (scenario 1) or chooses to pay cash or card at the till
// (scenario 2). The till polls the order and finally closes it: with the
// amount paid, which confirms the payment, or with 0, which cancels it.
//
// Client has one method per call of the document. Payments implements
// providers.Payments on top of it; its doc comment gives the mapping.
//
// The order's merchantOrderId is a UUID chosen by the till, and SWiP uses
// it as the order's id too: a create whose answer was lost, or that SWiP
// answers with error 28 (ORDER ALREADY EXISTS), is resolved by fetching
// that id, never by creating again.
package swip

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"till/providers/httpx"
	"till/store/money"
)

// DefaultBaseURL is the document's integration environment.
const DefaultBaseURL = "https://capi3.weawer.ru"

// APIVersion is sent in the Api-Version header of every request.
const APIVersion = "3"

// Defaults for the zero values of Config's durations.
const (
	DefaultTimeout      = 10 * time.Second
	DefaultPollInterval = time.Second
	// DefaultPayWindow is how long the till waits for the customer to
	// pay (NOTES: 45 s, half of the 90 s an order stays OPEN in retail
	// mode) before it closes the order with 0.
	DefaultPayWindow = 45 * time.Second
)

// Config is the adapter's configuration.
type Config struct {
	BaseURL string // default DefaultBaseURL; a trailing slash is optional
	// Token is the merchant's static token, sent as "Bearer <token>".
	// Secret: never in errors, logs, outcomes or String.
	Token string
	// MerchantID is X-Merchant-ID, and merchantId in refund and reverse
	// bodies.
	MerchantID string
	StoreID    string // X-Store-ID
	CashID     string // X-Cash-ID: this till
	// Currency is the ISO 4217 code of every amount; SWiP's numbers carry
	// none, so its exponent fixes how they convert. Required.
	Currency string
	// Cashier is merchantCashier on every order; default "Till <CashID>".
	Cashier string
	// CashierID is merchantCashierId (a UUID); omitted when empty.
	CashierID string

	Timeout      time.Duration // per request; default 10s
	PollInterval time.Duration // between looks at an open order; default 1s
	PayWindow    time.Duration // how long Follow waits for payment; default 45s
}

// String describes the configuration without its token.
func (c Config) String() string {
	tok := "unset"
	if c.Token != "" {
		tok = "set"
	}
	return fmt.Sprintf("swip.Config{BaseURL: %q, Token: %s, MerchantID: %q, StoreID: %q, CashID: %q, Currency: %q, Timeout: %v, PollInterval: %v, PayWindow: %v}",
		httpx.Redacted(c.BaseURL), tok, c.MerchantID, c.StoreID, c.CashID, c.Currency, c.Timeout, c.PollInterval, c.PayWindow)
}

// GoString keeps %#v from printing the token.
func (c Config) GoString() string { return c.String() }

// Client makes the calls of SWiP's POS API. Build it with New; it is safe
// for concurrent use.
type Client struct {
	cfg     Config
	cur     money.Currency
	base    string // no trailing slash
	header  http.Header
	http    *httpx.Client
	backoff httpx.Backoff
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error

	mu     sync.Mutex
	sent   map[string]sentOp // operations Payments made, by Op.Key
	order  []string          // keys of sent, oldest first
	orders map[string]Order  // the latest order seen, by id
	seen   []string
}

// New checks cfg and returns a client. Errors name the field, never the
// token.
func New(cfg Config, opts ...httpx.Option) (*Client, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	u, err := httpx.BaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("swip: %w", err)
	}
	if cfg.Token == "" {
		return nil, errors.New("swip: Token is empty")
	}
	if !headerSafe(cfg.Token) {
		return nil, errors.New("swip: Token contains a control character or a space")
	}
	for _, f := range []struct{ name, v string }{
		{"MerchantID", cfg.MerchantID}, {"StoreID", cfg.StoreID}, {"CashID", cfg.CashID},
	} {
		if strings.TrimSpace(f.v) == "" {
			return nil, fmt.Errorf("swip: %s is empty", f.name)
		}
		if !textSafe(f.v) || len(f.v) > 200 {
			return nil, fmt.Errorf("swip: %s %q has control characters or is too long", f.name, capText(f.v, 40))
		}
	}
	if cfg.Currency == "" {
		return nil, errors.New("swip: Currency is empty: set the ISO 4217 code of the till's money")
	}
	cur, err := money.Lookup(cfg.Currency)
	if err != nil {
		return nil, fmt.Errorf("swip: Currency: %v", err)
	}
	if cfg.Cashier == "" {
		cfg.Cashier = "Till " + cfg.CashID
	}
	if !textSafe(cfg.Cashier) {
		return nil, errors.New("swip: Cashier has control characters")
	}
	if cfg.CashierID != "" && !validUUID(cfg.CashierID) {
		return nil, fmt.Errorf("swip: CashierID %q is not a UUID", capText(cfg.CashierID, 40))
	}
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"Timeout", &cfg.Timeout, DefaultTimeout},
		{"PollInterval", &cfg.PollInterval, DefaultPollInterval},
		{"PayWindow", &cfg.PayWindow, DefaultPayWindow},
	} {
		if *d.v < 0 {
			return nil, fmt.Errorf("swip: %s must not be negative", d.name)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}

	st := httpx.Build(opts)

	c := &Client{
		cfg:  cfg,
		cur:  cur,
		base: strings.TrimSuffix(u.String(), "/"),
		// The document's spelling: net/http sends map keys as they are.
		header: http.Header{
			"Authorization": {"Bearer " + cfg.Token},
			"X-Merchant-ID": {cfg.MerchantID},
			"X-Store-ID":    {cfg.StoreID},
			"X-Cash-ID":     {cfg.CashID},
			"Api-Version":   {APIVersion},
			"Accept":        {"application/json"},
		},
		sent:   map[string]sentOp{},
		orders: map[string]Order{},
	}
	c.now, c.sleep, c.backoff, c.http = st.Now, st.Sleep, st.Backoff, st.Client
	return c, nil
}

// Name is the provider's configuration name.
func (c *Client) Name() string { return "swip" }

// String describes the client without its token.
func (c *Client) String() string { return "swip client for " + httpx.Redacted(c.base) }

// Currency is the currency every amount is in.
func (c *Client) Currency() money.Currency { return c.cur }

// headerSafe accepts visible ASCII only.
func headerSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// textSafe refuses control characters (they would break a header or a
// receipt) and invalid UTF-8.
func textSafe(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\uFFFD' {
			return false
		}
	}
	return true
}

// memory bounds the operations and orders a Client remembers.
const memory = 4096

// remember stores what Payments sent under key, forgetting the oldest.
func (c *Client) remember(key string, s sentOp) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.sent[key]; !ok {
		c.order = append(c.order, key)
		if len(c.order) > memory {
			delete(c.sent, c.order[0])
			c.order = c.order[1:]
		}
	}
	c.sent[key] = s
}

func (c *Client) recall(key string) (sentOp, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.sent[key]
	return s, ok
}

// keep stores the latest order seen, for LastOrder.
func (c *Client) keep(o Order) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.orders[o.ID]; !ok {
		c.seen = append(c.seen, o.ID)
		if len(c.seen) > memory {
			delete(c.orders, c.seen[0])
			c.seen = c.seen[1:]
		}
	}
	c.orders[o.ID] = o
}

// LastOrder returns the order as SWiP last reported it to this client,
// without a request: after Payments answers, it holds the discount the
// customer got and what was paid. ok is false for an order not seen.
func (c *Client) LastOrder(id string) (o Order, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	o, ok = c.orders[id]
	return o, ok
}
