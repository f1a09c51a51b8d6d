package ipass

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"till/providers"
)

// Path is the pay call, relative to Config.BaseURL.
const Path = "/v1/payment/ipass/offline/pay"

// Length limits from the document. They count characters (Unicode code
// points), not bytes: the document gives product_desc's limit for Chinese
// text, and for the ASCII fields the two counts are the same.
const (
	MaxReqID       = 36
	MaxOrderNumber = 100
	MaxStoreID     = 20 // both the top-level store_id and request.store_id
	MaxTerminalID  = 8
	MaxProductDesc = 4000
	MaxRemark      = 1000
)

// TimeLayout is the document's YYYY-mm-dd HH:mm:ss, always in UTC+8.
const TimeLayout = "2006-01-02 15:04:05"

// taipei is a fixed UTC+8 rather than a tz database zone: Taiwan has no
// daylight saving, and the till must not depend on tzdata being installed.
var taipei = time.FixedZone("UTC+8", 8*60*60)

func wireTime(t time.Time) string { return t.In(taipei).Format(TimeLayout) }

// payBody is the request body; field order follows the document so the
// bytes are stable.
type payBody struct {
	StoreID string     `json:"store_id,omitempty"`
	IsTest  bool       `json:"is_test"`
	Request payRequest `json:"request"`
}

type payRequest struct {
	MerchantID    string  `json:"merchantid,omitempty"`
	Key           string  `json:"key,omitempty"`
	IV            string  `json:"iv,omitempty"`
	ReqID         string  `json:"req_id"`
	TradeCode     string  `json:"trade_code"`
	Amount        int64   `json:"amount"`
	OrderNumber   string  `json:"order_number"`
	StoreID       string  `json:"store_id"`
	TerminalID    string  `json:"terminal_id"`
	Capture       bool    `json:"capture"`
	PosDateTime   string  `json:"pos_date_time"`
	TradeDateTime string  `json:"trade_date_time"`
	ProductDesc   string  `json:"product_desc,omitempty"`
	Remark        string  `json:"remark,omitempty"`
	Redeem        *redeem `json:"redeem,omitempty"`
}

// redeem keeps the document's misspelt wire name.
type redeem struct {
	NonRedeemAmout int64 `json:"non_redeem_amout"`
}

func encode(b payBody) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // product descriptions hold "&", "<" as they are
	if err := enc.Encode(b); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// answer is a decoded HTTP 200 body. Every field is optional in the
// document; has* record presence where absence means something.
type answer struct {
	Message       string
	hasMessage    bool
	ReturnCode    string
	hasReturnCode bool
	ReturnMsg     string
	ReqID         string
	TransactionID string
	OrderNumber   string
	MessageFrom   string
}

var errAnswer = errors.New("unreadable answer")

// decodeAnswer reads an answer strictly: one JSON object, nothing after it,
// no repeated keys (which value would count?), keys matched exactly (the
// standard decoder would also take "Return_Code"), and every documented
// field of the right type. Undocumented fields are ignored: the document's
// own success example carries one ("amount").
func decodeAnswer(body []byte) (answer, error) {
	var a answer
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return a, fmt.Errorf("%w: not a JSON object", errAnswer)
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return a, fmt.Errorf("%w: %v", errAnswer, err)
		}
		key, _ := t.(string)
		if seen[key] {
			return a, fmt.Errorf("%w: %q given twice", errAnswer, key)
		}
		seen[key] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return a, fmt.Errorf("%w: %v", errAnswer, err)
		}
		var dst *string
		switch key {
		case "return_code":
			// null is not a code: only a string can be "0000".
			s, err := jsonString(raw, false)
			if err != nil {
				return a, fmt.Errorf("%w: return_code: %v", errAnswer, err)
			}
			a.ReturnCode, a.hasReturnCode = s, true
			continue
		case "message":
			s, err := jsonString(raw, true)
			if err != nil {
				return a, fmt.Errorf("%w: message: %v", errAnswer, err)
			}
			a.Message, a.hasMessage = s, string(raw) != "null"
			continue
		case "return_msg":
			dst = &a.ReturnMsg
		case "req_id":
			dst = &a.ReqID
		case "transaction_id":
			dst = &a.TransactionID
		case "order_number":
			dst = &a.OrderNumber
		case "message_from":
			dst = &a.MessageFrom
		case "transaction_date_time", "electronic_invoice_carrier", "payment_type":
			// documented strings the till does not use: still type-checked
			var s string
			dst = &s
		default:
			continue
		}
		s, err := jsonString(raw, true)
		if err != nil {
			return a, fmt.Errorf("%w: %s: %v", errAnswer, key, err)
		}
		*dst = s
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return a, fmt.Errorf("%w: object not closed", errAnswer)
	}
	if _, err := dec.Token(); err != io.EOF {
		return a, fmt.Errorf("%w: data after the object", errAnswer)
	}
	return a, nil
}

