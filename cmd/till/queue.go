package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"till/store"
	"till/store/sanitize"
)

// waiting are the journal states that still need something: a provider
// answer, a look-up, or a person.
var waiting = []store.OpState{store.OpQueued, store.OpSent, store.OpUnknown, store.OpReview}

// runQueue lists provider operations still waiting, unknown or needing
// review.
func runQueue(g globals, args []string, stdout, stderr io.Writer) error {
	var asJSON, all bool
	if _, err := subFlags("queue", &g, args, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "print JSON")
		fs.BoolVar(&all, "all", false, "include settled operations")
	}); err != nil {
		return err
	}
	db, err := g.openDB()
	if err != nil {
		return err
	}
	defer db.Close()
	states := waiting
	if all {
		states = nil
	}
	entries, err := db.Journal(states...)
	if err != nil {
		return err
	}
	if asJSON {
		if entries == nil {
			entries = []store.JournalEntry{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(entries)
	}
	if len(entries) == 0 {
		fmt.Fprintln(stdout, "Nothing is waiting: every provider operation is settled.")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tSTATE\tPROVIDER\tKIND\tSALE\tKEY\tTRIES\tLAST ERROR")
	for _, e := range entries {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", e.Seq, e.State, sanitize.Text(e.Provider), sanitize.Text(e.Kind),
			sanitize.Text(shortKey(e.SaleID)), sanitize.Text(e.Key), e.Attempts, sanitize.Text(e.LastError))
	}
	return tw.Flush()
}

func shortKey(s string) string {
	if len(s) > 8 {
		return s[:8]
	}
	return s
}

// runResolve settles by hand an operation that needs review (an iPASS
// payment whose answer was lost): the manager checked it with the provider.
// Once the till has users, --manager is a manager's ID and their PIN is
// asked; before that it is any name. --by is its older name.
func runResolve(g globals, args []string, stdout, stderr io.Writer) error {
	var paid, unpaid bool
	var note, by string
	// The flag package stops at the first argument that is not a flag:
	// the KEY the usage puts first is moved after the flags.
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		args = append(slices.Clone(args[1:]), args[0])
	}
	rest, err := subFlags("resolve", &g, args, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&paid, "paid", false, "the provider took the money")
		fs.BoolVar(&unpaid, "unpaid", false, "the provider did not take the money")
		fs.StringVar(&note, "note", "", "what was checked, kept in the journal (required)")
		fs.StringVar(&by, "manager", "", "user `ID` of the manager who checked it and approves, asked for their PIN; on a till without users, any name (required)")
		fs.StringVar(&by, "by", "", "the same as --manager")
	})
	if err != nil {
		return err
	}
	if len(rest) != 1 || paid == unpaid || note == "" || by == "" {
		return errors.New(`usage: till resolve KEY --paid|--unpaid --note "what was checked" --manager ID`)
	}
	db, err := g.openDB()
	if err != nil {
		return err
	}
	defer db.Close()
	outcome := map[bool]string{true: "approved", false: "declined"}[paid]
	// Checked before the manager is asked, and again when it is settled.
	e, err := db.JournalGet(rest[0])
	if err == nil {
		err = resolvable(e)
	}
	if err != nil {
		return err
	}
	what := fmt.Sprintf("%s %s %s of sale %s resolved as %s", e.Provider, e.Kind, e.Key, e.SaleID, outcome)
	id, err := approve(db, pinInput, stderr, by, store.ActionResolve, what)
	if err != nil {
		return err
	}
	if id != "" {
		by = id
	}
	e, err = db.JournalUpdate(rest[0], func(e *store.JournalEntry) error {
		if err := resolvable(*e); err != nil {
			return err
		}
		e.State, e.Note, e.ResolvedBy = store.OpDone, note, by
		e.Outcome, _ = json.Marshal(map[string]string{"status": outcome, "reason": "resolved by hand: " + note})
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Operation %s (%s %s, sale %s) resolved as %s by %s.\n", e.Key, e.Provider, e.Kind, e.SaleID, outcome, sanitize.Text(by))
	return nil
}

// resolvable says whether e may be resolved by hand.
func resolvable(e store.JournalEntry) error {
	if e.State != store.OpReview && e.State != store.OpUnknown {
		return fmt.Errorf("operation %s is %s: only unknown operations and those needing review are resolved by hand", e.Key, e.State)
	}
	return nil
}
