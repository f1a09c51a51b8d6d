package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"till/providers/cancan/cancansim"
	"till/providers/ipass/ipasssim"
	"till/store"
	"till/store/sale"
)

// The crash harness runs the built till in tmux against a tillsim process,
// SIGKILLs it at chosen points of a flow, lets it recover, and then holds
// what the simulators' ledgers say against `till sales --json` and `till
// queue --json`. A new provider adds its scenarios to crashScenarios and,
// if its ledger differs, a case to crashState and checkCommon.

// crashStep is one thing the clerk (or the test, through the simulator's
// control API) does. A step that is a kill point returns once the till is
// where it should die.
type crashStep struct {
	name string
	do   func(r *crashRun)
}

// crashKill is one kill point: the till dies right after the named step.
type crashKill struct {
	after string
	want  crashCounts // operations the provider must hold once all settles
}

// crashCounts are operations in a provider's ledger.
type crashCounts struct{ pays, voids, refunds int }

type crashScenario struct {
	name     string
	provider string // whose ledger the counts are about: "cancan" or "ipass"
	steps    []crashStep
	kills    []crashKill
	// recover brings the till back after the kill; nil restarts the
	// screen and finishes the open sale as a clerk would.
	recover func(r *crashRun)
	// check adds the scenario's own assertions to the common ones.
	check func(r *crashRun, st crashState)
}

const (
	payCode     = "134567890123458002" // WeChat: pending for two looks, then approved
	voidCode    = "134567890123458099" // WeChat: pending for ever; its void succeeds
	quickCode   = "134567890123459999" // WeChat: approved at once
	iPassCode   = "96A1OABQAAFmIVAV1234"
	iPassLost   = "96A1OABQAAFmIVAV8888" // approved, answer dropped: 0006 on the retry
	crashSlow   = 500                    // ms the simulator holds an answer back
	inFlightFor = 3000                   // ms an iPASS answer is held, for the kill to land first
)

