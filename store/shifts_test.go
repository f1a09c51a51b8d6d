package store

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"till/store/report"
)

// A store.Shift converts to the report's, field for field.
var (
	_ = report.Shift(Shift{})
	_ = report.Approval(Approval{})
)

func TestShiftsOpenClose(t *testing.T) {
	fastPINs(t)
	db := openTemp(t)
	if _, err := db.OpenShift("ann", 1000, t0); err == nil || !strings.Contains(err.Error(), "no user ann") {
		t.Errorf("OpenShift by nobody = %v", err)
	}
	addUser(t, db, "boss", RoleManager, "1111")
	addUser(t, db, "ann", RoleClerk, "2222")
	addUser(t, db, "gone", RoleClerk, "3333")
	if err := db.DisableUser("gone"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.OpenShift("gone", 1000, t0); !errors.Is(err, ErrDisabled) {
		t.Errorf("OpenShift by a disabled user = %v", err)
	}
	if _, err := db.OpenShift("ann", -1, t0); err == nil {
		t.Error("negative float accepted")
	}
	if cur, err := db.CurrentShift(); err != nil || cur != nil {
		t.Fatalf("CurrentShift with none open = %v, %v", cur, err)
	}
	if _, err := db.CloseShift("boss", 0, t0); !errors.Is(err, ErrNoShift) {
		t.Errorf("CloseShift with none open = %v", err)
	}

	s1, err := db.OpenShift("ANN", 200000, t0)
	if err != nil {
		t.Fatal(err)
	}
	if s1.ID == "" || s1.Number != 0 || s1.OpenedBy != "ann" || !s1.Opened.Equal(t0) || !s1.Since.Equal(t0) || s1.Float != 200000 || !s1.IsOpen() {
		t.Errorf("opened %+v", s1)
	}
	if _, err := db.OpenShift("boss", 0, t0); !errors.Is(err, ErrShiftOpen) {
		t.Errorf("second OpenShift = %v", err)
	}
	cur, err := db.CurrentShift()
	if err != nil || cur == nil || !reflect.DeepEqual(*cur, s1) {
		t.Fatalf("CurrentShift = %+v, %v; want %+v", cur, err, s1)
	}

	if _, err := db.CloseShift("boss", -5, t0); err == nil {
		t.Error("negative count accepted")
	}
	if _, err := db.CloseShift("nobody", 5, t0); err == nil {
		t.Error("closed by nobody")
	}
	// A failed close gives no number away.
	end := t0.Add(8 * time.Hour)
	z1, err := db.CloseShift("boss", 199500, end)
	if err != nil {
		t.Fatal(err)
	}
	want := s1
	want.Number, want.ClosedBy, want.Closed, want.Counted = 1, "boss", end, 199500
	if !reflect.DeepEqual(z1, want) || z1.IsOpen() {
		t.Errorf("closed %+v\nwant %+v", z1, want)
	}
	if cur, err := db.CurrentShift(); err != nil || cur != nil {
		t.Errorf("CurrentShift after the close = %v, %v", cur, err)
	}
	if _, err := db.CloseShift("boss", 0, end); !errors.Is(err, ErrNoShift) {
		t.Errorf("closing twice = %v", err)
	}

	// The next shift's reports start where the last one's ended.
	s2, err := db.OpenShift("boss", 100000, end.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !s2.Since.Equal(end) || !s2.Opened.Equal(end.Add(2*time.Hour)) || s2.ID == s1.ID {
		t.Errorf("second shift %+v; want since %v", s2, end)
	}
	db = reopen(t, db)
	z2, err := db.CloseShift("ann", 100000, end.Add(10*time.Hour))
	if err != nil || z2.Number != 2 || z2.ID != s2.ID {
		t.Fatalf("second close = %+v, %v", z2, err)
	}
	if _, err := db.OpenShift("ann", 0, end.Add(11*time.Hour)); err != nil {
		t.Fatal(err)
	}

	for n, want := range map[uint64]Shift{1: z1, 2: z2} {
		got, err := db.ShiftByNumber(n)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ShiftByNumber(%d) = %+v, %v; want %+v", n, got, err, want)
		}
	}
	if _, err := db.ShiftByNumber(3); !errors.Is(err, ErrNotFound) {
		t.Errorf("ShiftByNumber(3) = %v, want ErrNotFound (the third is open)", err)
	}
	all, err := db.Shifts()
	if err != nil || len(all) != 3 || all[0].Number != 1 || all[1].Number != 2 || all[2].Number != 0 {
		t.Errorf("Shifts = %+v, %v", all, err)
	}
}

// The v4 buckets are created on opening a v3 database, whose data stays.
func TestMigratesV3(t *testing.T) {
	db := openTemp(t)
	if _, err := db.SaveOpenSale(genSale("s1", 2)); err != nil {
		t.Fatal(err)
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketUsers, bucketApprovals, bucketShifts, bucketShiftNumbers} {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(keySchema, encodeUint(3))
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.HasUsers(); err == nil {
		t.Fatal("the users bucket is still there")
	}
	db = reopen(t, db)
	_ = db.bolt.View(func(tx *bolt.Tx) error {
		if v, _ := decodeUint(tx.Bucket(bucketMeta).Get(keySchema)); v != 4 {
			t.Errorf("schema v%d, want 4", v)
		}
		return nil
	})
	if has, err := db.HasUsers(); err != nil || has {
		t.Errorf("HasUsers after the upgrade = %v, %v", has, err)
	}
	if cur, err := db.CurrentShift(); err != nil || cur != nil {
		t.Errorf("CurrentShift after the upgrade = %v, %v", cur, err)
	}
	if s, err := db.OpenSale(); err != nil || s == nil || s.ID != "s1" {
		t.Errorf("open sale after the upgrade = %v, %v", s, err)
	}
}
