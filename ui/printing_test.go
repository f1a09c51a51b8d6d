package ui

import (
	"context"
	"errors"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"

	"till/store/sale"
)

type fakePrinter struct {
	mu      sync.Mutex
	printed []uint64
	docs    [][]string
	drawers int
	err     error
}

func (p *fakePrinter) PrintLines(_ context.Context, lines []string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.docs = append(p.docs, lines)
	return p.err
}

func (p *fakePrinter) PrintReceipt(_ context.Context, s *sale.Sale) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return p.err
	}
	p.printed = append(p.printed, s.Number)
	return nil
}

func (p *fakePrinter) OpenDrawer(context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.drawers++
	return p.err
}

func TestCashOpensTheDrawerAndTheReceiptIsPrinted(t *testing.T) {
	p := &fakePrinter{}
	h := newHarnessWith(t, testDB(t), nil, func(o *Options) { o.Printer = p })
	h.scan("4710088410122")
	h.key(tea.KeyF12)
	h.typeText("1")
	h.typeText("100")
	h.enter()
	h.wantScreen("Receipt 000001", "printer ok", "F8 print")
	if p.drawers != 1 || len(p.printed) != 1 || p.printed[0] != 1 {
		t.Fatalf("drawer %d, printed %v", p.drawers, p.printed)
	}
	h.key(tea.KeyF8) // again, on the receipt
	if len(p.printed) != 2 {
		t.Errorf("printed %v", p.printed)
	}
}

func TestAPrinterOutOfPaperDoesNotStopTheSale(t *testing.T) {
	p := &fakePrinter{err: errors.New("receipt printer usb:/dev/usb/lp0: out of paper")}
	h := newHarnessWith(t, testDB(t), nil, func(o *Options) { o.Printer = p })
	h.scan("4710088410122")
	h.key(tea.KeyF12)
	h.typeText("1")
	h.key(tea.KeyF5)
	h.wantScreen("Receipt 000001", "Receipt not printed: receipt printer usb:/dev/usb/lp0: out of paper")
	if h.m.printing != "failed" {
		t.Errorf("printer state %q", h.m.printing)
	}
	if s, err := h.db.SaleByNumber(1); err != nil || s.Total != 3500 {
		t.Fatalf("the sale was not recorded: %v", err)
	}
	p.err = nil
	h.key(tea.KeyF8)
	if len(p.printed) != 1 {
		t.Errorf("the reprint did not print: %v", p.printed)
	}
	h.wantScreen("printer ok")
}
