// Package ipass pays with a customer's iPASS Money / TWQR code through the
// omni-channel gateway's offline-pay call (POST /v1/payment/ipass/offline/pay).
//
// iPASS has one call only: no query, void or refund. A payment whose answer
// was lost is sent again with the same req_id and order_number; iPASS
// refuses a second use of an order number (0006), so a retry cannot charge
// twice, but it cannot say whether the first attempt charged either. Such a
// payment ends Unknown and a manager checks it.
package ipass

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"till/providers"
	"till/providers/httpx"
	"till/store/money"
)

// Config configures the adapter. Exactly one mode: merchant credentials
// (MerchantID and Key, StoreID empty) or omni-channel (StoreID, no
// merchant credentials). Exactly one way to authenticate: Token, or
// TokenURL with ClientID and ClientSecret.
type Config struct {
	// BaseURL is the gateway, e.g. "https://omni.example/"; the document
	// names no host, so there is no default.
	BaseURL string
	// Token is a static OAuth 2.0 bearer token. Secret.
	Token string
	// TokenURL, ClientID and ClientSecret fetch a token with the
	// client-credentials grant instead. ClientSecret is secret.
	TokenURL, ClientID, ClientSecret string

	// MerchantID and Key are the iPASS merchant credentials. Key is secret.
	MerchantID, Key string
	// StoreID is the omni-channel store code (top-level store_id).
	StoreID string

	// ShopStoreID is the shop number sent as request.store_id (店號).
	ShopStoreID string
	// TerminalID names this till to iPASS.
	TerminalID string
	IsTest     bool
	// Timeout bounds every request; 0 means 15 s.
	Timeout time.Duration
}

// DefaultTimeout is used when Config.Timeout is 0.
const DefaultTimeout = 15 * time.Second

// Option changes a Client built by New; tests use them.
type Option func(*Client)

// WithHTTPClient sends through hc. Every request still carries
// Config.Timeout through its context.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.http.HTTP = hc } }

// WithBackoff replaces the retry policy; a nil Rand or Sleep keeps the
// default one.
func WithBackoff(b httpx.Backoff) Option {
	return func(c *Client) {
		d := httpx.DefaultBackoff()
		if b.Rand == nil {
			b.Rand = d.Rand
		}
		if b.Sleep == nil {
			b.Sleep = d.Sleep
		}
		c.http.Backoff = b
	}
}

// WithClock replaces time.Now for the request times and token expiry.
func WithClock(now func() time.Time) Option { return func(c *Client) { c.now = now } }

// WithRandom replaces crypto/rand as the source of the iv.
func WithRandom(r io.Reader) Option { return func(c *Client) { c.rand = r } }

// Client is the iPASS adapter. It is safe for concurrent use.
type Client struct {
	cfg    Config
	payURL string
	http   *httpx.Client
	now    func() time.Time
	tokens *tokenSource // nil with a static token

	randMu sync.Mutex
	rand   io.Reader

	mu    sync.Mutex
	keys  map[string]*payment
	order []string // keys in first-seen order, for eviction
}

// payment is what the client knows of one Op.Key.
type payment struct {
	turn  chan struct{} // one call per key at a time
	users int
	out   providers.Outcome // last outcome; Status "" before any
	taken bool              // some attempt may have reached iPASS
}

// remembered bounds how many payments the client keeps in memory.
const remembered = 1024

var _ providers.Payments = (*Client)(nil)

