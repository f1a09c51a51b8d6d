package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"

	"till/store"
	"till/store/sanitize"
)

// pinInput is where the till reads PINs (users add, a manager's
// approval); tests replace it.
var pinInput io.Reader = os.Stdin

// pinReader returns a function that reads one PIN at each call: without
// echo from a terminal, with the prompt on stderr; otherwise as the next
// line of in, without a prompt, and the error missing once in has ended.
// It never shows the PIN.
func pinReader(in io.Reader, stderr io.Writer, missing string) func(prompt string) (string, error) {
	if f, ok := in.(*os.File); ok && term.IsTerminal(f.Fd()) {
		return func(prompt string) (string, error) {
			fmt.Fprint(stderr, prompt)
			b, err := term.ReadPassword(f.Fd())
			fmt.Fprintln(stderr)
			if err != nil {
				return "", fmt.Errorf("reading the PIN: %w", err)
			}
			return string(b), nil
		}
	}
	r := bufio.NewReader(in)
	return func(string) (string, error) {
		line, err := r.ReadString('\n')
		switch {
		case err == io.EOF && line == "":
			return "", errors.New(missing)
		case err != nil && err != io.EOF:
			return "", fmt.Errorf("reading the PIN: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
}

// managerFlag adds --manager to a command a manager must approve.
func managerFlag(fs *flag.FlagSet, id *string) {
	fs.StringVar(id, "manager", "", "user `ID` of the manager who approves, once the till has users (the PIN is then asked)")
}

// approve asks managerID for their PIN and records that they approve
// action, with detail saying what exactly (never a secret). A till
// without users runs as it did before login existed: nothing is asked or
// recorded, and approve returns "". Otherwise it returns the manager's ID,
// or an error when there is no manager, the PIN is wrong or the user is no
// active manager: then the caller must do nothing.
//
// Call it once the action is checked and just before it runs: the approval
// is recorded first, so that every action taken has one. If the action
// then fails, the approval stays and still says what was approved.
func approve(db *store.DB, in io.Reader, stderr io.Writer, managerID, action, detail string) (string, error) {
	has, err := db.HasUsers()
	if err != nil || !has {
		return "", err
	}
	if managerID == "" {
		return "", errors.New("a manager must approve this: give --manager ID, then their PIN")
	}
	id := strings.ToLower(managerID)
	read := pinReader(in, stderr, "not approved: the manager's PIN is read from standard input: give it on one line")
	pin, err := read(fmt.Sprintf("PIN of manager %s: ", sanitize.Text(id)))
	if err != nil {
		return "", err
	}
	u, err := db.CheckPIN(id, pin)
	switch {
	case errors.Is(err, store.ErrBadPIN), errors.Is(err, store.ErrDisabled):
		return "", fmt.Errorf("not approved: %w: nothing was done", err)
	case err != nil:
		return "", err
	case u.Role != store.RoleManager:
		return "", fmt.Errorf("not approved: %s is a %s, and only a manager may approve this: nothing was done", u.ID, u.Role)
	}
	if detail = sanitize.Text(detail); len(detail) > store.MaxApprovalDetail {
		detail = strings.ToValidUTF8(detail[:store.MaxApprovalDetail], "")
	}
	a := store.Approval{By: u.ID, Action: action, Detail: detail, At: time.Now()}
	if _, err := db.RecordApproval(a); err != nil {
		return "", fmt.Errorf("%w: nothing was done", err)
	}
	return u.ID, nil
}
