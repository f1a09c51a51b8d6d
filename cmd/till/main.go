// Command till is a full-screen terminal point-of-sale checkout.
//
//	till [flags]                 run the checkout
//	till import [flags] FILE.csv replace the catalog with a CSV file
//	till sales [--json] [flags]  list completed sales
//	till void|refund --receipt N void or refund a wallet payment
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/adrg/xdg"

	"till/cmd/till/config"
	"till/store"
)

const usage = `till: a terminal point-of-sale checkout

Usage:
  till [flags]                   run the checkout
  till --demo                    run on the demo catalog (no setup needed)
  till import [flags] FILE.csv   replace the catalog with FILE.csv
  till sales [--json] [flags]    list completed sales
  till queue [--json] [--all]    provider operations waiting, unknown or needing review
  till replay                    send what waits once, and report
  till resolve KEY --paid|--unpaid --note TEXT --manager ID
                                 settle an operation by hand after checking it
  till void --receipt N [--manager ID]
                                 void a sale's wallet payment; once there are users,
                                 a manager approves with their PIN (as for resolve,
                                 refund and tickets --refund)
  till refund --receipt N [--amount X] [--manager ID]
                                 refund all or part of it
  till devices                   USB HID devices, with the --scanner spec for each
  till tickets --receipt N [--refund QTY --manager ID]
                                 a sale's e-tickets as TicketBao has them; refund some
  till users add --id ID --name NAME --role clerk|manager
                                 add a user who logs in with a PIN (read from stdin)
  till users list [--json]       the clerks and managers
  till users disable --id ID     stop a user logging in
  till report x [--json]         X report: the open shift so far (or today)
  till report z --counted AMOUNT --by ID [--json]
                                 close the shift and print its Z report
  till report z --number N       print Z report N again

Flags:
`

// globals are the flags every subcommand takes.
type globals struct {
	configPath string
	dbPath     string
	demo       bool
	kiosk      bool
	scanner    string
}

// register adds the global flags to fs, keeping values already parsed
// before a subcommand ("till --db X sales").
func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.configPath, "config", g.configPath, "configuration `file` (default $XDG_CONFIG_HOME/till/config.toml, else built in)")
	fs.StringVar(&g.dbPath, "db", g.dbPath, "database `file` (default $XDG_DATA_HOME/till/till.db, or demo.db with --demo)")
	fs.BoolVar(&g.demo, "demo", g.demo, "use the built-in configuration and demo catalog")
	fs.BoolVar(&g.kiosk, "kiosk", g.kiosk, "a till that boots into the checkout: the keyboard cannot leave or suspend it")
	fs.StringVar(&g.scanner, "scanner", g.scanner, "scanner `source`: serial:/dev/ttyACM0[?baud=9600], file:/path/to/fifo or hid:VID:PID[?interface=N] (see till devices)")
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	var g globals
	fs := flag.NewFlagSet("till", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	g.register(fs)
	if err := fs.Parse(args); err != nil {
		return exitUsage(err)
	}
	rest := fs.Args()
	var err error
	switch {
	case len(rest) == 0:
		err = runTUI(g)
	case rest[0] == "import":
		err = runImport(g, rest[1:], stderr)
	case rest[0] == "sales":
		err = runSales(g, rest[1:], stdout, stderr)
	case rest[0] == "queue":
		err = runQueue(g, rest[1:], stdout, stderr)
	case rest[0] == "replay":
		err = runReplay(g, rest[1:], stdout, stderr)
	case rest[0] == "resolve":
		err = runResolve(g, rest[1:], stdout, stderr)
	case rest[0] == "devices":
		err = runDevices(g, rest[1:], stdout, stderr)
	case rest[0] == "tickets":
		err = runTickets(g, rest[1:], stdout, stderr)
	case rest[0] == "users":
		err = runUsers(g, rest[1:], stdout, stderr)
	case rest[0] == "report":
		err = runReport(g, rest[1:], stdout, stderr)
	case rest[0] == "void" || rest[0] == "refund":
		err = runAdjust(rest[0], g, rest[1:], stdout, stderr)
	case rest[0] == "help":
		fs.Usage()
		return 0
	default:
		fmt.Fprintf(stderr, "till: unknown command %q\n\n", rest[0])
		fs.Usage()
		return 2
	}
	var usageErr usageError
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &usageErr):
		return 2 // the flag package has said what is wrong
	}
	fmt.Fprintln(stderr, "till:", err)
	return 1
}

// usageError is a subcommand's flag error, already reported.
type usageError struct{ error }

func exitUsage(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}

// subFlags parses a subcommand's own flags; the global ones are accepted
// after the subcommand too.
func subFlags(name string, g *globals, args []string, stderr io.Writer, extra func(*flag.FlagSet)) ([]string, error) {
	fs := flag.NewFlagSet("till "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	g.register(fs)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, usageError{err}
	}
	return fs.Args(), nil
}

func (g globals) config() (config.Config, error) {
	if g.demo && g.configPath == "" {
		return config.Embedded()
	}
	return config.Load(g.configPath)
}

// openDB opens the database the flags name, or the XDG default.
func (g globals) openDB() (*store.DB, error) {
	path := g.dbPath
	if path == "" {
		name := "till.db"
		if g.demo {
			name = "demo.db"
		}
		path = filepath.Join(xdg.DataHome, "till", name)
	}
	return store.Open(path)
}
