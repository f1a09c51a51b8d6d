package swip

import (
	"fmt"
	"time"
)

// codeNames are the document's names for its error codes.
var codeNames = map[string]string{
	"1":  "INTERNAL SERVER ERROR",
	"2":  "AUTHENTICATION ERROR",
	"4":  "ACCESS DENIED",
	"5":  "VALIDATION FAILED",
	"6":  "ILLEGAL STATE",
	"7":  "METHOD NOT SUPPORTED",
	"8":  "DUPLICATE",
	"9":  "NOT FOUND",
	"10": "UNSUPPORTED MESSAGE",
	"11": "ORDER FLOW VIOLATION",
	"13": "OPERATION TIMED OUT",
	"27": "REVERSE UNAVAILABLE",
	"28": "ORDER ALREADY EXISTS",
	"29": "ORDER ALREADY REFUNDED",
	"30": "ORDER ALREADY CONFIRMED",
	"31": "ORDER NOT PAID",
	"32": "EXCESS TOTAL AMOUNT",
}

// codeReasons is the clerk's message for every code of the document's
// table, and for the names its HTTP table gives.
var codeReasons = map[string]string{
	"1":  "SWiP had an internal error. Try again in a moment.",
	"2":  "SWiP refused the till's token: check the configuration.",
	"4":  "SWiP does not let this merchant, store or till do that: check the configuration.",
	"5":  "SWiP found the request invalid; nothing was done.",
	"6":  "The SWiP order is not in a state that allows this: an open order cannot be refunded or reversed.",
	"7":  "SWiP does not support this request: the till may need an update.",
	"8":  "SWiP already holds this data (a duplicate); nothing was done.",
	"9":  "SWiP has no record of this order. Check the receipt.",
	"10": "SWiP did not understand the request: the till may need an update.",
	"11": "The SWiP order cannot take this step now: it may already be closed or cancelled.",
	"13": "The SWiP order timed out and was closed. Start the payment again.",
	"27": "This SWiP payment can no longer be cancelled. Refund it instead.",
	"28": "SWiP already has this order.",
	"29": "This SWiP order has already been refunded in full.",
	"30": "This SWiP order has already been confirmed.",
	"31": "This SWiP order took no money through SWiP, so nothing can be given back through SWiP.",
	"32": "The amount is more than what is left of the SWiP payment. Check the amount.",

	"unauthorized":          "SWiP refused the till's token: check the configuration.",
	"forbidden":             "SWiP does not let this merchant, store or till do that: check the configuration.",
	"not_found":             "SWiP has no record of this order. Check the receipt.",
	"method_not_allowed":    "SWiP does not support this request: the till may need an update.",
	"too_many_request":      "SWiP is busy (too many requests). Try again in a moment.",
	"internal_server_error": "SWiP had an internal error. Try again in a moment.",

	"invalid_request": "The till made an invalid request; nothing was sent.",
	"fail":            "SWiP refused without giving a reason.",
}

// codeReason is the clerk's message for a code.
func codeReason(code string) string {
	if r, ok := codeReasons[code]; ok {
		return r
	}
	if len(code) > 5 && code[:5] == "http_" {
		return fmt.Sprintf("SWiP answered with an error (HTTP %s).", code[5:])
	}
	if codeOK.MatchString(code) {
		return fmt.Sprintf("SWiP refused the request (code %s).", code)
	}
	return "SWiP refused the request."
}

const (
	reasonWaiting         = "Show the QR code: the customer pays in the SWiP app."
	reasonNoQR            = "SWiP gave no usable QR code, so the order was cancelled. Try again, or take another payment method."
	reasonBadKey          = "The till made no valid order number for this; nothing was sent."
	reasonBadTarget       = "No valid SWiP order was given; nothing was sent."
	reasonBadAmount       = "The amount must be more than zero."
	reasonNotSent         = "Cancelled before it was sent; nothing was charged."
	reasonNeverArrived    = "The payment never reached SWiP; nothing was charged."
	reasonCancelled       = "The SWiP order was cancelled; nothing was paid through SWiP."
	reasonPaidAtTill      = "This SWiP order was paid at the till (cash or card), not through SWiP."
	reasonPartial         = "SWiP reports a payment smaller than the order: this payment must be checked before the customer leaves."
	reasonNotConfirmed    = "The customer paid in the SWiP app, but the till could not confirm it yet: look it up again."
	reasonNotChecked      = "No answer from SWiP, and the order could not be cancelled: this payment must be checked before the customer leaves."
	reasonAlreadyBack     = "The money is already back with the customer; nothing more to cancel."
	reasonGiveBackTill    = "This order was paid at the till, not through SWiP: give the money back at the till."
	reasonNoSuchOrder     = "SWiP has no order under this number. If it was a refund or a cancellation, a person must check it with SWiP."
	reasonNotRefunded     = "The refund never reached SWiP; nothing was refunded."
	reasonNotReversed     = "The cancellation never reached SWiP; nothing was cancelled."
	reasonClosedOtherwise = "SWiP had already closed this order (it times out after 90 seconds), so it did not record the payment taken at the till."
)

func reasonCurrency(code string) string {
	return fmt.Sprintf("SWiP is set up for %s on this till; nothing was sent.", code)
}

// reasonNotPaidInTime is the decline at the end of the pay window.
func reasonNotPaidInTime(window time.Duration) string {
	return fmt.Sprintf("Not paid within %s: the order was cancelled", humanDuration(window))
}

func humanDuration(d time.Duration) string {
	if d%time.Second != 0 {
		return d.String()
	}
	if n := int64(d / time.Second); n != 1 {
		return fmt.Sprintf("%d seconds", n)
	}
	return "1 second"
}

func reasonLost(noun string) string {
	return fmt.Sprintf("No answer from SWiP: look the %s up before trying again.", noun)
}

func reasonUnreadable(noun string) string {
	return fmt.Sprintf("SWiP's answer about the %s could not be read: look it up, and check it if that fails.", noun)
}

func reasonBusy(noun string) string {
	return fmt.Sprintf("SWiP is not answering now; the %s was not made. It can be tried again.", noun)
}