var crashScenarios = []crashScenario{
	{
		name:     "cancan-pay",
		provider: "cancan",
		steps: []crashStep{
			{"code-half-typed", func(r *crashRun) {
				r.addItemAndPay("2", "WeChat Pay code:")
				r.tm.typeText(payCode[:10])
			}},
			{"create-in-flight", func(r *crashRun) {
				r.fault("cancan", fmt.Sprintf(`{"slow_ms":%d}`, crashSlow))
				r.tm.typeText(payCode[10:])
				r.tm.keys("Enter")
				r.waitCancan("the sale's create", func(l []cancansim.Transaction) bool { return len(l) == 1 })
			}},
			{"following-pending", func(r *crashRun) {
				r.waitCancan("a look-up of the pending sale", func(l []cancansim.Transaction) bool {
					return len(l) == 1 && l[0].Retrieves >= 1 && l[0].State == "pending"
				})
			}},
			{"answered", func(r *crashRun) {
				// The approving look-up is processed; its answer is held
				// crashSlow, so the kill lands as it reaches the till.
				r.waitCancan("the sale approved", func(l []cancansim.Transaction) bool {
					return len(l) == 1 && l[0].State == "succeeded"
				})
				r.justAnswered(0)
			}},
			{"completed", func(r *crashRun) { r.tm.waitFor(q("Receipt 000001")) }},
		},
		kills: []crashKill{
			{after: "code-half-typed"},
			{after: "create-in-flight", want: crashCounts{pays: 1}},
			{after: "following-pending", want: crashCounts{pays: 1}},
			{after: "answered", want: crashCounts{pays: 1}},
			{after: "completed", want: crashCounts{pays: 1}},
		},
		check: func(r *crashRun, st crashState) {
			if len(st.sales) != 1 {
				r.t.Fatalf("%d completed sales, want 1", len(st.sales))
			}
			// Once the payment reached CANCAN the till settles it on its
			// own after the restart; before that, the clerk takes cash.
			want := "cancan"
			if r.killed == "code-half-typed" {
				want = "cash"
			}
			tn := st.sales[0].Tenders
			if len(tn) != 1 || (tn[0].Method != want && tn[0].Provider != want) || tn[0].Status != sale.TenderApproved {
				r.t.Errorf("tenders = %+v, want one approved %s tender", tn, want)
			}
		},
	},
	{
		// Journaled and sent, but the gateway never took it: on disk this
		// is also what a kill just before the request leaves looks like.
		name:     "cancan-pay-never-arrived",
		provider: "cancan",
		steps: []crashStep{
			{"sent-not-arrived", func(r *crashRun) {
				r.addItemAndPay("2", "WeChat Pay code:")
				r.fault("cancan", `{"down":true}`)
				r.tm.typeText(quickCode)
				r.tm.keys("Enter")
				r.tm.waitFor(q("waiting for the wallet"))
			}},
		},
		kills: []crashKill{{after: "sent-not-arrived"}},
		check: func(r *crashRun, st crashState) {
			if len(st.sales) != 1 || len(st.sales[0].Tenders) != 2 || st.sales[0].Tenders[0].Status != sale.TenderDeclined {
				r.t.Errorf("sales = %+v; want one, its WeChat payment declined as never arrived, then cash", st.sales)
			}
		},
	},
	{
		name:     "cancan-void",
		provider: "cancan",
		steps: []crashStep{
			{"paying", func(r *crashRun) {
				r.addItemAndPay("2", "WeChat Pay code:")
				r.tm.typeText(voidCode)
				r.tm.keys("Enter")
				r.waitCancan("the sale followed", func(l []cancansim.Transaction) bool {
					return len(l) == 1 && l[0].Retrieves >= 1
				})
			}},
			{"void-in-flight", func(r *crashRun) {
				r.fault("cancan", fmt.Sprintf(`{"slow_ms":%d}`, crashSlow))
				r.tm.keys("Escape")
				r.waitCancan("the void", func(l []cancansim.Transaction) bool { return len(l) == 2 })
			}},
			{"void-answered", func(r *crashRun) { r.justAnswered(1) }},
		},
		kills: []crashKill{
			{after: "void-in-flight", want: crashCounts{pays: 1, voids: 1}},
			{after: "void-answered", want: crashCounts{pays: 1, voids: 1}},
		},
		check: func(r *crashRun, st crashState) {
			if len(st.sales) != 1 {
				r.t.Fatalf("%d completed sales, want 1", len(st.sales))
			}
			// As without a crash: the clerk's cancel reversed the payment,
			// and CANCAN holds the void.
			for _, tn := range st.sales[0].Tenders {
				if tn.Provider == "cancan" && tn.Status != sale.TenderVoided {
					r.t.Errorf("the payment the clerk cancelled is recorded %s (%q), want %s", tn.Status, tn.Reason, sale.TenderVoided)
				}
			}
		},
	},
	{
		name:     "cancan-refund",
		provider: "cancan",
		steps: []crashStep{
			{"paid", func(r *crashRun) {
				r.addItemAndPay("2", "WeChat Pay code:")
				r.tm.typeText(quickCode)
				r.tm.keys("Enter")
				r.tm.waitFor(q("Receipt 000001"))
				r.tm.keys("Enter")
				r.tm.waitFor(q("TOTAL TWD 0.00"))
				r.tm.quit()
				r.tuiUp = false
			}},
			{"refund-in-flight", func(r *crashRun) {
				r.fault("cancan", fmt.Sprintf(`{"slow_ms":%d}`, crashSlow))
				r.startCLI("refund", "--receipt", "1", "--amount", "10")
				r.waitCancan("the refund", func(l []cancansim.Transaction) bool { return len(l) == 2 })
			}},
			{"refund-answered", func(r *crashRun) { r.justAnswered(1) }},
		},
		kills: []crashKill{
			{after: "refund-in-flight", want: crashCounts{pays: 1, refunds: 1}},
			{after: "refund-answered", want: crashCounts{pays: 1, refunds: 1}},
		},
		// `till replay` finishes what the killed command left.
		recover: func(r *crashRun) {},
		check: func(r *crashRun, st crashState) {
			if len(st.sales) != 1 {
				r.t.Fatalf("%d completed sales, want 1", len(st.sales))
			}
			adj := st.sales[0].Adjustments
			if len(adj) != 1 || adj[0].Kind != sale.AdjustRefund || adj[0].Status != sale.TenderApproved || adj[0].Amount != 1000 {
				r.t.Errorf("adjustments = %+v, want one approved refund of 1000", adj)
			}
		},
	},
	{
		name:     "ipass-pay",
		provider: "ipass",
		steps: []crashStep{
			{"pay-in-flight", func(r *crashRun) {
				r.addItemAndPay("3", "iPASS code:")
				r.fault("ipass", fmt.Sprintf(`{"slow_ms":%d}`, inFlightFor))
				r.tm.typeText(iPassCode)
				r.tm.keys("Enter")
				r.waitIPass("the payment", func(l []ipasssim.Payment) bool { return len(l) == 1 })
			}},
		},
		kills:   []crashKill{{after: "pay-in-flight", want: crashCounts{pays: 1}}},
		recover: recoverToReview,
		check:   checkReview,
	},
	{
		name:     "ipass-lost-answer",
		provider: "ipass",
		steps: []crashStep{
			{"review-shown", func(r *crashRun) {
				r.addItemAndPay("3", "iPASS code:")
				r.tm.typeText(iPassLost)
				r.tm.keys("Enter")
				r.tm.waitFor(q("outcome unknown"))
			}},
		},
		kills:   []crashKill{{after: "review-shown", want: crashCounts{pays: 1}}},
		recover: recoverToReview,
		check:   checkReview,
	},
}

