package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"till/cmd/till/config"
	"till/store/sale"
)

// The configured printer gets the receipt as ESC/POS: reset first, the
// item, a cut last; and the drawer pulse on its own.
func TestReceiptsGoToTheConfiguredPrinter(t *testing.T) {
	out := filepath.Join(t.TempDir(), "receipts.bin")
	cfg, err := config.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Printer = "file:" + out
	p, err := openPrinter(cfg)
	if err != nil || p == nil {
		t.Fatalf("%v %v", p, err)
	}
	defer p.dev.Close()
	s := sale.New("s1", "TWD", time.Now())
	s.Add(sale.Item{SKU: "TEA", Name: "Oolong\x1bp\x00\x19\xfa tea", Price: 3500, TaxClass: "standard"}, "TEA", 3500, 1)
	s.PayCash(cfg.Tax, 3500, time.Now())
	s.Settle(cfg.Tax)
	s.Number = 7
	if err := p.PrintReceipt(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	job, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(job, []byte("\x1b@")) || !bytes.Contains(job, []byte("Receipt 000007")) || !bytes.Contains(job, []byte("Oolong")) ||
		!bytes.Contains(job, []byte("\x1dV")) || bytes.Contains(job, []byte("\x1bp")) {
		t.Errorf("job %q", job)
	}
	if err := p.OpenDrawer(context.Background()); err != nil {
		t.Fatal(err)
	}
	if job, _ := os.ReadFile(out); !bytes.Contains(job, []byte("\x1bp")) {
		t.Error("no drawer pulse")
	}
	cfg.Printer = "lpt:/dev/lp0"
	if _, err := openPrinter(cfg); err == nil {
		t.Error("an unknown printer kind was taken")
	}
}
