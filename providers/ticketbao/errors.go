package ticketbao

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

var (
	// ErrNoAnswer reports a request whose answer was lost (a timeout, a
	// dropped connection) and could not be settled by a query: it may or
	// may not have taken effect. Sending the same request again is safe:
	// a generate is found by its channelOrderId, a refund by Before.
	ErrNoAnswer = errors.New("no answer from Pass2U")
	// ErrNotDone reports a request that certainly did nothing at Pass2U:
	// a generate whose answer was lost and whose order Pass2U does not
	// have, or a refund whose check before sending failed. Sending it
	// again is safe.
	ErrNotDone = errors.New("nothing was done at Pass2U; it is safe to send again")
	// ErrUnreadable reports an answer that is not what the document
	// promises; it is never taken for a sale or a refund.
	ErrUnreadable = errors.New("unreadable answer from Pass2U")
	// ErrMismatch reports an order that is not what the till expected: a
	// channelOrderId that holds another product or quantity, or refunded
	// tickets that do not add up. A person must check it.
	ErrMismatch = errors.New("the Pass2U order is not what the till expected")
)

func unreadable(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrUnreadable, fmt.Sprintf(format, a...))
}

// failure is one of the sentinel errors above with what happened and the
// Retry-After Pass2U last asked for. Its text is cleaned when it is made.
type failure struct {
	sentinel   error
	msg        string
	retryAfter time.Duration
	refusal    *Error // Pass2U's refusal behind an ErrNotDone, if any
}

func (e *failure) Error() string        { return "ticketbao: " + e.sentinel.Error() + ": " + e.msg }
func (e *failure) Is(target error) bool { return target == e.sentinel }

func (c *Client) fail(sentinel error, msg string, retryAfter time.Duration) *failure {
	return &failure{sentinel: sentinel, msg: c.clean(msg, 2*maxText), retryAfter: retryAfter}
}

// Error is Pass2U's error answer {"message","type"}, or a refusal the
// adapter made before sending (Status 0).
type Error struct {
	Status     int    // HTTP status; 0 when nothing was sent
	Message    string // the document's message, e.g. "quantity Is Not Enough."; sanitised, capped
	Type       string // e.g. "NonExistedException"; sanitised, capped
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Status == 0 {
		b.WriteString("ticketbao: refused before sending: ")
	} else {
		fmt.Fprintf(&b, "ticketbao: HTTP %d: ", e.Status)
	}
	switch {
	case e.Message != "":
		b.WriteString(e.Message)
	default:
		b.WriteString("no readable error message")
	}
	if e.Type != "" {
		b.WriteString(" (" + e.Type + ")")
	}
	return b.String()
}

// Reason is the clerk's message for the error.
func (e *Error) Reason() string {
	switch {
	case e.Status == 0:
		return e.Message
	case e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden:
		return "Pass2U refused the till's API key (or this till's address): check the configuration."
	case e.Status == http.StatusTooManyRequests:
		return "Pass2U is busy (too many requests). Try again in a moment."
	}
	if r, ok := reasons[norm(e.Message)]; ok {
		return r
	}
	if e.Status >= 500 {
		return "Pass2U had an error. Try again in a moment."
	}
	return fmt.Sprintf("Pass2U refused the request (HTTP %d).", e.Status)
}

// Retryable says that sending the same request again may succeed.
func (e *Error) Retryable() bool {
	m := norm(e.Message)
	return e.Status == http.StatusTooManyRequests || e.Status >= 500 || m == norm(msgCreateTradeFail) || m == norm(msgOops)
}

// Code is the provider's message, or "http_<status>" when it sent none
// the document lists, for Outcome.Code.
func (e *Error) Code() string {
	if _, ok := reasons[norm(e.Message)]; ok {
		return e.Message
	}
	if e.Status == 0 {
		return "invalid_request"
	}
	return fmt.Sprintf("http_%d", e.Status)
}

// is reports whether e carries the document's message msg.
func (e *Error) is(msg string) bool { return norm(e.Message) == norm(msg) }

func notSent(why string) *Error { return &Error{Message: why} }

// Messages the client acts on.
const (
	msgRepeated        = "channelOrderId Repeated."
	msgChannelNotFound = "channelOrderId Does Not Exist"
	msgCreateTradeFail = "Create Trade Fail."
	msgOops            = "Oops! Something Went Wrong."
)

// norm compares messages without case, surrounding space or the final
// full stop, which the document's list gives to all but one.
func norm(m string) string {
	return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(m), "."))
}

// reasons is the clerk's message for every message at the end of the
// document, keyed by norm.
var reasons = func() map[string]string {
	out := map[string]string{}
	for m, r := range map[string]string{
		"productSaleId Does Not Exist.":      "Pass2U does not know this ticket product: check the product's set-up.",
		"Sale Campaign Has Expired.":         "This ticket product is not on sale now: its sale period is over or has not begun.",
		"pass2uOrderId Does Not Exist.":      "Pass2U has no ticket order with this number: check the receipt.",
		"quantity Is Not Enough.":            "Sold out: not enough tickets left for this quantity.",
		"expriationDate Format Error.":       "Pass2U cannot read these tickets' expiry date: the product's set-up needs checking.",
		"expiration Date Is Before Now.":     "These tickets have already expired: the product cannot be sold now.",
		"pickupType Format Error.":           "Pass2U refused the ticket pickup type: check the till's Pass2U set-up.",
		msgRepeated:                          "Pass2U already has a ticket order for this sale.",
		msgChannelNotFound:                   "Pass2U has no ticket order for this sale.",
		msgCreateTradeFail:                   "Pass2U could not create the ticket order; nothing was sold. Try again in a moment.",
		"quantity Format Error.":             "Invalid ticket quantity.",
		"Refundable Quantity Is Not Enough.": "Refund quantity too large: fewer tickets than that can still be refunded.",
		"Invalid Query Criteria.":            "Pass2U found the order number, sale and product do not match: check the receipt.",
		msgOops:                              "Pass2U had an error. Try again in a moment.",
	} {
		out[norm(m)] = r
	}
	return out
}()

// retryAfter is the Retry-After an error carries, if any.
func retryAfter(err error) time.Duration {
	var e *Error
	var f *failure
	switch {
	case errors.As(err, &f):
		return f.retryAfter
	case errors.As(err, &e):
		return e.RetryAfter
	}
	return 0
}