// recoverToReview restarts the till, which must look the iPASS payment up
// first and, finding no way to, leave it for a person: neither paid nor
// unpaid.
func recoverToReview(r *crashRun) {
	r.restart()
	scr := r.tm.waitFor(q("outcome unknown"), q("A payment's outcome is unknown"))
	for _, bad := range []string{"approved", "declined", "Receipt 0"} {
		if strings.Contains(scr, bad) {
			r.t.Errorf("the lost iPASS payment is shown %q:\n%s", bad, scr)
		}
	}
	r.tm.quit()
	r.tuiUp = false
}

func checkReview(r *crashRun, st crashState) {
	if len(st.sales) != 0 {
		r.t.Errorf("a sale whose payment needs review was completed: %+v", st.sales)
	}
	var review []store.JournalEntry
	for _, e := range st.journal {
		if e.State == store.OpReview {
			review = append(review, e)
		}
	}
	if len(review) != 1 || review[0].Provider != "ipass" || review[0].Kind != "pay" {
		r.t.Fatalf("journal entries in review = %+v, want the iPASS payment", review)
	}
	if len(st.ipass) != 1 || st.ipass[0].OrderNumber != review[0].Key {
		r.t.Errorf("iPASS holds %+v; want the one payment under order number %s", st.ipass, review[0].Key)
	}
}

func TestCrashRecovery(t *testing.T) {
	t.Parallel()
	tillBinary(t)
	tillsimBinary(t)
	for _, sc := range crashScenarios {
		for _, k := range sc.kills {
			t.Run(sc.name+"/"+k.after, func(t *testing.T) {
				t.Parallel()
				runCrash(t, sc, k)
			})
		}
	}
}

