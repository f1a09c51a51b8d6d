package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/crypto/bcrypt"
)

// Role is what a user may do at the till.
type Role string

// Roles. A manager approves what a clerk may not do alone (voids,
// refunds, price overrides, opening the drawer without a sale...).
const (
	RoleClerk   Role = "clerk"
	RoleManager Role = "manager"
)

// User is a clerk or manager who logs in at the till with a PIN.
type User struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role Role   `json:"role"`
	// PINHash is the bcrypt hash of the PIN. It is never written out as
	// JSON from here (the store keeps it in its own record), so encoding
	// a User for output cannot leak it.
	PINHash  string    `json:"-"`
	Disabled bool      `json:"disabled,omitempty"`
	Created  time.Time `json:"created"`
}

// userRecord is a User as stored, hash included.
type userRecord struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Role     Role      `json:"role"`
	PINHash  string    `json:"pin_hash"`
	Disabled bool      `json:"disabled,omitempty"`
	Created  time.Time `json:"created"`
}

func (r userRecord) user() User {
	return User{ID: r.ID, Name: r.Name, Role: r.Role, PINHash: r.PINHash, Disabled: r.Disabled, Created: r.Created}
}

// Limits on users.
const (
	MaxUserID   = 16
	MinPIN      = 4
	MaxPIN      = 12
	MaxUserName = 64 // characters
	// PINCost is the bcrypt cost of PIN hashes: slow on purpose (about a
	// tenth of a second on a desktop), so a copied database file does not
	// give its PINs away at once, yet quick enough for every login and
	// approval at the till.
	PINCost = 11
)

// pinCost is PINCost, lowered by tests only.
var pinCost = PINCost

// dummyHash is a bcrypt hash (of a random PIN nobody knows) at PINCost:
// CheckPIN compares against it for an unknown ID so that the answer takes
// as long as for a known one.
const dummyHash = "$2a$11$b8lz5X9nBBArijsYweLFU.Gyi0VcTERsUZOeV95YAQtSVrBhVvA/."

// Errors from users and PINs.
var (
	// ErrBadPIN is the one answer for an unknown user and for a wrong PIN,
	// so that a guess does not tell which IDs exist.
	ErrBadPIN = errors.New("unknown user or wrong PIN")
	// ErrDisabled is a user who gave the right PIN but may no longer log in.
	ErrDisabled = errors.New("user is disabled")
	// ErrUserExists is an ID already taken (disabled users keep theirs).
	ErrUserExists = errors.New("user ID is already taken")
	// ErrLastManager refuses to disable the only active manager.
	ErrLastManager = errors.New("the last active manager cannot be disabled: add another manager first")
	// ErrNoUser is an action that names nobody to act.
	ErrNoUser = errors.New("no user given")
)

// CheckUserID reports whether id is a valid user ID: 1 to 16 ASCII
// letters or digits. IDs are case-insensitive and stored in lower case.
func CheckUserID(id string) error {
	if id == "" || len(id) > MaxUserID {
		return fmt.Errorf("a user ID is 1 to %d letters or digits", MaxUserID)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return fmt.Errorf("a user ID is 1 to %d letters or digits (a-z, 0-9), without spaces or signs", MaxUserID)
		}
	}
	return nil
}

// CheckPINFormat reports whether pin is 4 to 12 digits. The error never
// contains the PIN.
func CheckPINFormat(pin string) error {
	if len(pin) < MinPIN || len(pin) > MaxPIN || strings.Trim(pin, "0123456789") != "" {
		return fmt.Errorf("a PIN is %d to %d digits", MinPIN, MaxPIN)
	}
	return nil
}

func checkRole(r Role) error {
	if r != RoleClerk && r != RoleManager {
		return fmt.Errorf("role %q is neither %q nor %q", r, RoleClerk, RoleManager)
	}
	return nil
}

func userKey(id string) []byte { return []byte(strings.ToLower(id)) }

// AddUser adds a user with a new ID. The PIN is kept only as a bcrypt
// hash. The first user of a till must be a manager, so that once login is
// in force somebody can always approve. The hashing is done before the
// database is locked.
func (db *DB) AddUser(id, name string, role Role, pin string, now time.Time) error {
	if err := CheckUserID(id); err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > MaxUserName || !utf8.ValidString(name) || strings.ContainsFunc(name, isControl) {
		return fmt.Errorf("a user's name is 1 to %d characters, on one line", MaxUserName)
	}
	if err := checkRole(role); err != nil {
		return err
	}
	if err := CheckPINFormat(pin); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pin), pinCost)
	if err != nil {
		return fmt.Errorf("hashing the PIN: %w", err)
	}
	rec := userRecord{ID: strings.ToLower(id), Name: name, Role: role, PINHash: string(hash), Created: now}
	v, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encoding: %w", err)
	}
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		ub, err := bucket(tx, bucketUsers)
		if err != nil {
			return err
		}
		if ub.Get(userKey(id)) != nil {
			return ErrUserExists
		}
		if k, _ := ub.Cursor().First(); k == nil && role != RoleManager {
			return errors.New("the first user must be a manager, so that somebody can approve once login is in force")
		}
		return ub.Put(userKey(id), v)
	})
	if err != nil {
		return fmt.Errorf("adding user %s: %w", strings.ToLower(id), err)
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 }

