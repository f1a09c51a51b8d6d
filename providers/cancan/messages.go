package cancan

import "fmt"

// failureReasons is the clerk's message for every failure code of the
// document's table.
var failureReasons = map[string]string{
	"bank_failure":                          "The wallet could not reach the customer's bank. Try again, or ask for another payment method.",
	"card_failure":                          "The card behind the customer's wallet was refused. Ask for another payment method.",
	"customer_insufficient_balance_failure": "The customer's wallet has too little money. Ask for another payment method.",
	"customer_not_allowed_to_pay_failure":   "The customer's wallet may not make this payment. Ask for another payment method.",
	"payment_feature_disabled_failure":      "The customer has turned this kind of payment off in their app. Ask them to turn it on, or use another payment method.",
	"merchant_insufficient_balance_failure": "The shop's CANCAN account has too little balance for this. Call a supervisor.",
	"merchant_not_allowed_to_sell_failure":  "The shop's CANCAN account may not take this payment. Call a supervisor.",
	"payment_auth_key_failure":              "The payment code is wrong or expired. Ask the customer to refresh it and scan again.",
	"payment_gateway_failure":               "The wallet's payment service failed. Try again in a moment, or ask for another payment method.",
	"payment_password_failure":              "The customer must confirm the payment in their app (password), then scan again.",
	"refund_exceeds_sale_amount_failure":    "The refund is more than what is left of the payment. Check the amount.",
	"refund_not_allowed_failure":            "This payment cannot be refunded this way (some wallets refund only the full amount). Call a supervisor.",
	"sale_not_found_failure":                "CANCAN has no record of the original payment. Check the receipt.",
	"transaction_id_failure":                "CANCAN refused the transaction number. Start again.",
	"unknown_failure":                       "The wallet refused without giving a reason. Ask for another payment method.",
	"void_not_allowed_failure":              "This payment can no longer be cancelled. Refund it instead.",
}

// noun names what a transaction type does, for generic messages.
func noun(typ string) string {
	switch typ {
	case "sale":
		return "payment"
	case "void":
		return "cancellation"
	case "refund":
		return "refund"
	}
	return "transaction"
}

// failureReason is the clerk's message for a failed transaction.
func failureReason(code, typ string) string {
	if r, ok := failureReasons[code]; ok {
		return r
	}
	if !codeOK.MatchString(code) {
		return fmt.Sprintf("The wallet did not accept the %s.", noun(typ))
	}
	return fmt.Sprintf("The wallet refused the %s (%s).", noun(typ), code)
}

const (
	reasonAPIKey        = "CANCAN refused the till's API key: check the configuration"
	reasonForbidden     = "CANCAN does not allow this account to do that: check the configuration."
	reasonVoidedAtBound = "No answer from the wallet in time: the payment was cancelled."
	reasonWaiting       = "Waiting for the customer to confirm in their app."
	reasonNoWallet      = "This till is not set up for that wallet with CANCAN: check the configuration."
	reasonNoCode        = "No payment code was scanned. Scan the code on the customer's phone."
	reasonBadAmount     = "The amount must be more than zero."
	reasonBadCurrency   = "The currency is not a three-letter code: check the configuration."
	reasonBadKey        = "The till made no valid transaction number for this; nothing was sent."
	reasonBadTarget     = "No valid original transaction was given; nothing was sent."
	reasonNotSent       = "Cancelled before it was sent; nothing was charged."
	reasonBusy          = "CANCAN is busy and took nothing: try again in a moment."
)

func reasonRejected(typ string) string {
	return fmt.Sprintf("CANCAN rejected the %s request; nothing was done.", noun(typ))
}

func reasonNeverArrived(typ string) string {
	return fmt.Sprintf("The %s never reached CANCAN; nothing was done.", noun(typ))
}

func reasonLost(typ string) string {
	return fmt.Sprintf("No answer from CANCAN: look the %s up before trying again.", noun(typ))
}

func reasonUnreadable(typ string) string {
	return fmt.Sprintf("CANCAN's answer about the %s could not be read: look it up, and check it if that fails.", noun(typ))
}

func reasonVoidUnconfirmed() string {
	return "No answer from the wallet in time, and its cancellation was not confirmed: this payment must be checked before the customer leaves."
}