// New checks cfg and builds a client. Errors name fields, never values.
func New(cfg Config, opts ...Option) (*Client, error) {
	var problems []string
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }

	payURL, err := joinURL(cfg.BaseURL)
	if err != nil {
		bad("BaseURL %v", err)
	}
	switch {
	case cfg.Token != "" && (cfg.TokenURL != "" || cfg.ClientID != "" || cfg.ClientSecret != ""):
		bad("set Token or TokenURL with ClientID and ClientSecret, not both")
	case cfg.Token == "" && cfg.TokenURL == "":
		bad("set Token or TokenURL with ClientID and ClientSecret")
	case cfg.Token == "":
		if _, err := joinURL(cfg.TokenURL); err != nil {
			bad("TokenURL %v", err)
		}
		if cfg.ClientID == "" || cfg.ClientSecret == "" {
			bad("TokenURL needs ClientID and ClientSecret")
		}
	}
	merchant := cfg.MerchantID != "" || cfg.Key != ""
	switch {
	case merchant && cfg.StoreID != "":
		bad("set either MerchantID and Key (merchant credentials) or StoreID (omni-channel), not both")
	case !merchant && cfg.StoreID == "":
		bad("set either MerchantID and Key (merchant credentials) or StoreID (omni-channel)")
	case merchant && (cfg.MerchantID == "" || cfg.Key == ""):
		bad("merchant credentials need both MerchantID and Key")
	}
	if n := utf8.RuneCountInString(cfg.StoreID); n > MaxStoreID {
		bad("StoreID is %d characters, iPASS allows %d", n, MaxStoreID)
	}
	if cfg.ShopStoreID == "" {
		bad("ShopStoreID (request.store_id) is required")
	} else if n := utf8.RuneCountInString(cfg.ShopStoreID); n > MaxStoreID {
		bad("ShopStoreID is %d characters, iPASS allows %d", n, MaxStoreID)
	}
	if cfg.TerminalID == "" {
		bad("TerminalID is required")
	} else if n := utf8.RuneCountInString(cfg.TerminalID); n > MaxTerminalID {
		bad("TerminalID is %d characters, iPASS allows %d", n, MaxTerminalID)
	}
	if cfg.Timeout < 0 {
		bad("Timeout is negative")
	}
	if len(problems) > 0 {
		return nil, errors.New("ipass: " + strings.Join(problems, "; "))
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}

	hc := httpx.New(cfg.Timeout)
	// A redirect would re-send a payment somewhere the configuration did
	// not name; answer it instead.
	hc.HTTP.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c := &Client{
		cfg:    cfg,
		payURL: payURL,
		http:   hc,
		now:    time.Now,
		rand:   rand.Reader,
		keys:   map[string]*payment{},
	}
	if cfg.Token == "" {
		c.tokens = &tokenSource{url: cfg.TokenURL, id: cfg.ClientID, secret: cfg.ClientSecret}
	}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

func joinURL(base string) (string, error) {
	if base == "" {
		return "", errors.New("is required")
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", errors.New("is not an http(s) URL")
	}
	if u.User != nil {
		return "", errors.New("must not hold credentials")
	}
	return strings.TrimRight(base, "/") + Path, nil
}

// Name is the provider's configuration name.
func (c *Client) Name() string { return "ipass" }

// Pay charges op.Amount to the customer's code op.PaymentCode. It answers
// Approved, Declined or Unknown, never Pending.
func (c *Client) Pay(ctx context.Context, op providers.Op) providers.Outcome {
	body, out, ok := c.prepare(op)
	if !ok {
		return out
	}
	p, release, err := c.acquire(ctx, op.Key)
	if err != nil {
		return providers.Outcome{Status: providers.Unknown, Reason: "this iPASS payment is still being sent: wait for its answer", Retryable: true}
	}
	defer release()
	if p.out.Status == providers.Approved {
		return p.out // sending again could only answer 0006
	}
	var bearers []string
	out, taken := c.send(ctx, body, p.taken, &bearers)
	out = c.redact(out, bearers)
	p.out, p.taken = out, taken
	return out
}

// Follow answers what Pay last knew; iPASS has nothing to poll. A payment
// not settled by Pay needs a person.
func (c *Client) Follow(ctx context.Context, op providers.Op) providers.Outcome {
	key := op.Key
	if key == "" {
		key = op.Target
	}
	p, release, err := c.acquire(ctx, key)
	if err != nil {
		return providers.Outcome{Status: providers.Unknown, Reason: needsReview}
	}
	defer release()
	if p.out.Settled() {
		return p.out
	}
	if p.out.Status == "" {
		// Pay refuses such an op before sending, so nothing can be owed.
		if _, out, ok := c.prepare(op); !ok {
			return out
		}
	}
	return providers.Outcome{Status: providers.Unknown, Reason: needsReview, Code: p.out.Code, Detail: p.out.Detail}
}

// Void is not offered by iPASS.
func (c *Client) Void(context.Context, providers.Op) providers.Outcome {
	return providers.Outcome{Status: providers.Declined, Code: "unsupported", Reason: unsupported}
}