func runCrash(t *testing.T, sc crashScenario, k crashKill) {
	if !slices.ContainsFunc(sc.steps, func(s crashStep) bool { return s.name == k.after }) {
		t.Fatalf("kill point %q is not a step of %s", k.after, sc.name)
	}
	r := newCrashRun(t)
	r.startTUI()
	for _, st := range sc.steps {
		st.do(r)
		if st.name == k.after {
			break
		}
	}
	r.kill()
	r.killed = k.after
	r.fault("cancan", "{}")
	r.fault("ipass", "{}")
	// Where the kill landed, read while the database is free: the points
	// timed on an answer vary from run to run.
	t.Logf("killed after %s: %s; CANCAN held %s; iPASS held %d payments", k.after, r.landed(),
		cancanSummary(getLedger[cancansim.Transaction](t, r.sim, "cancan")), len(getLedger[ipasssim.Payment](t, r.sim, "ipass")))
	if sc.recover != nil {
		sc.recover(r)
	} else {
		r.restart()
		scr := r.tm.waitFor(q("Test Shop"))
		t.Logf("restarted on: %s", statusLine(scr))
		r.finishOpenSale()
	}
	r.settle()
	st := r.state()
	r.checkCommon(st, sc.provider, k)
	if sc.check != nil {
		sc.check(r, st)
	}
	if t.Failed() {
		t.Logf("state after settling:\nsales %+v\njournal %s\ncancan %+v\nipass %+v", st.sales, journalText(st.journal), st.cancan, st.ipass)
	}
}

// crashRun is one run of a scenario: a tillsim, a terminal, a database.
type crashRun struct {
	t       *testing.T
	tm      *tmuxTerm
	sim     string // tillsim's base URL
	db, cfg string
	tuiUp   bool
	killed  string    // the step the till was killed after
	cli     *exec.Cmd // a till command the kill is aimed at
	cliOut  bytes.Buffer
}

func newCrashRun(t *testing.T) *crashRun {
	t.Helper()
	tm := newTerm(t)
	r := &crashRun{t: t, tm: tm}
	var snippet string
	r.sim, snippet = startTillsim(t)
	r.cfg = filepath.Join(tm.dir, "crash.toml")
	if err := os.WriteFile(r.cfg, []byte(crashConfig(t, snippet)), 0o600); err != nil {
		t.Fatal(err)
	}
	r.db = filepath.Join(tm.dir, "till.db")
	tillCmd(t, tm.env, "import", "--config", r.cfg, "--db", r.db, testCatalog)
	return r
}

// crashConfig is the test shop's settings with tillsim's providers, the
// wallets cut down to one per provider and a quick poll.
func crashConfig(t *testing.T, snippet string) string {
	t.Helper()
	base, err := os.ReadFile(testConfig)
	if err != nil {
		t.Fatal(err)
	}
	wallets := regexp.MustCompile(`(?m)^wallets = .*$`)
	if !wallets.MatchString(snippet) || !strings.Contains(snippet, "[providers.cancan.gateways]") {
		t.Fatalf("tillsim printed an unexpected configuration:\n%s", snippet)
	}
	snippet = wallets.ReplaceAllLiteralString(snippet, `wallets = ["wechat", "ipass"]`)
	snippet = strings.Replace(snippet, "[providers.cancan.gateways]", "poll_interval = \"100ms\"\n[providers.cancan.gateways]", 1)
	return string(base) + "\n" + snippet
}

func (r *crashRun) tuiArgs() []string { return []string{"--config", r.cfg, "--db", r.db} }

func (r *crashRun) startTUI() {
	r.tm.start(r.tuiArgs()...)
	r.tuiUp = true
	r.tm.waitFor(q("Test Shop 測試店 · till E2E"), q("TOTAL TWD 0.00"))
}

func (r *crashRun) restart() {
	r.tm.restart(r.tuiArgs()...)
	r.tuiUp = true
}

// addItemAndPay rings up one tea and chooses a wallet by its number.
func (r *crashRun) addItemAndPay(key, prompt string) {
	r.tm.typeText("4710088410122")
	r.tm.keys("Enter")
	r.tm.waitFor(q("TOTAL TWD 35.00"))
	r.tm.keys("F12")
	r.tm.waitFor(q("Choose a tender"))
	r.tm.typeText(key)
	r.tm.waitFor(q(prompt))
}

// startCLI starts a till command against the run's database; kill ends it.
func (r *crashRun) startCLI(args ...string) {
	cmd := exec.Command(tillBinary(r.t), append(args, "--config", r.cfg, "--db", r.db)...)
	cmd.Env = r.tm.env
	cmd.Stdout, cmd.Stderr = &r.cliOut, &r.cliOut
	if err := cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	r.cli = cmd
	r.t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
}

