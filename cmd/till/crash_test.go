package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"till/providers"
	"till/providers/cancan/cancansim"
	"till/providers/ipass/ipasssim"
	"till/providers/pass2u/pass2usim"
	"till/providers/sims"
	"till/providers/swip/swipsim"
	"till/providers/ticketbao"
	"till/providers/ticketbao/ticketbaosim"
	"till/store"
	"till/store/money"
	"till/store/sale"
)

// The crash harness runs the built till in tmux against a tillsim process,
// SIGKILLs it at chosen points of a flow, lets it recover, and then holds
// what the simulators' ledgers say against `till sales --json` and `till
// queue --json`. A new provider adds its scenarios to crashScenarios and,
// if its ledger differs, a case to crashState and checkCommon.

// crashStep is one thing the clerk (or the test, through the simulator's
// control API) does. A step that is a kill point returns once the till is
// where it should die.
type crashStep struct {
	name string
	do   func(r *crashRun)
}

// crashKill is one kill point: the till dies right after the named step.
type crashKill struct {
	after string
	want  crashCounts // operations the provider must hold once all settles
}

// crashCounts are operations in a provider's ledger. For SWiP, pays are
// orders created, voids orders cancelled (by the clerk, or by the till at
// the end of the pay window) or reversed, and confirms orders closed with
// an amount (paid in the app, or at the till). For Pass2U, pays are
// redeems and voids unredeems; for TicketBao, pays are orders generated.
type crashCounts struct{ pays, voids, confirms, refunds int }

type crashScenario struct {
	name     string
	provider string // whose ledger the counts are about: "cancan", "ipass", "swip", "pass2u" or "ticketbao"
	steps    []crashStep
	kills    []crashKill
	// recover brings the till back after the kill; nil restarts the
	// screen and finishes the open sale as a clerk would.
	recover func(r *crashRun)
	// check adds the scenario's own assertions to the common ones.
	check func(r *crashRun, st crashState)
}

const (
	payCode     = "134567890123458002" // WeChat: pending for two looks, then approved
	voidCode    = "134567890123458099" // WeChat: pending for ever; its void succeeds
	quickCode   = "134567890123459999" // WeChat: approved at once
	iPassCode   = "96A1OABQAAFmIVAV1234"
	iPassLost   = "96A1OABQAAFmIVAV8888" // approved, answer dropped: 0006 on the retry
	crashSlow   = 500                    // ms the simulator holds an answer back
	inFlightFor = 3000                   // ms an iPASS answer is held, for the kill to land first

	swipKey    = "4" // SWiP's number on the payment screen: after cash, WeChat and iPASS
	swipQR     = "scan with the SWiP app"
	swipMember = "member-001" // a loyalty member of the simulator: 10 % off

	teaCode    = "4710088410122"
	passCode   = "P2U-OK-crash" // redeemable: every run has a simulator of its own
	percentRow = 0              // Pass2U's campaigns as the till lists them: 10% off (crashCampaigns)
	freeGumRow = 2              // "Free coffee", a free GUM here
	ticketCode = "MUSEUM"       // the e-ticket crashCatalog adds
)

// turnedAway answers every request 500 unprocessed, and counts them: a
// deferrable operation's try fails and it stays queued.
const turnedAway = `{"status_500":1000}`

// slowAnswers is the fault that holds every answer back crashSlow, after
// the simulator has processed the request.
var slowAnswers = fmt.Sprintf(`{"slow_ms":%d}`, crashSlow)

