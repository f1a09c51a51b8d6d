package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/google/uuid"

	"till/hardware/scanner"
	"till/providers/replay"
	"till/store/catalog"
	"till/ui"
)

const emptyCatalogNotice = "The catalog is empty: import one with `till import FILE.csv`, or start the demo with `till --demo`"

func runTUI(g globals) error {
	cfg, err := g.config()
	if err != nil {
		return err
	}
	spec := cfg.Scanner
	if g.scanner != "" {
		spec = g.scanner
	}
	var src scanner.Source
	if spec != "" {
		if src, err = scanner.Parse(spec); err != nil {
			return fmt.Errorf("--scanner: %w", err)
		}
	}
	db, err := g.openDB()
	if err != nil {
		return err
	}
	defer db.Close()
	if g.demo {
		if err := loadDemoCatalog(db, cfg); err != nil {
			return fmt.Errorf("loading the demo catalog: %w", err)
		}
	}
	pay, sim, err := g.payments(&cfg)
	if err != nil {
		return err
	}
	items, err := db.Items()
	if err != nil {
		return err
	}
	open, err := db.OpenSale()
	if err != nil {
		return fmt.Errorf("reading the open sale: %w", err)
	}
	opt := ui.Options{
		Store: db, Catalog: catalog.New(items),
		Currency: cfg.Currency, Tax: cfg.Tax, Embedded: cfg.Embedded,
		StoreName: cfg.StoreName, TillID: cfg.TillID, Language: ui.Lang(cfg.Language),
		OpenSale: open, NewID: uuid.NewString, Now: time.Now,
		Payments: pay, Wallets: cfg.Wallets, PayTimeout: cfg.PayTimeout,
		WedgeGap: cfg.WedgeGap, WedgeMin: cfg.WedgeMin, LockAfter: cfg.LockAfter,
	}
	if len(items) == 0 {
		opt.Notice = emptyCatalogNotice
	}
	if sim != nil {
		opt.DemoCustomer = demoCustomer(sim)
	}
	passes, err := redeemer(cfg)
	if err != nil {
		return err
	}
	if passes != nil {
		opt.Redeemer, opt.Campaigns, opt.DefaultCampaign = passes, cfg.Campaigns, cfg.Pass2U.DefaultCampaign
	}
	prn, err := openPrinter(cfg)
	if err != nil {
		return fmt.Errorf("printer.device: %w", err)
	}
	if prn != nil {
		defer prn.dev.Close()
		opt.Printer = prn
	}
	tickets, err := ticketer(cfg)
	if err != nil {
		return err
	}
	if tickets != nil {
		opt.Ticketer = tickets
	}
	// The replay worker is told when the screen journals an operation it
	// should pick up (a void or a look-up left to finish).
	var worker *replay.Worker
	opt.JournalChanged = func() {
		if worker != nil {
			worker.Wake()
		}
	}
	background := len(pay) > 0 || passes != nil || tickets != nil
	if background {
		opt.RetryNow = func() {
			if worker != nil {
				worker.Kick()
			}
		}
	}
	opt.Kiosk, opt.Staff, opt.Reports = g.kiosk, db, tillReports{db: db, cfg: cfg}
	var popts []tea.ProgramOption
	if g.kiosk {
		// Interrupt, quit and stop from the terminal do nothing; systemd's
		// SIGTERM still ends the till cleanly.
		popts = append(popts, tea.WithoutSignalHandler())
		signal.Ignore(syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTSTP, syscall.SIGHUP)
	}
	p := tea.NewProgram(ui.New(opt), popts...)
	if g.kiosk {
		term := make(chan os.Signal, 1)
		signal.Notify(term, syscall.SIGTERM)
		defer signal.Stop(term)
		go func() {
			if _, ok := <-term; ok {
				p.Quit()
			}
		}()
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if src != nil {
		go feedScanner(ctx, p, src)
	}
	if background {
		worker = startReplay(ctx, db, replayable(pay, passes, tickets), p)
	}
	_, err = p.Run()
	return err
}

// feedScanner turns a scanner's events into UI messages. It runs for the
// life of the program and never takes it down.
func feedScanner(ctx context.Context, p *tea.Program, src scanner.Source) {
	defer func() {
		if r := recover(); r != nil {
			p.Send(ui.ScannerMsg{State: "failed", Err: fmt.Sprint(r)})
		}
	}()
	err := src.Run(ctx, func(ev scanner.Event) {
		switch {
		case ev.Scan != nil:
			p.Send(ui.ScanMsg{Code: ev.Scan.Code, Source: ev.Scan.Source})
		case ev.Rejected():
			p.Send(ui.ScannerMsg{Err: ev.Err.Error()})
		default:
			msg := ui.ScannerMsg{State: ev.State.String()}
			if ev.Err != nil {
				msg.Err = ev.Err.Error()
			}
			p.Send(msg)
		}
	})
	if err != nil && ctx.Err() == nil {
		p.Send(ui.ScannerMsg{State: "failed", Err: err.Error()})
	}
}