// kill SIGKILLs the command started last, else the till on the screen.
func (r *crashRun) kill() {
	r.t.Helper()
	if r.cli != nil {
		if err := r.cli.Process.Kill(); err != nil {
			r.t.Fatal(err)
		}
		err := r.cli.Wait()
		if ws, ok := r.cli.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			r.t.Fatalf("till %v ended with %v before the kill:\n%s", r.cli.Args[1:], err, r.cliOut.String())
		}
		r.cli = nil
		return
	}
	pid, err := strconv.Atoi(r.tm.display("#{pane_pid}"))
	if err != nil {
		r.t.Fatal(err)
	}
	if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); err != nil || strings.TrimSpace(string(comm)) != "till" {
		r.t.Fatalf("pane process %d is %q (%v), not the till", pid, comm, err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		r.t.Fatal(err)
	}
	if how := r.tm.waitExit(); how != "signal 9" {
		r.t.Fatalf("the till exited with %s before the kill", how)
	}
	r.tuiUp = false
}

// justAnswered sleeps until the answer about CANCAN transaction i, held
// back crashSlow by the simulator, has just reached the till. The
// simulator shares the clock and stamps when it settled the transaction;
// the till finishes with an answer a few ms after it arrives, so the kill
// usually lands in between (the log says where it did).
func (r *crashRun) justAnswered(i int) {
	l := getLedger[cancansim.Transaction](r.t, r.sim, "cancan")
	if len(l) <= i || l[i].SettledAt.IsZero() {
		r.t.Fatalf("CANCAN transaction %d has not settled: %+v", i, l)
	}
	time.Sleep(time.Until(l[i].SettledAt.Add(crashSlow*time.Millisecond + time.Millisecond)))
}

// busy are what the payment screen shows while it waits on a provider or
// the disk.
var busy = regexp.MustCompile(`waiting for the wallet|saving|cancelling|Recording the sale|Looking up`)

// finishOpenSale does what a clerk would after a restart: wait for the
// till's own look-ups, take the rest in cash, and close the receipt. A
// payment left for review stays as it is.
func (r *crashRun) finishOpenSale() {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		scr := r.tm.screen()
		switch {
		case strings.Contains(scr, "Receipt 0"):
			r.tm.keys("Enter")
			r.tm.waitFor(q("TOTAL TWD 0.00"))
			return
		case busy.MatchString(scr):
		case strings.Contains(scr, "A payment's outcome is unknown"):
			return
		case strings.Contains(scr, "Press a tender's number"):
			r.tm.keys("1")
			r.tm.waitFor(q("Cash tendered:"))
			r.tm.keys("F5")
			r.tm.waitFor(q("Receipt 0"))
		case strings.Contains(scr, "TOTAL TWD 0.00") && strings.Contains(scr, "Code:"):
			return
		case strings.Contains(scr, "Code:") && strings.Contains(scr, "TOTAL TWD"):
			r.tm.keys("F12")
			r.tm.waitFor(q("Choose a tender"))
		}
		time.Sleep(pollEvery)
	}
	r.t.Fatalf("the open sale was not finished in time; screen:\n%s", r.tm.screen())
}

// settle quits the screen and replays until nothing is queued, sent or
// unknown: only what needs a person may be left.
func (r *crashRun) settle() {
	r.t.Helper()
	if r.tuiUp {
		r.tm.quit()
		r.tuiUp = false
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		var open []store.JournalEntry
		for _, e := range r.journal(false) {
			if e.State != store.OpReview {
				open = append(open, e)
			}
		}
		if len(open) == 0 {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("the journal did not settle:\n%s", journalText(open))
		}
		r.runTill("replay", "--config", r.cfg, "--db", r.db)
	}
}

// runTill runs a till command that may fail, and returns its output.
func (r *crashRun) runTill(args ...string) string {
	cmd := exec.Command(tillBinary(r.t), args...)
	cmd.Env = r.tm.env
	out, _ := cmd.CombinedOutput()
	return string(out)
}

