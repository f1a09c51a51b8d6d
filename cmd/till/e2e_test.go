package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The tests in this file drive the built binary in a real terminal: tmux
// gives it a pty of a fixed size and lets the test type keys and read the
// screen back.

const (
	termWidth   = 100
	termHeight  = 30
	waitTimeout = 10 * time.Second
	pollEvery   = 50 * time.Millisecond
	session     = "till"
)

var (
	buildOnce sync.Once
	buildDir  string
	tillPath  string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// tillBinary builds the command once per test run.
func tillBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		// go test puts its own toolchain first on PATH.
		goTool, err := exec.LookPath("go")
		if err != nil {
			buildErr = err
			return
		}
		if buildDir, buildErr = os.MkdirTemp("", "till-e2e-"); buildErr != nil {
			return
		}
		tillPath = filepath.Join(buildDir, "till")
		args := []string{"build", "-o", tillPath}
		if raceEnabled {
			// The binary is checked for data races as the tests are.
			args = append(args, "-race")
		}
		cmd := exec.Command(goTool, append(args, ".")...)
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return tillPath
}

// tmuxTerm is one tmux server, on its own socket, running the till in a
// single pane.
type tmuxTerm struct {
	t      *testing.T
	socket string
	conf   string
	env    []string
	dir    string // the test's files: database, FIFO, tmux.conf
	home   string // HOME, XDG_CONFIG_HOME and XDG_DATA_HOME live here
}

var socketSeq struct {
	sync.Mutex
	n int
}

func newTerm(t *testing.T) *tmuxTerm {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is not installed; the real-terminal tests need it: install tmux (apt-get install tmux, brew install tmux) and run the tests again")
	}
	socketSeq.Lock()
	socketSeq.n++
	n := socketSeq.n
	socketSeq.Unlock()

	// One folder for everything, made before the cleanup below is
	// registered, so the server and the till are gone before it is removed.
	dir := t.TempDir()
	tm := &tmuxTerm{
		t:      t,
		dir:    dir,
		socket: fmt.Sprintf("till-test-%d-%d", os.Getpid(), n),
		conf:   filepath.Join(dir, "tmux.conf"),
		home:   filepath.Join(dir, "home"),
	}
	// remain-on-exit keeps a dead pane so its exit status can be read.
	conf := "set -g remain-on-exit on\nset -g default-terminal xterm-256color\nset -g history-limit 0\nset -g status off\n"
	if err := os.WriteFile(tm.conf, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	// The socket goes in the test's folder too, so none is left in /tmp.
	tm.env = append(childEnv(tm.home), "TMUX_TMPDIR="+dir)
	for _, d := range []string{"config", "data"} {
		if err := os.MkdirAll(filepath.Join(tm.home, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		// The server goes, and the till with it.
		_, _ = tm.tmux("kill-server")
	})
	return tm
}

// childEnv is the environment of tmux and so of the till: the test's own,
// with the home, the XDG folders and the terminal type replaced.
func childEnv(home string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "TMUX", "TMUX_PANE", "TMUX_TMPDIR", "HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "TERM", "GORACE":
			continue
		}
		env = append(env, kv)
	}
	// A race-enabled till otherwise sleeps a second on every exit.
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	return append(env,
		"GORACE="+gorace,
		"HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"),
		"XDG_DATA_HOME="+filepath.Join(home, "data"),
		"TERM=xterm-256color",
	)
}