var crashScenarios = []crashScenario{
	{
		name:     "cancan-pay",
		provider: "cancan",
		steps: []crashStep{
			{"code-half-typed", func(r *crashRun) {
				r.addItemAndPay("2", "WeChat Pay code:")
				r.tm.typeText(payCode[:10])
			}},
			{"create-in-flight", func(r *crashRun) {
				r.fault("cancan", slowAnswers)
				r.tm.typeText(payCode[10:])
				r.tm.keys("Enter")
				r.waitCancan("the sale's create", func(l []cancansim.Transaction) bool { return len(l) == 1 })
			}},
			{"following-pending", func(r *crashRun) {
				r.waitCancan("a look-up of the pending sale", func(l []cancansim.Transaction) bool {
					return len(l) == 1 && l[0].Retrieves >= 1 && l[0].State == "pending"
				})
			}},
			{"answered", func(r *crashRun) {
				// The approving look-up is processed; its answer is held
				// crashSlow, so the kill lands as it reaches the till.
				r.waitCancan("the sale approved", func(l []cancansim.Transaction) bool {
					return len(l) == 1 && l[0].State == "succeeded"
				})
				r.justAnswered(0)
			}},
			{"completed", func(r *crashRun) { r.tm.waitFor(q("Receipt 000001")) }},
		},
		kills: []crashKill{
			{after: "code-half-typed"},
			{after: "create-in-flight", want: crashCounts{pays: 1}},
			{after: "following-pending", want: crashCounts{pays: 1}},
			{after: "answered", want: crashCounts{pays: 1}},
			{after: "completed", want: crashCounts{pays: 1}},
		},
		check: func(r *crashRun, st crashState) {
			if len(st.sales) != 1 {
				r.t.Fatalf("%d completed sales, want 1", len(st.sales))
			}
			// Once the payment reached CANCAN the till settles it on its
			// own after the restart; before that, the clerk takes cash.
			want := "cancan"
			if r.killed == "code-half-typed" {
				want = "cash"
			}
			tn := st.sales[0].Tenders
			if len(tn) != 1 || (tn[0].Method != want && tn[0].Provider != want) || tn[0].Status != sale.TenderApproved {
				r.t.Errorf("tenders = %+v, want one approved %s tender", tn, want)
			}
		},
	},
	{
		// Journaled and sent, but the gateway never took it: on disk this
		// is also what a kill just before the request leaves looks like.
		name:     "cancan-pay-never-arrived",
		provider: "cancan",
		steps: []crashStep{
			{"sent-not-arrived", func(r *crashRun) {
				r.addItemAndPay("2", "WeChat Pay code:")
				r.fault("cancan", `{"down":true}`)
				r.tm.typeText(quickCode)
				r.tm.keys("Enter")
				r.tm.waitFor(q("waiting for the wallet"))
			}},
		},
		kills: []crashKill{{after: "sent-not-arrived"}},
		check: func(r *crashRun, st crashState) {
			if len(st.sales) != 1 || len(st.sales[0].Tenders) != 2 || st.sales[0].Tenders[0].Status != sale.TenderDeclined {
				r.t.Errorf("sales = %+v; want one, its WeChat payment declined as never arrived, then cash", st.sales)
			}
		},
	},
	{
		name:     "cancan-void",
		provider: "cancan",
		steps: []crashStep{
			{"paying", func(r *crashRun) {
				r.addItemAndPay("2", "WeChat Pay code:")
				r.tm.typeText(voidCode)
				r.tm.keys("Enter")
				r.waitCancan("the sale followed", func(l []cancansim.Transaction) bool {
					return len(l) == 1 && l[0].Retrieves >= 1
				})
			}},
			{"void-in-flight", func(r *crashRun) {
				r.fault("cancan", slowAnswers)
				r.tm.keys("Escape")
				r.waitCancan("the void", func(l []cancansim.Transaction) bool { return len(l) == 2 })
			}},
			{"void-answered", func(r *crashRun) { r.justAnswered(1) }},
		},
		kills: []crashKill{
			{after: "void-in-flight", want: crashCounts{pays: 1, voids: 1}},
			{after: "void-answered", want: crashCounts{pays: 1, voids: 1}},
		},
		check: func(r *crashRun, st crashState) {
			if len(st.sales) != 1 {
				r.t.Fatalf("%d completed sales, want 1", len(st.sales))
			}
			// As without a crash: the clerk's cancel reversed the payment,
			// and CANCAN holds the void.
			for _, tn := range st.sales[0].Tenders {
				if tn.Provider == "cancan" && tn.Status != sale.TenderVoided {
					r.t.Errorf("the payment the clerk cancelled is recorded %s (%q), want %s", tn.Status, tn.Reason, sale.TenderVoided)
				}
			}
		},
	},
	{
		name:     "cancan-refund",
		provider: "cancan",
		steps: []crashStep{
			{"paid", func(r *crashRun) {
				r.addItemAndPay("2", "WeChat Pay code:")
				r.tm.typeText(quickCode)
				r.tm.keys("Enter")
				r.quitAfterReceipt()
			}},
			{"refund-in-flight", func(r *crashRun) {
				r.refundInFlight("cancan")
				r.waitCancan("the refund", func(l []cancansim.Transaction) bool { return len(l) == 2 })
			}},
			{"refund-answered", func(r *crashRun) { r.justAnswered(1) }},
		},
		kills: []crashKill{
			{after: "refund-in-flight", want: crashCounts{pays: 1, refunds: 1}},
			{after: "refund-answered", want: crashCounts{pays: 1, refunds: 1}},
		},
		// `till replay` finishes what the killed command left.
		recover: func(r *crashRun) {},
		check: func(r *crashRun, st crashState) {
			if len(st.sales) != 1 {
				r.t.Fatalf("%d completed sales, want 1", len(st.sales))
			}
			checkRefunded(r, st, 1000)
		},
	},
	{
		name:     "ipass-pay",
		provider: "ipass",
		steps: []crashStep{
			{"pay-in-flight", func(r *crashRun) {
				r.addItemAndPay("3", "iPASS code:")
				r.fault("ipass", fmt.Sprintf(`{"slow_ms":%d}`, inFlightFor))
				r.tm.typeText(iPassCode)
				r.tm.keys("Enter")
				r.waitIPass("the payment", func(l []ipasssim.Payment) bool { return len(l) == 1 })
			}},
		},
		kills:   []crashKill{{after: "pay-in-flight", want: crashCounts{pays: 1}}},
		recover: recoverToReview,
		check:   checkReview,
	},
	{
		name:     "ipass-lost-answer",
		provider: "ipass",
		steps: []crashStep{
			{"review-shown", func(r *crashRun) {
				r.addItemAndPay("3", "iPASS code:")
				r.tm.typeText(iPassLost)
				r.tm.keys("Enter")
				r.tm.waitFor(q("outcome unknown"))
			}},
		},
		kills:   []crashKill{{after: "review-shown", want: crashCounts{pays: 1}}},
		recover: recoverToReview,
		check:   checkReview,
	},
	{
		// Nobody pays: after the restart the till follows the order again
		// until its pay window (counted from the payment's creation) ends,
		// cancels it, and the clerk takes cash.
		name:     "swip-unpaid",
		provider: "swip",
		steps:    []crashStep{{"polling", swipShowQR}},
		kills:    []crashKill{{after: "polling", want: crashCounts{pays: 1, voids: 1}}},
		check:    checkPaidWith("cash"),
	},
	{
		// The customer pays in the app (after the restart, where the kill
		// came first): the sale is paid by SWiP, less its discount.
		name:     "swip-paid",
		provider: "swip",
		steps: []crashStep{
			{"create-in-flight", func(r *crashRun) {
				r.fault("swip", slowAnswers)
				r.addItemAndPay(swipKey, "")
				r.waitSWiP("the order's create", hasEntry("create"))
			}},
			{"polling", func(r *crashRun) {
				r.tm.waitFor(q(swipQR))
				r.waitSWiPOrder("a look at the order", swipPolled)
			}},
			{"confirm-in-flight", swipPaidConfirming},
			{"confirm-answered", func(r *crashRun) { r.answered("swip", "confirm") }},
			{"completed", func(r *crashRun) { r.tm.waitFor(q("Receipt 000001")) }},
		},
		kills: []crashKill{
			{after: "create-in-flight", want: crashCounts{pays: 1, confirms: 1}},
			{after: "polling", want: crashCounts{pays: 1, confirms: 1}},
			{after: "confirm-in-flight", want: crashCounts{pays: 1, confirms: 1}},
			{after: "confirm-answered", want: crashCounts{pays: 1, confirms: 1}},
			{after: "completed", want: crashCounts{pays: 1, confirms: 1}},
		},
		recover: func(r *crashRun) {
			r.swipCustomerPays()
			recoverAsClerk(r)
		},
		check: checkPaidWith("swip"),
	},
	{
		// As swip-paid, but SWiP is down when the till comes back: the
		// screen's look-up fails, and the replay worker, not the screen,
		// finds the payment and settles the sale.
		name:     "swip-paid-found-by-replay",
		provider: "swip",
		steps: []crashStep{
			{"polling", swipShowQR},
			{"confirm-in-flight", swipPaidConfirming},
		},
		kills: []crashKill{{after: "confirm-in-flight", want: crashCounts{pays: 1, confirms: 1}}},
		recover: func(r *crashRun) {
			restartSWiPDown(r)
			r.fault("swip", "{}")
			r.tm.waitFor(q("Receipt 000001"))
			r.finishOpenSale()
		},
		check: checkPaidWith("swip"),
	},
	{
		// As swip-paid-found-by-replay, but the clerk sets the unknown
		// payment aside and takes cash before SWiP is back: the replay
		// worker finds the payment and reverses it.
		name:     "swip-set-aside",
		provider: "swip",
		steps: []crashStep{
			{"polling", swipShowQR},
			{"confirm-in-flight", swipPaidConfirming},
		},
		kills: []crashKill{{after: "confirm-in-flight", want: crashCounts{pays: 1, confirms: 1, voids: 1}}},
		recover: func(r *crashRun) {
			restartSWiPDown(r)
			r.tm.keys("F6")
			r.tm.waitFor(q("Set aside"))
			r.payExactCash()
			r.fault("swip", "{}")
			r.finishOpenSale()
		},
		check: func(r *crashRun, st crashState) {
			checkPaidWith("cash")(r, st)
			if tn := st.sales[0].Tenders[0]; tn.Provider != "swip" || tn.Status != sale.TenderVoided {
				r.t.Errorf("the set-aside SWiP payment is %+v, want it voided", tn)
			}
			if !hasEntry("reverse")(st.swip) {
				r.t.Errorf("SWiP holds no reverse: %s", swipSummary(st.swip))
			}
		},
	},
	{
		name:     "swip-cancel",
		provider: "swip",
		steps: []crashStep{
			{"polling", swipShowQR},
			{"cancel-in-flight", func(r *crashRun) {
				r.fault("swip", slowAnswers)
				r.tm.keys("Escape")
				r.waitSWiP("the clerk's cancel", hasEntry("cancel"))
			}},
			{"cancel-answered", func(r *crashRun) { r.answered("swip", "cancel") }},
		},
		kills: []crashKill{
			{after: "cancel-in-flight", want: crashCounts{pays: 1, voids: 1}},
			{after: "cancel-answered", want: crashCounts{pays: 1, voids: 1}},
		},
		check: checkPaidWith("cash"),
	},
	{
		// Scenario 2: the customer takes the discount and pays at the
		// till; the close that reports the cash is queued with the sale
		// and sent by the replay worker.
		name:     "swip-at-till",
		provider: "swip",
		steps: []crashStep{
			{"identified", swipIdentified},
			{"close-in-flight", func(r *crashRun) {
				r.fault("swip", slowAnswers)
				r.payExactCash()
				r.waitSWiP("the close with the cash taken", hasEntry("confirm"))
			}},
			{"close-answered", func(r *crashRun) { r.answered("swip", "confirm") }},
		},
		kills: []crashKill{
			{after: "identified", want: crashCounts{pays: 1, confirms: 1}},
			{after: "close-in-flight", want: crashCounts{pays: 1, confirms: 1}},
			{after: "close-answered", want: crashCounts{pays: 1, confirms: 1}},
		},
		check: checkAtTill,
	},
	{
		// SWiP is down once the cash is taken: the close the replay
		// worker tries never reaches it, and waits in the journal.
		name:     "swip-at-till-close-queued",
		provider: "swip",
		steps: []crashStep{
			{"identified", swipIdentified},
			{"close-not-sent", func(r *crashRun) {
				r.fault("swip", `{"down":true}`)
				r.payExactCash()
			}},
		},
		kills: []crashKill{{after: "close-not-sent", want: crashCounts{pays: 1, confirms: 1}}},
		check: checkAtTill,
	},
	{
		name:     "swip-refund",
		provider: "swip",
		steps: []crashStep{
			{"paid", func(r *crashRun) {
				swipShowQR(r)
				r.swipCustomerPays()
				r.quitAfterReceipt()
			}},
			{"refund-in-flight", func(r *crashRun) {
				r.refundInFlight("swip")
				r.waitSWiP("the refund", hasEntry("refund"))
			}},
			{"refund-answered", func(r *crashRun) { r.answered("swip", "refund") }},
		},
		kills: []crashKill{
			{after: "refund-in-flight", want: crashCounts{pays: 1, confirms: 1, refunds: 1}},
			{after: "refund-answered", want: crashCounts{pays: 1, confirms: 1, refunds: 1}},
		},
		// `till replay` finishes what the killed command left.
		recover: func(r *crashRun) {},
		check: func(r *crashRun, st crashState) {
			checkPaidWith("swip")(r, st)
			checkRefunded(r, st, 1000)
		},
	},
	{
		// The redeem is journaled and sent once its coupon line is on
		// disk; after the restart the replay worker sends it again, and
		// Pass2U's "already redeemed" is the till's own redeem.
		name:     "pass2u-redeem",
		provider: "pass2u",
		steps: []crashStep{
			{"redeem-in-flight", redeemInFlight},
			{"redeem-answered", func(r *crashRun) { r.answered("pass2u", "redeem") }},
		},
		kills: []crashKill{
			{after: "redeem-in-flight", want: crashCounts{pays: 1}},
			{after: "redeem-answered", want: crashCounts{pays: 1}},
		},
		check: checkCoupon(3150, passCode+" "+sale.TenderApproved),
	},
	{
		// As pass2u-redeem, but Pass2U is down when the till comes back:
		// the coupon's outcome is unknown, and the clerk voids it and
		// sells without it. Once Pass2U is back the redeem goes first,
		// then the unredeem that gives the pass back.
		name:     "pass2u-redeem-down-at-restart",
		provider: "pass2u",
		steps:    []crashStep{{"redeem-in-flight", redeemInFlight}},
		kills:    []crashKill{{after: "redeem-in-flight", want: crashCounts{pays: 1, voids: 1}}},
		recover: func(r *crashRun) {
			r.fault("pass2u", `{"down":true}`)
			r.restart()
			r.tm.waitFor(q("No answer about the pass"), `coupon +unknown`)
			r.tm.keys("Down")
			r.tm.keys("F4")
			r.tm.waitFor(q("Voided 10% off"))
			r.startPayment()
			r.payExactCash()
			r.fault("pass2u", "{}")
		},
		check: checkCoupon(3500),
	},
	{
		// F4 on a redeemed coupon queues its unredeem, which the replay
		// worker sends: the pass goes back once, whatever the kill.
		name:     "pass2u-unredeem",
		provider: "pass2u",
		steps: []crashStep{
			{"unredeem-in-flight", func(r *crashRun) {
				r.voidFreeGum(slowAnswers)
				r.waitEntry("pass2u", "unredeem")
			}},
		},
		kills: []crashKill{{after: "unredeem-in-flight", want: crashCounts{pays: 1, voids: 1}}},
		check: checkCoupon(3500),
	},
	{
		name:     "pass2u-unredeem-queued",
		provider: "pass2u",
		steps: []crashStep{
			{"unredeem-queued", func(r *crashRun) {
				r.voidFreeGum(turnedAway)
				r.waitTurnedAway("pass2u", 1) // the unredeem
			}},
		},
		kills: []crashKill{{after: "unredeem-queued", want: crashCounts{pays: 1, voids: 1}}},
		check: checkCoupon(3500),
	},
	{
		// The ticket order is journaled with the sale's completion and
		// sent by the replay worker; sent again, it finds the order
		// TicketBao made (the sale is its channelOrderId).
		name:     "ticketbao-issue",
		provider: "ticketbao",
		steps: []crashStep{
			{"tickets-in-flight", func(r *crashRun) {
				r.sellTicket(slowAnswers)
				r.waitEntry("ticketbao", "generate")
			}},
			{"tickets-answered", func(r *crashRun) { r.answered("ticketbao", "generate") }},
		},
		kills: []crashKill{
			{after: "tickets-in-flight", want: crashCounts{pays: 1}},
			{after: "tickets-answered", want: crashCounts{pays: 1}},
		},
		check: checkTicketSale,
	},
	{
		name:     "ticketbao-queued",
		provider: "ticketbao",
		steps: []crashStep{
			{"tickets-queued", func(r *crashRun) {
				r.sellTicket(turnedAway)
				r.waitTurnedAway("ticketbao", 5) // the generate, and 4 queries for its order
			}},
		},
		kills: []crashKill{{after: "tickets-queued", want: crashCounts{pays: 1}}},
		check: checkTicketSale,
	},
}

