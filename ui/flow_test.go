package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

func TestCashSaleEndToEnd(t *testing.T) {
	h := newHarness(t, nil)
	h.typeText("3*4710088410122")
	h.enter()
	h.scan("036000291452")
	h.wantScreen("烏龍茶 Oolong tea 500ml", "105.00", "Mint gum", "TOTAL TWD 130.00")
	h.key(tea.KeyF12)
	h.typeText("1")
	h.typeText("200")
	h.enter()
	h.wantScreen("Receipt 000001", "CHANGE DUE", "TWD 70.00")
	sales, err := h.db.Sales()
	if err != nil || len(sales) != 1 || sales[0].Total != 13000 {
		t.Fatalf("sales = %+v, %v", sales, err)
	}
}
