// Package ipasssim simulates the omni-channel gateway's iPASS offline-pay
// call in memory, for tests and demos. It is an http.Handler:
//
//	POST /v1/payment/ipass/offline/pay  the payment (Bearer token)
//	POST /oauth/token                   client-credentials tokens, when
//	                                    WithClientCredentials is given
//
// The body is checked as strictly as the document allows: exact field
// names and types, required fields, length limits in characters, capture
// true, times as "YYYY-mm-dd HH:mm:ss" in UTC+8 near the simulator's clock,
// one mode only (merchant credentials with a 32-hex-digit iv never seen
// before, or a top-level store_id). A malformed body answers HTTP 400 with
// {"message": ...}, as the gateway does for its own errors.
//
// An order number that has paid answers 0006 "該OrderNumber重複" when used
// again; the check comes first, so a retry never charges twice.
//
// The outcome of a payment is chosen by the last four characters of its
// trade_code, like a card network's test cards:
//
//	ending         return_code  return_msg      meaning
//	0000–7999      0000         成功            paid, payment_type "1"
//	8888           (none)       -               paid, then the connection is
//	                                            closed without an answer
//	9101           9999         發生未預期錯誤  unexpected error (document)
//	9102           S101         餘額不足        insufficient balance
//	9103           S102         付款碼已過期    payment code expired
//	9104           S103         付款碼已使用    payment code used before
//	9105           S104         超過交易限額    over the transaction limit
//	9190           (none)       -               gateway error, HTTP 200
//	                                            {"message":"系統維護中"}
//	other 91NN     9999         發生未預期錯誤  unexpected error
//	anything else  S105         付款碼無效      not a payment code
//
// The document lists only 0000, 0006 and 9999; the S codes are the
// simulator's own and are not iPASS codes. A reused iv answers S201
// "IV重複", wrong merchant credentials S202 "特店驗證失敗" (also the
// simulator's own). A paid trade code used again with another order number
// answers S103.
package ipasssim

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
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
)

// Paths the simulator serves.
const (
	PayPath   = "/v1/payment/ipass/offline/pay"
	TokenPath = "/oauth/token"
)

// TimeLayout is the document's time format, in UTC+8.
const TimeLayout = "2006-01-02 15:04:05"

var taipei = time.FixedZone("UTC+8", 8*60*60)

// Return codes and messages the simulator answers.
const (
	CodeSuccess       = "0000"
	CodeOrderReused   = "0006"
	CodeUnexpected    = "9999"
	CodeNoBalance     = "S101"
	CodeExpired       = "S102"
	CodeUsed          = "S103"
	CodeOverLimit     = "S104"
	CodeInvalid       = "S105"
	CodeIVReused      = "S201"
	CodeBadMerchant   = "S202"
	MsgOrderReused    = "該OrderNumber重複"
	MsgUnexpected     = "發生未預期錯誤"
	MsgGatewayFailure = "系統維護中"
)

var failures = map[string][2]string{
	"9101": {CodeUnexpected, MsgUnexpected},
	"9102": {CodeNoBalance, "餘額不足"},
	"9103": {CodeExpired, "付款碼已過期"},
	"9104": {CodeUsed, "付款碼已使用"},
	"9105": {CodeOverLimit, "超過交易限額"},
}

// Fault makes the simulator misbehave; counts are used up one pay request
// at a time.
type Fault struct {
	// Down closes every connection before reading it: nothing is processed.
	Down bool
	// Slow delays every pay answer. The payment is processed first, so a
	// client that gives up has lost the answer of a processed payment.
	Slow time.Duration
	// Status500 answers the next N pay requests with HTTP 500, unprocessed.
	Status500 int
	// RateLimit answers the next N pay requests with HTTP 429, unprocessed.
	RateLimit int
	// RetryAfter is sent with the 429s and 500s, in whole seconds (rounded
	// up); zero sends none.
	RetryAfter time.Duration
	// DropAnswer processes the next N valid pay requests and closes the
	// connection instead of answering.
	DropAnswer int
}

