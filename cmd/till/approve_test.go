package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"till/store"
)

// The PINs of the users withUsers adds.
const (
	bossPIN = "13579"
	annPIN  = "2468"
)

// withUsers puts login in force on db: manager boss and clerk ann. Each
// PIN costs a full bcrypt hash, so there are only these two.
func withUsers(t *testing.T, db string) {
	t.Helper()
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.AddUser("boss", "Mei", store.RoleManager, bossPIN, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := st.AddUser("ann", "Ann", store.RoleClerk, annPIN, time.Now()); err != nil {
		t.Fatal(err)
	}
}

func approvalsIn(t *testing.T, db string) []store.Approval {
	t.Helper()
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, err := st.Approvals(time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// needsManager runs a command of a till with users (args, without
// --manager) as nobody may, then as the manager may. state tells what the
// command changes (the provider's ledger, the sale...): it must not move
// when the command is refused. The approval recorded is returned.
func needsManager(t *testing.T, db string, args []string, state func() string) store.Approval {
	t.Helper()
	before := state()
	for _, c := range []struct {
		name, pins, want string
		manager          []string
	}{
		{"no manager", bossPIN + "\n", "--manager ID", nil},
		{"a clerk", annPIN + "\n", "not approved: ann is a clerk, and only a manager may approve this", []string{"--manager", "ann"}},
		{"wrong PIN", "97531\n", "not approved: unknown user or wrong PIN: nothing was done", []string{"--manager", "boss"}},
		{"no PIN", "", "give it on one line", []string{"--manager", "boss"}},
	} {
		withPINs(t, c.pins)
		code, stdout, stderr := runTill(t, append(append([]string{}, args...), c.manager...)...)
		if code != 1 || !strings.Contains(stderr, c.want) || stdout != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want 1 and %q", c.name, code, stdout, stderr, c.want)
		}
		if strings.Contains(stdout+stderr, strings.TrimSpace(c.pins)) && c.pins != "" {
			t.Errorf("%s: the PIN was shown", c.name)
		}
		if after := state(); after != before {
			t.Errorf("%s: refused, yet it changed\n%s\nto\n%s", c.name, before, after)
		}
		if a := approvalsIn(t, db); len(a) != 0 {
			t.Errorf("%s: approvals recorded: %+v", c.name, a)
		}
	}

	withPINs(t, bossPIN+"\n")
	start := time.Now()
	code, stdout, stderr := runTill(t, append(append([]string{}, args...), "--manager", "BOSS")...)
	if code != 0 {
		t.Fatalf("approved by the manager: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if strings.Contains(stdout+stderr, bossPIN) {
		t.Error("the PIN was shown")
	}
	if state() == before {
		t.Error("approved by the manager, yet nothing changed")
	}
	a := approvalsIn(t, db)
	if len(a) != 1 || a[0].By != "boss" || a[0].For != "" || a[0].At.Before(start) || a[0].At.After(time.Now()) {
		t.Fatalf("approvals = %+v; want one by boss, just now", a)
	}
	return a[0]
}

func TestRefundAndVoidNeedAManager(t *testing.T) {
	for _, c := range []struct {
		args   []string
		detail string
	}{
		{[]string{"refund", "--receipt", "1", "--amount", "30"}, "refund of 30.00 WeChat Pay on receipt 000001"},
		{[]string{"void", "--receipt", "1"}, "void of 100.00 WeChat Pay on receipt 000001"},
	} {
		t.Run(c.args[0], func(t *testing.T) {
			db, cfg, srv := walletSale(t)
			withUsers(t, db)
			state := func() string {
				return fmt.Sprintf("ledger %+v\nadjustments %+v", srv.Cancan.Ledger(), adjustments(t, db))
			}
			a := needsManager(t, db, append(c.args, "--config", cfg, "--db", db), state)
			if a.Action != store.ActionRefund || a.Detail != c.detail {
				t.Errorf("approval %+v; want %s %q", a, store.ActionRefund, c.detail)
			}
			if adj := adjustments(t, db); len(adj) != 1 || adj[0].Kind != c.args[0] {
				t.Errorf("adjustments = %+v", adj)
			}
		})
	}
}

func TestTicketRefundNeedsAManager(t *testing.T) {
	db, cfg, srv := ticketSale(t)
	withUsers(t, db)
	state := func() string { return fmt.Sprintf("%+v", srv.TicketBao.Ledger()) }
	a := needsManager(t, db, []string{"tickets", "--receipt", "1", "--refund", "1", "--config", cfg, "--db", db}, state)
	if want := "refund of 1 e-ticket(s) on receipt 000001"; a.Action != store.ActionRefund || a.Detail != want {
		t.Errorf("approval %+v; want %s %q", a, store.ActionRefund, want)
	}
	// Without --manager, the refusal says what is missing.
	withPINs(t, bossPIN+"\n")
	if code, _, stderr := runTill(t, "tickets", "--receipt", "1", "--refund", "1", "--config", cfg, "--db", db); code != 1 || !strings.Contains(stderr, "a manager must approve this: give --manager ID, then their PIN") {
		t.Errorf("tickets --refund without --manager: exit %d, %s", code, stderr)
	}
	// Looking the tickets up needs nobody.
	withPINs(t, "")
	if code, _, stderr := runTill(t, "tickets", "--receipt", "1", "--config", cfg, "--db", db); code != 0 {
		t.Errorf("tickets without --refund: exit %d, %s", code, stderr)
	}
}

// reviewDB is a till whose journal holds payments needing review, keyed
// keys.
func reviewDB(t *testing.T, keys ...string) string {
	t.Helper()
	isolate(t)
	db := filepath.Join(t.TempDir(), "till.db")
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, k := range keys {
		e := store.JournalEntry{Provider: "ipass", Kind: "pay", Key: k, SaleID: "sale-" + k, State: store.OpReview, Op: []byte(`{}`)}
		if _, err := st.JournalAppend(e); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func journalEntry(t *testing.T, db, key string) store.JournalEntry {
	t.Helper()
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e, err := st.JournalGet(key)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestResolveNeedsAManager(t *testing.T) {
	db := reviewDB(t, "p1", "p2")
	withUsers(t, db)
	state := func() string { return fmt.Sprintf("%+v", journalEntry(t, db, "p1")) }
	a := needsManager(t, db, []string{"resolve", "p1", "--paid", "--note", "seen in the iPASS portal", "--db", db}, state)
	if want := "ipass pay p1 of sale sale-p1 resolved as approved"; a.Action != store.ActionResolve || a.Detail != want {
		t.Errorf("approval %+v; want %s %q", a, store.ActionResolve, want)
	}
	if e := journalEntry(t, db, "p1"); e.State != store.OpDone || e.ResolvedBy != "boss" {
		t.Errorf("entry %+v; want done, resolved by boss", e)
	}

	// --by, its older name, names the manager too.
	withPINs(t, bossPIN+"\n")
	code, stdout, stderr := runTill(t, "resolve", "p2", "--unpaid", "--note", "not in the portal", "--by", "Boss", "--db", db)
	if code != 0 || !strings.Contains(stdout, "resolved as declined by boss") {
		t.Fatalf("resolve --by: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if a := approvalsIn(t, db); len(a) != 2 || a[1].By != "boss" || a[1].Action != store.ActionResolve {
		t.Errorf("approvals = %+v", a)
	}

	// What cannot be resolved is refused before the manager is asked.
	withPINs(t, "")
	if code, _, stderr := runTill(t, "resolve", "p1", "--paid", "--note", "again", "--manager", "boss", "--db", db); code != 1 || !strings.Contains(stderr, "only unknown operations") {
		t.Errorf("resolving twice: exit %d, %s", code, stderr)
	}
}

// A till without users resolves, voids and refunds as it always did:
// --by is any name, and nobody is asked for a PIN.
func TestResolveWithoutUsers(t *testing.T) {
	db := reviewDB(t, "p1")
	withPINs(t, "")
	code, stdout, stderr := runTill(t, "resolve", "p1", "--paid", "--note", "seen in the portal", "--by", "Mei", "--db", db)
	if code != 0 || !strings.Contains(stdout, "resolved as approved by Mei") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if e := journalEntry(t, db, "p1"); e.State != store.OpDone || e.ResolvedBy != "Mei" {
		t.Errorf("entry %+v", e)
	}
	if a := approvalsIn(t, db); len(a) != 0 {
		t.Errorf("approvals = %+v", a)
	}
}
