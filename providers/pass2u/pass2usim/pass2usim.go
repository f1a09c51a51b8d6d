// Package pass2usim is an in-memory Pass2U Checkout API v2 server for tests
// and demonstrations, as the till's NOTES read the document. It is safe for
// concurrent use.
//
// # Routes
//
//	GET    /models?account=A
//	POST   /models/{modelId}/campaigns/{campaignId}/barcodes/{barcode}/records?account=A
//	DELETE /models/{modelId}/campaigns/{campaignId}/barcodes/{barcode}/records?account=A
//
// The path is read escaped: the barcode must be one segment. Errors are
// {"message": "..."} with the document's messages.
//
// # Credentials
//
// A missing or wrong x-api-key answers 401 "API key is not valid.". The
// account (WithAccount, default DefaultAccount) sees Models; EmptyAccount
// has no campaigns (404 "This account is not assigned for any campaign.");
// NoAdminAccount answers 401 "No admin account."; any other 401 "This
// account is not valid.".
//
// # Passes
//
// A pass is known by its barcode's prefix; anything after it is free, so
// every test can have fresh passes:
//
//	P2U-OK-…          redeemable
//	P2U-USED-…        already redeemed (and may be unredeemed)
//	P2U-EXPIRED-…     400 The pass is expired.
//	P2U-VOID-…        400 The pass is voided.
//	P2U-TBREFUND-…    400 The pass of the TickeBao order is refunded.
//	P2U-TBUSED-…      400 The pass of the TickeBo order is redeemed.
//	                      (unredeem: "TickeBao", as the document spells it)
//	P2U-TBNONE-…      400 No TicketBao order details for this pass.
//	P2U-DISABLED-…    400 This campaign is not enabled.
//	P2U-NOTYET-…      400 This campaign does not start yet.
//	P2U-ENDED-…       400 This campaign ends already.
//	P2U-UNASSIGNED-…  400 This account is not assigned for the campaign.
//	P2U-NOREDEEM-…    400 This account is not allowed to redeem.
//	P2U-POINTS-…      400 Point / credit / stamp campaign is not supported yet.
//	anything else     404 Not valid barcode.
//
// An unknown model or campaign answers 404 "This campaign is not found.",
// an empty segment 400 "modelId, campaignId, or barcode must be assigned.".
//
// A redeem answers 201 with the record and marks the pass redeemed (a
// second redeem, in any campaign, answers 400 "The pass is already
// redeemed."). In a campaign with Undo it carries a Location header and
// unredeemable true. An unredeem answers 204 and makes the pass
// redeemable again; a pass not redeemed answers 400 "The pass was not
// redeemed.", and a campaign without Undo 400 "This account is not
// allowed to redeem." (the document has no message of its own for it).
// redeemedAt is Taiwan time without a zone, as in the document.
//
// # Faults
//
// SetFault installs transport faults (see simfault); Status500After and
// DropAnswer apply to redeems and unredeems only.
package pass2usim

import (
	"crypto/sha1"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"till/providers/simfault"
)

// Test credentials: not secrets.
const (
	DefaultAPIKey  = "pass2u-sim-api-key"
	DefaultAccount = "till-sim"
	EmptyAccount   = "till-sim-empty"
	NoAdminAccount = "till-sim-no-admin"
)

// Fault is a set of transport faults; see simfault for each one.
type Fault = simfault.Fault

// Pass is a pass's state.
type Pass struct {
	Barcode  string
	Refusal  string // the 400 message its kind gets; "" for OK and USED passes
	Redeemed bool
	// Where and when the Sim last redeemed it (zero for a USED pass not
	// redeemed here).
	ModelID, CampaignID string
	RedeemedAt          time.Time
	Record              int // the last redemption record's id
}

// Entry is one change the Sim made: Kind "redeem" or "unredeem".
type Entry struct {
	At                           time.Time
	Kind                         string
	ModelID, CampaignID, Barcode string
	Record                       int
}

// Option configures a Sim.
type Option func(*Sim)

// WithAPIKey sets the x-api-key the Sim expects.
func WithAPIKey(k string) Option { return func(s *Sim) { s.key = k } }

// WithAccount sets the checkout account that holds Models.
func WithAccount(a string) Option { return func(s *Sim) { s.account = a } }

// WithClock sets the clock for redeemedAt and the ledger.
func WithClock(now func() time.Time) Option { return func(s *Sim) { s.now = now } }