// Payment is one accepted (paid) payment.
type Payment struct {
	TransactionID   string
	ReqID           string
	OrderNumber     string
	TradeCode       string
	Amount          int64
	NonRedeemAmount int64 // 0 when no redeem object was sent
	MerchantID      string
	StoreID         string // top-level (omni-channel) store_id
	ShopStoreID     string // request.store_id
	TerminalID      string
	IsTest          bool
	PosDateTime     string
	TradeDateTime   string
	ProductDesc     string
	Remark          string
	At              time.Time
}

// Request is a pay request as received, whatever became of it.
type Request struct {
	Header http.Header
	Body   []byte
}

// Option configures a Sim.
type Option func(*Sim)

// WithToken makes tok a valid bearer token. Without it and without
// WithClientCredentials any non-empty bearer token is accepted.
func WithToken(tok string) Option { return func(s *Sim) { s.token = tok } }

// WithClientCredentials serves TokenPath for this client, issuing tokens
// that live ttl (0: one hour).
func WithClientCredentials(id, secret string, ttl time.Duration) Option {
	return func(s *Sim) { s.clientID, s.clientSecret, s.tokenTTL = id, secret, ttl }
}

// WithMerchant expects merchant-credentials mode with these credentials.
func WithMerchant(merchantID, key string) Option {
	return func(s *Sim) { s.merchantID, s.key = merchantID, key }
}

// WithStore expects omni-channel mode with this store code.
func WithStore(storeID string) Option { return func(s *Sim) { s.storeID = storeID } }

// WithClock replaces time.Now.
func WithClock(now func() time.Time) Option { return func(s *Sim) { s.now = now } }

// WithMaxSkew bounds how far trade_date_time may be from the simulator's
// clock (default 10 minutes; 0 turns the check off). It catches times sent
// in the wrong zone.
func WithMaxSkew(d time.Duration) Option { return func(s *Sim) { s.maxSkew = d } }

// Sim is the simulator. It is safe for concurrent use.
type Sim struct {
	token                  string
	clientID, clientSecret string
	tokenTTL               time.Duration
	merchantID, key        string
	storeID                string
	now                    func() time.Time
	maxSkew                time.Duration

	mu         sync.Mutex
	fault      Fault
	issued     map[string]time.Time // token -> expiry
	tokenCalls int
	requests   []Request
	ledger     []Payment
	orders     map[string]bool // order numbers that paid
	codes      map[string]bool // trade codes that paid
	ivs        map[string]bool
	seq        int64
}

// New builds a simulator.
func New(opts ...Option) *Sim {
	s := &Sim{
		now:     time.Now,
		maxSkew: 10 * time.Minute,
		issued:  map[string]time.Time{},
		orders:  map[string]bool{},
		codes:   map[string]bool{},
		ivs:     map[string]bool{},
	}
	for _, o := range opts {
		o(s)
	}
	if s.tokenTTL <= 0 {
		s.tokenTTL = time.Hour
	}
	return s
}

// SetFault replaces the current fault.
func (s *Sim) SetFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
}

// Ledger lists every accepted payment in order.
func (s *Sim) Ledger() []Payment {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Payment(nil), s.ledger...)
}

// Requests lists every pay request received, in order, whatever was
// answered; with Fault.Down nothing is received.
func (s *Sim) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = Request{Header: r.Header.Clone(), Body: bytes.Clone(r.Body)}
	}
	return out
}

// TokenCalls counts the tokens issued.
func (s *Sim) TokenCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenCalls
}

// RevokeTokens invalidates every issued token, so the next payment with
// one answers 401.
func (s *Sim) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.issued)
}

// ServeHTTP serves the pay call and the token endpoint.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	down := s.fault.Down
	s.mu.Unlock()
	switch {
	case down:
		drop(w)
	case r.URL.Path == TokenPath && s.clientID != "":
		s.serveToken(w, r)
	case r.URL.Path == PayPath:
		s.servePay(w, r)
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "not found"})
	}
}

// drop closes the connection without an answer.
func drop(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		conn.Close()
		return
	}
	panic(http.ErrAbortHandler)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (s *Sim) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "invalid_request"})
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
		return
	}
	id, secret, ok := r.BasicAuth()
	if ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != s.clientID || secret != s.clientSecret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	tok := "simtok-" + hex.EncodeToString(b[:])
	s.mu.Lock()
	s.issued[tok] = s.now().Add(s.tokenTTL)
	s.tokenCalls++
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok,
		"token_type":   "Bearer",
		"expires_in":   int64(s.tokenTTL / time.Second),
	})
}

