package ui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// wedgeHarness is a till that tells wedge scanners from people, on a
// clock the test moves; held keys are played back only when told.
func wedgeHarness(t *testing.T) (*harness, *time.Time) {
	now := testNow
	h := newHarnessWith(t, testDB(t), nil, func(o *Options) {
		o.WedgeGap, o.WedgeMin = 30*time.Millisecond, 6
		o.Now = func() time.Time { return now }
		o.Tick = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	})
	return h, &now
}

// burst types s with gap between keys, then Enter after gap.
func burst(h *harness, now *time.Time, s string, gap time.Duration) {
	for _, r := range s {
		*now = now.Add(gap)
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	*now = now.Add(gap)
	h.enter()
}

func TestAWedgeScanIntoTheCashFieldIsNotTypedThere(t *testing.T) {
	h, now := wedgeHarness(t)
	burst(h, now, "4710088410122", 3*time.Millisecond) // into the code field: a scan
	h.wantScreen("Added 烏龍茶 Oolong tea 500ml", "TOTAL TWD 35.00")
	h.key(tea.KeyF12)
	*now = now.Add(time.Second)
	h.send(tea.KeyPressMsg{Code: '1', Text: "1"})
	h.send(wedgeFlushMsg{seq: h.m.wedge.seq}) // no key followed: it was the clerk's 1
	h.wantScreen("Cash tendered:")
	burst(h, now, "5449000000996", 3*time.Millisecond)
	h.wantScreen("Scan ignored: finish this screen first")
	if v := h.m.payment.input.Value(); v != "" {
		t.Fatalf("the scan was typed into the cash field: %q", v)
	}
	if h.m.sale.Paid(h.m.opt.Tax) || len(h.m.sale.Tenders) != 0 {
		t.Fatal("a scan took cash")
	}
}

func TestPeopleTypeAsBefore(t *testing.T) {
	h, now := wedgeHarness(t)
	burst(h, now, "4710088410122", 120*time.Millisecond) // a person's pace
	h.wantScreen("Added 烏龍茶 Oolong tea 500ml")
	// Short codes typed fast are still typed: too few keys for a scan.
	burst(h, now, "3*5449000000996", 120*time.Millisecond)
	burst(h, now, "EVIL", time.Millisecond)
	h.wantScreen("Coca-Cola 330ml", "Evil")
	// A slow start then a fast end is a person too.
	h.m.wedge = wedgeState{}
	*now = now.Add(time.Second)
	h.send(tea.KeyPressMsg{Code: '0', Text: "0"})
	*now = now.Add(time.Second)
	burst(h, now, "036000291452", time.Millisecond)
	h.wantScreen("Mint gum")
}

func TestWedgeOffByDefault(t *testing.T) {
	h := newHarness(t, nil)
	h.key(tea.KeyF3)
	h.typeText("cola")
	h.wantScreen("Find: cola", "Coca-Cola 330ml")
}
