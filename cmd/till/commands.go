package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/charmbracelet/x/term"

	"till/assets"
	"till/cmd/till/config"
	"till/store"
	"till/store/catalog"
	"till/store/money"
	"till/store/sale"
	"till/store/sanitize"
)

func runImport(g globals, args []string, stderr io.Writer) error {
	rest, err := subFlags("import", &g, args, stderr, nil)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return errors.New("usage: till import [flags] FILE.csv")
	}
	cfg, err := g.config()
	if err != nil {
		return err
	}
	f, err := os.Open(rest[0])
	if err != nil {
		return err
	}
	defer f.Close()
	db, err := g.openDB()
	if err != nil {
		return err
	}
	defer db.Close()
	progress, done := progressPrinter(stderr)
	n, err := importCatalog(db, f, cfg, progress)
	done()
	if err != nil {
		var ie *catalog.ImportError
		if errors.As(err, &ie) {
			return fmt.Errorf("%s: nothing was imported:\n%w", rest[0], err)
		}
		return err
	}
	fmt.Fprintf(stderr, "Imported %d items from %s into %s\n", n, rest[0], db.Path())
	return nil
}

// progressPrinter reports import progress: redrawn on one line on a
// terminal, a line per step when stderr is a file or a pipe.
func progressPrinter(w io.Writer) (progress func(stage string, n int), done func()) {
	tty := false
	if f, ok := w.(*os.File); ok {
		tty = term.IsTerminal(f.Fd())
	}
	printed := false
	progress = func(stage string, n int) {
		printed = true
		if tty {
			fmt.Fprintf(w, "\r%s %d items…", stage, n)
		} else {
			fmt.Fprintf(w, "%s %d items\n", stage, n)
		}
	}
	done = func() {
		if tty && printed {
			fmt.Fprintln(w)
		}
	}
	return progress, done
}

// importCatalog validates the whole file, then replaces the catalog in one
// transaction, so a file with a bad row changes nothing.
func importCatalog(db *store.DB, r io.Reader, cfg config.Config, progress func(stage string, done int)) (int, error) {
	classes := map[string]bool{}
	for c := range cfg.Tax.Rates {
		classes[c] = true
	}
	items, err := catalog.ReadCSV(r, catalog.Options{
		Currency: cfg.Currency, TaxClasses: classes,
		Progress: func(n int) { progress("read", n) },
	})
	if err != nil {
		return 0, err
	}
	if err := db.ReplaceCatalog(items, func(n int) { progress("saved", n) }); err != nil {
		return 0, err
	}
	return len(items), nil
}

// loadDemoCatalog fills an empty demo database with the demo catalog.
func loadDemoCatalog(db *store.DB, cfg config.Config) error {
	n, err := db.CatalogSize()
	if err != nil || n > 0 {
		return err
	}
	_, err = importCatalog(db, bytes.NewReader(assets.DemoCatalog), cfg, func(string, int) {})
	return err
}

// saleJSON is the documented shape of `till sales --json`.
type saleJSON struct {
	ID        string       `json:"id"`
	Number    uint64       `json:"number"`
	Completed string       `json:"completed"`
	Currency  string       `json:"currency"`
	Total     money.Amount `json:"total"`
	Tax       money.Amount `json:"tax"`
	Lines     []lineJSON   `json:"lines"`
	Tenders   []tenderJSON `json:"tenders"`
	// Discounts are providers' loyalty discounts off the sale.
	Discounts []discountJSON `json:"discounts,omitempty"`
	// Adjustments are voids and refunds of wallet payments.
	Adjustments []sale.Adjustment `json:"adjustments,omitempty"`
	// Tickets are the e-tickets the sale bought.
	Tickets *sale.Tickets `json:"tickets,omitempty"`
	// Returns are goods brought back, by line id, and the adjustments
	// (refunds) that paid them back.
	Returns []sale.Return `json:"returns,omitempty"`
	// Clerk is who rang the sale up, when the till has users.
	Clerk string `json:"clerk,omitempty"`
}

type lineJSON struct {
	ID     int          `json:"id"`
	SKU    string       `json:"sku"`
	Name   string       `json:"name"`
	Qty    int64        `json:"qty"`
	Unit   string       `json:"unit"`
	Amount money.Amount `json:"amount"`
	// Coupon is set on a redeemed pass's line.
	Coupon *couponJSON `json:"coupon,omitempty"`
	// Override is set when a manager changed the unit price.
	Override *sale.Override `json:"override,omitempty"`
}

