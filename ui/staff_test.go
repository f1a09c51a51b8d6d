package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"till/store"
)

// staffHarness is a till whose database has a manager (boss, 1234) and a
// clerk (ann, 5678), so login is in force.
func staffHarness(t *testing.T, adjust func(*Options)) *harness {
	db := testDB(t)
	for _, u := range []struct {
		id, name, pin string
		role          store.Role
	}{
		{"boss", "Mei", "1234", store.RoleManager}, {"ann", "Ann", "5678", store.RoleClerk},
	} {
		if err := db.AddUser(u.id, u.name, u.role, u.pin, testNow); err != nil {
			t.Fatal(err)
		}
	}
	return newHarnessWith(t, db, nil, func(o *Options) {
		o.Staff = db
		if adjust != nil {
			adjust(o)
		}
	})
}

func (h *harness) login(id, pin string) {
	h.typeText(id)
	h.enter()
	h.typeText(pin)
	h.enter()
}

func TestLoginOpensTheShiftWithAFloat(t *testing.T) {
	h := staffHarness(t, nil)
	h.wantScreen("Log in", "Your id:")
	h.scan("4710088410122")
	h.wantScreen("Scan ignored: log in first")
	h.login("ann", "0000")
	h.wantScreen("Wrong id or PIN", "Your id:")
	h.login("ann", "5678")
	h.wantScreen("Count the cash in the drawer", "Opening float:")
	if strings.Contains(h.screen(), "5678") {
		t.Fatal("the PIN is on screen")
	}
	h.typeText("5000")
	h.enter()
	h.wantScreen("Shift opened with a float of 5,000.00", "Demo Store · till T1 · Ann")
	sh, err := h.db.CurrentShift()
	if err != nil || sh == nil || sh.OpenedBy != "ann" || sh.Float != 500000 {
		t.Fatalf("shift %+v, %v", sh, err)
	}
	h.scan("4710088410122")
	h.wantScreen("TOTAL TWD 35.00")
}

func TestNoSaleNeedsAManager(t *testing.T) {
	p := &fakePrinter{}
	h := staffHarness(t, func(o *Options) { o.Printer = p })
	h.login("ann", "5678")
	h.typeText("0")
	h.enter()
	h.key(tea.KeyF11)
	h.wantScreen("Manager approval", "A manager approves: opening the drawer without a sale")
	h.login("ann", "5678")
	h.wantScreen("Ann is not a manager")
	h.login("boss", "1234")
	h.run(h.held)
	h.wantScreen("Drawer opened: no sale")
	if p.drawers != 1 {
		t.Fatalf("drawer opened %d times", p.drawers)
	}
	as, err := h.db.Approvals(time.Time{}, testNow.Add(time.Hour))
	if err != nil || len(as) != 1 || as[0].By != "boss" || as[0].For != "ann" || as[0].Action != store.ActionNoSale {
		t.Fatalf("approvals %+v, %v", as, err)
	}
	// Esc at the prompt does nothing.
	h.key(tea.KeyF11)
	h.key(tea.KeyEscape)
	h.wantScreen("Not approved: nothing was done")
	if p.drawers != 1 {
		t.Error("the drawer opened without approval")
	}
}

func TestAManagersPINLeavesTheKiosk(t *testing.T) {
	h := staffHarness(t, func(o *Options) { o.Kiosk = true })
	h.login("ann", "5678")
	h.typeText("0")
	h.enter()
	h.send(tea.KeyPressMsg{Code: 'q', Mod: tea.ModCtrl})
	h.wantScreen("A manager approves: leaving kiosk mode")
	h.login("boss", "1234")
	if h.held == nil {
		t.Fatal("nothing follows the approval")
	}
	if _, ok := h.held().(tea.QuitMsg); !ok {
		t.Error("the approval does not leave the kiosk")
	}
}

func TestATillLeftAloneLocksItself(t *testing.T) {
	now := testNow
	h := staffHarness(t, func(o *Options) {
		o.LockAfter = 5 * time.Minute
		o.Now = func() time.Time { return now }
		o.Tick = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	})
	h.login("ann", "5678")
	h.typeText("0")
	h.enter()
	h.scan("4710088410122")
	now = now.Add(4 * time.Minute)
	h.send(idleMsg{})
	h.wantScreen("TOTAL TWD 35.00")
	now = now.Add(2 * time.Minute)
	h.send(idleMsg{})
	h.wantScreen("Locked after 5m0s without use", "Your id:")
	h.scan("5449000000996")
	h.wantScreen("Scan ignored: log in first")
	h.login("ann", "5678")
	h.wantScreen("TOTAL TWD 35.00", "· Ann")
}