func (s *Sim) authorized(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		return false
	}
	if s.token == "" && s.clientID == "" {
		return true
	}
	if s.token != "" && tok == s.token {
		return true
	}
	exp, ok := s.issued[tok]
	return ok && s.now().Before(exp)
}

type answer struct {
	status int
	body   any
	drop   bool
}

func (s *Sim) servePay(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.mu.Lock()
	s.requests = append(s.requests, Request{Header: r.Header.Clone(), Body: body})
	a, slow := s.pay(r, body, err), s.fault.Slow
	s.mu.Unlock()

	if slow > 0 {
		t := time.NewTimer(slow)
		select {
		case <-t.C:
		case <-r.Context().Done():
		}
		t.Stop()
	}
	if a.drop {
		drop(w)
		return
	}
	if a.status == http.StatusTooManyRequests || a.status >= 500 {
		if ra := s.retryAfter(); ra != "" {
			w.Header().Set("Retry-After", ra)
		}
	}
	writeJSON(w, a.status, a.body)
}

func (s *Sim) retryAfter() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fault.RetryAfter <= 0 {
		return ""
	}
	return fmt.Sprint(int64((s.fault.RetryAfter + time.Second - 1) / time.Second))
}

func message(m string) map[string]string { return map[string]string{"message": m} }

func ipassError(code, msg, reqID string) answer {
	body := map[string]string{"return_code": code, "return_msg": msg, "message_from": "IPASS"}
	if reqID != "" {
		body["req_id"] = reqID
	}
	return answer{status: http.StatusOK, body: body}
}

// pay decides the answer; s.mu is held.
func (s *Sim) pay(r *http.Request, body []byte, readErr error) answer {
	switch {
	case r.Method != http.MethodPost:
		return answer{status: http.StatusMethodNotAllowed, body: message("method not allowed")}
	case !s.authorized(r):
		return answer{status: http.StatusUnauthorized, body: message("Unauthorized")}
	case s.fault.RateLimit > 0:
		s.fault.RateLimit--
		return answer{status: http.StatusTooManyRequests, body: message("Too Many Requests")}
	case s.fault.Status500 > 0:
		s.fault.Status500--
		return answer{status: http.StatusInternalServerError, body: message("Internal Server Error")}
	case readErr != nil:
		return answer{status: http.StatusBadRequest, body: message("unreadable body")}
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return answer{status: http.StatusUnsupportedMediaType, body: message("Content-Type must be application/json")}
	}
	req, err := s.decode(body)
	if err != nil {
		return answer{status: http.StatusBadRequest, body: message(err.Error())}
	}
	a := s.process(req)
	if s.fault.DropAnswer > 0 {
		s.fault.DropAnswer--
		a.drop = true
	}
	return a
}