// swipShowQR rings up a tea and pays with SWiP: the till shows the
// order's QR code and polls the order.
func swipShowQR(r *crashRun) {
	r.addItemAndPay(swipKey, swipQR)
	r.waitSWiPOrder("a look at the order", swipPolled)
}

func swipPolled(o swipsim.Order) bool { return o.Gets >= 1 }

// swipPaidConfirming has the customer pay in the app, with SWiP's answers
// held back, until the till's confirming close has reached SWiP.
func swipPaidConfirming(r *crashRun) {
	r.fault("swip", slowAnswers)
	r.swipCustomerPays()
	r.waitSWiP("the confirming close", hasEntry("confirm"))
}

// restartSWiPDown restarts the till with SWiP down: the screen's look-up
// of the payment in flight fails, and leaves its outcome unknown.
func restartSWiPDown(r *crashRun) {
	r.fault("swip", `{"down":true}`)
	r.restart()
	r.tm.waitFor(q("outcome unknown"))
}

// swipIdentified has the customer take the discount to pay at the till.
func swipIdentified(r *crashRun) {
	swipShowQR(r)
	r.swipCustomer("identify")
	r.tm.waitFor(q("due in cash (1)"))
}

// quitAfterReceipt waits for the first sale's receipt, starts the next
// sale and quits, so a till command can have the database.
func (r *crashRun) quitAfterReceipt() {
	r.tm.waitFor(q("Receipt 000001"))
	r.tm.keys("Enter")
	r.tm.waitFor(q("TOTAL TWD 0.00"))
	r.tm.quit()
	r.tuiUp = false
}

// refundInFlight starts `till refund` of 10.00 of the first sale's
// payment, with the provider's answers held back.
func (r *crashRun) refundInFlight(provider string) {
	r.fault(provider, slowAnswers)
	r.startCLI("refund", "--receipt", "1", "--amount", "10")
}

// payExactCash takes what is due in cash and waits for the receipt.
func (r *crashRun) payExactCash() {
	r.tm.keys("1")
	r.tm.waitFor(q("Cash tendered:"))
	r.tm.keys("F5")
	r.tm.waitFor(q("Receipt 000001"))
}

// checkPaidWith expects one completed sale whose approved tender is the
// provider's (or cash), after any the provider did not take.
func checkPaidWith(want string) func(r *crashRun, st crashState) {
	return func(r *crashRun, st crashState) {
		if len(st.sales) != 1 {
			r.t.Fatalf("%d completed sales, want 1", len(st.sales))
		}
		var approved []string
		for _, tn := range st.sales[0].Tenders {
			if tn.Status == sale.TenderApproved {
				approved = append(approved, cmp.Or(tn.Provider, tn.Method))
			}
		}
		if !slices.Equal(approved, []string{want}) {
			r.t.Errorf("approved tenders %v (%+v), want %s alone", approved, st.sales[0].Tenders, want)
		}
	}
}

// checkCoupon expects the one sale paid in cash for total, keeping the
// coupons want ("barcode status") and no other.
func checkCoupon(total money.Amount, want ...string) func(r *crashRun, st crashState) {
	return func(r *crashRun, st crashState) {
		checkPaidWith("cash")(r, st)
		var kept []string
		for _, l := range st.sales[0].Lines {
			if c := l.Coupon; c != nil {
				kept = append(kept, c.Barcode+" "+c.Status)
			}
		}
		if st.sales[0].Total != total || !slices.Equal(kept, want) {
			r.t.Errorf("the sale of %d keeps coupons %v; want %d, %v", st.sales[0].Total, kept, total, want)
		}
	}
}

// checkTicketSale expects the one ticket sold for cash, its ticket order
// issued (checkTicketOrders holds it against TicketBao's).
func checkTicketSale(r *crashRun, st crashState) {
	checkPaidWith("cash")(r, st)
	if tk := st.sales[0].Tickets; tk == nil || tk.Status != sale.TenderApproved || len(tk.Vouchers) != 1 {
		r.t.Errorf("the sale's tickets are %+v; want one issued", tk)
	}
}

// checkAtTill expects the sale paid in cash after SWiP's discount, and
// the close that reported the cash done.
func checkAtTill(r *crashRun, st crashState) {
	checkPaidWith("cash")(r, st)
	s := st.sales[0]
	if len(s.Discounts) != 1 || s.Discounts[0].AtTill != s.Total || s.Total == 0 {
		r.t.Fatalf("discounts %+v of a sale of %d; want SWiP's, paid at the till", s.Discounts, s.Total)
	}
	closes := closeOps(st.journal)
	if len(closes) != 1 || closes[0].State != store.OpDone || opOf(r.t, closes[0]).Target != s.Discounts[0].Order {
		r.t.Errorf("close operations %s; want one, done, for order %s", journalText(closes), s.Discounts[0].Order)
	}
}

// closeOps are the close operations among entries.
func closeOps(entries []store.JournalEntry) []store.JournalEntry {
	var closes []store.JournalEntry
	for _, e := range entries {
		if e.Kind == string(providers.KindClose) {
			closes = append(closes, e)
		}
	}
	return closes
}

