package store

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/crypto/bcrypt"
)

// fastPINs hashes PINs at bcrypt's lowest cost for the rest of the test,
// so tests under the race detector do not wait seconds per user.
func fastPINs(t *testing.T) {
	t.Helper()
	pinCost = bcrypt.MinCost
	t.Cleanup(func() { pinCost = PINCost })
}

func addUser(t *testing.T, db *DB, id string, role Role, pin string) {
	t.Helper()
	if err := db.AddUser(id, "Name of "+id, role, pin, t0); err != nil {
		t.Fatalf("AddUser(%s): %v", id, err)
	}
}

func TestUsersAddListCheck(t *testing.T) {
	db := openTemp(t)
	if has, err := db.HasUsers(); err != nil || has {
		t.Fatalf("HasUsers on a new database = %v, %v", has, err)
	}
	// The real cost once: the hash is bcrypt at PINCost, not the PIN.
	if err := db.AddUser("Ann", "  Ann Chen ", RoleManager, "4321", t0); err != nil {
		t.Fatal(err)
	}
	fastPINs(t)
	addUser(t, db, "bob2", RoleClerk, "123456789012")

	if has, err := db.HasUsers(); err != nil || !has {
		t.Fatalf("HasUsers = %v, %v", has, err)
	}
	users, err := db.Users()
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 2 || users[0].ID != "ann" || users[1].ID != "bob2" {
		t.Fatalf("Users = %+v", users)
	}
	ann := users[0]
	if ann.Name != "Ann Chen" || ann.Role != RoleManager || ann.Disabled || !ann.Created.Equal(t0) {
		t.Errorf("ann = %+v", ann)
	}
	if cost, err := bcrypt.Cost([]byte(ann.PINHash)); err != nil || cost != PINCost || PINCost < 10 {
		t.Errorf("hash cost %d, %v; want %d (at least 10)", cost, err, PINCost)
	}
	if strings.Contains(ann.PINHash, "4321") {
		t.Error("the hash contains the PIN")
	}
	// Encoding a User never gives the hash away.
	b, _ := json.Marshal(ann)
	if strings.Contains(string(b), ann.PINHash) || strings.Contains(string(b), "pin") {
		t.Errorf("User JSON has the hash: %s", b)
	}
	// Nor does the file hold the PIN.
	_ = db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketUsers).ForEach(func(k, v []byte) error {
			if strings.Contains(string(v), "4321") || strings.Contains(string(v), "123456789012") {
				t.Errorf("stored user %s holds the PIN: %s", k, v)
			}
			return nil
		})
	})

	u, err := db.CheckPIN("ANN", "4321")
	if err != nil || u.ID != "ann" || u.Role != RoleManager {
		t.Errorf("CheckPIN(ANN, right) = %+v, %v", u, err)
	}
	if u, err := db.CheckPIN("bob2", "123456789012"); err != nil || u.Role != RoleClerk {
		t.Errorf("CheckPIN(bob2, right) = %+v, %v", u, err)
	}
	// Wrong PINs are tried on bob2, whose hash is quick to check; an
	// unknown ID costs a full-cost dummy comparison each.
	for _, c := range []struct{ id, pin string }{
		{"bob2", "123456789013"}, {"bob2", ""}, {"bob2", "1234567890120"}, {"bob2", "12345678901a"},
		{"bob2", strings.Repeat("9", 100)}, {"nobody", "4321"}, {"a b", "4321"},
	} {
		if u, err := db.CheckPIN(c.id, c.pin); !errors.Is(err, ErrBadPIN) || u.ID != "" {
			t.Errorf("CheckPIN(%q, %q) = %+v, %v; want ErrBadPIN and no user", c.id, c.pin, u, err)
		}
	}

	u, err = db.User("BOB2")
	if err != nil || u.ID != "bob2" {
		t.Errorf("User(BOB2) = %+v, %v", u, err)
	}
	if _, err := db.User("carol"); !errors.Is(err, ErrNotFound) {
		t.Errorf("User(carol) error %v, want ErrNotFound", err)
	}

	db = reopen(t, db)
	if u, err := db.CheckPIN("bob2", "123456789012"); err != nil || u.ID != "bob2" {
		t.Errorf("CheckPIN after reopen = %+v, %v", u, err)
	}
}