// process applies a valid request; s.mu is held.
func (s *Sim) process(p *incoming) answer {
	if p.MerchantID != "" {
		if s.merchantID != "" && p.MerchantID != s.merchantID {
			return ipassError(CodeBadMerchant, "特店驗證失敗", p.ReqID)
		}
		if s.key != "" && p.key != s.key {
			return ipassError(CodeBadMerchant, "特店驗證失敗", p.ReqID)
		}
		iv := strings.ToLower(p.iv)
		if s.ivs[iv] {
			return ipassError(CodeIVReused, "IV重複", p.ReqID)
		}
		s.ivs[iv] = true
	}
	if s.orders[p.OrderNumber] {
		return ipassError(CodeOrderReused, MsgOrderReused, p.ReqID)
	}
	magic := p.TradeCode[max(0, len(p.TradeCode)-4):]
	if f, ok := failures[magic]; ok {
		return ipassError(f[0], f[1], p.ReqID)
	}
	if magic == "9190" {
		return answer{status: http.StatusOK, body: message(MsgGatewayFailure)}
	}
	if strings.HasPrefix(magic, "91") && digits(magic) {
		return ipassError(CodeUnexpected, MsgUnexpected, p.ReqID)
	}
	if !digits(magic) || len(magic) < 4 || (magic >= "8000" && magic != "8888") {
		return ipassError(CodeInvalid, "付款碼無效", p.ReqID)
	}
	if s.codes[p.TradeCode] {
		return ipassError(CodeUsed, "付款碼已使用", p.ReqID)
	}

	s.seq++
	p.TransactionID = fmt.Sprintf("e%013d", 2458974869600+s.seq)
	p.At = s.now()
	s.orders[p.OrderNumber] = true
	s.codes[p.TradeCode] = true
	s.ledger = append(s.ledger, p.Payment)
	a := answer{status: http.StatusOK, body: map[string]any{
		"transaction_id":             p.TransactionID,
		"transaction_date_time":      p.At.In(taipei).Format(TimeLayout),
		"electronic_invoice_carrier": "",
		"payment_type":               "1",
		"amount":                     p.Amount,
		"order_number":               p.OrderNumber,
		"return_code":                CodeSuccess,
		"return_msg":                 "成功",
		"req_id":                     p.ReqID,
	}}
	if magic == "8888" {
		a.drop = true
	}
	return a
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// The wire body; pointers tell a missing field from a zero one.
type wireBody struct {
	StoreID *string      `json:"store_id"`
	IsTest  *bool        `json:"is_test"`
	Request *wireRequest `json:"request"`
}

type wireRequest struct {
	MerchantID    *string     `json:"merchantid"`
	Key           *string     `json:"key"`
	IV            *string     `json:"iv"`
	ReqID         *string     `json:"req_id"`
	TradeCode     *string     `json:"trade_code"`
	Amount        *int64      `json:"amount"`
	OrderNumber   *string     `json:"order_number"`
	StoreID       *string     `json:"store_id"`
	TerminalID    *string     `json:"terminal_id"`
	Capture       *bool       `json:"capture"`
	PosDateTime   *string     `json:"pos_date_time"`
	TradeDateTime *string     `json:"trade_date_time"`
	ProductDesc   *string     `json:"product_desc"`
	Remark        *string     `json:"remark"`
	Redeem        *wireRedeem `json:"redeem"`
}

type wireRedeem struct {
	NonRedeemAmout *int64 `json:"non_redeem_amout"`
}

var (
	bodyKeys    = []string{"store_id", "is_test", "request"}
	requestKeys = []string{"merchantid", "key", "iv", "req_id", "trade_code", "amount", "order_number", "store_id", "terminal_id", "capture", "pos_date_time", "trade_date_time", "product_desc", "remark", "redeem"}
	redeemKeys  = []string{"non_redeem_amout"}
)

// exactKeys refuses keys outside allowed, spelt differently (the standard
// decoder matches names case-insensitively) or given twice.
func exactKeys(raw json.RawMessage, where string, allowed []string) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("%s must be an object", where)
	}
	m := map[string]json.RawMessage{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%s: %v", where, err)
		}
		k, _ := t.(string)
		ok := false
		for _, a := range allowed {
			ok = ok || a == k
		}
		if !ok {
			return nil, fmt.Errorf("%s: unknown field %q", where, k)
		}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("%s: field %q given twice", where, k)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%s.%s: %v", where, k, err)
		}
		m[k] = v
	}
	return m, nil
}

// incoming is a valid request: the payment plus what the ledger must not
// keep.
type incoming struct {
	Payment
	key, iv string
}