func (tm *tmuxTerm) tmux(args ...string) (string, error) {
	cmd := exec.Command("tmux", append([]string{"-L", tm.socket, "-f", tm.conf}, args...)...)
	cmd.Env = tm.env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("tmux %s: %v: %s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String(), nil
}

func (tm *tmuxTerm) must(args ...string) string {
	tm.t.Helper()
	out, err := tm.tmux(args...)
	if err != nil {
		tm.t.Fatal(err)
	}
	return out
}

// sessionEnv passes the child environment explicitly too, in case a tmux
// server's global environment were not the one it was started with.
func (tm *tmuxTerm) sessionEnv() []string {
	var args []string
	for _, kv := range tm.env {
		if strings.HasPrefix(kv, "HOME=") || strings.HasPrefix(kv, "XDG_") || strings.HasPrefix(kv, "TERM=") {
			args = append(args, "-e", kv)
		}
	}
	return args
}

// start runs the till as the pane's own process, so pane_pid is its pid.
func (tm *tmuxTerm) start(tillArgs ...string) {
	tm.t.Helper()
	args := []string{"new-session", "-d", "-s", session, "-x", strconv.Itoa(termWidth), "-y", strconv.Itoa(termHeight)}
	args = append(args, tm.sessionEnv()...)
	tm.must(append(append(args, "--", tillBinary(tm.t)), tillArgs...)...)
}

// restart runs the till again in the pane once the last one has died.
func (tm *tmuxTerm) restart(tillArgs ...string) {
	tm.t.Helper()
	args := append([]string{"respawn-pane", "-t", session}, tm.sessionEnv()...)
	tm.must(append(append(args, "--", tillBinary(tm.t)), tillArgs...)...)
}

func (tm *tmuxTerm) display(format string) string {
	tm.t.Helper()
	return strings.TrimSpace(tm.must("display-message", "-p", "-t", session, format))
}

func (tm *tmuxTerm) screen() string {
	tm.t.Helper()
	return tm.must("capture-pane", "-p", "-t", session)
}

// screenEscapes is the screen with its attributes as escape sequences.
func (tm *tmuxTerm) screenEscapes() string {
	tm.t.Helper()
	return tm.must("capture-pane", "-p", "-e", "-t", session)
}

// keys sends tmux key names (Enter, F12, C-q).
func (tm *tmuxTerm) keys(keys ...string) {
	tm.t.Helper()
	tm.must(append([]string{"send-keys", "-t", session}, keys...)...)
}

// typeText types s literally, as a clerk or a keyboard-wedge scanner would.
func (tm *tmuxTerm) typeText(s string) {
	tm.t.Helper()
	tm.must("send-keys", "-t", session, "-l", s)
}

// waitFor polls the screen until every pattern matches, and fails with the
// last screen if that does not happen in time or the till dies first.
func (tm *tmuxTerm) waitFor(patterns ...string) string {
	tm.t.Helper()
	res := make([]*regexp.Regexp, len(patterns))
	for i, p := range patterns {
		res[i] = regexp.MustCompile(p)
	}
	deadline := time.Now().Add(waitTimeout)
	for {
		scr := tm.screen()
		var missing []string
		for i, re := range res {
			if !re.MatchString(scr) {
				missing = append(missing, patterns[i])
			}
		}
		if len(missing) == 0 {
			return scr
		}
		if tm.display("#{pane_dead}") == "1" {
			tm.t.Fatalf("the till exited (%s) before the screen showed %q; last screen:\n%s",
				tm.waitExit(), missing, scr)
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("after %v the screen still lacks %q; last screen:\n%s", waitTimeout, missing, scr)
		}
		time.Sleep(pollEvery)
	}
}

// waitExit waits for the till to exit and returns how: "status N" or
// "signal N".
func (tm *tmuxTerm) waitExit() string {
	tm.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		dead := strings.Fields(tm.display("#{pane_dead} status=#{pane_dead_status} signal=#{pane_dead_signal}"))
		if len(dead) == 3 && dead[0] == "1" {
			for _, f := range dead[1:] {
				if name, n, _ := strings.Cut(f, "="); n != "" {
					return name + " " + n
				}
			}
			// The pty has closed but tmux has not reaped the till: tmux
			// 3.3 now and then misses that SIGCHLD and leaves a zombie. A
			// spare SIGCHLD makes the server wait for its children again.
			if pid, err := strconv.Atoi(tm.display("#{pid}")); err == nil {
				_ = syscall.Kill(pid, syscall.SIGCHLD)
			}
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the till did not exit within %v (%q); last screen:\n%s", waitTimeout, dead, tm.screen())
		}
		time.Sleep(pollEvery)
	}
}

