package cancan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Request bodies are structs so the member order, and so the bytes sent,
// are fixed.
type (
	request struct {
		Data requestData `json:"data"`
	}
	requestData struct {
		ID         string `json:"id"`
		Type       string `json:"type"`
		Attributes any    `json:"attributes"`
	}
	merchant struct {
		POSID     string `json:"pos_id,omitempty"`
		MchLevel1 string `json:"mch_level_1,omitempty"`
		MchLevel2 string `json:"mch_level_2,omitempty"`
		MchLevel3 string `json:"mch_level_3,omitempty"`
	}
	saleRequest struct {
		PaymentGateway string `json:"payment_gateway"`
		PaymentAuthKey string `json:"payment_auth_key"`
		Amount         int64  `json:"amount"`
		Currency       string `json:"currency"`
		Description    string `json:"description"`
		merchant
	}
	voidRequest struct {
		Sale        string `json:"sale"`
		Description string `json:"description,omitempty"`
		merchant
	}
	refundRequest struct {
		Sale        string `json:"sale"`
		Amount      int64  `json:"amount"`
		Description string `json:"description,omitempty"`
		merchant
	}
)

func encode(id, typ string, attrs any) []byte {
	b, err := json.Marshal(request{requestData{ID: id, Type: typ, Attributes: attrs}})
	if err != nil {
		panic(err) // strings and integers always marshal
	}
	return b
}

// record is a transaction as CANCAN reports it, read strictly.
type record struct {
	ID            string
	Type          string
	State         string
	Amount        int64
	HasAmount     bool
	Currency      string
	Sale          string
	FailureCode   string
	FailureDetail string
}

// want is what an answer must say to be about the transaction asked for.
// Zero fields are not checked, except ID.
type want struct {
	ID       string
	Type     string
	Amount   int64
	Currency string
	Sale     string
}

const (
	stateSucceeded = "succeeded"
	statePending   = "pending"
	stateFailed    = "failed"
)

var errUnreadable = errors.New("unreadable answer")

func unreadable(format string, a ...any) error {
	return fmt.Errorf("%w: %s", errUnreadable, fmt.Sprintf(format, a...))
}

// decodeRecord reads a 2xx body. Anything but a well-formed transaction
// with the expected id, type and amounts is an error: an answer the till
// cannot read is never taken for a payment.
func decodeRecord(body []byte, w want) (record, error) {
	top, err := object(body)
	if err != nil {
		return record{}, unreadable("not a JSON object")
	}
	if _, ok := top["errors"]; ok {
		return record{}, unreadable("errors in a success answer")
	}
	data, err := object(top["data"])
	if err != nil {
		return record{}, unreadable("data is not an object")
	}
	var r record
	if r.ID, err = reqString(data, "id"); err != nil {
		return record{}, err
	}
	if r.Type, err = reqString(data, "type"); err != nil {
		return record{}, err
	}
	attrs, err := object(data["attributes"])
	if err != nil {
		return record{}, unreadable("attributes is not an object")
	}
	if r.State, err = reqString(attrs, "state"); err != nil {
		return record{}, err
	}
	if r.FailureCode, err = optString(attrs, "failure_code"); err != nil {
		return record{}, err
	}
	if r.FailureDetail, err = optString(attrs, "failure_detail"); err != nil {
		return record{}, err
	}
	if raw, ok := attrs["amount"]; ok {
		if r.Amount, err = integer(raw); err != nil {
			return record{}, err
		}
		if r.Amount <= 0 {
			return record{}, unreadable("amount is not positive")
		}
		r.HasAmount = true
	}
	switch r.Type {
	case "sale":
		if !r.HasAmount {
			return record{}, unreadable("sale without amount")
		}
		if r.Currency, err = reqString(attrs, "currency"); err != nil {
			return record{}, err
		}
		if !isCurrency(r.Currency) {
			return record{}, unreadable("currency is not a three-letter code")
		}
	case "void", "refund":
		if r.Sale, err = reqString(attrs, "sale"); err != nil {
			return record{}, err
		}
	default:
		return record{}, unreadable("unknown type")
	}
	switch r.State {
	case stateSucceeded, statePending, stateFailed:
	default:
		return record{}, unreadable("unknown state")
	}
	switch {
	case r.ID != w.ID:
		return record{}, unreadable("answer about another transaction")
	case w.Type != "" && r.Type != w.Type:
		return record{}, unreadable("type %s, expected %s", r.Type, w.Type)
	case w.Amount != 0 && r.HasAmount && r.Amount != w.Amount:
		return record{}, unreadable("amount %d, expected %d", r.Amount, w.Amount)
	case w.Amount != 0 && r.Type == "sale" && !r.HasAmount:
		return record{}, unreadable("no amount")
	case w.Currency != "" && r.Currency != w.Currency:
		return record{}, unreadable("currency differs")
	case w.Sale != "" && r.Sale != w.Sale:
		return record{}, unreadable("about another sale")
	}
	return r, nil
}

