package main

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"till/store"
)

// withPINs makes users add read text as its standard input.
func withPINs(t *testing.T, text string) *strings.Reader {
	t.Helper()
	r := strings.NewReader(text)
	old := pinInput
	pinInput = r
	t.Cleanup(func() { pinInput = old })
	return r
}

func listUsers(t *testing.T, db string) []userJSON {
	t.Helper()
	code, stdout, stderr := runTill(t, "users", "list", "--json", "--db", db)
	if code != 0 {
		t.Fatalf("users list --json exited %d: %s", code, stderr)
	}
	var out []userJSON
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("users list --json: %v\n%s", err, stdout)
	}
	return out
}

func TestUsersCommands(t *testing.T) {
	isolate(t)
	db := filepath.Join(t.TempDir(), "till.db")

	code, stdout, _ := runTill(t, "users", "list", "--db", db)
	if code != 0 || !strings.Contains(stdout, "No users: the till runs without login") {
		t.Errorf("users list on a new till: exit %d, %q", code, stdout)
	}
	if code, stdout, _ := runTill(t, "users", "list", "--json", "--db", db); code != 0 || stdout != "[]\n" {
		t.Errorf("users list --json on a new till: exit %d, %q; want []", code, stdout)
	}

	withPINs(t, "2468\n2468\n")
	code, _, stderr := runTill(t, "users", "add", "--db", db, "--id", "ann", "--name", "Ann", "--role", "clerk")
	if code != 1 || !strings.Contains(stderr, "the first user must be a manager") {
		t.Errorf("first user a clerk: exit %d, %q", code, stderr)
	}

	withPINs(t, "13579\n13579\n")
	code, stdout, stderr = runTill(t, "users", "add", "--db", db, "--id", "Boss", "--name", "Mei 老闆", "--role", "manager")
	if code != 0 || stdout != "Added manager boss (Mei 老闆).\n" {
		t.Fatalf("users add: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if strings.Contains(stdout+stderr, "13579") {
		t.Error("the PIN was shown")
	}

	for _, c := range []struct {
		name, pins, want string
		args             []string
	}{
		{"PINs differ", "2468\n2469\n", "the two PINs differ: nothing was added", nil},
		{"short PIN", "246\n246\n", "a PIN is 4 to 12 digits", nil},
		{"PIN with letters", "24x8\n24x8\n", "a PIN is 4 to 12 digits", nil},
		{"one line", "2468\n", "give it on two lines", nil},
		{"no input", "", "give it on two lines", nil},
		{"taken ID", "2468\n2468\n", "user ID is already taken", []string{"--id", "BOSS"}},
		{"bad ID", "2468\n2468\n", "1 to 16 letters or digits", []string{"--id", "ann.b"}},
		{"bad role", "2468\n2468\n", "--role must be clerk or manager", []string{"--role", "owner"}},
		{"no name", "2468\n2468\n", "usage:", []string{"--name", ""}},
	} {
		args := []string{"users", "add", "--db", db, "--id", "ann", "--name", "Ann", "--role", "clerk"}
		in := withPINs(t, c.pins)
		code, stdout, stderr := runTill(t, append(args, c.args...)...)
		if code != 1 || !strings.Contains(stderr, c.want) || stdout != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want 1 and %q", c.name, code, stdout, stderr, c.want)
		}
		if strings.Contains(stderr, "246") {
			t.Errorf("%s: the PIN is in the error: %q", c.name, stderr)
		}
		if c.name == "taken ID" && in.Len() != len(c.pins) {
			t.Errorf("%s: the PIN was asked for before the ID was checked", c.name)
		}
	}
	if users := listUsers(t, db); len(users) != 1 {
		t.Fatalf("failed adds added users: %+v", users)
	}

	// A last line without a newline is read too.
	withPINs(t, "2468\r\n2468")
	if code, stdout, stderr := runTill(t, "users", "add", "--db", db, "--id", "ann", "--name", "Ann Chen", "--role", "clerk"); code != 0 || stdout != "Added clerk ann (Ann Chen).\n" {
		t.Fatalf("users add ann: exit %d, %q, %q", code, stdout, stderr)
	}

	code, stdout, _ = runTill(t, "users", "list", "--db", db)
	if code != 0 || !strings.Contains(stdout, "ID    NAME") || !strings.Contains(stdout, "ann   Ann Chen  clerk    active") ||
		!strings.Contains(stdout, "boss  Mei 老闆") {
		t.Errorf("users list:\n%s", stdout)
	}
	_, raw, _ := runTill(t, "users", "list", "--json", "--db", db)
	if strings.Contains(raw, "$2") || strings.Contains(strings.ToLower(raw), "pin") || strings.Contains(raw, "hash") {
		t.Errorf("users list --json shows a hash:\n%s", raw)
	}
	users := listUsers(t, db)
	if len(users) != 2 || users[0] != (userJSON{ID: "ann", Name: "Ann Chen", Role: "clerk", Created: users[0].Created}) ||
		users[1].ID != "boss" || users[1].Role != "manager" || users[0].Created == "" {
		t.Errorf("users = %+v", users)
	}

	code, _, stderr = runTill(t, "users", "disable", "--db", db, "--id", "boss")
	if code != 1 || !strings.Contains(stderr, "the last active manager cannot be disabled") {
		t.Errorf("disabling the last manager: exit %d, %q", code, stderr)
	}
	code, _, stderr = runTill(t, "users", "disable", "--db", db, "--id", "zed")
	if code != 1 || !strings.Contains(stderr, "no user zed") {
		t.Errorf("disabling nobody: exit %d, %q", code, stderr)
	}
	code, stdout, _ = runTill(t, "users", "disable", "--db", db, "--id", "ANN")
	if code != 0 || stdout != "User ann is disabled: they can no longer log in.\n" {
		t.Errorf("disable ann: exit %d, %q", code, stdout)
	}
	if users := listUsers(t, db); !users[0].Disabled || users[1].Disabled {
		t.Errorf("after disabling ann: %+v", users)
	}

	// What the command stored is what the till checks.
	d, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if u, err := d.CheckPIN("boss", "13579"); err != nil || u.Role != store.RoleManager {
		t.Errorf("CheckPIN(boss) = %+v, %v", u, err)
	}
	if _, err := d.CheckPIN("ann", "2468"); !errors.Is(err, store.ErrDisabled) {
		t.Errorf("CheckPIN(ann) = %v, want ErrDisabled", err)
	}
}

func TestUsersUsage(t *testing.T) {
	isolate(t)
	db := filepath.Join(t.TempDir(), "till.db")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"users"}, 1, "till users add --id ID"},
		{[]string{"users", "rename"}, 1, `unknown users command "rename"`},
		{[]string{"users", "add", "--db", db, "--pin", "1234"}, 2, "flag provided but not defined: -pin"},
		{[]string{"users", "disable", "--db", db}, 1, "till users disable --id ID"},
		{[]string{"users", "list", "--db", db, "extra"}, 1, "usage:"},
		{[]string{"users", "help"}, 0, "till users list [--json]"},
	} {
		code, stdout, stderr := runTill(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) || stdout != "" {
			t.Errorf("till %q: exit %d, stdout %q, stderr %q; want %d and %q", c.args, code, stdout, stderr, c.code, c.want)
		}
	}
	code, _, stderr := runTill(t, "help")
	if code != 0 || !strings.Contains(stderr, "till users add --id ID --name NAME --role clerk|manager") || !strings.Contains(stderr, "till report z --number N") {
		t.Errorf("help does not list users and report: %s", stderr)
	}
}