// quit leaves the till with ctrl+q and checks it exits cleanly.
func (tm *tmuxTerm) quit() {
	tm.t.Helper()
	scr := tm.screen()
	tm.keys("C-q")
	if how := tm.waitExit(); how != "status 0" {
		tm.t.Fatalf("the till exited with %s after ctrl+q; screen before:\n%s\nafter:\n%s", how, scr, tm.screen())
	}
}

// q quotes literal screen text for waitFor.
func q(s string) string { return regexp.QuoteMeta(s) }

// row matches a cart row: number, name, quantity, price and amount. The
// number may carry a selection mark.
func row(n int, name, qty, price, amount string) string {
	return fmt.Sprintf(`(?m)^[^0-9 ]? *%d +%s +%s +%s +%s *$`, n, q(name), q(qty), q(price), q(amount))
}

// scanFIFO is a named pipe the till reads codes from, as from a scanner.
type scanFIFO string

func newFIFO(tm *tmuxTerm) scanFIFO {
	tm.t.Helper()
	path := filepath.Join(tm.dir, "scanner.fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		tm.t.Fatal(err)
	}
	return scanFIFO(path)
}

// write sends raw bytes to the till. Call it only once the screen says
// the scanner is connected: without a reader the open fails, not blocks.
func (f scanFIFO) write(t *testing.T, data string) {
	t.Helper()
	w, err := os.OpenFile(string(f), os.O_WRONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatalf("opening the scanner FIFO for writing: %v", err)
	}
	if _, err := w.WriteString(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func (f scanFIFO) scan(t *testing.T, codes ...string) {
	t.Helper()
	f.write(t, strings.Join(codes, "\n")+"\n")
}

// tillCmd runs a non-interactive till command with the test's environment.
func tillCmd(t *testing.T, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(tillBinary(t), args...)
	cmd.Env = env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("till %s: %v\nstderr: %s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

// The documented shape of `till sales --json`, decoded on its own terms:
// integer fields fail to decode if an amount is ever written as a decimal.
type salesJSON struct {
	ID        string `json:"id"`
	Number    uint64 `json:"number"`
	Completed string `json:"completed"`
	Currency  string `json:"currency"`
	Total     int64  `json:"total"`
	Tax       int64  `json:"tax"`
	Lines     []struct {
		SKU    string `json:"sku"`
		Name   string `json:"name"`
		Qty    int64  `json:"qty"`
		Unit   string `json:"unit"`
		Amount int64  `json:"amount"`
	} `json:"lines"`
	Tenders []struct {
		Method    string `json:"method"`
		Amount    int64  `json:"amount"`
		Tendered  int64  `json:"tendered"`
		Change    int64  `json:"change"`
		Status    string `json:"status"`
		Provider  string `json:"provider"`
		Wallet    string `json:"wallet"`
		Reference string `json:"reference"`
	} `json:"tenders"`
}

type wantLine struct {
	sku, name string
	qty, amt  int64
}

func readSales(t *testing.T, env []string, db string) []salesJSON {
	t.Helper()
	out := tillCmd(t, env, "sales", "--json", "--db", db)
	var sales []salesJSON
	if err := json.Unmarshal([]byte(out), &sales); err != nil {
		t.Fatalf("sales --json is not the documented JSON: %v\n%s", err, out)
	}
	return sales
}

func checkSale(t *testing.T, s salesJSON, number uint64, total, tax int64, lines []wantLine) {
	t.Helper()
	if s.Number != number || s.Currency != "TWD" || s.Total != total || s.Tax != tax {
		t.Errorf("sale: number %d, currency %q, total %d, tax %d; want %d, TWD, %d, %d",
			s.Number, s.Currency, s.Total, s.Tax, number, total, tax)
	}
	if _, err := time.Parse(time.RFC3339, s.Completed); err != nil || s.ID == "" {
		t.Errorf("sale id %q, completed %q: want an id and an RFC 3339 time (%v)", s.ID, s.Completed, err)
	}
	if len(s.Lines) != len(lines) {
		t.Fatalf("sale has %d lines, want %d: %+v", len(s.Lines), len(lines), s.Lines)
	}
	for i, w := range lines {
		l := s.Lines[i]
		if l.SKU != w.sku || l.Name != w.name || l.Qty != w.qty || l.Amount != w.amt || l.Unit != "each" {
			t.Errorf("line %d = %+v, want %s %q qty %d amount %d each", i+1, l, w.sku, w.name, w.qty, w.amt)
		}
	}
}

// newCatalogDB imports testdata/catalog.csv with the built binary.
func newCatalogDB(t *testing.T, tm *tmuxTerm) (db, cfg string) {
	t.Helper()
	cfg, err := filepath.Abs(testConfig)
	if err != nil {
		t.Fatal(err)
	}
	db = filepath.Join(tm.dir, "till.db")
	tillCmd(t, tm.env, "import", "--config", cfg, "--db", db, testCatalog)
	return db, cfg
}

func TestEndToEndCashSale(t *testing.T) {
	t.Parallel()
	tm := newTerm(t)
	db, cfg := newCatalogDB(t, tm)
	fifo := newFIFO(tm)

	tm.start("--db", db, "--config", cfg, "--scanner", "file:"+string(fifo))
	tm.waitFor(q("Test Shop 測試店 · till E2E"), q("scanner connected"), q("TOTAL TWD 0.00"))

	fifo.scan(t, "4710088410122", "036000291452")
	tm.waitFor(
		row(1, "烏龍茶 Oolong tea 500ml", "1", "35.00", "35.00"),
		row(2, "Mint gum", "1", "25.00", "25.00"),
	)
	tm.typeText("2*96385074")
	tm.keys("Enter")
	tm.waitFor(
		row(1, "烏龍茶 Oolong tea 500ml", "1", "35.00", "35.00"),
		row(2, "Mint gum", "1", "25.00", "25.00"),
		row(3, "菠蘿麵包 Pineapple bun", "2", "28.50", "57.00"),
		q("Items 3"), q("Tax 5.57"), q("TOTAL TWD 117.00"),
	)

	tm.keys("F12")
	tm.waitFor(q("Payment"), `Due +TWD 117\.00`, q("1  Cash"))
	tm.keys("1")
	tm.waitFor(q("Cash tendered:"))
	tm.typeText("200")
	tm.keys("Enter")
	tm.waitFor(q("Receipt 000001"), q("CHANGE DUE"), q("TWD 83.00"), `Change +83\.00`,
		`TOTAL +TWD 117\.00`, `Cash tendered +200\.00`, q("Sale complete"))

	tm.keys("Enter")
	tm.waitFor(q("TOTAL TWD 0.00"), q("Scan an item"))
	tm.quit()

	sales := readSales(t, tm.env, db)
	if len(sales) != 1 {
		t.Fatalf("sales --json lists %d sales, want 1: %+v", len(sales), sales)
	}
	s := sales[0]
	checkSale(t, s, 1, 11700, 557, []wantLine{
		{"TEA-500", "烏龍茶 Oolong tea 500ml", 1, 3500},
		{"GUM", "Mint gum", 1, 2500},
		{"BUN", "菠蘿麵包 Pineapple bun", 2, 5700},
	})
	if len(s.Tenders) != 1 {
		t.Fatalf("sale has %d tenders, want 1: %+v", len(s.Tenders), s.Tenders)
	}
	if tn := s.Tenders[0]; tn.Method != "cash" || tn.Status != "approved" ||
		tn.Amount != 11700 || tn.Tendered != 20000 || tn.Change != 8300 {
		t.Errorf("tender = %+v, want cash approved, amount 11700, tendered 20000, change 8300", tn)
	}
}

func TestCrashRestoresOpenSale(t *testing.T) {
	t.Parallel()
	tm := newTerm(t)
	db, cfg := newCatalogDB(t, tm)
	fifo := newFIFO(tm)
	args := []string{"--db", db, "--config", cfg, "--scanner", "file:" + string(fifo)}

	tm.start(args...)
	tm.waitFor(q("scanner connected"))
	fifo.scan(t, "4710088410122")
	tm.waitFor(row(1, "烏龍茶 Oolong tea 500ml", "1", "35.00", "35.00"))
	tm.typeText("3*RICE-1KG")
	tm.keys("Enter")
	tm.waitFor(row(2, "白米 White rice 1kg", "3", "95.00", "285.00"))
	fifo.scan(t, "036000291452")
	lines := []string{
		row(1, "烏龍茶 Oolong tea 500ml", "1", "35.00", "35.00"),
		row(2, "白米 White rice 1kg", "3", "95.00", "285.00"),
		row(3, "Mint gum", "1", "25.00", "25.00"),
		q("Items 3"), q("TOTAL TWD 345.00"),
	}
	tm.waitFor(lines...)

	pid, err := strconv.Atoi(tm.display("#{pane_pid}"))
	if err != nil {
		t.Fatal(err)
	}
	if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); err == nil && strings.TrimSpace(string(comm)) != "till" {
		t.Fatalf("pane process %d is %q, not the till", pid, comm)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if how := tm.waitExit(); how != "signal 9" {
		t.Fatalf("the till exited with %s, not SIGKILL", how)
	}

	tm.restart(args...)
	tm.waitFor(append(lines, q("Open sale restored"))...)

	tm.keys("F12")
	tm.waitFor(`Due +TWD 345\.00`)
	tm.keys("1")
	tm.waitFor(q("Cash tendered:"))
	tm.keys("F5")
	tm.waitFor(q("Receipt 000001"), `Cash tendered +345\.00`, `TOTAL +TWD 345\.00`)
	tm.keys("Enter")
	tm.waitFor(q("TOTAL TWD 0.00"))
	tm.quit()

	sales := readSales(t, tm.env, db)
	if len(sales) != 1 {
		t.Fatalf("sales --json lists %d sales, want 1: %+v", len(sales), sales)
	}
	// 5% included in the standard-rate 60.00; rice is zero-rated.
	checkSale(t, sales[0], 1, 34500, 286, []wantLine{
		{"TEA-500", "烏龍茶 Oolong tea 500ml", 1, 3500},
		{"RICE-1KG", "白米 White rice 1kg", 3, 28500},
		{"GUM", "Mint gum", 1, 2500},
	})
	if tn := sales[0].Tenders; len(tn) != 1 || tn[0].Status != "approved" || tn[0].Amount != 34500 || tn[0].Change != 0 {
		t.Errorf("tenders = %+v, want one approved 34500 with no change", tn)
	}
}

func TestDemoStartsWithNoSetup(t *testing.T) {
	t.Parallel()
	tm := newTerm(t)
	tm.start("--demo")
	scr := tm.waitFor(q("Demo Store"), q("TOTAL TWD 0.00"), q("Code:"))
	if strings.Contains(scr, "catalog is empty") {
		t.Fatalf("the demo started without its catalog:\n%s", scr)
	}

	tm.typeText("4710088410122")
	tm.keys("Enter")
	tm.waitFor(row(1, "烏龍茶 Oolong tea 500ml", "1", "35.00", "35.00"), q("TOTAL TWD 35.00"))
	tm.quit()

	// Everything the demo wrote is under the test's XDG data folder.
	if _, err := os.Stat(filepath.Join(tm.home, "data", "till", "demo.db")); err != nil {
		t.Errorf("demo database not under XDG_DATA_HOME: %v", err)
	}
}

// hostile is what a broken or malicious scanner might send: terminal
// escapes that would clear the screen, retitle the window and ring the
// bell, a bidi override that would reorder the screen, and a CR, which ends
// a code, in the middle of one.
const hostile = "\x1b]2;PWNED\x07\x1b[2J\x1b[H4710088410122\x07\x1bP+q\x1b\\\r\u202eGUM\x1b[5;31m\x9b2J\n"

// junk returns a line of about n bytes of escapes, controls and bad UTF-8.
func junk(n int) string {
	const piece = "\x1b]0;PWNED\x07\x1b[38;5;196m\x1b[?1049l\x08\x7f\u202e\u2066\xff\xc3\x1b[1;1H"
	var b strings.Builder
	b.WriteString("JUNK")
	for b.Len() < n {
		b.WriteString(piece)
	}
	return b.String() + "\n"
}

func TestHostileScanIsCleaned(t *testing.T) {
	t.Parallel()
	tm := newTerm(t)
	db, cfg := newCatalogDB(t, tm)
	fifo := newFIFO(tm)
	tm.start("--db", db, "--config", cfg, "--scanner", "file:"+string(fifo))
	tm.waitFor(q("scanner connected"))
	title := tm.display("#{pane_title}")

	// checkClean asserts that nothing of the input reached the terminal:
	// tmux interprets what the till writes, so a leaked sequence shows as a
	// changed title, a bell, a raw control in the capture or a broken layout.
	checkClean := func(step string) {
		t.Helper()
		if got := tm.display("#{pane_title}"); got != title {
			t.Errorf("%s: the pane title changed from %q to %q", step, title, got)
		}
		if tm.display("#{window_bell_flag}") != "0" {
			t.Errorf("%s: a bell reached the terminal", step)
		}
		esc := tm.screenEscapes()
		for _, bad := range []string{"\x07", "\x1b]", "\x1bP", "\x1b[?", "\x1b[2J", "\u202e", "\u2066", "\x08", "\x7f"} {
			if strings.Contains(esc, bad) {
				t.Errorf("%s: %q reached the screen:\n%q", step, bad, esc)
			}
		}
		for _, r := range ansiSGR.ReplaceAllString(esc, "") {
			if r < 0x20 && r != '\n' {
				t.Errorf("%s: control character %U on the screen", step, r)
				break
			}
		}
		scr := tm.screen()
		lines := strings.Split(strings.TrimSuffix(scr, "\n"), "\n")
		if len(lines) != termHeight || !strings.HasPrefix(lines[0], " Test Shop 測試店 · till E2E") ||
			!strings.HasPrefix(lines[1], "#   Item") || !strings.Contains(scr, "Code: ") ||
			!strings.Contains(scr, "ctrl+q quit") {
			t.Errorf("%s: the screen is not drawn as it should be:\n%s", step, scr)
		}
	}

	// The CR splits the line into two codes; each is refused, the second
	// last. How the refused code is escaped is the UI's choice.
	fifo.write(t, hostile)
	tm.waitFor(`no item with code .*GUM`)
	checkClean("escape sequences")

	fifo.write(t, junk(4000))
	tm.waitFor(`no item with code .*JUNK`)
	checkClean("4 KB of junk")

	fifo.write(t, junk(5000))
	tm.waitFor(q("Scanner: scanned code too long"))
	checkClean("a line over the limit")

	// The till still works: a good scan adds its item.
	fifo.scan(t, "4710088410122")
	tm.waitFor(row(1, "烏龍茶 Oolong tea 500ml", "1", "35.00", "35.00"), q("TOTAL TWD 35.00"))
	checkClean("a good scan")
	tm.quit()
}

// ansiSGR matches the colour and attribute sequences capture-pane -e adds.
var ansiSGR = regexp.MustCompile(`\x1b\[[0-9;:]*m`)
