package main

import (
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// A kiosk till ignores the quit and suspend keys and the terminal's
// signals, keeps selling, and ends cleanly on systemd's SIGTERM.
func TestKioskIgnoresQuitKeysAndSignals(t *testing.T) {
	t.Parallel()
	tm := newTerm(t)
	tm.start("--demo", "--kiosk", "--db", filepath.Join(tm.dir, "demo.db"))
	tm.waitFor(q("Demo Store"), q("TOTAL TWD 0.00"))
	tm.keys("C-c", "C-q", "C-z", "C-\\")
	tm.waitFor(q("kiosk mode: it cannot be left from the keyboard"))
	pid, err := strconv.Atoi(tm.display("#{pane_pid}"))
	if err != nil {
		t.Fatal(err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTSTP, syscall.SIGHUP} {
		if err := syscall.Kill(pid, sig); err != nil {
			t.Fatal(err)
		}
	}
	// Still here, and still taking scans.
	tm.typeText("4710088410122")
	tm.keys("Enter")
	tm.waitFor(q("Added 烏龍茶 Oolong tea 500ml"), q("TOTAL TWD 35.00"))
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if how := tm.waitExit(); how != "status 0" {
		t.Errorf("SIGTERM ended the kiosk with %s", how)
	}
}
