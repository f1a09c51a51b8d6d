package main

import (
	"path/filepath"
	"strings"
	"testing"

	"till/providers/ticketbao/ticketbaosim"
	"till/store/sale"
)

// The demo, end to end: a pass redeemed for 10% off a sale with an
// e-ticket, paid in cash; the receipt shows the tickets being issued,
// then (the replay worker issues them) their vouchers, and the sale keeps
// both the coupon and the order.
func TestEndToEndDemoCouponAndTickets(t *testing.T) {
	t.Parallel()
	tm := newTerm(t)
	db := filepath.Join(tm.dir, "demo.db")
	tm.start("--demo", "--db", db)
	tm.waitFor(q("Demo Store"), q("TOTAL TWD 0.00"))

	for _, code := range []string{"4710088410122", "MUSEUM"} {
		tm.typeText(code)
		tm.keys("Enter")
	}
	tm.waitFor(q("National museum e-ticket"), q("TOTAL TWD 285.00"))
	tm.keys("F5")
	tm.waitFor(`› .*10% off`, q("Free coffee"))
	tm.keys("Enter")
	tm.waitFor(q("10% off pass: "))
	tm.typeText("P2U-OK-e2e")
	tm.keys("Enter")
	tm.waitFor(q("10% off: pass redeemed"), `coupon +-28\.50`, q("TOTAL TWD 256.50"))

	tm.keys("F12")
	tm.waitFor(`Due +TWD 256\.50`)
	tm.keys("1")
	tm.waitFor(q("Cash tendered:"))
	tm.keys("F5")
	tm.waitFor(q("Receipt 000001"), q("E-TICKETS x1"))
	tm.waitFor(q("E-tickets issued"), `Order TB\d+`, `1\. \d+`)
	tm.keys("Enter")
	tm.waitFor(q("TOTAL TWD 0.00"))
	tm.quit()

	sales := salesIn(t, tm.env, db)
	if len(sales) != 1 {
		t.Fatalf("%d sales, want 1: %+v", len(sales), sales)
	}
	s := sales[0]
	var coupons []couponJSON
	for _, l := range s.Lines {
		if l.Coupon != nil {
			coupons = append(coupons, *l.Coupon)
		}
	}
	if len(coupons) != 1 || coupons[0].Barcode != "P2U-OK-e2e" || coupons[0].Status != sale.TenderApproved ||
		coupons[0].Model != "1248" || coupons[0].Campaign != "381" {
		t.Errorf("coupons %+v; want the pass approved in campaign 1248/381", coupons)
	}
	if s.Total != 25650 {
		t.Errorf("total %d, want 25650", s.Total)
	}
	tk := s.Tickets
	if tk == nil || tk.Status != sale.TenderApproved || tk.Product != ticketbaosim.ProductAdult || tk.Qty != 1 ||
		!strings.HasPrefix(tk.Order, "TB") || len(tk.Vouchers) != 1 || tk.Vouchers[0].Barcode == "" {
		t.Errorf("tickets %+v; want TicketBao's order of one voucher", tk)
	}
}

// A pass's code is whatever the customer's phone or a broken scanner
// sends: slashes, dot segments, percent signs, a query and spaces travel
// as one path segment, and Pass2U's answer stands; control characters
// never leave the till nor reach the screen.
func TestPassHostileBarcodes(t *testing.T) {
	t.Parallel()
	r := newCrashRun(t)
	fifo := newFIFO(r.tm)
	r.tm.start(append(r.tuiArgs(), "--scanner", "file:"+string(fifo))...)
	r.tuiUp = true
	r.tm.waitFor(q("scanner connected"), q("TOTAL TWD 0.00"))
	title := r.tm.display("#{pane_title}")
	r.addItem(teaCode, "35.00")

	const kept = "P2U-OK-a/../b %2e%2E?x=1#y"
	for _, c := range []struct{ code, answer string }{
		{"P2U-EXPIRED-../../models?account=x", "Pass refused: The pass is expired."},
		{"../../../_control/pass2u/fault", "Pass refused: Not valid barcode."},
		{"..", "Pass refused: Nothing was sent to Pass2U: the barcode is a dot segment."},
		{kept, "10% off: pass redeemed"},
	} {
		r.openCampaign(percentRow)
		r.tm.typeText(c.code)
		r.tm.keys("Enter")
		r.tm.waitFor(q(c.answer))
		checkScreenClean(t, r.tm, title, c.code)
	}
	// A scanner's escapes: refused before anything is journaled or sent.
	r.openCampaign(percentRow)
	fifo.write(t, "P2U-OK-\x1b]2;PWNED\x07\x1b[2J\u202eevil\x9b1m\n")
	r.tm.waitFor(q("That is not a pass barcode"))
	checkScreenClean(t, r.tm, title, "escapes")
	r.tm.keys("Escape") // two escapes at once would be alt+escape
	r.tm.waitFor(q("Campaigns"))
	r.tm.keys("Escape")
	r.tm.waitFor(q("TOTAL TWD 31.50"))
	r.startPayment()
	r.payExactCash()

	r.settle()
	st := r.state()
	r.checkCommon(st, "pass2u", crashKill{want: crashCounts{pays: 1}})
	checkCoupon(3150, kept+" "+sale.TenderApproved)(r, st)
	if len(st.pass2u) != 1 || st.pass2u[0].Barcode != kept {
		t.Errorf("Pass2U holds %+v; want the one redeem of %q", st.pass2u, kept)
	}
	for _, e := range st.journal {
		if op := opOf(t, e); op.Pass != nil && strings.ContainsAny(op.Pass.Barcode, "\x1b\x07\u202e\x9b") {
			t.Errorf("the journal holds a pass with control characters: %q", op.Pass.Barcode)
		}
	}
}

// checkScreenClean fails if anything a code carried reached the terminal:
// the pane's title, a bell, a control character besides the colours the
// capture adds. The till must still be drawing its header.
func checkScreenClean(t *testing.T, tm *tmuxTerm, title, step string) {
	t.Helper()
	if got := tm.display("#{pane_title}"); got != title {
		t.Errorf("%s: the pane title changed from %q to %q", step, title, got)
	}
	if tm.display("#{window_bell_flag}") != "0" {
		t.Errorf("%s: a bell reached the terminal", step)
	}
	scr := ansiSGR.ReplaceAllString(tm.screenEscapes(), "")
	if i := strings.IndexFunc(scr, func(r rune) bool {
		return r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r <= 0x9f || r == '\u202e'
	}); i >= 0 {
		t.Errorf("%s: control character %q on the screen:\n%s", step, scr[i], scr)
	}
	if !strings.HasPrefix(scr, " Test Shop 測試店 · till E2E") {
		t.Errorf("%s: the screen is not drawn as it should be:\n%s", step, scr)
	}
}