// checkRefunded expects one approved refund of amount on the one sale.
func checkRefunded(r *crashRun, st crashState, amount money.Amount) {
	adj := st.sales[0].Adjustments
	if len(adj) != 1 || adj[0].Kind != sale.AdjustRefund || adj[0].Status != sale.TenderApproved || adj[0].Amount != amount {
		r.t.Errorf("adjustments = %+v, want one approved refund of %d", adj, amount)
	}
}

// recoverToReview restarts the till, which must look the iPASS payment up
// first and, finding no way to, leave it for a person: neither paid nor
// unpaid.
func recoverToReview(r *crashRun) {
	r.restart()
	scr := r.tm.waitFor(q("outcome unknown"), q("A payment's outcome is unknown"))
	for _, bad := range []string{"approved", "declined", "Receipt 0"} {
		if strings.Contains(scr, bad) {
			r.t.Errorf("the lost iPASS payment is shown %q:\n%s", bad, scr)
		}
	}
	r.tm.quit()
	r.tuiUp = false
}

func checkReview(r *crashRun, st crashState) {
	if len(st.sales) != 0 {
		r.t.Errorf("a sale whose payment needs review was completed: %+v", st.sales)
	}
	var review []store.JournalEntry
	for _, e := range st.journal {
		if e.State == store.OpReview {
			review = append(review, e)
		}
	}
	if len(review) != 1 || review[0].Provider != "ipass" || review[0].Kind != "pay" {
		r.t.Fatalf("journal entries in review = %+v, want the iPASS payment", review)
	}
	if len(st.ipass) != 1 || st.ipass[0].OrderNumber != review[0].Key {
		r.t.Errorf("iPASS holds %+v; want the one payment under order number %s", st.ipass, review[0].Key)
	}
}

func TestCrashRecovery(t *testing.T) {
	t.Parallel()
	tillBinary(t)
	tillsimBinary(t)
	for _, sc := range crashScenarios {
		for _, k := range sc.kills {
			t.Run(sc.name+"/"+k.after, func(t *testing.T) {
				t.Parallel()
				runCrash(t, sc, k)
			})
		}
	}
}

func runCrash(t *testing.T, sc crashScenario, k crashKill) {
	if !slices.ContainsFunc(sc.steps, func(s crashStep) bool { return s.name == k.after }) {
		t.Fatalf("kill point %q is not a step of %s", k.after, sc.name)
	}
	r := newCrashRun(t)
	r.startTUI()
	for _, st := range sc.steps {
		st.do(r)
		if st.name == k.after {
			break
		}
	}
	r.kill()
	r.killed = k.after
	for _, p := range []string{"cancan", "ipass", "swip", "pass2u", "ticketbao"} {
		r.fault(p, "{}")
	}
	// Where the kill landed, read while the database is free: the points
	// timed on an answer vary from run to run.
	t.Logf("killed after %s: %s; CANCAN held %s; iPASS held %d payments; SWiP held %s; Pass2U %s; TicketBao %s", k.after, r.landed(),
		cancanSummary(getLedger[cancansim.Transaction](t, r.sim, "cancan")), len(getLedger[ipasssim.Payment](t, r.sim, "ipass")),
		swipSummary(getLedger[swipsim.Entry](t, r.sim, "swip")),
		ledgerSummary(getLedger[ledgerEntry](t, r.sim, "pass2u")), ledgerSummary(getLedger[ledgerEntry](t, r.sim, "ticketbao")))
	if sc.recover != nil {
		sc.recover(r)
	} else {
		recoverAsClerk(r)
	}
	r.settle()
	st := r.state()
	r.checkCommon(st, sc.provider, k)
	if sc.check != nil {
		sc.check(r, st)
	}
	if t.Failed() {
		t.Logf("state after settling:\nsales %+v\njournal %s\ncancan %+v\nipass %+v\nswip %s\nswip orders %+v\npass2u %+v\nticketbao %+v",
			st.sales, journalText(st.journal), st.cancan, st.ipass, swipSummary(st.swip), st.swipOrders, st.pass2u, st.ticketbao)
	}
}

// recoverAsClerk restarts the screen and finishes the open sale as a
// clerk would.
func recoverAsClerk(r *crashRun) {
	r.restart()
	scr := r.tm.waitFor(q("Test Shop"))
	r.t.Logf("restarted on: %s", statusLine(scr))
	r.finishOpenSale()
}

// crashRun is one run of a scenario: a tillsim, a terminal, a database.
type crashRun struct {
	t       *testing.T
	tm      *tmuxTerm
	sim     string // tillsim's base URL
	db, cfg string
	tuiUp   bool
	killed  string    // the step the till was killed after
	cli     *exec.Cmd // a till command the kill is aimed at
	cliOut  bytes.Buffer
}

func newCrashRun(t *testing.T) *crashRun {
	t.Helper()
	tm := newTerm(t)
	r := &crashRun{t: t, tm: tm}
	var snippet string
	r.sim, snippet = startTillsim(t)
	r.cfg = filepath.Join(tm.dir, "crash.toml")
	if err := os.WriteFile(r.cfg, []byte(crashConfig(t, snippet)), 0o600); err != nil {
		t.Fatal(err)
	}
	r.db = filepath.Join(tm.dir, "till.db")
	catalog, err := os.ReadFile(testCatalog)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(tm.dir, "catalog.csv")
	if err := os.WriteFile(path, append(catalog, crashCatalog...), 0o600); err != nil {
		t.Fatal(err)
	}
	tillCmd(t, tm.env, "import", "--config", r.cfg, "--db", r.db, path)
	return r
}

// crashCatalog is what the crash runs sell besides the test catalog: an
// e-ticket of TicketBao's simulator.
const crashCatalog = "MUSEUM,MUSEUM,Museum e-ticket,250,standard,," + ticketbaosim.ProductAdult + "\n"

// crashCampaigns are the effects of the Pass2U simulator's loyalty-card
// campaigns the runs redeem.
const crashCampaigns = `
[[providers.pass2u.campaigns]]
model = "1248"
campaign = "381"
effect = "percent"
percent = 10

[[providers.pass2u.campaigns]]
model = "1248"
campaign = "383"
effect = "item"
sku = "GUM"
`

// crashConfig is the test shop's settings with tillsim's providers, the
// wallets cut down to one per provider, quick polls, a short SWiP pay
// window and the Pass2U campaigns' effects.
func crashConfig(t *testing.T, snippet string) string {
	t.Helper()
	base, err := os.ReadFile(testConfig)
	if err != nil {
		t.Fatal(err)
	}
	wallets := regexp.MustCompile(`(?m)^wallets = .*$`)
	if !wallets.MatchString(snippet) || !strings.Contains(snippet, "[providers.cancan.gateways]") ||
		!strings.Contains(snippet, "[providers.swip]\n") || !strings.Contains(snippet, "[providers.pass2u]\n") ||
		!strings.Contains(snippet, "[providers.ticketbao]\n") {
		t.Fatalf("tillsim printed an unexpected configuration:\n%s", snippet)
	}
	snippet = wallets.ReplaceAllLiteralString(snippet, `wallets = ["wechat", "ipass", "swip"]`)
	snippet = strings.Replace(snippet, "[providers.cancan.gateways]", "poll_interval = \"100ms\"\n[providers.cancan.gateways]", 1)
	snippet = strings.Replace(snippet, "[providers.swip]\n", "[providers.swip]\npoll_interval = \"100ms\"\npay_window = \"8s\"\n", 1)
	return string(base) + "\n" + snippet + crashCampaigns
}

func (r *crashRun) tuiArgs() []string { return []string{"--config", r.cfg, "--db", r.db} }

func (r *crashRun) startTUI() {
	r.tm.start(r.tuiArgs()...)
	r.tuiUp = true
	r.tm.waitFor(q("Test Shop 測試店 · till E2E"), q("TOTAL TWD 0.00"))
}

func (r *crashRun) restart() {
	r.tm.restart(r.tuiArgs()...)
	r.tuiUp = true
}

// addItemAndPay rings up one tea, chooses a wallet by its number and
// waits for its prompt, if one is given.
func (r *crashRun) addItemAndPay(key, prompt string) {
	r.addItem(teaCode, "35.00")
	r.startPayment()
	r.tm.typeText(key)
	if prompt != "" {
		r.tm.waitFor(q(prompt))
	}
}

// addItem rings up one of code and waits for the sale's total.
func (r *crashRun) addItem(code, total string) {
	r.tm.typeText(code)
	r.tm.keys("Enter")
	r.tm.waitFor(q("TOTAL TWD " + total))
}

func (r *crashRun) startPayment() {
	r.tm.keys("F12")
	r.tm.waitFor(q("Choose a tender"))
}

// openCampaign opens the coupon screen (F5) and picks the campaign in
// row of Pass2U's list.
func (r *crashRun) openCampaign(row int) {
	r.tm.keys("F5")
	r.tm.waitFor(q("Free coffee"))
	for range row {
		r.tm.keys("Down")
	}
	r.tm.keys("Enter")
	r.tm.waitFor(q(" pass: "))
}

