package main

import (
	"context"

	"till/cmd/till/config"
	"till/hardware/printer"
	"till/store/receipt"
	"till/store/sale"
	"till/ui"
)

// receiptPrinter prints the till's receipts on the configured ESC/POS
// printer and opens its drawer.
type receiptPrinter struct {
	dev *printer.Device
	cfg config.Config
}

var _ ui.Printer = receiptPrinter{}

// openPrinter is the configured printer; nil without one.
func openPrinter(cfg config.Config) (*receiptPrinter, error) {
	if cfg.Printer == "" {
		return nil, nil
	}
	dev, err := printer.Open(cfg.Printer)
	if err != nil {
		return nil, err
	}
	return &receiptPrinter{dev: dev, cfg: cfg}, nil
}

func (p receiptPrinter) PrintReceipt(ctx context.Context, s *sale.Sale) error {
	job, err := printer.Render(s, receipt.Header{StoreName: p.cfg.StoreName, TillID: p.cfg.TillID, Words: ui.ReceiptWords(ui.Lang(p.cfg.Language))},
		p.cfg.Currency, p.cfg.Tax, p.dev.Options())
	if err != nil {
		return err
	}
	return p.dev.Print(ctx, job)
}

func (p receiptPrinter) PrintLines(ctx context.Context, lines []string) error {
	job, err := printer.Compose(lines, nil, p.dev.Options())
	if err != nil {
		return err
	}
	return p.dev.Print(ctx, job)
}

func (p receiptPrinter) OpenDrawer(ctx context.Context) error { return p.dev.OpenDrawer(ctx) }
