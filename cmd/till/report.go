package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"till/cmd/till/config"
	"till/store"
	"till/store/money"
	"till/store/report"
	"till/ui"
)

const reportUsage = `usage:
  till report x [--json]                         the open shift so far (or today, with none open)
  till report z --counted AMOUNT --by ID [--json] close the open shift with the cash counted
  till report z --number N [--json]              print Z report N again`

// runReport prints an X report, or closes the shift and prints its Z
// report, or prints a Z report again.
func runReport(g globals, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "x" && args[0] != "z") {
		if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fmt.Fprintln(stderr, reportUsage)
			return flag.ErrHelp
		}
		return errors.New(reportUsage)
	}
	kind := args[0]
	var asJSON bool
	var countedText, by string
	var number uint64
	rest, err := subFlags("report "+kind, &g, args[1:], stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "print JSON (amounts in integer minor units)")
		if kind == "z" {
			fs.StringVar(&countedText, "counted", "", "cash counted in the drawer, in major units (closes the shift)")
			fs.StringVar(&by, "by", "", "user `ID` of who closes the shift")
			fs.Uint64Var(&number, "number", 0, "print Z report `N` again")
		}
	})
	if err != nil {
		return err
	}
	closing := countedText != "" || by != ""
	if len(rest) != 0 || (kind == "z" && closing == (number != 0)) || (closing && (countedText == "" || by == "")) {
		return errors.New(reportUsage)
	}
	cfg, err := g.config()
	if err != nil {
		return err
	}
	db, err := g.openDB()
	if err != nil {
		return err
	}
	defer db.Close()

	now := time.Now()
	var sh *store.Shift
	reprint := false
	switch {
	case kind == "x":
		if sh, err = db.CurrentShift(); err != nil {
			return err
		}
	case number != 0:
		closed, err := db.ShiftByNumber(number)
		if errors.Is(err, store.ErrNotFound) {
			return noZReport(db, number)
		}
		if err != nil {
			return err
		}
		sh, reprint = &closed, true
	default:
		counted, err := cfg.Currency.Parse(countedText)
		if err != nil {
			return fmt.Errorf("--counted: %w", err)
		}
		closed, err := db.CloseShift(by, counted, now)
		if errors.Is(err, store.ErrNoShift) {
			return errors.New("no shift is open: there is nothing to close (shifts are opened at the till)")
		}
		if err != nil {
			return err
		}
		sh = &closed
	}
	r, err := buildReport(db, cfg, sh, now, reprint)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	_, err = fmt.Fprintln(stdout, strings.Join(r.Lines(cfg.Currency, report.Width, ui.ReportWords(ui.Lang(cfg.Language))), "\n"))
	return err
}

// buildReport reads what the report of sh (nil: today so far) needs and
// builds it.
func buildReport(db *store.DB, cfg config.Config, sh *store.Shift, now time.Time, reprint bool) (report.Report, error) {
	var rs *report.Shift
	if sh != nil {
		c := report.Shift(*sh)
		rs = &c
	}
	from, to := report.Window(rs, now)
	sales, err := db.Sales()
	if err != nil {
		return report.Report{}, err
	}
	given, err := db.Approvals(from, to)
	if err != nil {
		return report.Report{}, err
	}
	approvals := make([]report.Approval, len(given))
	for i, a := range given {
		approvals[i] = report.Approval(a)
	}
	open, err := db.Journal(waiting...)
	if err != nil {
		return report.Report{}, err
	}
	return report.Build(report.Input{
		Sales: sales, From: from, To: to, Shift: rs, Approvals: approvals, Waiting: len(open),
		Tax: cfg.Tax, Currency: cfg.Currency.Code, Store: cfg.StoreName, Till: cfg.TillID,
		At: now, Reprint: reprint,
	}), nil
}

// noZReport says that Z report n does not exist, and which do.
func noZReport(db *store.DB, n uint64) error {
	shifts, err := db.Shifts()
	if err != nil {
		return err
	}
	var last uint64
	for _, s := range shifts {
		last = max(last, s.Number)
	}
	if last == 0 {
		return fmt.Errorf("there is no Z report %d: no shift has been closed yet", n)
	}
	return fmt.Errorf("there is no Z report %d: they run from 1 to %d", n, last)
}

// tillReports gives the screen the X report of the shift open now and
// closes it with a Z.
type tillReports struct {
	db  *store.DB
	cfg config.Config
}

func (r tillReports) X() (report.Report, error) {
	sh, err := r.db.CurrentShift()
	if err != nil {
		return report.Report{}, err
	}
	return buildReport(r.db, r.cfg, sh, time.Now(), false)
}

func (r tillReports) Z(by string, counted money.Amount) (report.Report, error) {
	now := time.Now()
	sh, err := r.db.CloseShift(by, counted, now)
	if err != nil {
		return report.Report{}, err
	}
	return buildReport(r.db, r.cfg, &sh, now, false)
}