// Refunds is false: iPASS takes payments only, so a return of an iPASS
// sale is paid back in cash.
func (c *Client) Refunds() bool { return false }

// Refund is not offered by iPASS.
func (c *Client) Refund(context.Context, providers.Op) providers.Outcome {
	return providers.Outcome{Status: providers.Declined, Code: "unsupported", Reason: unsupported}
}

// Lookup is not offered by iPASS.
func (c *Client) Lookup(context.Context, providers.Op) providers.Outcome {
	return providers.Outcome{Status: providers.Unknown, Reason: noLookup}
}

// acquire waits for the key's turn, so that two calls for one payment never
// race each other into a 0006, and returns its record.
func (c *Client) acquire(ctx context.Context, key string) (*payment, func(), error) {
	c.mu.Lock()
	p := c.keys[key]
	if p == nil {
		p = &payment{turn: make(chan struct{}, 1)}
		c.keys[key] = p
		c.order = append(c.order, key)
	}
	p.users++
	c.evict()
	c.mu.Unlock()
	done := func() {
		c.mu.Lock()
		p.users--
		c.mu.Unlock()
	}
	select {
	case p.turn <- struct{}{}:
	default:
		select {
		case p.turn <- struct{}{}:
		case <-ctx.Done():
			done()
			return nil, nil, ctx.Err()
		}
	}
	return p, func() { <-p.turn; done() }, nil
}

// evict forgets the oldest idle payments beyond the bound. A payment
// forgotten while still Unknown is reported as needing a person by Follow
// all the same; only its 0006-means-unknown memory is lost, and a till
// does not re-send a payment a thousand payments later.
func (c *Client) evict() {
	for len(c.order) > remembered {
		idle := -1
		for i, k := range c.order {
			if c.keys[k].users == 0 {
				idle = i
				break
			}
		}
		if idle < 0 {
			return
		}
		delete(c.keys, c.order[idle])
		c.order = append(c.order[:idle], c.order[idle+1:]...)
	}
}

// declined refuses an op before anything is sent.
func declined(format string, a ...any) providers.Outcome {
	return providers.Outcome{Status: providers.Declined, Code: "invalid_request", Reason: "not sent to iPASS: " + fmt.Sprintf(format, a...)}
}

// prepare checks op against the document and builds the parts of the body
// that stay the same on every attempt.
func (c *Client) prepare(op providers.Op) (payBody, providers.Outcome, bool) {
	var b payBody
	if op.Kind != "" && op.Kind != providers.KindPay {
		return b, declined("a %s is not a payment", op.Kind), false
	}
	if n := utf8.RuneCountInString(op.Key); n > MaxReqID {
		return b, declined("req_id is %d characters, iPASS allows %d", n, MaxReqID), false
	}
	if _, err := uuid.Parse(op.Key); err != nil {
		return b, declined("req_id must be a UUID"), false
	}
	if op.PaymentCode == "" {
		return b, declined("trade_code is empty: scan the customer's payment code"), false
	}
	if op.OrderNumber == "" {
		return b, declined("order_number is empty"), false
	}
	if n := utf8.RuneCountInString(op.OrderNumber); n > MaxOrderNumber {
		return b, declined("order_number is %d characters, iPASS allows %d", n, MaxOrderNumber), false
	}
	if n := utf8.RuneCountInString(op.Description); n > MaxProductDesc {
		return b, declined("product_desc is %d characters, iPASS allows %d", n, MaxProductDesc), false
	}
	// The contract has no remark; the sale id lets a manager match an
	// iPASS record to the till's sale when checking an unknown payment.
	if n := utf8.RuneCountInString(op.SaleID); n > MaxRemark {
		return b, declined("remark (the sale id) is %d characters, iPASS allows %d", n, MaxRemark), false
	}
	if !strings.EqualFold(op.Currency, "TWD") {
		return b, declined("iPASS takes New Taiwan dollars (TWD) only, not %.10q", op.Currency), false
	}
	cur, err := money.Lookup(op.Currency)
	if err != nil {
		return b, declined("unknown currency"), false
	}
	amount, ok := wholeDollars(op.Amount, cur)
	if !ok || amount <= 0 {
		return b, declined("amount %s must be a whole number of dollars above zero", cur.Format(op.Amount)), false
	}
	nonRedeem, ok := wholeDollars(op.NonDiscountable, cur)
	if !ok || nonRedeem < 0 || nonRedeem > amount {
		return b, declined("non_redeem_amout %s must be whole dollars between 0 and the amount", cur.Format(op.NonDiscountable)), false
	}

	posTime := op.Created
	if posTime.IsZero() {
		posTime = c.now()
	}
	b = payBody{
		IsTest: c.cfg.IsTest,
		Request: payRequest{
			ReqID:       op.Key,
			TradeCode:   op.PaymentCode,
			Amount:      amount,
			OrderNumber: op.OrderNumber,
			StoreID:     c.cfg.ShopStoreID,
			TerminalID:  c.cfg.TerminalID,
			Capture:     true, // the till only does immediate capture
			// The code's expiry is measured from the POS time: the time the
			// sale asked for the payment, the same on every retry.
			PosDateTime: wireTime(posTime),
			ProductDesc: op.Description,
			Remark:      op.SaleID,
		},
	}
	if c.cfg.StoreID != "" {
		b.StoreID = c.cfg.StoreID
	} else {
		b.Request.MerchantID, b.Request.Key = c.cfg.MerchantID, c.cfg.Key
	}
	// Without the object the whole amount may be discounted, which is
	// exactly what a zero would say: send it only when something is
	// excluded.
	if nonRedeem > 0 {
		b.Request.Redeem = &redeem{NonRedeemAmout: nonRedeem}
	}
	return b, providers.Outcome{}, true
}

