package pass2u

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"till/providers/httpx"
)

// ErrNoAnswer reports a request that got no answer (a network failure, a
// timeout, an answer cut off): it may or may not have taken effect.
var ErrNoAnswer = errors.New("no answer from Pass2U")

// Error is an error answer from Pass2U, or a request the adapter refused
// before sending (Status 0).
type Error struct {
	Status int // HTTP status; 0 when nothing was sent
	// Message is the provider's human message (or, with Status 0, why the
	// adapter refused), sanitised and capped.
	Message    string
	RetryAfter time.Duration // a 429's or 5xx's Retry-After
}

func (e *Error) Error() string {
	if e.Status == 0 {
		return "pass2u: not sent: " + e.Message
	}
	s := fmt.Sprintf("pass2u: HTTP %d", e.Status)
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Retryable says that sending the request again is safe and may succeed:
// a 429 or a 5xx. (A redeem sent again after a 5xx may answer "already
// redeemed": see the package comment.)
func (e *Error) Retryable() bool { return httpx.Retryable(e.Status) }

// Reason is the clerk's message. The document's 400 and 404 messages are
// shown as they are (sanitised); the others are said in plain words.
func (e *Error) Reason() string {
	switch {
	case e.Status == 0:
		return "Nothing was sent to Pass2U: " + e.Message + "."
	case e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden:
		return reasonRefusedKey
	case e.Retryable():
		return reasonBusy
	case e.Status == http.StatusNotFound && !documented404(e.Message):
		return reasonNotFound
	case e.Message != "" && (e.Status == http.StatusBadRequest || e.Status == http.StatusNotFound):
		return e.Message
	}
	return fmt.Sprintf("Pass2U refused the request (HTTP %d).", e.Status)
}

func notSent(why string) *Error { return &Error{Message: why} }

// IsAlreadyRedeemed reports Pass2U's "The pass is already redeemed.".
func IsAlreadyRedeemed(err error) bool { return said(err, "The pass is already redeemed") }

// IsNotRedeemed reports Pass2U's answer to an unredeem of a pass that is
// not redeemed: "The pass was not redeemed.".
func IsNotRedeemed(err error) bool { return said(err, "The pass was not redeemed") }

// said reports a 400 with message msg, case and final stop aside.
func said(err error, msg string) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusBadRequest && sameMessage(e.Message, msg)
}

func sameMessage(got, want string) bool {
	return strings.EqualFold(strings.TrimSuffix(strings.TrimSpace(got), "."), want)
}

// documented404 reports the document's 404 messages, which tell the clerk
// more than a plain "not found".
func documented404(msg string) bool {
	for _, m := range []string{"This account is not assigned for any campaign", "Not valid barcode", "This campaign is not found"} {
		if sameMessage(msg, m) {
			return true
		}
	}
	return false
}