// scanPass types the run's pass into the coupon screen.
func (r *crashRun) scanPass() {
	r.tm.typeText(passCode)
	r.tm.keys("Enter")
}

// redeemInFlight rings up a tea and redeems the run's pass for 10% off,
// until the redeem has reached Pass2U, which holds its answer back.
func redeemInFlight(r *crashRun) {
	r.addItem(teaCode, "35.00")
	r.openCampaign(percentRow)
	r.fault("pass2u", slowAnswers)
	r.scanPass()
	r.waitEntry("pass2u", "redeem")
}

// voidFreeGum redeems the pass for a free gum and, once its coupon line
// is approved on disk (and selected), voids it (F4) with Pass2U's faults
// set to fault: the unredeem is queued for the replay worker.
func (r *crashRun) voidFreeGum(fault string) {
	r.addItem(teaCode, "35.00")
	r.openCampaign(freeGumRow)
	r.scanPass()
	r.tm.waitFor(q("pass redeemed"), `coupon +free`)
	r.fault("pass2u", fault)
	r.tm.keys("F4")
}

// sellTicket sells one e-ticket for exact cash, with TicketBao's faults
// set to fault: the sale completes, and its ticket order is journaled
// with it.
func (r *crashRun) sellTicket(fault string) {
	r.fault("ticketbao", fault)
	r.addItem(ticketCode, "250.00")
	r.startPayment()
	r.payExactCash()
	r.tm.waitFor(q("E-TICKETS x1"))
}

// startCLI starts a till command against the run's database; kill ends it.
func (r *crashRun) startCLI(args ...string) {
	cmd := exec.Command(tillBinary(r.t), append(args, "--config", r.cfg, "--db", r.db)...)
	cmd.Env = r.tm.env
	cmd.Stdout, cmd.Stderr = &r.cliOut, &r.cliOut
	if err := cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	r.cli = cmd
	r.t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
}

// kill SIGKILLs the command started last, else the till on the screen.
func (r *crashRun) kill() {
	r.t.Helper()
	if r.cli != nil {
		if err := r.cli.Process.Kill(); err != nil {
			r.t.Fatal(err)
		}
		err := r.cli.Wait()
		ws, ok := r.cli.ProcessState.Sys().(syscall.WaitStatus)
		switch {
		case ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL:
		case ok && ws.Exited() && ws.ExitStatus() == 0:
			// A point timed on an answer can come after the command's
			// own end on a busy machine: killed "after" it, then.
			r.t.Logf("till %v finished before the kill", r.cli.Args[1:])
		default:
			r.t.Fatalf("till %v ended with %v before the kill:\n%s", r.cli.Args[1:], err, r.cliOut.String())
		}
		r.cli = nil
		return
	}
	pid, err := strconv.Atoi(r.tm.display("#{pane_pid}"))
	if err != nil {
		r.t.Fatal(err)
	}
	if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); err != nil || strings.TrimSpace(string(comm)) != "till" {
		r.t.Fatalf("pane process %d is %q (%v), not the till", pid, comm, err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		r.t.Fatal(err)
	}
	if how := r.tm.waitExit(); how != "signal 9" {
		r.t.Fatalf("the till exited with %s before the kill", how)
	}
	r.tuiUp = false
}

// justAnswered sleeps until the answer about CANCAN transaction i, held
// back crashSlow by the simulator, has just reached the till.
func (r *crashRun) justAnswered(i int) {
	l := getLedger[cancansim.Transaction](r.t, r.sim, "cancan")
	if len(l) <= i || l[i].SettledAt.IsZero() {
		r.t.Fatalf("CANCAN transaction %d has not settled: %+v", i, l)
	}
	answeredAt(l[i].SettledAt)
}

// ledgerEntry is what every simulator's ledger entry has: when it was
// made, and what it is ("create", "redeem", "generate", ...).
type ledgerEntry struct {
	At   time.Time
	Kind string
}

// answered sleeps until the answer to the request that made the
// provider's last ledger entry of kind has just reached the till.
func (r *crashRun) answered(provider, kind string) {
	l := getLedger[ledgerEntry](r.t, r.sim, provider)
	for i := len(l) - 1; i >= 0; i-- {
		if l[i].Kind == kind {
			answeredAt(l[i].At)
			return
		}
	}
	r.t.Fatalf("%s holds no %s: %s", provider, kind, ledgerSummary(l))
}

// waitEntry waits until the provider's ledger holds an entry of kind.
func (r *crashRun) waitEntry(provider, kind string) {
	r.t.Helper()
	waitSim(r, "/_control/"+provider+"/ledger", provider+"'s "+kind, func(l []ledgerEntry) bool {
		return slices.ContainsFunc(l, func(e ledgerEntry) bool { return e.Kind == kind })
	})
}

