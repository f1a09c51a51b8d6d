package main

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"till/providers/sims"
	"till/store"
	"till/store/sale"
)

// fixtureTax is the tax of tillConfig's configuration.
var fixtureTax = sale.TaxRules{Mode: sale.TaxInclusive, Rates: map[string]int64{"standard": 500}}

// simsOn serves every simulator for the test's life, and says where.
func simsOn(t *testing.T) (*sims.Server, string) {
	t.Helper()
	srv := sims.New()
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return srv, hs.URL
}

// tillConfig writes a configuration in dir, TWD with prices including 5%
// tax (fixtureTax), followed by extra (the providers), and returns its
// path.
func tillConfig(t *testing.T, dir, extra string) string {
	t.Helper()
	path := filepath.Join(dir, "till.toml")
	conf := "[money]\ncurrency = \"TWD\"\n[tax]\nmode = \"inclusive\"\n[tax.rates]\nstandard = 5\n" + extra
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// ticketBaoTOML configures TicketBao's simulator served at base.
func ticketBaoTOML(base string) string {
	return fmt.Sprintf("[providers.ticketbao]\nbase_url = %q\napi_key = %q\n", sims.TicketBaoURL(base), sims.TicketBaoAPIKey)
}

// completedDB is a database in dir holding s completed, with changes
// committed with it.
func completedDB(t *testing.T, dir string, s *sale.Sale, changes ...store.JournalChange) string {
	t.Helper()
	db := filepath.Join(dir, "till.db")
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.CompleteSale(s, time.Now(), changes...); err != nil {
		t.Fatal(err)
	}
	return db
}