// wholeDollars converts the till's minor units to iPASS amounts. The till
// keeps TWD with its ISO 4217 exponent (2: NT$229 is 22900); iPASS amounts
// are integers of whole dollars. Cents cannot be charged, so an amount with
// cents is refused, never rounded.
func wholeDollars(a money.Amount, cur money.Currency) (int64, bool) {
	unit := int64(1)
	for range cur.Exponent {
		unit *= 10
	}
	if int64(a)%unit != 0 {
		return 0, false
	}
	return int64(a) / unit, true
}

func (c *Client) iv() (string, error) {
	var b [16]byte
	c.randMu.Lock()
	_, err := io.ReadFull(c.rand, b[:])
	c.randMu.Unlock()
	return hex.EncodeToString(b[:]), err
}

// send runs the attempts of one Pay call. taken comes in as what earlier
// calls left and goes out updated: once an attempt may have reached iPASS,
// only an approval settles the payment.
// Every bearer token sent is added to bearers, for redaction.
func (c *Client) send(ctx context.Context, b payBody, taken bool, bearers *[]string) (providers.Outcome, bool) {
	bo := c.http.Backoff
	var (
		lost      int  // attempts whose answer never arrived
		busy      int  // 429 and 5xx answers
		waits     int  // backoff index
		refreshed bool // token renewed after a 401
	)
	// refusal reports a refusal or a failure to send, which settles
	// nothing once an attempt may have charged.
	refusal := func(out providers.Outcome) (providers.Outcome, bool) {
		if taken {
			out = providers.Outcome{Status: providers.Unknown, Reason: needsReview, Code: out.Code, Detail: out.Detail, Retryable: out.Retryable, RetryAfter: out.RetryAfter}
		}
		return out, taken
	}
	for {
		if err := ctx.Err(); err != nil {
			return refusal(providers.Outcome{Status: providers.Declined, Code: "not_sent", Reason: "the payment was not sent to iPASS: time ran out", Retryable: true})
		}
		bearer := c.cfg.Token
		if c.tokens != nil {
			tok, err := c.token(ctx)
			if err != nil {
				return refusal(tokenFailure(err))
			}
			bearer = tok
			*bearers = append(*bearers, tok)
		}
		if b.Request.MerchantID != "" {
			// A fresh iv for every request, retries included.
			iv, err := c.iv()
			if err != nil {
				return refusal(providers.Outcome{Status: providers.Declined, Code: "not_sent", Reason: "the payment was not sent to iPASS: the till could not make a random iv"})
			}
			b.Request.IV = iv
		}
		b.Request.TradeDateTime = wireTime(c.now())
		body, err := encode(b)
		if err != nil {
			return refusal(providers.Outcome{Status: providers.Declined, Code: "not_sent", Reason: "the payment was not sent to iPASS: it could not be encoded"})
		}
		// No Idempotency-Key header: with one, net/http would re-send a
		// failed POST on its own, bypassing the fresh iv and this policy.
		h := http.Header{}
		h.Set("Authorization", "Bearer "+bearer)
		h.Set("Content-Type", "application/json")
		h.Set("Accept", "application/json")

		actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
		resp, err := c.http.Send(actx, http.MethodPost, c.payURL, h, body)
		cancel()

		var why error
		switch {
		case err != nil:
			why = err
		case resp.Status == http.StatusOK:
			out, err := interpret(resp.Body, b.Request.ReqID, b.Request.OrderNumber, taken)
			if err == nil {
				return out, taken
			}
			why = err
		case resp.Status == http.StatusUnauthorized:
			if c.tokens != nil && !refreshed {
				refreshed = true
				c.forget(bearer)
				continue
			}
			return refusal(providers.Outcome{Status: providers.Declined, Code: "http_401", Reason: tokenRefused})
		case httpx.Retryable(resp.Status):
			// A 5xx may come from a gateway that passed the payment on
			// before failing; a 429 is a refusal to start.
			if resp.Status >= 500 {
				taken = true
			}
			busy++
			ra := httpx.RetryAfter(resp.Header, c.now())
			out := providers.Outcome{Status: providers.Declined, Code: fmt.Sprintf("http_%d", resp.Status), Reason: "iPASS is busy: try again in a moment", Detail: omniMessage(resp.Body), Retryable: true, RetryAfter: ra}
			if busy >= max(bo.Attempts, 1) || bo.Wait(ctx, waits, ra) != nil {
				return refusal(out)
			}
			waits++
			continue
		case resp.Status >= 200 && resp.Status < 300:
			why = fmt.Errorf("%w: HTTP %d instead of 200", errAnswer, resp.Status)
		default:
			return refusal(providers.Outcome{
				Status: providers.Declined,
				Code:   fmt.Sprintf("http_%d", resp.Status),
				Reason: fmt.Sprintf("iPASS refused the request (HTTP %d): check the configuration", resp.Status),
				Detail: omniMessage(resp.Body),
			})
		}

		// The request went out and no trustworthy answer came back.
		taken = true
		lost++
		if lost >= 2 || ctx.Err() != nil || bo.Wait(ctx, waits, 0) != nil {
			return providers.Outcome{Status: providers.Unknown, Reason: needsReview, Code: "no_answer", Detail: clip("no answer from iPASS: "+why.Error(), maxDetail), Retryable: true}, taken
		}
		waits++
	}
}