// waitTurnedAway waits until the provider has turned away the requests
// of one try (turnedAway) and the till has had a moment to queue the
// operation again.
func (r *crashRun) waitTurnedAway(provider string, requests int) {
	r.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		var f struct {
			Status500 int `json:"status_500"`
		}
		decodeURL(r.t, r.sim+"/_control/"+provider+"/fault", &f)
		if f.Status500 <= 1000-requests {
			time.Sleep(100 * time.Millisecond)
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("the till sent %s nothing; screen:\n%s", provider, r.tm.screen())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// answeredAt sleeps until an answer the simulator made at t, and held
// back crashSlow, has just reached the till. The simulator shares the
// clock; the till finishes with an answer a few ms after it arrives, so
// the kill usually lands in between (the log says where it did).
func answeredAt(t time.Time) {
	time.Sleep(time.Until(t.Add(crashSlow*time.Millisecond + time.Millisecond)))
}

// busy are what the payment screen shows while it waits on a provider or
// the disk, and a coupon line whose pass is being redeemed.
var busy = regexp.MustCompile(`waiting for the wallet|saving|cancelling|Recording the sale|Looking up|redeeming…`)

// finishOpenSale does what a clerk would after a restart: wait for the
// till's own look-ups, take the rest in cash, and close the receipt. A
// payment left for review stays as it is.
func (r *crashRun) finishOpenSale() {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		scr := r.tm.screen()
		switch {
		case strings.Contains(scr, "Receipt 0"):
			r.tm.keys("Enter")
			r.tm.waitFor(q("TOTAL TWD 0.00"))
			return
		case busy.MatchString(scr):
		case strings.Contains(scr, "A payment's outcome is unknown"):
			return
		case strings.Contains(scr, "Press a tender's number"):
			r.tm.keys("1")
			r.tm.waitFor(q("Cash tendered:"))
			r.tm.keys("F5")
			r.tm.waitFor(q("Receipt 0"))
		case strings.Contains(scr, "TOTAL TWD 0.00") && strings.Contains(scr, "Code:"):
			return
		case strings.Contains(scr, "Code:") && strings.Contains(scr, "TOTAL TWD"):
			// Refused while a restored pass is still being redeemed: the
			// next round presses again.
			r.tm.keys("F12")
			for end := time.Now().Add(2 * time.Second); time.Now().Before(end) && !strings.Contains(r.tm.screen(), "Choose a tender"); {
				time.Sleep(pollEvery)
			}
		}
		time.Sleep(pollEvery)
	}
	r.t.Fatalf("the open sale was not finished in time; screen:\n%s", r.tm.screen())
}

// settle quits the screen and replays until nothing is queued, sent or
// unknown: only what needs a person may be left.
func (r *crashRun) settle() {
	r.t.Helper()
	if r.tuiUp {
		r.tm.quit()
		r.tuiUp = false
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		var open []store.JournalEntry
		for _, e := range r.journal(false) {
			if e.State != store.OpReview {
				open = append(open, e)
			}
		}
		if len(open) == 0 {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("the journal did not settle:\n%s", journalText(open))
		}
		r.runTill("replay", "--config", r.cfg, "--db", r.db)
	}
}

// runTill runs a till command that may fail, and returns its output.
func (r *crashRun) runTill(args ...string) string {
	cmd := exec.Command(tillBinary(r.t), args...)
	cmd.Env = r.tm.env
	out, _ := cmd.CombinedOutput()
	return string(out)
}

func (r *crashRun) journal(all bool) []store.JournalEntry { return journalIn(r.t, r.tm.env, r.db, all) }

// journalIn is `till queue --json`, with settled entries if all.
func journalIn(t *testing.T, env []string, db string, all bool) []store.JournalEntry {
	t.Helper()
	args := []string{"queue", "--json", "--db", db}
	if all {
		args = append(args, "--all")
	}
	var entries []store.JournalEntry
	if err := json.Unmarshal([]byte(tillCmd(t, env, args...)), &entries); err != nil {
		t.Fatalf("queue --json: %v", err)
	}
	return entries
}

// salesIn is `till sales --json`, as the till defines it.
func salesIn(t *testing.T, env []string, db string) []saleJSON {
	t.Helper()
	var sales []saleJSON
	if err := json.Unmarshal([]byte(tillCmd(t, env, "sales", "--json", "--db", db)), &sales); err != nil {
		t.Fatalf("sales --json: %v", err)
	}
	return sales
}

// opOf is the operation a journal entry holds.
func opOf(t *testing.T, e store.JournalEntry) providers.Op {
	t.Helper()
	var op providers.Op
	if err := json.Unmarshal(e.Op, &op); err != nil {
		t.Fatalf("journal entry %s: %v", e.Key, err)
	}
	return op
}

func journalText(entries []store.JournalEntry) string {
	var b strings.Builder
	for _, e := range entries {
		fmt.Fprintf(&b, "  %d %s %s %s %s sale %s tries %d: %s %s\n", e.Seq, e.State, e.Provider, e.Kind, e.Key, e.SaleID, e.Attempts, e.LastError, e.Outcome)
	}
	return b.String()
}

// fault replaces a simulator's faults through the control API.
func (r *crashRun) fault(provider, body string) {
	r.t.Helper()
	r.control("/_control/"+provider+"/fault", body)
}

// control posts body to tillsim's control API, which answers 204.
func (r *crashRun) control(path, body string) {
	r.t.Helper()
	resp, err := http.Post(r.sim+path, "application/json", strings.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		r.t.Fatalf("%s %s: %s", path, body, resp.Status)
	}
}

// swipCustomer plays the customer on the one SWiP order: "pay" in the
// app, or "identify" to take the discount and pay at the till.
func (r *crashRun) swipCustomer(action string) {
	r.t.Helper()
	o := r.swipOrder()
	r.control("/_control/swip/app/orders/"+o.ID+"/"+action, fmt.Sprintf(`{"customer":%q}`, swipMember))
}

// swipCustomerPays has the customer pay the one SWiP order in the app,
// unless it is paid or closed already.
func (r *crashRun) swipCustomerPays() {
	r.t.Helper()
	if o := r.swipOrder(); o.Status == "OPEN" && o.Paid == 0 {
		r.swipCustomer("pay")
	}
}

// swipOrder is the one order SWiP holds.
func (r *crashRun) swipOrder() swipsim.Order {
	r.t.Helper()
	l := getJSON[swipsim.Order](r.t, r.sim+swipOrders)
	if len(l) != 1 {
		r.t.Fatalf("SWiP holds %d orders, want 1: %+v", len(l), l)
	}
	return l[0]
}

// swipOrders lists the SWiP simulator's orders.
const swipOrders = "/_control/swip/app/orders"

func getLedger[T any](t *testing.T, base, provider string) []T {
	t.Helper()
	return getJSON[T](t, base+"/_control/"+provider+"/ledger")
}

func getJSON[T any](t *testing.T, url string) []T {
	t.Helper()
	var out []T
	decodeURL(t, url, &out)
	return out
}

// decodeURL decodes the JSON a GET of url answers into v.
func decodeURL(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
}

// waitSim polls a list of the simulators' control API until ok; the kill
// points hang on it.
func waitSim[T any](r *crashRun, path, what string, ok func([]T) bool) {
	r.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		l := getJSON[T](r.t, r.sim+path)
		if ok(l) {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("%s never reached the simulator (%s holds %+v); screen:\n%s", what, path, l, r.tm.screen())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (r *crashRun) waitCancan(what string, ok func([]cancansim.Transaction) bool) {
	r.t.Helper()
	waitSim(r, "/_control/cancan/ledger", what, ok)
}

func (r *crashRun) waitIPass(what string, ok func([]ipasssim.Payment) bool) {
	r.t.Helper()
	waitSim(r, "/_control/ipass/ledger", what, ok)
}

func (r *crashRun) waitSWiP(what string, ok func([]swipsim.Entry) bool) {
	r.t.Helper()
	waitSim(r, "/_control/swip/ledger", what, ok)
}

// waitSWiPOrder waits until SWiP holds one order, and ok holds for it.
func (r *crashRun) waitSWiPOrder(what string, ok func(swipsim.Order) bool) {
	r.t.Helper()
	waitSim(r, swipOrders, what, func(l []swipsim.Order) bool { return len(l) == 1 && ok(l[0]) })
}

// hasEntry is true of a SWiP ledger that holds an entry of kind.
func hasEntry(kind string) func([]swipsim.Entry) bool {
	return func(l []swipsim.Entry) bool {
		return slices.ContainsFunc(l, func(e swipsim.Entry) bool { return e.Kind == kind })
	}
}

// crashState is everything the checks compare, read once all settled.
type crashState struct {
	sales      []saleJSON
	journal    []store.JournalEntry // every entry, settled ones included
	cancan     []cancansim.Transaction
	ipass      []ipasssim.Payment
	swip       []swipsim.Entry
	swipOrders []swipsim.Order
	pass2u     []pass2usim.Entry
	ticketbao  []ticketbaosim.Entry
	// ticketOrders are TicketBao's orders by channelOrderId (the sale),
	// as its query answers.
	ticketOrders map[string]ticketbao.Order
}

func (r *crashRun) state() crashState {
	var st crashState
	st.sales = salesIn(r.t, r.tm.env, r.db)
	st.journal = r.journal(true)
	st.cancan = getLedger[cancansim.Transaction](r.t, r.sim, "cancan")
	st.ipass = getLedger[ipasssim.Payment](r.t, r.sim, "ipass")
	st.swip = getLedger[swipsim.Entry](r.t, r.sim, "swip")
	st.swipOrders = getJSON[swipsim.Order](r.t, r.sim+swipOrders)
	st.pass2u = getLedger[pass2usim.Entry](r.t, r.sim, "pass2u")
	st.ticketbao = getLedger[ticketbaosim.Entry](r.t, r.sim, "ticketbao")
	st.ticketOrders = r.ticketOrders(st.ticketbao)
	return st
}

// ticketOrders asks TicketBao, as the till would, for the order of each
// sale its ledger generated one for.
func (r *crashRun) ticketOrders(l []ticketbaosim.Entry) map[string]ticketbao.Order {
	c, err := ticketbao.New(ticketbao.Config{BaseURL: sims.TicketBaoURL(r.sim), APIKey: sims.TicketBaoAPIKey})
	if err != nil {
		r.t.Fatal(err)
	}
	out := map[string]ticketbao.Order{}
	for _, e := range l {
		if e.Kind != "generate" {
			continue
		}
		o, err := c.Query(r.t.Context(), ticketbao.QueryRequest{ChannelOrderID: e.ChannelOrderID, ProductSaleID: e.ProductSaleID,
			PickupType: ticketbao.PickupVoucher})
		if err != nil {
			r.t.Fatalf("TicketBao's order for %s: %v", e.ChannelOrderID, err)
		}
		out[e.ChannelOrderID] = o
	}
	return out
}

// checkCommon holds for every scenario: each operation reached the
// provider once at most and under a key journaled before it was sent;
// every approved wallet tender is money the provider holds, and every
// charge the provider holds is a tender the till shows approved or an
// operation left for a person. SWiP's own rules are in checkSWiP.
func (r *crashRun) checkCommon(st crashState, provider string, k crashKill) {
	t := r.t
	t.Helper()
	journaled := map[string]store.JournalEntry{}
	for _, e := range st.journal {
		journaled[e.Key] = e
		switch e.State {
		case store.OpQueued, store.OpSent, store.OpUnknown:
			t.Errorf("journal entry %s (%s %s) is still %s", e.Key, e.Provider, e.Kind, e.State)
		case store.OpReview:
			if e.Provider != "ipass" {
				t.Errorf("journal entry %s (%s %s) needs review, though %s can be asked", e.Key, e.Provider, e.Kind, e.Provider)
			}
		}
	}

	var got crashCounts
	cancanByID := map[string]cancansim.Transaction{}
	voidsOf := map[string]int{}
	for _, tx := range st.cancan {
		cancanByID[tx.ID] = tx
		switch tx.Type {
		case "sale":
			got.pays += b2i(provider == "cancan")
		case "void":
			got.voids++
			voidsOf[tx.Sale]++
		case "refund":
			got.refunds++
		}
		if e, ok := journaled[tx.ID]; !ok {
			t.Errorf("CANCAN holds %s %s, which was never journaled", tx.Type, tx.ID)
		} else if e.Kind != map[string]string{"sale": "pay", "void": "void", "refund": "refund"}[tx.Type] {
			t.Errorf("CANCAN holds %s %s, journaled as a %s", tx.Type, tx.ID, e.Kind)
		}
	}
	for s, n := range voidsOf {
		if n > 1 {
			t.Errorf("sale %s was voided %d times", s, n)
		}
	}
	ipassByOrder := map[string]ipasssim.Payment{}
	for _, p := range st.ipass {
		if _, dup := ipassByOrder[p.OrderNumber]; dup {
			t.Errorf("iPASS charged order %s twice", p.OrderNumber)
		}
		ipassByOrder[p.OrderNumber] = p
		got.pays += b2i(provider == "ipass")
		if e, ok := journaled[p.OrderNumber]; !ok || e.Kind != "pay" {
			t.Errorf("iPASS holds payment %s, which the journal does not hold as a payment", p.OrderNumber)
		}
	}
	swipByID := r.swipLedger(st, journaled, &got)
	r.checkPasses(st, &got)
	r.checkTicketOrders(st, &got)
	if got != k.want {
		t.Errorf("the %s ledger holds %+v, want %+v", provider, got, k.want)
	}

	// Tenders of completed sales against the ledgers.
	approved := map[string]bool{}
	refunds := map[string]sale.Adjustment{}
	for _, s := range st.sales {
		providerOf := map[string]string{}
		for _, tn := range s.Tenders {
			if tn.Provider == "" {
				continue
			}
			providerOf[tn.Key] = tn.Provider
			switch tn.Status {
			case sale.TenderPending, sale.TenderUnknown:
				t.Errorf("completed sale %d has a %s tender %s", s.Number, tn.Status, tn.Key)
			case sale.TenderApproved:
				if approved[tn.Key] {
					t.Errorf("tender %s is approved twice", tn.Key)
				}
				approved[tn.Key] = true
			}
			charged := false
			switch tn.Provider {
			case "cancan":
				tx, ok := cancanByID[tn.Key]
				charged = ok && tx.Type == "sale" && tx.State == "succeeded" && tx.VoidedBy == ""
				if tn.Status == sale.TenderApproved && (!charged || tx.Amount != int64(tn.Amount) || tn.Reference != tx.ID) {
					t.Errorf("sale %d: approved tender %+v, but CANCAN holds %+v", s.Number, tn, tx)
				}
			case "ipass":
				p, ok := ipassByOrder[tn.Key]
				charged = ok
				if tn.Status == sale.TenderApproved && (!ok || p.Amount != int64(tn.Amount) || tn.Reference != p.TransactionID) {
					t.Errorf("sale %d: approved tender %+v, but iPASS holds %+v", s.Number, tn, p)
				}
			case "swip":
				o, ok := swipByID[tn.Key]
				charged = ok && swipTook(o) > 0 && !o.Reversed
				if tn.Status == sale.TenderApproved && (!charged || swipTook(o) != tn.Amount || tn.Reference != o.ID) {
					t.Errorf("sale %d: approved tender %+v, but SWiP holds %+v", s.Number, tn, o)
				}
				if o.Reversed && tn.Amount != o.Refunded {
					t.Errorf("sale %d: SWiP took and gave back %d, but the till shows the %s tender for %d", s.Number, o.Refunded, tn.Status, tn.Amount)
				}
			}
			if tn.Status != sale.TenderApproved && charged {
				t.Errorf("sale %d: tender %s is %s, but the provider kept the money", s.Number, tn.Key, tn.Status)
			}
		}
		for _, a := range s.Adjustments {
			if providerOf[a.TenderKey] != "cancan" {
				continue // SWiP's refunds have no id: see checkSWiP
			}
			if a.Kind == sale.AdjustRefund {
				refunds[a.Key] = a
			}
			tx, ok := cancanByID[a.Key]
			done := ok && tx.Type == a.Kind && tx.State == "succeeded"
			if (a.Status == sale.TenderApproved) != done {
				t.Errorf("sale %d: %s %s is %s, CANCAN holds %+v", s.Number, a.Kind, a.Key, a.Status, tx)
			}
			if done && a.Kind == sale.AdjustRefund && tx.Amount != int64(a.Amount) {
				t.Errorf("sale %d: refund %s of %d, CANCAN refunded %d", s.Number, a.Key, a.Amount, tx.Amount)
			}
		}
	}
	// Money the providers hold that the till does not show.
	for _, tx := range st.cancan {
		switch {
		case tx.Type == "sale" && tx.State == "succeeded" && tx.VoidedBy == "" && !approved[tx.ID]:
			t.Errorf("CANCAN charged %s (%d), which no completed sale shows approved", tx.ID, tx.Amount)
		case tx.Type == "refund":
			if _, ok := refunds[tx.ID]; !ok {
				t.Errorf("CANCAN refunded %s (%d), which no sale lists", tx.ID, tx.Amount)
			}
		}
	}
	for _, p := range st.ipass {
		if !approved[p.OrderNumber] && journaled[p.OrderNumber].State != store.OpReview {
			t.Errorf("iPASS charged %s (%d), which is neither approved in a sale nor left for review", p.OrderNumber, p.Amount)
		}
	}
	r.checkSWiP(st, swipByID, approved)
}

// checkPasses adds Pass2U's redeems and unredeems to got and holds them
// against the journal and the sales: every pass Pass2U redeemed was
// journaled as a redeem and redeemed once; a coupon a completed sale
// keeps is approved and its pass redeemed in the end, and the pass of a
// coupon voided or refused is not.
func (r *crashRun) checkPasses(st crashState, got *crashCounts) {
	t := r.t
	t.Helper()
	redeems := map[string]int{}
	redeemed := map[string]bool{}
	for _, e := range st.pass2u {
		switch e.Kind {
		case "redeem":
			got.pays++
			redeems[e.Barcode]++
		case "unredeem":
			got.voids++
		}
		redeemed[e.Barcode] = e.Kind == "redeem"
	}
	journaled := map[string]bool{}
	for _, e := range st.journal {
		if e.Provider != "pass2u" || e.Kind != string(providers.KindRedeem) {
			continue
		}
		op := opOf(t, e)
		if op.Pass == nil {
			t.Errorf("redeem %s names no pass", e.Key)
			continue
		}
		code := op.Pass.Barcode
		journaled[code] = true
		i := slices.IndexFunc(st.sales, func(s saleJSON) bool { return s.ID == e.SaleID })
		if i < 0 {
			t.Errorf("pass %s was redeemed for sale %s, which was never completed", code, e.SaleID)
			continue
		}
		s := st.sales[i]
		var kept []string
		for _, l := range s.Lines {
			if l.Coupon != nil && l.Coupon.Barcode == code {
				kept = append(kept, l.Coupon.Status)
			}
		}
		switch {
		case len(kept) > 1:
			t.Errorf("sale %d holds pass %s %d times", s.Number, code, len(kept))
		case len(kept) == 1 && (kept[0] != sale.TenderApproved || !redeemed[code]):
			t.Errorf("sale %d keeps pass %s as a %s coupon; Pass2U has it redeemed: %v", s.Number, code, kept[0], redeemed[code])
		case len(kept) == 0 && redeemed[code]:
			t.Errorf("sale %d voided or was refused pass %s, but Pass2U has it redeemed", s.Number, code)
		}
	}
	for code, n := range redeems {
		if !journaled[code] {
			t.Errorf("Pass2U redeemed %s, which was never journaled as a redeem", code)
		}
		if n > 1 {
			t.Errorf("Pass2U redeemed %s %d times", code, n)
		}
	}
}

// checkTicketOrders adds TicketBao's orders and refunds to got and holds
// them against the sales: exactly one order for each completed sale with
// e-tickets, none for anything else, and the sale holds that order's
// vouchers.
func (r *crashRun) checkTicketOrders(st crashState, got *crashCounts) {
	t := r.t
	t.Helper()
	generated := map[string][]ticketbaosim.Entry{} // by channelOrderId: the sale
	for _, e := range st.ticketbao {
		switch e.Kind {
		case "generate":
			got.pays++
			generated[e.ChannelOrderID] = append(generated[e.ChannelOrderID], e)
		case "refund":
			got.refunds++
		}
	}
	for _, s := range st.sales {
		gen := generated[s.ID]
		delete(generated, s.ID)
		tk := s.Tickets
		switch {
		case tk == nil && len(gen) == 0:
			continue
		case tk == nil || len(gen) != 1:
			t.Errorf("sale %d: TicketBao generated %d orders for it; its tickets are %+v", s.Number, len(gen), tk)
			continue
		}
		o := st.ticketOrders[s.ID]
		var want, have []string
		for _, v := range o.Vouchers {
			want = append(want, v.BarcodeMessage)
		}
		for _, v := range tk.Vouchers {
			have = append(have, v.Barcode)
		}
		if tk.Status != sale.TenderApproved || tk.Order != o.Pass2UOrderID || o.Pass2UOrderID != gen[0].Pass2UOrderID ||
			tk.Qty != gen[0].Quantity || len(want) != tk.Qty || !slices.Equal(have, want) {
			t.Errorf("sale %d: tickets %+v; TicketBao holds order %s of %d, vouchers %v", s.Number, tk, o.Pass2UOrderID, gen[0].Quantity, want)
		}
	}
	for id, gen := range generated {
		t.Errorf("TicketBao generated %d orders for %s, which is no completed sale", len(gen), id)
	}
}

// swipTook is what a SWiP order took through SWiP: nothing until it is
// closed, and nothing when it was paid at the till.
func swipTook(o swipsim.Order) money.Amount {
	if o.Status != "CLOSED" {
		return 0
	}
	return min(o.Paid, o.CloseAmount)
}

// swipLedger adds SWiP's operations to got and returns its orders by id.
// Every order is a payment journaled before it was made, at most one a
// sale, and each was closed once, by the till: one confirm or cancel in
// the ledger, never left to time out. (The order's Closes counts refused
// repeats too, which change nothing: a till that closes an order it
// cannot know was closed, after a crash, is answered "already closed".)
func (r *crashRun) swipLedger(st crashState, journaled map[string]store.JournalEntry, got *crashCounts) map[string]swipsim.Order {
	t := r.t
	t.Helper()
	closedBy := map[string][]string{}
	for _, e := range st.swip {
		switch e.Kind {
		case "create":
			got.pays++
		case "confirm":
			got.confirms++
		case "cancel", "reverse":
			got.voids++
		case "refund":
			got.refunds++
		}
		if e.Kind == "confirm" || e.Kind == "cancel" || e.Kind == "expire" {
			closedBy[e.OrderID] = append(closedBy[e.OrderID], e.Kind)
		}
	}
	byID := map[string]swipsim.Order{}
	perSale := map[string]int{}
	for _, o := range st.swipOrders {
		byID[o.ID] = o
		e, ok := journaled[o.ID]
		if !ok || e.Provider != "swip" || e.Kind != string(providers.KindPay) {
			t.Errorf("SWiP holds order %s, which the journal does not hold as a SWiP payment", o.ID)
		} else if perSale[e.SaleID]++; perSale[e.SaleID] > 1 {
			t.Errorf("sale %s has %d SWiP orders", e.SaleID, perSale[e.SaleID])
		}
		if c := closedBy[o.ID]; o.Status != "CLOSED" || !slices.Equal(c, []string{"confirm"}) && !slices.Equal(c, []string{"cancel"}) {
			t.Errorf("SWiP order %s is %s, closed by %v after %d close requests: want one confirm or cancel by the till",
				o.ID, o.Status, c, o.Closes)
		} else if o.Closes > 1 {
			t.Logf("SWiP order %s: %d close requests, the first taken, the rest refused", shortKey(o.ID), o.Closes)
		}
	}
	return byID
}

// checkSWiP holds the till's completed sales against SWiP's orders: a
// discount is recorded exactly for an order closed with an amount after
// SWiP gave one, with what the customer paid at the till if they did;
// and the refunds the till shows approved are the refunds SWiP made.
// SWiP's refunds have no id: they are compared order by order.
func (r *crashRun) checkSWiP(st crashState, byID map[string]swipsim.Order, approved map[string]bool) {
	t := r.t
	t.Helper()
	discounted := map[string]bool{}
	refunded := map[string]money.Amount{}
	nRefunds := map[string]int{}
	for _, s := range st.sales {
		for _, d := range s.Discounts {
			o, ok := byID[d.Order]
			atTill := money.Amount(0)
			if o.Paid == 0 {
				atTill = o.CloseAmount
			}
			if d.Provider != "swip" || !ok || o.CloseAmount == 0 || o.Discount != d.Amount || d.AtTill != atTill || discounted[d.Order] {
				t.Errorf("sale %d: discount %+v, but SWiP holds %+v", s.Number, d, o)
			}
			discounted[d.Order] = true
		}
		for _, a := range s.Adjustments {
			if _, ok := byID[a.TenderKey]; ok && a.Kind == sale.AdjustRefund && a.Status == sale.TenderApproved {
				refunded[a.TenderKey] += a.Amount
				nRefunds[a.TenderKey]++
			}
		}
	}
	refundsAt := map[string]int{}
	for _, e := range st.swip {
		if e.Kind == "refund" {
			refundsAt[e.OrderID]++
		}
	}
	for _, o := range st.swipOrders {
		took := swipTook(o)
		if took > 0 && !o.Reversed && !approved[o.ID] {
			t.Errorf("SWiP took %d for order %s, which no completed sale shows approved", took, o.ID)
		}
		if o.CloseAmount > 0 && o.Discount > 0 && !o.Reversed && !discounted[o.ID] {
			t.Errorf("SWiP gave a discount of %d on order %s, closed with %d, which no sale records", o.Discount, o.ID, o.CloseAmount)
		}
		if !o.Reversed && (refunded[o.ID] != o.Refunded || nRefunds[o.ID] != refundsAt[o.ID]) {
			t.Errorf("the till shows %d refunds of %d approved for order %s; SWiP made %d, of %d",
				nRefunds[o.ID], refunded[o.ID], o.ID, refundsAt[o.ID], o.Refunded)
		}
	}
}

// landed describes what the dead till left on disk.
func (r *crashRun) landed() string {
	var parts []string
	for _, e := range r.journal(true) {
		parts = append(parts, fmt.Sprintf("%s %s %s", e.Provider, e.Kind, e.State))
	}
	return fmt.Sprintf("journal [%s], %d completed sales", strings.Join(parts, ", "), len(salesIn(r.t, r.tm.env, r.db)))
}

func cancanSummary(l []cancansim.Transaction) string {
	var parts []string
	for _, tx := range l {
		parts = append(parts, fmt.Sprintf("%s %s (%d looks)", tx.Type, tx.State, tx.Retrieves))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func ledgerSummary(l []ledgerEntry) string {
	var parts []string
	for _, e := range l {
		parts = append(parts, e.Kind)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func swipSummary(l []swipsim.Entry) string {
	var parts []string
	for _, e := range l {
		parts = append(parts, fmt.Sprintf("%s %s %d", e.Kind, shortKey(e.OrderID), e.Amount))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// statusLine is the screen's last non-blank line but the help bar.
func statusLine(scr string) string {
	lines := strings.Split(strings.TrimRight(scr, "\n "), "\n")
	var kept []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			kept = append(kept, l)
		}
	}
	if len(kept) < 2 {
		return strings.Join(kept, " | ")
	}
	return kept[len(kept)-2]
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

var (
	tillsimOnce sync.Once
	tillsimPath string
	tillsimErr  error
)

// tillsimBinary builds cmd/tillsim once, next to the till.
func tillsimBinary(t *testing.T) string {
	t.Helper()
	dir := filepath.Dir(tillBinary(t))
	tillsimOnce.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			tillsimErr = err
			return
		}
		tillsimPath = filepath.Join(dir, "tillsim")
		if out, err := exec.Command(goTool, "build", "-o", tillsimPath, "../tillsim").CombinedOutput(); err != nil {
			tillsimErr = fmt.Errorf("go build tillsim: %v\n%s", err, out)
		}
	})
	if tillsimErr != nil {
		t.Fatal(tillsimErr)
	}
	return tillsimPath
}

// startTillsim runs tillsim on a free port until the test ends and
// returns its base URL and the configuration it printed.
func startTillsim(t *testing.T) (base, snippet string) {
	t.Helper()
	cmd := exec.Command(tillsimBinary(t), "-addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	// The snippet is one write: read until a pause after its first line.
	chunks := make(chan []byte)
	go func() {
		defer close(chunks)
		for {
			buf := make([]byte, 4096)
			n, err := stdout.Read(buf)
			if n > 0 {
				chunks <- buf[:n]
			}
			if err != nil {
				return
			}
		}
	}()
	var out []byte
	deadline := time.After(waitTimeout)
	for {
		quiet := time.After(time.Hour)
		if bytes.Contains(out, []byte("\n")) {
			quiet = time.After(100 * time.Millisecond)
		}
		select {
		case c, ok := <-chunks:
			if !ok {
				t.Fatalf("tillsim ended: %s%s", out, stderr.String())
			}
			out = append(out, c...)
			continue
		case <-quiet:
		case <-deadline:
			t.Fatalf("tillsim printed no configuration: %q %s", out, stderr.String())
		}
		break
	}
	go func() {
		for range chunks { // keep the pipe drained
		}
	}()
	first, rest, _ := strings.Cut(string(out), "\n")
	addr, ok := strings.CutPrefix(strings.TrimSpace(first), "tillsim serving on ")
	if !ok || !strings.HasPrefix(addr, "http://127.0.0.1:") {
		t.Fatalf("tillsim's first line is %q", first)
	}
	return addr, rest
}
