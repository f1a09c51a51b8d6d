// Package pass2u is the till's adapter for Pass2U Checkout (API v2): list
// the campaigns a checkout account may redeem, and redeem or unredeem a
// pass (coupon, voucher, ticket) by its barcode. Where the document and
// the till's NOTES disagree, NOTES wins: the key travels in x-api-key,
// redeem is POST .../barcodes/{barcode}/records?account=A (201, with a
// Location header when the account may undo it) and unredeem is DELETE of
// the same path (204).
//
// # Barcodes
//
// A scanned code is one escaped path segment. Codes that are empty, longer
// than MaxBarcode, not UTF-8, holding control or bidi characters, or "."
// or ".." (which a proxy would resolve against the path) are refused
// before anything is sent, as are model and campaign ids other than what
// Models gives (digits, letters, "-" and "_").
//
// # Replays and "already redeemed"
//
// Pass2U has no idempotency key. A redeem that went through but whose
// answer was lost answers "The pass is already redeemed." when sent
// again, and so does a pass someone else used: the answer alone cannot
// tell them apart. Only the till can, and only if it journaled the
// redemption before sending it. So:
//
//   - A first redeem of a scanned pass: "already redeemed" is a refusal
//     (Declined, the message shown as it is).
//   - A redeem sent again after an Unknown outcome (no answer, an
//     unreadable answer, a 5xx), or replayed after a crash from a journal
//     entry written before sending: set Redemption.Resent, and "already
//     redeemed" is taken as the till's own earlier redeem (Approved).
//   - Without Resent, a redeem this Client sent before without a clear
//     answer that now answers "already redeemed" is Unknown: a person must
//     check the pass.
//
// A 429 was never processed: a redeem whose only earlier tries were
// answered 429 is not Resent. IsAlreadyRedeemed tells the answer apart
// for callers of Client.Redeem.
//
// Unredeem is safe to replay: a pass that is not redeemed answers "The
// pass was not redeemed." (IsNotRedeemed), which UnredeemOutcome takes as
// done.
package pass2u

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"till/providers/httpx"
	"till/store/sanitize"
)

// DefaultBaseURL is the document's base URL.
const DefaultBaseURL = "https://api.pass2u.net/v2/checkout"

// DefaultTimeout bounds each request when Config.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Config is the adapter's configuration.
type Config struct {
	BaseURL string // default DefaultBaseURL; a trailing slash is optional
	// APIKey is sent as x-api-key. Secret: never in errors, logs,
	// outcomes or String.
	APIKey string `json:"-"`
	// Account is the checkout account, sent as ?account= on every call.
	Account string
	Timeout time.Duration // per request; default 10s
}

// String describes the configuration without its API key.
func (c Config) String() string {
	key := "unset"
	if c.APIKey != "" {
		key = "set"
	}
	return fmt.Sprintf("pass2u.Config{BaseURL: %q, APIKey: %s, Account: %q, Timeout: %v}",
		httpx.Redacted(c.BaseURL), key, c.Account, c.Timeout)
}

// GoString keeps %#v from printing the key.
func (c Config) GoString() string { return c.String() }

// Client makes the calls of Pass2U Checkout. Build it with New; it is
// safe for concurrent use.
type Client struct {
	cfg     Config
	base    string // no trailing slash
	query   string // "?account=..."
	header  http.Header
	http    *httpx.Client
	backoff httpx.Backoff
	now     func() time.Time

	mu     sync.Mutex
	unsure map[string]bool // Redemption keys whose redeem may have arrived unanswered
	order  []string        // keys of unsure, oldest first
}

// New checks cfg and returns a client. Errors name the field, never the
// key.
func New(cfg Config, opts ...httpx.Option) (*Client, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	u, err := httpx.BaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("pass2u: %w", err)
	}
	switch {
	case cfg.APIKey == "":
		return nil, errors.New("pass2u: APIKey is empty")
	case !headerSafe(cfg.APIKey):
		return nil, errors.New("pass2u: APIKey contains a control character or a space")
	case strings.TrimSpace(cfg.Account) == "":
		return nil, errors.New("pass2u: Account is empty")
	case len(cfg.Account) > 200 || sanitize.Text(cfg.Account) != cfg.Account:
		return nil, fmt.Errorf("pass2u: Account %q has control characters or is too long", capText(sanitize.Text(cfg.Account), 40))
	case cfg.Timeout < 0:
		return nil, errors.New("pass2u: Timeout must not be negative")
	case cfg.Timeout == 0:
		cfg.Timeout = DefaultTimeout
	}

	st := httpx.Build(opts)

	c := &Client{
		cfg:   cfg,
		base:  strings.TrimSuffix(u.String(), "/"),
		query: "?account=" + url.QueryEscape(cfg.Account),
		// The document's spelling: net/http sends map keys as they are.
		header: http.Header{"x-api-key": {cfg.APIKey}, "Accept": {"application/json"}},
		unsure: map[string]bool{},
	}
	c.now, c.backoff, c.http = st.Now, st.Backoff, st.Client
	return c, nil
}

// Name is the provider's configuration name.
func (c *Client) Name() string { return "pass2u" }

// String describes the client without its key.
func (c *Client) String() string { return "pass2u client for " + httpx.Redacted(c.base) }

// GoString keeps %#v from printing the key held in the client's headers.
func (c *Client) GoString() string { return c.String() }

// headerSafe accepts visible ASCII only.
func headerSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}