// object decodes a JSON object. Members are then looked up by exact name:
// encoding/json would match struct fields case-insensitively.
func object(raw []byte) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("null")
	}
	return m, nil
}

func isNull(raw json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

func reqString(m map[string]json.RawMessage, name string) (string, error) {
	raw, ok := m[name]
	if !ok || isNull(raw) {
		return "", unreadable("%s missing", name)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", unreadable("%s is not a string", name)
	}
	return s, nil
}

// optString reads a member that may be absent or null.
func optString(m map[string]json.RawMessage, name string) (string, error) {
	raw, ok := m[name]
	if !ok || isNull(raw) {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", unreadable("%s is not a string", name)
	}
	return s, nil
}

// integer accepts a plain JSON integer only: no fraction, no exponent, no
// string.
func integer(raw json.RawMessage) (int64, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.ContainsAny(raw, ".eE\"+") {
		return 0, unreadable("amount is not an integer")
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return 0, unreadable("amount is not an integer")
	}
	return n, nil
}

// apiError is what an error answer says.
type apiError struct {
	Status int
	Code   string // "http_<status>" when none could be read
	Detail string
}

var (
	codeRE   = regexp.MustCompile(`"code"\s*:\s*"([A-Za-z0-9_.\-]{1,64})"`)
	detailRE = regexp.MustCompile(`"detail"\s*:\s*("(?:[^"\\]|\\.)*")`)
	codeOK   = regexp.MustCompile(`^[A-Za-z0-9_.\-]{1,64}$`)
)

// decodeErrors reads an error answer. The document's own example is not
// valid JSON (a missing comma), so when the body does not parse, code and
// detail are picked out of it by pattern; failing that, the code is the
// HTTP status.
func decodeErrors(status int, body []byte) apiError {
	e := apiError{Status: status}
	if top, err := object(body); err == nil {
		var list []map[string]json.RawMessage
		if json.Unmarshal(top["errors"], &list) == nil {
			for _, item := range list {
				code, _ := optString(item, "code")
				if !codeOK.MatchString(code) {
					continue
				}
				e.Code = code
				e.Detail, _ = optString(item, "detail")
				break
			}
		}
	} else {
		if m := codeRE.FindSubmatch(body); m != nil {
			e.Code = string(m[1])
		}
		if m := detailRE.FindSubmatch(body); m != nil {
			if err := json.Unmarshal(m[1], &e.Detail); err != nil {
				e.Detail = string(m[1][1 : len(m[1])-1])
			}
		}
	}
	if e.Code == "" {
		e.Code = "http_" + strconv.Itoa(status)
	}
	return e
}

// maxText caps provider text kept in an outcome; the UI sanitises it.
const maxText = 500

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

// clean caps provider or transport text and removes the API key from it,
// in case a server or proxy echoes the Authorization header.
func (c *Client) clean(s string) string {
	s = strings.ReplaceAll(s, c.cfg.APIKey, "[redacted]")
	return capText(s, maxText)
}