func (r *crashRun) journal(all bool) []store.JournalEntry {
	args := []string{"queue", "--json", "--db", r.db}
	if all {
		args = append(args, "--all")
	}
	var entries []store.JournalEntry
	if err := json.Unmarshal([]byte(tillCmd(r.t, r.tm.env, args...)), &entries); err != nil {
		r.t.Fatalf("queue --json: %v", err)
	}
	return entries
}

func journalText(entries []store.JournalEntry) string {
	var b strings.Builder
	for _, e := range entries {
		fmt.Fprintf(&b, "  %d %s %s %s %s sale %s tries %d: %s %s\n", e.Seq, e.State, e.Provider, e.Kind, e.Key, e.SaleID, e.Attempts, e.LastError, e.Outcome)
	}
	return b.String()
}

// fault replaces a simulator's faults through the control API.
func (r *crashRun) fault(provider, body string) {
	r.t.Helper()
	resp, err := http.Post(r.sim+"/_control/"+provider+"/fault", "application/json", strings.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		r.t.Fatalf("fault %s %s: %s", provider, body, resp.Status)
	}
}

func getLedger[T any](t *testing.T, base, provider string) []T {
	t.Helper()
	resp, err := http.Get(base + "/_control/" + provider + "/ledger")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []T
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s ledger: %v", provider, err)
	}
	return out
}