// decode validates a pay body and returns the payment it asks for.
func (s *Sim) decode(body []byte) (*incoming, error) {
	top, err := exactKeys(body, "body", bodyKeys)
	if err != nil {
		return nil, err
	}
	if raw, ok := top["request"]; ok {
		req, err := exactKeys(raw, "request", requestKeys)
		if err != nil {
			return nil, err
		}
		if raw, ok := req["redeem"]; ok && string(raw) != "null" {
			if _, err := exactKeys(raw, "redeem", redeemKeys); err != nil {
				return nil, err
			}
		}
	}
	var b wireBody
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("invalid body: %v", err)
	}
	if dec.More() {
		return nil, errors.New("data after the body")
	}
	if b.Request == nil {
		return nil, errors.New("request is required")
	}
	q := b.Request
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	need := func(name string, p *string, limit int) error {
		if p == nil || *p == "" {
			return fmt.Errorf("request.%s is required", name)
		}
		return within(name, *p, limit)
	}
	p := &incoming{key: str(q.Key), iv: str(q.IV)}
	p.Payment = Payment{
		ReqID:       str(q.ReqID),
		TradeCode:   str(q.TradeCode),
		OrderNumber: str(q.OrderNumber),
		MerchantID:  str(q.MerchantID),
		StoreID:     str(b.StoreID),
		ShopStoreID: str(q.StoreID),
		TerminalID:  str(q.TerminalID),
		IsTest:      b.IsTest != nil && *b.IsTest,
		ProductDesc: str(q.ProductDesc),
		Remark:      str(q.Remark),
	}
	if err := need("req_id", q.ReqID, 36); err != nil {
		return nil, err
	}
	if _, err := uuid.Parse(p.ReqID); err != nil {
		return nil, errors.New("request.req_id must be a UUID")
	}
	for _, c := range []struct {
		name  string
		p     *string
		limit int
	}{
		{"trade_code", q.TradeCode, 0},
		{"order_number", q.OrderNumber, 100},
		{"store_id", q.StoreID, 20},
		{"terminal_id", q.TerminalID, 8},
	} {
		if err := need(c.name, c.p, c.limit); err != nil {
			return nil, err
		}
	}
	if err := within("product_desc", p.ProductDesc, 4000); err != nil {
		return nil, err
	}
	if err := within("remark", p.Remark, 1000); err != nil {
		return nil, err
	}
	if q.Amount == nil || *q.Amount <= 0 {
		return nil, errors.New("request.amount must be a positive integer")
	}
	p.Amount = *q.Amount
	if q.Capture == nil || !*q.Capture {
		return nil, errors.New("request.capture must be true")
	}
	if q.Redeem != nil {
		if q.Redeem.NonRedeemAmout == nil {
			return nil, errors.New("request.redeem.non_redeem_amout is required in redeem")
		}
		if n := *q.Redeem.NonRedeemAmout; n < 0 || n > p.Amount {
			return nil, errors.New("request.redeem.non_redeem_amout must be between 0 and amount")
		}
		p.NonRedeemAmount = *q.Redeem.NonRedeemAmout
	}
	for _, t := range []struct {
		name string
		p    *string
		dst  *string
	}{{"pos_date_time", q.PosDateTime, &p.PosDateTime}, {"trade_date_time", q.TradeDateTime, &p.TradeDateTime}} {
		if t.p == nil {
			continue
		}
		at, err := time.ParseInLocation(TimeLayout, *t.p, taipei)
		if err != nil || at.In(taipei).Format(TimeLayout) != *t.p {
			return nil, fmt.Errorf("request.%s must be YYYY-mm-dd HH:mm:ss", t.name)
		}
		if t.name == "trade_date_time" && s.maxSkew > 0 {
			if d := at.Sub(s.now()); d > s.maxSkew || -d > s.maxSkew {
				return nil, fmt.Errorf("request.trade_date_time is %v from the gateway's UTC+8 clock", d.Round(time.Second))
			}
		}
		*t.dst = *t.p
	}

	merchant := q.MerchantID != nil || q.Key != nil || q.IV != nil
	switch {
	case merchant && b.StoreID != nil:
		return nil, errors.New("send either merchant credentials or store_id, not both")
	case !merchant && b.StoreID == nil:
		return nil, errors.New("send either merchant credentials or store_id")
	case merchant:
		if p.MerchantID == "" || p.key == "" || p.iv == "" {
			return nil, errors.New("request.merchantid, key and iv are required together")
		}
		if len(p.iv) != 32 || !isHex(p.iv) {
			return nil, errors.New("request.iv must be 16 bytes in hex")
		}
		if s.storeID != "" {
			return nil, errors.New("this store uses omni-channel credentials: send store_id")
		}
	default:
		if p.StoreID == "" {
			return nil, errors.New("store_id is required")
		}
		if utf8.RuneCountInString(p.StoreID) > 20 {
			return nil, errors.New("store_id is longer than 20")
		}
		if s.merchantID != "" {
			return nil, errors.New("this store uses merchant credentials: send merchantid, key and iv")
		}
		if s.storeID != "" && p.StoreID != s.storeID {
			return nil, errors.New("門市代碼不存在")
		}
	}
	return p, nil
}

func within(name, v string, limit int) error {
	if limit > 0 && utf8.RuneCountInString(v) > limit {
		return fmt.Errorf("request.%s is longer than %d", name, limit)
	}
	return nil
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}