func tokenFailure(err error) providers.Outcome {
	if errors.Is(err, errCredentials) {
		return providers.Outcome{Status: providers.Declined, Code: "token_refused", Reason: "iPASS refused the till's credentials: check the configuration", Detail: err.Error()}
	}
	return providers.Outcome{Status: providers.Declined, Code: "token_unavailable", Reason: "the payment was not sent: the till could not sign in to iPASS, try again", Detail: clip(err.Error(), maxDetail), Retryable: true}
}

// omniMessage keeps the gateway's message from an error body, if any.
func omniMessage(body []byte) string {
	a, err := decodeAnswer(body)
	if err != nil {
		return ""
	}
	if a.Message != "" {
		return clip(a.Message, maxDetail)
	}
	return clip(a.ReturnMsg, maxDetail)
}

// redact is the last guard: no secret leaves in an outcome, whatever a
// server echoed or an error said.
func (c *Client) redact(o providers.Outcome, bearers []string) providers.Outcome {
	secrets := append([]string{c.cfg.Key, c.cfg.Token, c.cfg.ClientSecret}, bearers...)
	for _, s := range secrets {
		if len(s) < 4 {
			continue // too short to tell from ordinary text
		}
		o.Reference = strings.ReplaceAll(o.Reference, s, "[redacted]")
		o.Code = strings.ReplaceAll(o.Code, s, "[redacted]")
		o.Reason = strings.ReplaceAll(o.Reason, s, "[redacted]")
		o.Detail = strings.ReplaceAll(o.Detail, s, "[redacted]")
	}
	return o
}