// waitLedger polls a ledger until ok; the kill points hang on it.
func waitLedger[T any](r *crashRun, provider, what string, ok func([]T) bool) {
	r.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		l := getLedger[T](r.t, r.sim, provider)
		if ok(l) {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("%s never reached the %s simulator; ledger %+v; screen:\n%s", what, provider, l, r.tm.screen())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (r *crashRun) waitCancan(what string, ok func([]cancansim.Transaction) bool) {
	r.t.Helper()
	waitLedger(r, "cancan", what, ok)
}

func (r *crashRun) waitIPass(what string, ok func([]ipasssim.Payment) bool) {
	r.t.Helper()
	waitLedger(r, "ipass", what, ok)
}

// crashState is everything the checks compare, read once all settled.
type crashState struct {
	sales   []saleJSON
	journal []store.JournalEntry // every entry, settled ones included
	cancan  []cancansim.Transaction
	ipass   []ipasssim.Payment
}

func (r *crashRun) state() crashState {
	var st crashState
	if err := json.Unmarshal([]byte(tillCmd(r.t, r.tm.env, "sales", "--json", "--db", r.db)), &st.sales); err != nil {
		r.t.Fatalf("sales --json: %v", err)
	}
	st.journal = r.journal(true)
	st.cancan = getLedger[cancansim.Transaction](r.t, r.sim, "cancan")
	st.ipass = getLedger[ipasssim.Payment](r.t, r.sim, "ipass")
	return st
}

// checkCommon holds for every scenario: each operation reached the
// provider once at most and under a key journaled before it was sent;
// every approved wallet tender is money the provider holds, and every
// charge the provider holds is a tender the till shows approved or an
// operation left for a person.
func (r *crashRun) checkCommon(st crashState, provider string, k crashKill) {
	t := r.t
	t.Helper()
	journaled := map[string]store.JournalEntry{}
	for _, e := range st.journal {
		journaled[e.Key] = e
		switch e.State {
		case store.OpQueued, store.OpSent, store.OpUnknown:
			t.Errorf("journal entry %s (%s %s) is still %s", e.Key, e.Provider, e.Kind, e.State)
		case store.OpReview:
			if e.Provider != "ipass" {
				t.Errorf("journal entry %s (%s %s) needs review, though %s can be asked", e.Key, e.Provider, e.Kind, e.Provider)
			}
		}
	}

	var got crashCounts
	cancanByID := map[string]cancansim.Transaction{}
	voidsOf := map[string]int{}
	for _, tx := range st.cancan {
		cancanByID[tx.ID] = tx
		switch tx.Type {
		case "sale":
			got.pays += b2i(provider == "cancan")
		case "void":
			got.voids++
			voidsOf[tx.Sale]++
		case "refund":
			got.refunds++
		}
		if e, ok := journaled[tx.ID]; !ok {
			t.Errorf("CANCAN holds %s %s, which was never journaled", tx.Type, tx.ID)
		} else if e.Kind != map[string]string{"sale": "pay", "void": "void", "refund": "refund"}[tx.Type] {
			t.Errorf("CANCAN holds %s %s, journaled as a %s", tx.Type, tx.ID, e.Kind)
		}
	}
	for s, n := range voidsOf {
		if n > 1 {
			t.Errorf("sale %s was voided %d times", s, n)
		}
	}
	ipassByOrder := map[string]ipasssim.Payment{}
	for _, p := range st.ipass {
		if _, dup := ipassByOrder[p.OrderNumber]; dup {
			t.Errorf("iPASS charged order %s twice", p.OrderNumber)
		}
		ipassByOrder[p.OrderNumber] = p
		got.pays += b2i(provider == "ipass")
		if e, ok := journaled[p.OrderNumber]; !ok || e.Kind != "pay" {
			t.Errorf("iPASS holds payment %s, which the journal does not hold as a payment", p.OrderNumber)
		}
	}
	if got != k.want {
		t.Errorf("the %s ledger holds %+v, want %+v", provider, got, k.want)
	}

	// Tenders of completed sales against the ledgers.
	approved := map[string]bool{}
	refunds := map[string]sale.Adjustment{}
	for _, s := range st.sales {
		for _, tn := range s.Tenders {
			if tn.Provider == "" {
				continue
			}
			switch tn.Status {
			case sale.TenderPending, sale.TenderUnknown:
				t.Errorf("completed sale %d has a %s tender %s", s.Number, tn.Status, tn.Key)
			case sale.TenderApproved:
				if approved[tn.Key] {
					t.Errorf("tender %s is approved twice", tn.Key)
				}
				approved[tn.Key] = true
			}
			charged := false
			switch tn.Provider {
			case "cancan":
				tx, ok := cancanByID[tn.Key]
				charged = ok && tx.Type == "sale" && tx.State == "succeeded" && tx.VoidedBy == ""
				if tn.Status == sale.TenderApproved && (!charged || tx.Amount != int64(tn.Amount) || tn.Reference != tx.ID) {
					t.Errorf("sale %d: approved tender %+v, but CANCAN holds %+v", s.Number, tn, tx)
				}
			case "ipass":
				p, ok := ipassByOrder[tn.Key]
				charged = ok
				if tn.Status == sale.TenderApproved && (!ok || p.Amount != int64(tn.Amount) || tn.Reference != p.TransactionID) {
					t.Errorf("sale %d: approved tender %+v, but iPASS holds %+v", s.Number, tn, p)
				}
			}
			if tn.Status != sale.TenderApproved && charged {
				t.Errorf("sale %d: tender %s is %s, but the provider kept the money", s.Number, tn.Key, tn.Status)
			}
		}
		for _, a := range s.Adjustments {
			if a.Kind == sale.AdjustRefund {
				refunds[a.Key] = a
			}
			tx, ok := cancanByID[a.Key]
			done := ok && tx.Type == a.Kind && tx.State == "succeeded"
			if (a.Status == sale.TenderApproved) != done {
				t.Errorf("sale %d: %s %s is %s, CANCAN holds %+v", s.Number, a.Kind, a.Key, a.Status, tx)
			}
			if done && a.Kind == sale.AdjustRefund && tx.Amount != int64(a.Amount) {
				t.Errorf("sale %d: refund %s of %d, CANCAN refunded %d", s.Number, a.Key, a.Amount, tx.Amount)
			}
		}
	}
	// Money the providers hold that the till does not show.
	for _, tx := range st.cancan {
		switch {
		case tx.Type == "sale" && tx.State == "succeeded" && tx.VoidedBy == "" && !approved[tx.ID]:
			t.Errorf("CANCAN charged %s (%d), which no completed sale shows approved", tx.ID, tx.Amount)
		case tx.Type == "refund":
			if _, ok := refunds[tx.ID]; !ok {
				t.Errorf("CANCAN refunded %s (%d), which no sale lists", tx.ID, tx.Amount)
			}
		}
	}
	for _, p := range st.ipass {
		if !approved[p.OrderNumber] && journaled[p.OrderNumber].State != store.OpReview {
			t.Errorf("iPASS charged %s (%d), which is neither approved in a sale nor left for review", p.OrderNumber, p.Amount)
		}
	}
}

// landed describes what the dead till left on disk.
func (r *crashRun) landed() string {
	var parts []string
	for _, e := range r.journal(true) {
		parts = append(parts, fmt.Sprintf("%s %s %s", e.Provider, e.Kind, e.State))
	}
	var sales []saleJSON
	if err := json.Unmarshal([]byte(tillCmd(r.t, r.tm.env, "sales", "--json", "--db", r.db)), &sales); err != nil {
		r.t.Fatalf("sales --json: %v", err)
	}
	return fmt.Sprintf("journal [%s], %d completed sales", strings.Join(parts, ", "), len(sales))
}

func cancanSummary(l []cancansim.Transaction) string {
	var parts []string
	for _, tx := range l {
		parts = append(parts, fmt.Sprintf("%s %s (%d looks)", tx.Type, tx.State, tx.Retrieves))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// statusLine is the screen's last non-blank line but the help bar.
func statusLine(scr string) string {
	lines := strings.Split(strings.TrimRight(scr, "\n "), "\n")
	var kept []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			kept = append(kept, l)
		}
	}
	if len(kept) < 2 {
		return strings.Join(kept, " | ")
	}
	return kept[len(kept)-2]
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

var (
	tillsimOnce sync.Once
	tillsimPath string
	tillsimErr  error
)

// tillsimBinary builds cmd/tillsim once, next to the till.
func tillsimBinary(t *testing.T) string {
	t.Helper()
	dir := filepath.Dir(tillBinary(t))
	tillsimOnce.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			tillsimErr = err
			return
		}
		tillsimPath = filepath.Join(dir, "tillsim")
		if out, err := exec.Command(goTool, "build", "-o", tillsimPath, "../tillsim").CombinedOutput(); err != nil {
			tillsimErr = fmt.Errorf("go build tillsim: %v\n%s", err, out)
		}
	})
	if tillsimErr != nil {
		t.Fatal(tillsimErr)
	}
	return tillsimPath
}

