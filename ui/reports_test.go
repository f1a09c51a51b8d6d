package ui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"till/store"
	"till/store/money"
	"till/store/report"
)

// storeReports is Reports over the harness's database, built as the
// program builds them.
type storeReports struct{ db *store.DB }

func (r storeReports) build(sh *store.Shift) (report.Report, error) {
	var rs *report.Shift
	if sh != nil {
		c := report.Shift(*sh)
		rs = &c
	}
	from, to := report.Window(rs, testNow.Add(time.Hour))
	sales, err := r.db.Sales()
	return report.Build(report.Input{Sales: sales, From: from, To: to, Shift: rs, Tax: taxIncl, Currency: "TWD",
		Store: "Demo Store", At: testNow.Add(time.Hour)}), err
}

func (r storeReports) X() (report.Report, error) {
	sh, err := r.db.CurrentShift()
	if err != nil {
		return report.Report{}, err
	}
	return r.build(sh)
}

func (r storeReports) Z(by string, counted money.Amount) (report.Report, error) {
	sh, err := r.db.CloseShift(by, counted, testNow.Add(time.Hour))
	if err != nil {
		return report.Report{}, err
	}
	return r.build(&sh)
}

func TestXThenZClosesTheShift(t *testing.T) {
	p := &fakePrinter{}
	var h *harness
	h = staffHarness(t, func(o *Options) { o.Printer = p })
	h.m.opt.Reports = storeReports{db: h.db}
	h.login("ann", "5678")
	h.typeText("100")
	h.enter()
	h.scan("4710088410122")
	h.key(tea.KeyF12)
	h.typeText("1")
	h.key(tea.KeyF5)
	h.enter() // next sale
	h.key(tea.KeyF7)
	h.wantScreen("X REPORT", "35.00")
	h.key(tea.KeyF10)
	h.typeText("135")
	h.enter()
	h.wantScreen("A manager approves: closing the shift")
	h.login("boss", "1234")
	h.run(h.held)
	h.wantScreen("Z REPORT", "Shift closed: Z report printed")
	if len(p.docs) != 1 {
		t.Fatalf("printed %d documents", len(p.docs))
	}
	if sh, _ := h.db.CurrentShift(); sh != nil {
		t.Fatalf("the shift is still open: %+v", sh)
	}
	shifts, _ := h.db.Shifts()
	if len(shifts) != 1 || shifts[0].Number != 1 || shifts[0].Counted != 13500 || shifts[0].ClosedBy != "ann" {
		t.Fatalf("shifts %+v", shifts)
	}
	as, _ := h.db.Approvals(time.Time{}, testNow.Add(2*time.Hour))
	if len(as) != 1 || as[0].By != "boss" || as[0].Action != store.ActionCloseShift {
		t.Errorf("approvals %+v", as)
	}
	h.key(tea.KeyEscape)
	h.wantScreen("log in to open the next one", "Your id:")
}