func TestAddUserRefuses(t *testing.T) {
	fastPINs(t)
	db := openTemp(t)
	if err := db.AddUser("clerk1", "C", RoleClerk, "1234", t0); err == nil || !strings.Contains(err.Error(), "first user must be a manager") {
		t.Errorf("first user a clerk: %v", err)
	}
	addUser(t, db, "boss", RoleManager, "1234")
	for _, c := range []struct {
		id, name string
		role     Role
		pin      string
		want     string
	}{
		{"", "N", RoleClerk, "1234", "1 to 16 letters or digits"},
		{"abcdefghijklmnopq", "N", RoleClerk, "1234", "1 to 16 letters or digits"},
		{"ann-1", "N", RoleClerk, "1234", "letters or digits"},
		{"anné", "N", RoleClerk, "1234", "letters or digits"},
		{"ann", " ", RoleClerk, "1234", "name"},
		{"ann", "two\nlines", RoleClerk, "1234", "name"},
		{"ann", "N", "owner", "1234", `role "owner"`},
		{"ann", "N", RoleClerk, "123", "4 to 12 digits"},
		{"ann", "N", RoleClerk, "1234567890123", "4 to 12 digits"},
		{"ann", "N", RoleClerk, "12a4", "4 to 12 digits"},
		{"ann", "N", RoleClerk, " 1234", "4 to 12 digits"},
		{"BOSS", "N", RoleClerk, "5678", "already taken"},
	} {
		err := db.AddUser(c.id, c.name, c.role, c.pin, t0)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("AddUser(%q, %q, %q, %q) = %v; want %q", c.id, c.name, c.role, c.pin, err, c.want)
		}
		if err != nil && len(c.pin) >= 4 && strings.Contains(err.Error(), c.pin) {
			t.Errorf("error %q shows the PIN", err)
		}
	}
	if err := db.AddUser("BOSS", "N", RoleClerk, "5678", t0); !errors.Is(err, ErrUserExists) {
		t.Errorf("duplicate error %v, want ErrUserExists", err)
	}
	if users, _ := db.Users(); len(users) != 1 {
		t.Errorf("refused users were added: %+v", users)
	}
}

func TestDisableUser(t *testing.T) {
	fastPINs(t)
	db := openTemp(t)
	addUser(t, db, "m1", RoleManager, "1111")
	addUser(t, db, "c1", RoleClerk, "2222")
	addUser(t, db, "m2", RoleManager, "3333")

	if err := db.DisableUser("nobody"); !errors.Is(err, ErrNotFound) {
		t.Errorf("DisableUser(nobody) = %v", err)
	}
	if err := db.DisableUser("C1"); err != nil {
		t.Fatal(err)
	}
	if err := db.DisableUser("c1"); err != nil {
		t.Errorf("disabling again: %v", err)
	}
	if u, err := db.CheckPIN("c1", "2222"); !errors.Is(err, ErrDisabled) || u.ID != "c1" {
		t.Errorf("CheckPIN of a disabled user, right PIN = %+v, %v; want ErrDisabled", u, err)
	}
	if _, err := db.CheckPIN("c1", "9999"); !errors.Is(err, ErrBadPIN) {
		t.Errorf("CheckPIN of a disabled user, wrong PIN = %v; want ErrBadPIN", err)
	}
	if err := db.DisableUser("m1"); err != nil {
		t.Fatal(err)
	}
	err := db.DisableUser("m2")
	if !errors.Is(err, ErrLastManager) || !strings.Contains(err.Error(), "last active manager cannot be disabled") {
		t.Errorf("disabling the last manager = %v", err)
	}
	if u, _ := db.User("m2"); u.Disabled {
		t.Error("the last manager was disabled")
	}
	// A disabled user keeps the ID.
	if err := db.AddUser("c1", "Again", RoleClerk, "2222", t0); !errors.Is(err, ErrUserExists) {
		t.Errorf("re-adding a disabled ID = %v", err)
	}
}

// CheckPIN takes about as long for an unknown ID as for a known one: the
// dummy hash is at the production cost, like real users' hashes.
func TestCheckPINTiming(t *testing.T) {
	if cost, err := bcrypt.Cost([]byte(dummyHash)); err != nil || cost != PINCost {
		t.Fatalf("dummy hash cost %d, %v; want PINCost %d", cost, err, PINCost)
	}
	if testing.Short() {
		t.Skip("bcrypt at full cost")
	}
	db := openTemp(t)
	if err := db.AddUser("ann", "Ann", RoleManager, "4321", t0); err != nil {
		t.Fatal(err)
	}
	measure := func(id string) time.Duration {
		best := time.Duration(1 << 62)
		for range 2 {
			start := time.Now()
			if _, err := db.CheckPIN(id, "0000"); !errors.Is(err, ErrBadPIN) {
				t.Fatal(err)
			}
			best = min(best, time.Since(start))
		}
		return best
	}
	known, unknown := measure("ann"), measure("nobody")
	if unknown < known/2 || unknown > known*2 {
		t.Errorf("wrong PIN for a known ID takes %v, for an unknown ID %v", known, unknown)
	}
}