func jsonString(raw json.RawMessage, nullOK bool) (string, error) {
	if string(raw) == "null" && nullOK {
		return "", nil
	}
	if len(raw) == 0 || raw[0] != '"' {
		return "", errors.New("not a string")
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}

// Clerk messages. needsReview is the NOTES wording for a payment iPASS may
// have taken without the till knowing.
const (
	needsReview     = "iPASS may have taken this payment: a manager must check it before the sale is settled"
	tokenRefused    = "iPASS refused the till's token: check the configuration"
	unsupported     = "iPASS payments cannot be voided or refunded from the till: refund in cash with a manager"
	noLookup        = "iPASS has no look-up: a manager must check this payment"
	codeSuccess     = "0000"
	codeOrderReused = "0006"
	maxShown        = 500  // bytes of iPASS's text in a Reason
	maxDetail       = 2000 // bytes of iPASS's text kept in Detail
)

// interpret turns an HTTP 200 body into an outcome. An error means the
// body cannot be trusted either way and the answer counts as lost. taken
// says an earlier attempt of this payment may have reached iPASS: then no
// failure is final, because the failure may be about the retry alone (0006,
// or a balance the first attempt already spent).
func interpret(body []byte, reqID, orderNumber string, taken bool) (providers.Outcome, error) {
	a, err := decodeAnswer(body)
	if err != nil {
		return providers.Outcome{}, err
	}
	if a.ReqID != "" && reqID != "" && !strings.EqualFold(a.ReqID, reqID) {
		return providers.Outcome{}, fmt.Errorf("%w: answer for another req_id", errAnswer)
	}
	if a.OrderNumber != "" && orderNumber != "" && a.OrderNumber != orderNumber {
		return providers.Outcome{}, fmt.Errorf("%w: answer for another order_number", errAnswer)
	}
	switch {
	case a.hasReturnCode && a.ReturnCode == codeSuccess:
		if a.TransactionID == "" {
			// success without a transaction id is nothing to reconcile
			return providers.Outcome{}, fmt.Errorf("%w: success without transaction_id", errAnswer)
		}
		return providers.Outcome{Status: providers.Approved, Reference: clip(a.TransactionID, 200)}, nil
	case a.hasReturnCode:
		out := providers.Outcome{
			Status: providers.Declined,
			Code:   clip(a.ReturnCode, 64),
			Detail: clip(a.ReturnMsg, maxDetail),
			Reason: declinedReason(a.ReturnMsg, a.ReturnCode),
		}
		if taken {
			out.Status, out.Reason = providers.Unknown, needsReview
		}
		return out, nil
	case a.hasMessage:
		out := providers.Outcome{
			Status: providers.Declined,
			Code:   "omni_error",
			Detail: clip(a.Message, maxDetail),
			Reason: "the iPASS gateway refused the payment: " + shown(a.Message),
		}
		if taken {
			out.Status, out.Reason = providers.Unknown, needsReview
		}
		return out, nil
	}
	return providers.Outcome{}, fmt.Errorf("%w: neither return_code nor message", errAnswer)
}

func declinedReason(msg, code string) string {
	if strings.TrimSpace(msg) == "" {
		return "iPASS declined the payment (code " + clip(code, 64) + ")"
	}
	return "iPASS declined the payment: " + shown(msg)
}

func shown(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "no reason given"
	}
	return clip(s, maxShown)
}

// clip cuts s to at most n bytes without splitting a character.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 {
		r, size := utf8.DecodeLastRuneInString(s)
		if r != utf8.RuneError || size > 1 {
			break
		}
		s = s[:len(s)-1]
	}
	return s
}