// couponJSON is a redeemed pass: its campaign, its barcode, whether the
// provider took it, and its effect (the sale's total has it taken off).
type couponJSON struct {
	Provider string            `json:"provider"`
	Model    string            `json:"model"`
	Campaign string            `json:"campaign"`
	Barcode  string            `json:"barcode"`
	Status   string            `json:"status"`
	Effect   sale.CouponEffect `json:"effect"`
	Unredeem string            `json:"unredeem,omitempty"` // the operation giving it back
}

type tenderJSON struct {
	Method    string       `json:"method"`
	Amount    money.Amount `json:"amount"`
	Tendered  money.Amount `json:"tendered,omitempty"`
	Change    money.Amount `json:"change,omitempty"`
	Status    string       `json:"status"`
	Provider  string       `json:"provider,omitempty"`
	Wallet    string       `json:"wallet,omitempty"`
	Key       string       `json:"key,omitempty"`
	Reference string       `json:"reference,omitempty"`
	Reason    string       `json:"reason,omitempty"`
}

// discountJSON is a loyalty discount; order is the provider operation
// (SWiP: the order id) it came with, at_till what the customer paid at
// the till for that order.
type discountJSON struct {
	Provider string       `json:"provider"`
	Label    string       `json:"label"`
	Amount   money.Amount `json:"amount"`
	Order    string       `json:"order"`
	AtTill   money.Amount `json:"at_till,omitempty"`
}

func toJSON(s *sale.Sale) saleJSON {
	out := saleJSON{
		ID: s.ID, Number: s.Number, Completed: s.Completed.Format("2006-01-02T15:04:05Z07:00"),
		Currency: s.Currency, Total: s.Total, Tax: s.Tax,
		Lines: []lineJSON{}, Tenders: []tenderJSON{},
	}
	for _, l := range s.ActiveLines() {
		unit := "each"
		if l.Weighed {
			unit = "g"
		}
		lj := lineJSON{ID: l.ID, SKU: l.SKU, Name: l.Name, Qty: l.Qty, Unit: unit, Amount: l.Amount(), Override: l.Override}
		if c := l.Coupon; c != nil {
			lj.Coupon = &couponJSON{Provider: c.Provider, Model: c.Model, Campaign: c.Campaign, Barcode: c.Barcode,
				Status: c.Status, Effect: c.Effect, Unredeem: c.UnredeemKey}
		}
		out.Lines = append(out.Lines, lj)
	}
	for _, t := range s.Tenders {
		out.Tenders = append(out.Tenders, tenderJSON{
			Method: t.Method, Amount: t.Amount, Tendered: t.Tendered, Change: t.Change,
			Status: t.Status, Provider: t.Provider, Wallet: t.Wallet, Key: t.Key, Reference: t.Reference, Reason: t.Reason,
		})
	}
	for _, d := range s.Discounts {
		out.Discounts = append(out.Discounts, discountJSON{Provider: d.Provider, Label: d.Label, Amount: d.Amount, Order: d.Key, AtTill: d.AtTill})
	}
	out.Adjustments, out.Tickets, out.Returns, out.Clerk = s.Adjustments, s.Tickets, s.Returns, s.Clerk
	return out
}

func runSales(g globals, args []string, stdout, stderr io.Writer) error {
	var asJSON bool
	if _, err := subFlags("sales", &g, args, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "print JSON (amounts in integer minor units)")
	}); err != nil {
		return err
	}
	db, err := g.openDB()
	if err != nil {
		return err
	}
	defer db.Close()
	sales, err := db.Sales()
	if err != nil {
		return err
	}
	if asJSON {
		out := make([]saleJSON, 0, len(sales))
		for _, s := range sales {
			out = append(out, toJSON(s))
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	cfg, err := g.config()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "Receipt\tCompleted\tLines\tTotal\tTenders\t")
	for _, s := range sales {
		methods := ""
		for i, t := range s.Tenders {
			if i > 0 {
				methods += "+"
			}
			methods += sanitize.Text(t.Method)
		}
		fmt.Fprintf(tw, "%06d\t%s\t%d\t%s %s\t%s\t\n", s.Number, s.Completed.Local().Format("2006-01-02 15:04"),
			len(s.ActiveLines()), s.Currency, cfg.Currency.Format(s.Total), methods)
	}
	return tw.Flush()
}