// Sim is the simulated server. Build it with New.
type Sim struct {
	key, account string
	now          func() time.Time
	faults       simfault.Faults

	mu     sync.Mutex
	passes map[string]*Pass
	ledger []Entry
	seq    int
}

// New returns a Sim with the seeded models, every pass fresh and no
// faults.
func New(opts ...Option) *Sim {
	s := &Sim{key: DefaultAPIKey, account: DefaultAccount, now: time.Now, passes: map[string]*Pass{}, seq: 272}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Handler returns the Sim as an http.Handler.
func (s *Sim) Handler() http.Handler { return s }

// SetFault replaces the current faults.
func (s *Sim) SetFault(f Fault) { s.faults.Set(f) }

// Fault returns the current faults, with what is left of their counters.
func (s *Sim) Fault() Fault { return s.faults.Get() }

// Ledger returns every redeem and unredeem in the order they were made.
func (s *Sim) Ledger() []Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Entry(nil), s.ledger...)
}

// Pass returns the state of a pass; ok is false for a barcode without a
// magic prefix.
func (s *Sim) Pass(barcode string) (p Pass, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ps := s.pass(barcode); ps != nil {
		return *ps, true
	}
	return Pass{}, false
}

// pass finds or makes the pass for barcode; nil if unknown.
func (s *Sim) pass(barcode string) *Pass {
	if p := s.passes[barcode]; p != nil {
		return p
	}
	for _, k := range kinds {
		if strings.HasPrefix(barcode, k.prefix) {
			p := &Pass{Barcode: barcode, Refusal: k.refusal, Redeemed: k.redeemed}
			s.passes[barcode] = p
			return p
		}
	}
	return nil
}

// answer is a response ready to write.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) Write(w http.ResponseWriter) {
	for k, vs := range a.header {
		w.Header()[k] = vs
	}
	w.WriteHeader(a.status)
	w.Write(a.body)
}

func jsonAnswer(status int, v any) answer {
	body, _ := json.Marshal(v)
	return answer{status: status, header: http.Header{"Content-Type": {"application/json"}}, body: body}
}

func message(status int, msg string) answer {
	return jsonAnswer(status, struct {
		Message string `json:"message"`
	}{msg})
}

func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	simfault.Serve(&s.faults, w, r, r.Method != http.MethodGet, simfault.Replies[answer]{
		Down: func() answer { return message(http.StatusServiceUnavailable, "Service unavailable.") },
		TooMany: func(retryAfter time.Duration) answer {
			a := message(http.StatusTooManyRequests, msgTooMany)
			simfault.SetRetryAfter(a.header, retryAfter)
			return a
		},
		Internal: func() answer { return message(http.StatusInternalServerError, msgInternal) },
	}, func() answer { return s.serve(r) })
}

