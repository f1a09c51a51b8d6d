package pass2u

import "fmt"

// The clerk's messages.
const (
	reasonRedeemed      = "The pass is redeemed."
	reasonUnredeemed    = "The redemption is cancelled: the pass can be used again."
	reasonNothingToUndo = "The pass was not redeemed: nothing to undo."
	reasonTakenAsOurs   = "Pass2U says the pass is already redeemed: taken as this till's own earlier redemption, whose answer was lost."
	reasonCheckPass     = "Pass2U says the pass is already redeemed, and this till may have redeemed it a moment ago without hearing back: a person must check the pass in the Pass2U dashboard before giving the offer."
	reasonRefusedKey    = "Pass2U refused the till's API key or checkout account: check the configuration."
	reasonBusy          = "Pass2U is busy: try again in a moment."
	reasonNotFound      = "Pass2U does not know this pass or campaign."
)

func reasonLost(noun string) string {
	return fmt.Sprintf("No answer from Pass2U: the %s may or may not have been made. Try again.", noun)
}

func reasonUnreadable(noun string) string {
	return fmt.Sprintf("Pass2U's answer could not be read: the %s may or may not have been made. Try again.", noun)
}
