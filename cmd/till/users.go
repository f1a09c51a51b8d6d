package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"till/store"
	"till/store/sanitize"
)

const usersUsage = `usage:
  till users add --id ID --name NAME --role clerk|manager   (the PIN is read twice from standard input)
  till users list [--json]
  till users disable --id ID`

// runUsers manages the clerks and managers who log in at the till.
func runUsers(g globals, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(usersUsage)
	}
	switch args[0] {
	case "add":
		return runUsersAdd(g, args[1:], stdout, stderr)
	case "list":
		return runUsersList(g, args[1:], stdout, stderr)
	case "disable":
		return runUsersDisable(g, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprintln(stderr, usersUsage)
		return flag.ErrHelp
	}
	return fmt.Errorf("unknown users command %q\n%s", args[0], usersUsage)
}

func runUsersAdd(g globals, args []string, stdout, stderr io.Writer) error {
	var id, name, role string
	rest, err := subFlags("users add", &g, args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&id, "id", "", "the user's `ID`: 1 to 16 letters or digits, used to log in")
		fs.StringVar(&name, "name", "", "the user's `name` as shown at the till")
		fs.StringVar(&role, "role", "", "clerk or manager")
	})
	if err != nil {
		return err
	}
	if len(rest) != 0 || id == "" || name == "" || role == "" {
		return errors.New(usersUsage)
	}
	// Check what can be checked before asking for the PIN.
	if err := store.CheckUserID(id); err != nil {
		return err
	}
	if r := store.Role(role); r != store.RoleClerk && r != store.RoleManager {
		return fmt.Errorf("--role must be %s or %s", store.RoleClerk, store.RoleManager)
	}
	db, err := g.openDB()
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.User(id); err == nil {
		return fmt.Errorf("adding user %s: %w", strings.ToLower(id), store.ErrUserExists)
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	pin, err := readNewPIN(pinInput, stderr, strings.ToLower(id))
	if err != nil {
		return err
	}
	if err := db.AddUser(id, name, store.Role(role), pin, time.Now()); err != nil {
		return err
	}
	u, err := db.User(id)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Added %s %s (%s).\n", u.Role, u.ID, sanitize.Text(u.Name))
	return nil
}

// readNewPIN reads a new PIN twice: without echo from a terminal, with
// prompts on stderr; otherwise as two lines. It never shows the PIN.
func readNewPIN(in io.Reader, stderr io.Writer, id string) (string, error) {
	read := pinReader(in, stderr, "the PIN is read twice from standard input: give it on two lines")
	pin, err := read(fmt.Sprintf("PIN for %s (%d to %d digits): ", id, store.MinPIN, store.MaxPIN))
	if err != nil {
		return "", err
	}
	if err := store.CheckPINFormat(pin); err != nil {
		return "", err
	}
	again, err := read("PIN again: ")
	if err != nil {
		return "", err
	}
	if again != pin {
		return "", errors.New("the two PINs differ: nothing was added")
	}
	return pin, nil
}

// userJSON is the documented shape of `till users list --json`: never
// the PIN nor its hash.
type userJSON struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Disabled bool   `json:"disabled"`
	Created  string `json:"created"`
}

func runUsersList(g globals, args []string, stdout, stderr io.Writer) error {
	var asJSON bool
	rest, err := subFlags("users list", &g, args, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "print JSON")
	})
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return errors.New(usersUsage)
	}
	db, err := g.openDB()
	if err != nil {
		return err
	}
	defer db.Close()
	users, err := db.Users()
	if err != nil {
		return err
	}
	if asJSON {
		out := make([]userJSON, 0, len(users))
		for _, u := range users {
			out = append(out, userJSON{ID: u.ID, Name: u.Name, Role: string(u.Role), Disabled: u.Disabled,
				Created: u.Created.Format(time.RFC3339)})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(users) == 0 {
		fmt.Fprintln(stdout, "No users: the till runs without login. Add a manager with till users add.")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tROLE\tSTATUS\tCREATED")
	for _, u := range users {
		status := "active"
		if u.Disabled {
			status = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.ID, sanitize.Text(u.Name), u.Role, status, u.Created.Local().Format("2006-01-02 15:04"))
	}
	return tw.Flush()
}

func runUsersDisable(g globals, args []string, stdout, stderr io.Writer) error {
	var id string
	rest, err := subFlags("users disable", &g, args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&id, "id", "", "the user's `ID`")
	})
	if err != nil {
		return err
	}
	if len(rest) != 0 || id == "" {
		return errors.New(usersUsage)
	}
	db, err := g.openDB()
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.DisableUser(id); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no user %s (see till users list)", strings.ToLower(id))
		}
		return err
	}
	fmt.Fprintf(stdout, "User %s is disabled: they can no longer log in.\n", strings.ToLower(id))
	return nil
}