// Users returns every user, disabled ones too, by ID.
func (db *DB) Users() ([]User, error) {
	var out []User
	err := db.bolt.View(func(tx *bolt.Tx) error {
		ub, err := bucket(tx, bucketUsers)
		if err != nil {
			return err
		}
		return ub.ForEach(func(k, v []byte) error {
			var r userRecord
			if err := decode(bucketUsers, k, v, &r); err != nil {
				return err
			}
			out = append(out, r.user())
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("reading users: %w", err)
	}
	return out, nil
}

// HasUsers reports whether any user was ever added: then login is in
// force. A till without users runs as it always did, without login.
func (db *DB) HasUsers() (bool, error) {
	var has bool
	err := db.bolt.View(func(tx *bolt.Tx) error {
		ub, err := bucket(tx, bucketUsers)
		if err != nil {
			return err
		}
		k, _ := ub.Cursor().First()
		has = k != nil
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("reading users: %w", err)
	}
	return has, nil
}

// User returns the user with id, or an error wrapping ErrNotFound.
func (db *DB) User(id string) (User, error) {
	var u User
	err := db.bolt.View(func(tx *bolt.Tx) (err error) {
		u, err = userIn(tx, id)
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("reading user %s: %w", strings.ToLower(id), err)
	}
	return u, nil
}

func userIn(tx *bolt.Tx, id string) (User, error) {
	ub, err := bucket(tx, bucketUsers)
	if err != nil {
		return User{}, err
	}
	k := userKey(id)
	raw := ub.Get(k)
	if raw == nil {
		return User{}, ErrNotFound
	}
	var r userRecord
	if err := decode(bucketUsers, k, raw, &r); err != nil {
		return User{}, err
	}
	return r.user(), nil
}

// activeUser checks, inside tx, that id names a user who may act now,
// and, when role is set, has it.
func activeUser(tx *bolt.Tx, id string, role Role) (User, error) {
	if id == "" {
		return User{}, ErrNoUser
	}
	u, err := userIn(tx, id)
	if errors.Is(err, ErrNotFound) {
		return User{}, fmt.Errorf("no user %s", strings.ToLower(id))
	}
	if err != nil {
		return User{}, err
	}
	if u.Disabled {
		return User{}, fmt.Errorf("user %s: %w", u.ID, ErrDisabled)
	}
	if role != "" && u.Role != role {
		return User{}, fmt.Errorf("user %s is a %s, not a %s", u.ID, u.Role, role)
	}
	return u, nil
}

// DisableUser stops a user from logging in. The user stays, with their
// ID, so that history naming them still reads; the ID is never given
// again. Disabling a disabled user does nothing. The last active manager
// cannot be disabled (ErrLastManager).
func (db *DB) DisableUser(id string) error {
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		ub, err := bucket(tx, bucketUsers)
		if err != nil {
			return err
		}
		k := userKey(id)
		raw := ub.Get(k)
		if raw == nil {
			return ErrNotFound
		}
		var r userRecord
		if err := decode(bucketUsers, k, raw, &r); err != nil {
			return err
		}
		if r.Disabled {
			return nil
		}
		if r.Role == RoleManager {
			others := 0
			err := ub.ForEach(func(ok, ov []byte) error {
				if string(ok) == string(k) {
					return nil
				}
				var o userRecord
				if err := decode(bucketUsers, ok, ov, &o); err != nil {
					return err
				}
				if o.Role == RoleManager && !o.Disabled {
					others++
				}
				return nil
			})
			if err != nil {
				return err
			}
			if others == 0 {
				return ErrLastManager
			}
		}
		r.Disabled = true
		v, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("encoding: %w", err)
		}
		return ub.Put(k, v)
	})
	if err != nil {
		return fmt.Errorf("disabling user %s: %w", strings.ToLower(id), err)
	}
	return nil
}

// CheckPIN returns the user whose ID and PIN these are. An unknown ID, a
// malformed PIN and a wrong PIN all give ErrBadPIN, after the same bcrypt
// work (an unknown ID is compared against a dummy hash), so neither the
// answer nor its timing tells whether the ID exists. A disabled user with
// the right PIN gets ErrDisabled (with the user); with a wrong one,
// ErrBadPIN like anyone. The comparison is bcrypt's, in constant time.
func (db *DB) CheckPIN(id, pin string) (User, error) {
	var u User
	found := false
	if CheckUserID(id) == nil {
		err := db.bolt.View(func(tx *bolt.Tx) (err error) {
			u, err = userIn(tx, id)
			return err
		})
		switch {
		case err == nil:
			found = true
		case !errors.Is(err, ErrNotFound):
			return User{}, fmt.Errorf("checking the PIN of %s: %w", strings.ToLower(id), err)
		}
	}
	hash := dummyHash
	if found {
		hash = u.PINHash
	}
	// Compared even when the PIN is malformed, so that takes as long too.
	match := bcrypt.CompareHashAndPassword([]byte(hash), []byte(pin)) == nil
	if !found || !match || CheckPINFormat(pin) != nil {
		return User{}, ErrBadPIN
	}
	if u.Disabled {
		return u, ErrDisabled
	}
	return u, nil
}
