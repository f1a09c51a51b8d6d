package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"till/store"
	"till/store/report"
	"till/store/sale"
)

// shiftWithSales makes a till with a manager (boss, PIN 1357), a shift
// opened two hours ago by boss with a float of 1,000.00, and two sales in
// it: 35.00 in cash (50.00 handed over, 15.00 change), and 100.00 by LINE
// Pay of which 20.00 was refunded.
func shiftWithSales(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "till.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now()
	if err := db.AddUser("boss", "Boss", store.RoleManager, "1357", now); err != nil {
		t.Fatal(err)
	}
	if _, err := db.OpenShift("boss", 100000, now.Add(-2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	tax := sale.TaxRules{Mode: sale.TaxInclusive, Rates: map[string]int64{"standard": 500, "zero": 0}}
	complete := func(s *sale.Sale, at time.Time) {
		if err := s.Settle(tax); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CompleteSale(s, at); err != nil {
			t.Fatal(err)
		}
	}
	s1 := sale.New("r1", "TWD", now.Add(-90*time.Minute))
	s1.Lines = []sale.Line{{ID: 1, SKU: "TEA-500", Name: "Tea", TaxClass: "standard", UnitPrice: 3500, Qty: 1}}
	s1.Tenders = []sale.Tender{{Method: sale.MethodCash, Amount: 3500, Tendered: 5000, Change: 1500, Status: sale.TenderApproved}}
	complete(s1, now.Add(-89*time.Minute))
	s2 := sale.New("r2", "TWD", now.Add(-60*time.Minute))
	s2.Lines = []sale.Line{{ID: 1, SKU: "BUN", Name: "Bun", TaxClass: "standard", UnitPrice: 10000, Qty: 1}}
	s2.Tenders = []sale.Tender{{Method: "LINE Pay", Provider: "cancan", Wallet: "linepay", Key: "k2", Amount: 10000, Status: sale.TenderApproved}}
	complete(s2, now.Add(-59*time.Minute))
	if _, err := db.UpdateSale(2, func(s *sale.Sale) error {
		s.Adjustments = append(s.Adjustments, sale.Adjustment{Kind: sale.AdjustRefund, TenderKey: "k2", Key: "a1",
			Amount: 2000, Status: sale.TenderApproved, At: now.Add(-30 * time.Minute)})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordApproval(store.Approval{By: "boss", Action: store.ActionRefund, At: now.Add(-30 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	return path
}

func reportJSON(t *testing.T, args ...string) report.Report {
	t.Helper()
	code, stdout, stderr := runTill(t, args...)
	if code != 0 {
		t.Fatalf("till %q exited %d: %s", args, code, stderr)
	}
	var r report.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("till %q: %v\n%s", args, err, stdout)
	}
	return r
}

func TestReportXAndZ(t *testing.T) {
	isolate(t)
	db := shiftWithSales(t)
	flags := []string{"--config", testConfig, "--db", db}

	code, stdout, stderr := runTill(t, append([]string{"report", "x"}, flags...)...)
	if code != 0 {
		t.Fatalf("report x exited %d: %s", code, stderr)
	}
	for _, want := range []string{
		"                 X REPORT",
		"Test Shop 測試店",
		"Shift                                 open",
		"Sales                                    2",
		"Gross sales                         135.00",
		"Cash (1)                             35.00",
		"LINE Pay (1)                        100.00",
		"Refunds (1)                          20.00",
		"Net takings                         115.00",
		"Expected in drawer                1,035.00",
		"  refund                                 1",
	} {
		if !strings.Contains(stdout, want+"\n") {
			t.Errorf("report x lacks %q:\n%s", want, stdout)
		}
	}
	fitsReport(t, stdout)
	x := reportJSON(t, append([]string{"report", "x", "--json"}, flags...)...)
	if x.Kind != report.KindX || x.Sales != 2 || x.Gross != 13500 || x.Cash.Expected != 103500 || x.Cash.Counted != nil ||
		x.Shift == nil || x.Shift.OpenedBy != "boss" || x.Currency != "TWD" {
		t.Errorf("report x --json = %+v", x)
	}

	code, stdout, stderr = runTill(t, append([]string{"report", "z", "--counted", "1030", "--by", "BOSS"}, flags...)...)
	if code != 0 {
		t.Fatalf("report z exited %d: %s", code, stderr)
	}
	for _, want := range []string{
		"             Z REPORT 000001",
		"Counted                           1,030.00",
		"Difference (short)                   -5.00",
	} {
		if !strings.Contains(stdout, want+"\n") {
			t.Errorf("report z lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "REPRINT") || strings.Contains(stdout, "Printed") {
		t.Errorf("a first Z report is marked as a reprint:\n%s", stdout)
	}

	z := reportJSON(t, append([]string{"report", "z", "--number", "1", "--json"}, flags...)...)
	if z.Kind != report.KindZ || z.Number != 1 || !z.Reprint || z.Sales != 2 || z.Cash.Counted == nil || *z.Cash.Counted != 103000 ||
		*z.Cash.Difference != -500 || z.Shift.ClosedBy != "boss" || z.Refunds.Amount != 2000 {
		t.Errorf("report z --number 1 --json = %+v", z)
	}
	code, stdout, _ = runTill(t, append([]string{"report", "z", "--number", "1"}, flags...)...)
	if code != 0 || !strings.Contains(stdout, "Z REPORT 000001\n                 REPRINT\n") {
		t.Errorf("reprint: exit %d\n%s", code, stdout)
	}

	// With no shift open, an X report reads today so far.
	code, stdout, _ = runTill(t, append([]string{"report", "x"}, flags...)...)
	if code != 0 || !strings.Contains(stdout, "Shift                            none open\n") {
		t.Errorf("report x with no shift: exit %d\n%s", code, stdout)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "z", "--counted", "5", "--by", "boss"}, "no shift is open: there is nothing to close"},
		{[]string{"report", "z", "--number", "2"}, "there is no Z report 2: they run from 1 to 1"},
		{[]string{"report", "z"}, "till report z --counted AMOUNT --by ID"},
		{[]string{"report", "z", "--counted", "5"}, "usage:"},
		{[]string{"report", "z", "--number", "1", "--counted", "5", "--by", "boss"}, "usage:"},
		{[]string{"report", "y"}, "usage:"},
		{[]string{"report"}, "usage:"},
		{[]string{"report", "z", "--counted", "5.001", "--by", "boss"}, "--counted: not an amount"},
	} {
		code, stdout, stderr := runTill(t, append(c.args, flags...)...)
		if code != 1 || !strings.Contains(stderr, c.want) || stdout != "" {
			t.Errorf("till %q: exit %d, stdout %q, stderr %q; want 1 and %q", c.args, code, stdout, stderr, c.want)
		}
	}
	if code, _, _ := runTill(t, append([]string{"report", "x", "--counted", "5"}, flags...)...); code != 2 {
		t.Errorf("report x --counted: exit %d, want 2", code)
	}
}

func TestReportZNeedsAUser(t *testing.T) {
	isolate(t)
	db := shiftWithSales(t)
	code, _, stderr := runTill(t, "report", "z", "--counted", "1000", "--by", "nobody", "--config", testConfig, "--db", db)
	if code != 1 || !strings.Contains(stderr, "no user nobody") {
		t.Errorf("z by nobody: exit %d, %q", code, stderr)
	}
	// Nothing was closed.
	code, _, stderr = runTill(t, "report", "z", "--number", "1", "--config", testConfig, "--db", db)
	if code != 1 || !strings.Contains(stderr, "no shift has been closed yet") {
		t.Errorf("after a refused close: exit %d, %q", code, stderr)
	}
}

// A return paid in cash comes out of the drawer, and the report is
// printed in the configured language.
func TestReportReturnsInZhTW(t *testing.T) {
	isolate(t)
	path := shiftWithSales(t)
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	// The tea (35.00 in cash), rung up by boss, comes back to boss in cash.
	if _, err := db.UpdateSale(1, func(s *sale.Sale) error {
		s.Clerk = "boss"
		_, _, err := s.AddReturn([]sale.ReturnLine{{LineID: 1, Qty: 1}}, []sale.RefundPart{{Method: sale.MethodCash, Amount: 3500}},
			func() string { return "ret1" }, "boss", time.Now().Add(-10*time.Minute))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	flags := []string{"--config", testConfig, "--db", path}
	x := reportJSON(t, append([]string{"report", "x", "--json"}, flags...)...)
	wantClerks := []report.ClerkTally{{Clerk: "boss", Sales: report.Tally{Count: 1, Amount: 3500}, Returns: report.Tally{Count: 1, Amount: 3500}}}
	if x.Returns != (report.Tally{Count: 1, Amount: 3500}) || x.Refunds.Amount != 2000+3500 || x.Cash.Out != 3500 ||
		x.Cash.Expected != 100000 || x.Net != 13500-5500 || !reflect.DeepEqual(x.Clerks, wantClerks) {
		t.Errorf("report x --json: returns %+v refunds %+v cash %+v net %d clerks %+v", x.Returns, x.Refunds, x.Cash, x.Net, x.Clerks)
	}

	base, err := os.ReadFile(testConfig)
	if err != nil {
		t.Fatal(err)
	}
	zh := filepath.Join(t.TempDir(), "zh.toml")
	if err := os.WriteFile(zh, bytes.Replace(base, []byte("[store]\n"), []byte("[store]\nlanguage = \"zh-TW\"\n"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runTill(t, "report", "x", "--config", zh, "--db", path)
	if code != 0 {
		t.Fatalf("report x in zh-TW exited %d: %s", code, stderr)
	}
	for _, want := range []string{
		"                  X 報表",
		"退貨 (1)                             35.00",
		"  現金 (1)                           35.00",
		"應有現金                          1,000.00",
		"收銀員",
		"boss",
	} {
		if !strings.Contains(stdout, want+"\n") {
			t.Errorf("report x in zh-TW lacks %q:\n%s", want, stdout)
		}
	}
	fitsReport(t, stdout)
}

// fitsReport checks every line of a printed report fits the paper.
func fitsReport(t *testing.T, stdout string) {
	t.Helper()
	for _, l := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		if w := ansi.StringWidth(l); w > report.Width {
			t.Errorf("line %q is %d columns wide", l, w)
		}
	}
}
