package store

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestApprovals(t *testing.T) {
	fastPINs(t)
	db := openTemp(t)
	if _, err := db.RecordApproval(Approval{By: "boss", Action: ActionNoSale}); err == nil {
		t.Error("approval by nobody recorded")
	}
	addUser(t, db, "boss", RoleManager, "1111")
	addUser(t, db, "ann", RoleClerk, "2222")
	addUser(t, db, "old", RoleManager, "3333")
	if err := db.DisableUser("old"); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		a    Approval
		want string
	}{
		{Approval{By: "ann", Action: ActionNoSale, At: t0}, "ann is a clerk, not a manager"},
		{Approval{By: "old", Action: ActionNoSale, At: t0}, "disabled"},
		{Approval{By: "boss", For: "nobody", Action: ActionNoSale, At: t0}, "no user nobody"},
		{Approval{By: "boss", Action: "", At: t0}, "not a lower-case word"},
		{Approval{By: "boss", Action: "No Sale", At: t0}, "not a lower-case word"},
		{Approval{By: "boss", Action: ActionRefund, Detail: strings.Repeat("x", 201), At: t0}, "at most 200"},
	} {
		if _, err := db.RecordApproval(c.a); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("RecordApproval(%+v) = %v; want %q", c.a, err, c.want)
		}
	}

	a1, err := db.RecordApproval(Approval{By: "BOSS", For: "Ann", Action: ActionVoidSale, Detail: "receipt 000042", At: t0})
	if err != nil {
		t.Fatal(err)
	}
	want := Approval{Seq: 1, At: t0, By: "boss", For: "ann", Action: ActionVoidSale, Detail: "receipt 000042"}
	if !reflect.DeepEqual(a1, want) {
		t.Errorf("recorded %+v, want %+v", a1, want)
	}
	before := time.Now()
	a2, err := db.RecordApproval(Approval{By: "boss", Action: ActionNoSale})
	if err != nil {
		t.Fatal(err)
	}
	if a2.Seq != 2 || a2.At.Before(before) {
		t.Errorf("second approval %+v: want seq 2 stamped now", a2)
	}
	db = reopen(t, db)
	a3, err := db.RecordApproval(Approval{By: "boss", Action: "leave-kiosk", At: t0.Add(time.Hour)})
	if err != nil || a3.Seq != 3 {
		t.Fatalf("third approval %+v, %v", a3, err)
	}

	all, err := db.Approvals(time.Time{}, time.Time{})
	if err != nil || len(all) != 3 || all[0].Seq != 1 || all[1].Seq != 2 || all[2].Seq != 3 {
		t.Fatalf("Approvals(all) = %+v, %v", all, err)
	}
	got, err := db.Approvals(t0, t0.Add(time.Hour))
	if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Errorf("Approvals[t0, t0+1h) = %+v, %v; want the first only", got, err)
	}
	got, err = db.Approvals(t0.Add(time.Minute), time.Time{})
	if err != nil || len(got) != 2 || got[0].Seq != 2 || got[1].Seq != 3 {
		t.Errorf("Approvals[t0+1m, ...) = %+v, %v", got, err)
	}
}