// startTillsim runs tillsim on a free port until the test ends and
// returns its base URL and the configuration it printed.
func startTillsim(t *testing.T) (base, snippet string) {
	t.Helper()
	cmd := exec.Command(tillsimBinary(t), "-addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	// The snippet is one write: read until a pause after its first line.
	chunks := make(chan []byte)
	go func() {
		defer close(chunks)
		for {
			buf := make([]byte, 4096)
			n, err := stdout.Read(buf)
			if n > 0 {
				chunks <- buf[:n]
			}
			if err != nil {
				return
			}
		}
	}()
	var out []byte
	deadline := time.After(waitTimeout)
	for {
		quiet := time.After(time.Hour)
		if bytes.Contains(out, []byte("\n")) {
			quiet = time.After(100 * time.Millisecond)
		}
		select {
		case c, ok := <-chunks:
			if !ok {
				t.Fatalf("tillsim ended: %s%s", out, stderr.String())
			}
			out = append(out, c...)
			continue
		case <-quiet:
		case <-deadline:
			t.Fatalf("tillsim printed no configuration: %q %s", out, stderr.String())
		}
		break
	}
	go func() {
		for range chunks { // keep the pipe drained
		}
	}()
	first, rest, _ := strings.Cut(string(out), "\n")
	addr, ok := strings.CutPrefix(strings.TrimSpace(first), "tillsim serving on ")
	if !ok || !strings.HasPrefix(addr, "http://127.0.0.1:") {
		t.Fatalf("tillsim's first line is %q", first)
	}
	return addr, rest
}
