package pass2u

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"till/store/sanitize"
)

// Model is a pass model with the campaigns the account may redeem in it.
type Model struct {
	ID        string // modelId
	Name      string // sanitised
	Campaigns []Campaign
}

// Campaign is a checkout campaign: a discount, a free drink, a lesson.
type Campaign struct {
	ID   string // id
	Name string // sanitised
}

// Record is the answer to a redeem.
type Record struct {
	DistributionID string // the pass distribution's id
	// Unredeemable is the document's flag: this account may cancel the
	// redemption (unredeem it).
	Unredeemable bool
	// RedeemedAt is the time of redemption; zero when the answer had none.
	// The document's times carry no zone: they are read as Taiwan time.
	RedeemedAt time.Time
	Barcode    string
	// Location is the redemption record's URL, given when the account may
	// undo it; "" otherwise.
	Location string
}

// CanUndo says whether the account may unredeem this redemption.
func (r Record) CanUndo() bool { return r.Unredeemable || r.Location != "" }

// ErrUnreadable reports a 2xx answer that is not what the document
// promises. A redeem answered so may have happened.
var ErrUnreadable = errors.New("unreadable answer")

func unreadable(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrUnreadable, fmt.Sprintf(format, a...))
}

// Caps on text kept from an answer.
const (
	maxText     = 500 // an error's whole text
	maxMessage  = 200 // the provider's message
	maxName     = 100 // a model's or campaign's name
	maxLocation = 1024
)

// The ids the document shows are numbers; plain strings are taken too.
var (
	idNumber = regexp.MustCompile(`^[0-9]{1,18}$`)
	idString = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

type (
	modelWire struct {
		Campaigns []campaignWire  `json:"campaigns"`
		ModelID   json.RawMessage `json:"modelId"`
		Name      string          `json:"name"`
	}
	campaignWire struct {
		Name string          `json:"name"`
		ID   json.RawMessage `json:"id"`
	}
	recordWire struct {
		DistributionID string `json:"distributionId"`
		Unredeemable   bool   `json:"unredeemable"`
		RedeemedAt     string `json:"redeemedAt"`
		Barcode        string `json:"barcode"`
	}
)

// decodeModels reads GET /models: an array of models with their
// campaigns, each with a usable id.
func (c *Client) decodeModels(body []byte) ([]Model, error) {
	var wire []modelWire
	if !startsWith(body, '[') || json.Unmarshal(body, &wire) != nil {
		return nil, unreadable("not an array of models")
	}
	models := make([]Model, 0, len(wire))
	for _, mw := range wire {
		m := Model{Name: c.clean(mw.Name, maxName)}
		var ok bool
		if m.ID, ok = idOf(mw.ModelID); !ok {
			return nil, unreadable("a model without a usable modelId")
		}
		for _, cw := range mw.Campaigns {
			id, ok := idOf(cw.ID)
			if !ok {
				return nil, unreadable("a campaign of model %s without a usable id", m.ID)
			}
			m.Campaigns = append(m.Campaigns, Campaign{ID: id, Name: c.clean(cw.Name, maxName)})
		}
		models = append(models, m)
	}
	return models, nil
}

// idOf reads an id sent as a JSON number or string.
func idOf(raw json.RawMessage) (string, bool) {
	var s string
	if !startsWith(raw, '"') {
		return string(raw), idNumber.Match(raw)
	}
	err := json.Unmarshal(raw, &s)
	return s, err == nil && idString.MatchString(s)
}

// decodeRecord reads a redeem's answer about barcode.
func (c *Client) decodeRecord(body []byte, barcode string) (Record, error) {
	var w recordWire
	if !startsWith(body, '{') || json.Unmarshal(body, &w) != nil {
		return Record{}, unreadable("not a redemption record")
	}
	if w.Barcode != "" && w.Barcode != barcode {
		return Record{}, unreadable("a record of another barcode")
	}
	r := Record{DistributionID: c.clean(w.DistributionID, 64), Unredeemable: w.Unredeemable, Barcode: barcode}
	if w.RedeemedAt != "" {
		t, err := parseTime(w.RedeemedAt)
		if err != nil {
			return Record{}, unreadable("redeemedAt is not an ISO-8601 time")
		}
		r.RedeemedAt = t
	}
	return r, nil
}

// taipei is Pass2U's zone (UTC+8, no daylight saving).
var taipei = time.FixedZone("UTC+8", 8*60*60)

// parseTime reads an ISO-8601 time: with a zone, or without one (as the
// document's "2017-09-29T15:38:44") in Taiwan time.
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.ParseInLocation("2006-01-02T15:04:05.999999999", s, taipei)
}

func startsWith(body []byte, c byte) bool {
	b := bytes.TrimSpace(body)
	return len(b) > 0 && b[0] == c
}

// decodeError reads an error answer's human message: {"message": "..."}
// (the shape AWS API Gateway, in front of Pass2U, uses), a JSON string,
// or plain text. An HTML page from a proxy gives none.
func (c *Client) decodeError(status int, body []byte) *Error {
	var msg string
	b := bytes.TrimSpace(body)
	switch {
	case json.Valid(b) && startsWith(b, '{'):
		var w struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(b, &w) // a message of another type is no message
		msg = w.Message
	case json.Valid(b):
		_ = json.Unmarshal(b, &msg) // only a JSON string is a message
	case !startsWith(b, '<'):
		msg = string(b)
	}
	return &Error{Status: status, Message: c.clean(msg, maxMessage)}
}

// clean makes outside text safe to show: sanitised, without the API key
// (in case a server or proxy echoes it), and capped.
func (c *Client) clean(s string, n int) string {
	s = strings.ReplaceAll(sanitize.Text(s), c.cfg.APIKey, "[redacted]")
	return strings.TrimSpace(capText(s, n))
}

// capText cuts s to at most n bytes, on a rune boundary, marking the cut.
func capText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const ellipsis = "…"
	cut := max(n-len(ellipsis), 0)
	for back := 0; cut > 0 && back < utf8.UTFMax && !utf8.RuneStart(s[cut]); back++ {
		cut--
	}
	return s[:cut] + ellipsis
}