// serve answers one request no fault intercepted.
func (s *Sim) serve(r *http.Request) answer {
	if s.key == "" || subtle.ConstantTimeCompare([]byte(r.Header.Get("x-api-key")), []byte(s.key)) != 1 {
		return message(http.StatusUnauthorized, msgBadKey)
	}
	account := r.URL.Query().Get("account")
	switch account {
	case s.account, EmptyAccount:
	case NoAdminAccount:
		return message(http.StatusUnauthorized, msgNoAdmin)
	default:
		return message(http.StatusUnauthorized, msgBadAccount)
	}
	seg := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
	switch {
	case len(seg) == 1 && seg[0] == "models":
		if r.Method != http.MethodGet {
			return message(http.StatusMethodNotAllowed, msgMethod)
		}
		if account == EmptyAccount {
			return message(http.StatusNotFound, msgNoCampaigns)
		}
		return jsonAnswer(http.StatusOK, modelsWire())
	case len(seg) != 7 || seg[0] != "models" || seg[2] != "campaigns" || seg[4] != "barcodes" || seg[6] != "records":
		return message(http.StatusNotFound, msgNoRoute)
	case r.Method != http.MethodPost && r.Method != http.MethodDelete:
		return message(http.StatusMethodNotAllowed, msgMethod)
	}
	var ids [3]string
	for i, raw := range []string{seg[1], seg[3], seg[5]} {
		v, err := url.PathUnescape(raw)
		if err != nil || v == "" {
			return message(http.StatusBadRequest, msgMissing)
		}
		ids[i] = v
	}
	if account == EmptyAccount {
		return message(http.StatusNotFound, msgNoCampaigns)
	}
	camp, ok := campaign(ids[0], ids[1])
	if !ok {
		return message(http.StatusNotFound, msgNoCampaign)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pass(ids[2])
	if p == nil {
		return message(http.StatusNotFound, msgBadBarcode)
	}
	if r.Method == http.MethodPost {
		return s.redeem(r, p, ids[0], camp)
	}
	return s.unredeem(p, ids[0], camp)
}

// campaign finds a seeded campaign by the ids as sent.
func campaign(modelID, campaignID string) (Campaign, bool) {
	for _, m := range Models {
		if strconv.Itoa(m.ID) != modelID {
			continue
		}
		for _, c := range m.Campaigns {
			if strconv.Itoa(c.ID) == campaignID {
				return c, true
			}
		}
	}
	return Campaign{}, false
}

func (s *Sim) redeem(r *http.Request, p *Pass, modelID string, c Campaign) answer {
	switch {
	case p.Refusal != "":
		return message(http.StatusBadRequest, p.Refusal)
	case p.Redeemed:
		return message(http.StatusBadRequest, msgAlreadyRedeem)
	}
	s.seq++
	now := s.now()
	*p = Pass{Barcode: p.Barcode, Redeemed: true, ModelID: modelID, CampaignID: strconv.Itoa(c.ID), RedeemedAt: now, Record: s.seq}
	s.log("redeem", modelID, c, p)
	a := jsonAnswer(http.StatusCreated, struct {
		DistributionID string `json:"distributionId"`
		Unredeemable   bool   `json:"unredeemable"`
		RedeemedAt     string `json:"redeemedAt"`
		Barcode        string `json:"barcode"`
	}{distributionID(p.Barcode), c.Undo, now.In(taipei).Format("2006-01-02T15:04:05"), p.Barcode})
	if c.Undo {
		a.header.Set("Location", location(r, s.seq))
	}
	return a
}

func (s *Sim) unredeem(p *Pass, modelID string, c Campaign) answer {
	switch {
	case p.Refusal != "":
		return message(http.StatusBadRequest, undoRefusal(p.Refusal))
	case !c.Undo:
		return message(http.StatusBadRequest, msgNotAllowed)
	case !p.Redeemed:
		return message(http.StatusBadRequest, msgNotRedeemed)
	}
	p.Redeemed = false
	s.log("unredeem", modelID, c, p)
	return answer{status: http.StatusNoContent}
}

func undoRefusal(msg string) string {
	for _, k := range kinds {
		if k.refusal == msg && k.undoRefusal != "" {
			return k.undoRefusal
		}
	}
	return msg
}

// log records a change to p in campaign c of model modelID.
func (s *Sim) log(kind, modelID string, c Campaign, p *Pass) {
	s.ledger = append(s.ledger, Entry{At: s.now(), Kind: kind, ModelID: modelID, CampaignID: strconv.Itoa(c.ID), Barcode: p.Barcode, Record: p.Record})
}

var taipei = time.FixedZone("UTC+8", 8*60*60)

// location is the new record's URL: the request's own, as the client
// sent it, plus the record id.
func location(r *http.Request, id int) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	path, _, _ := strings.Cut(r.RequestURI, "?")
	return scheme + "://" + r.Host + path + "/" + strconv.Itoa(id)
}

// distributionID is a stable 12-character id for a barcode, like the
// document's "T2bzXfEuEFXx".
func distributionID(barcode string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	h := sha1.Sum([]byte(barcode))
	out := make([]byte, 12)
	for i := range out {
		out[i] = alphabet[int(h[i])%len(alphabet)]
	}
	return string(out)
}

type campaignWire struct {
	Name string `json:"name"`
	ID   int    `json:"id"`
}

type modelWire struct {
	Campaigns []campaignWire `json:"campaigns"`
	ModelID   int            `json:"modelId"`
	Name      string         `json:"name"`
}

// modelsWire is Models as the document writes them.
func modelsWire() []modelWire {
	out := make([]modelWire, 0, len(Models))
	for _, m := range Models {
		mw := modelWire{ModelID: m.ID, Name: m.Name}
		for _, c := range m.Campaigns {
			mw.Campaigns = append(mw.Campaigns, campaignWire{Name: c.Name, ID: c.ID})
		}
		out = append(out, mw)
	}
	return out
}
