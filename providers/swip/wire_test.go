package swip

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"till/providers/swip/swipsim"
	"till/store/money"
)

var (
	twd = money.Currency{Code: "TWD", Exponent: 2}
	jpy = money.Currency{Code: "JPY", Exponent: 0}
	kwd = money.Currency{Code: "KWD", Exponent: 3}
)

type minorCase struct {
	c    money.Currency
	in   string
	want money.Amount
	err  bool
}

func ok(c money.Currency, in string, want money.Amount) minorCase {
	return minorCase{c, in, want, false}
}
func bad(c money.Currency, in string) minorCase { return minorCase{c: c, in: in, err: true} }

func TestToMinor(t *testing.T) {
	for _, tc := range []minorCase{
		ok(twd, "50.0", 5000),
		ok(twd, "50", 5000),
		ok(twd, "50.00", 5000),
		ok(twd, "50.000000", 5000),
		ok(twd, "0.1", 10),
		ok(twd, "0.01", 1),
		ok(twd, "19.8", 1980),
		ok(twd, "123.45", 12345),
		ok(twd, "1e2", 10000),
		ok(twd, "1E2", 10000),
		ok(twd, "1.0E7", 1000000000),
		ok(twd, "1.2345678E7", 1234567800),
		ok(twd, "1.23456789E7", 1234567890),
		ok(twd, "1234e-2", 1234),
		bad(twd, "1234e-4"),
		ok(twd, "0", 0),
		ok(twd, "0.0", 0),
		ok(twd, "-0.0", 0),
		ok(twd, "0e99999", 0),
		ok(twd, "5e-1", 50),
		ok(twd, "5E+1", 5000),
		ok(twd, "999999999999.99", 99999999999999),
		bad(twd, "12.345"),
		bad(twd, "0.001"),
		bad(twd, "1234e-5"),
		bad(twd, "0.30000000000000004"),
		bad(twd, "-1"),
		bad(twd, "-0.01"),
		bad(twd, "1e99999"),
		bad(twd, "1e15"),
		bad(twd, "99999999999999.99"),
		bad(twd, ""),
		bad(twd, "."),
		bad(twd, ".5"),
		bad(twd, "5."),
		bad(twd, "05"),
		bad(twd, "+5"),
		bad(twd, "5e"),
		bad(twd, "5e+"),
		bad(twd, "0x10"),
		bad(twd, "1,5"),
		bad(twd, " 5"),
		bad(twd, "NaN"),
		bad(twd, "Infinity"),
		bad(twd, `"5"`),
		ok(jpy, "120", 120),
		ok(jpy, "120.0", 120),
		ok(jpy, "1.0E7", 10000000),
		ok(jpy, "50e1", 500),
		bad(jpy, "120.5"),
		bad(jpy, "0.1"),
		ok(kwd, "0.125", 125),
		ok(kwd, "12.345", 12345),
		bad(kwd, "0.0001"),
	} {
		got, err := toMinor(tc.in, tc.c)
		if (err != nil) != tc.err || (err == nil && got != tc.want) {
			t.Errorf("%s %q: %d, %v", tc.c.Code, tc.in, got, err)
		}
		if err != nil && !errors.Is(err, ErrAmount) {
			t.Errorf("%q: %v is not ErrAmount", tc.in, err)
		}
	}
	if _, err := toMinor("12.345", twd); err == nil || !strings.Contains(err.Error(), "more than 2 decimals for TWD") {
		t.Errorf("message: %v", err)
	}
}

func TestFromMinorAndBack(t *testing.T) {
	for _, tc := range []struct {
		c    money.Currency
		a    money.Amount
		want string
	}{
		{twd, 5000, "50.00"}, {twd, 10, "0.10"}, {twd, 1, "0.01"}, {twd, 0, "0.00"}, {twd, 123456789, "1234567.89"},
		{jpy, 120, "120"}, {jpy, 0, "0"}, {kwd, 125, "0.125"},
	} {
		got := fromMinor(tc.a, tc.c)
		if string(got) != tc.want {
			t.Errorf("%s %d: %s", tc.c.Code, tc.a, got)
		}
		back, err := toMinor(string(got), tc.c)
		if err != nil || back != tc.a {
			t.Errorf("%s %s back: %d %v", tc.c.Code, got, back, err)
		}
		// And as the simulator's Java server writes it.
		java := swipsim.JavaNumber(tc.a, tc.c.Exponent)
		if back, err := toMinor(java, tc.c); err != nil || back != tc.a {
			t.Errorf("%s %s: %d %v", tc.c.Code, java, back, err)
		}
	}
	for a, want := range map[money.Amount]string{5000: "50.0", 1980: "19.8", 5: "0.05", 0: "0.0", 1000000000: "1.0E7", 1234567890: "1.23456789E7", 999999999: "9999999.99"} {
		if got := swipsim.JavaNumber(a, 2); got != want {
			t.Errorf("JavaNumber(%d) = %s, want %s", a, got, want)
		}
	}
	if q := quantityNumber(500, true); q != "0.500" {
		t.Errorf("500 g: %s", q)
	}
	if q := quantityNumber(1250, true); q != "1.250" {
		t.Errorf("1250 g: %s", q)
	}
	if q := quantityNumber(3, false); q != "3" {
		t.Errorf("3: %s", q)
	}
}

func testClient(t *testing.T) *Client {
	t.Helper()
	c, err := New(Config{Token: testToken, MerchantID: testMerchant, StoreID: testStore, CashID: testCash, Currency: "TWD"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDecodeOrder(t *testing.T) {
	c := testClient(t)
	const id = goldenOrder
	doc := func(members string) string {
		return `{"id":"` + id + `","orderStatus":"OPEN","total":50.0,"totalOriginal":50.0` + members + `}`
	}
	for _, tc := range []struct {
		name string
		body string
		want money.Amount
		ok   bool
	}{
		{"minimal", doc(``), 0, true},
		{"document's members", doc(`,"paid":0.0,"unconfirmed":0.0,"refunded":0,"closeAmount":0.0,"customerId":null,"cash":true,"merchantCommission":0,"apiVersion":3,"purchases":[{"quantity":0,"unit":"string"}]`), 0, true},
		{"unknown members ignored", doc(`,"swipDiscount":"x","newThing":{"a":[1]}`), 0, true},
		{"expected total", doc(``), 5000, true},
		{"upper-case id", strings.Replace(doc(``), id, strings.ToUpper(id), 1), 0, true},
		{"merchantOrderId", doc(`,"merchantOrderId":"` + id + `"`), 0, true},
		{"other merchantOrderId", doc(`,"merchantOrderId":"x"`), 0, false},
		{"other total", doc(``), 4999, false},
		{"total above original", `{"id":"` + id + `","orderStatus":"OPEN","total":51.0,"totalOriginal":50.0}`, 0, false},
		{"no total", `{"id":"` + id + `","orderStatus":"OPEN","totalOriginal":50.0}`, 0, false},
		{"null total", `{"id":"` + id + `","orderStatus":"OPEN","total":null,"totalOriginal":50.0}`, 0, false},
		{"string total", `{"id":"` + id + `","orderStatus":"OPEN","total":"50.0","totalOriginal":50.0}`, 0, false},
		{"no status", `{"id":"` + id + `","total":50.0,"totalOriginal":50.0}`, 0, false},
		{"numeric status", `{"id":"` + id + `","orderStatus":1,"total":50.0,"totalOriginal":50.0}`, 0, false},
		{"odd status", `{"id":"` + id + `","orderStatus":"PAID","total":50.0,"totalOriginal":50.0}`, 0, false},
		{"paid 3 decimals", doc(`,"paid":49.999`), 0, false},
		{"paid negative", doc(`,"paid":-1`), 0, false},
		{"paid bool", doc(`,"paid":true`), 0, false},
		{"cash string", doc(`,"cash":"true"`), 0, false},
		{"error number", doc(`,"error":5`), 0, false},
		{"no id", `{"orderStatus":"OPEN","total":50.0,"totalOriginal":50.0}`, 0, false},
		{"other id", strings.Replace(doc(``), id, "ee96aaf7-9ec7-4baf-bf88-c0f77db672e0", 1), 0, false},
		{"array", `[]`, 0, false},
		{"null", `null`, 0, false},
		{"two objects", doc(``) + doc(``), 0, false},
		{"comment", doc(``) + ` // order`, 0, false},
		{"empty", ``, 0, false},
	} {
		o, err := c.decodeOrder([]byte(tc.body), id, tc.want)
		if (err == nil) != tc.ok {
			t.Errorf("%s: %v", tc.name, err)
		}
		if err != nil && !errors.Is(err, ErrUnreadable) {
			t.Errorf("%s: %v is not ErrUnreadable", tc.name, err)
		}
		if err == nil && (o.ID != id || o.Total != 5000 || o.Status != Open) {
			t.Errorf("%s: %+v", tc.name, o)
		}
	}
	o, err := c.decodeOrder([]byte(`{"id":"`+id+`","orderStatus":"CLOSED","total":45.0,"totalOriginal":50.0,"paid":45.0,"closeAmount":45.0,"refunded":5.5,"cash":false,"customerId":"c1","slip":"`+strings.Repeat("x", 9000)+`"}`), id, 5000)
	if err != nil || o.Discount() != 500 || !o.IsPaid() || o.Captured() != 4500 || o.Refundable() != 3950 || len(o.Slip) > maxSlip {
		t.Errorf("%+v %v", o, err)
	}
	if (Order{Total: 0, Paid: 0}).IsPaid() {
		t.Error("an order of nothing is not paid")
	}
}

func TestDecodeResultAndLoyalty(t *testing.T) {
	c := testClient(t)
	for body, want := range map[string]string{
		`{"status":"SUCCESS","slip":"s","description":"ok","code":0}`: "ok",
		`{"status":"SUCCESS"}`:                           "ok",
		`{"status":"FAIL","description":"no","code":27}`: "27",
		`{"status":"FAIL","code":"32"}`:                  "32",
		`{"status":"FAIL"}`:                              "fail",
		`{"status":"FAIL","code":0}`:                     "fail",
		`{"status":"SUCCESS","code":27}`:                 "unreadable",
		`{"status":"success"}`:                           "unreadable",
		`{"status":"SUCCESS","code":[1]}`:                "unreadable",
		`{"code":0}`:                                     "unreadable",
		`{"status":"SUCCESS"} {}`:                        "unreadable",
	} {
		_, err := c.decodeResult(200, []byte(body))
		var e *Error
		switch {
		case want == "ok" && err != nil, want == "unreadable" && !errors.Is(err, ErrUnreadable):
			t.Errorf("%s: %v", body, err)
		case want != "ok" && want != "unreadable" && (!errors.As(err, &e) || e.Code != want || e.Status != 200):
			t.Errorf("%s: %v", body, err)
		}
	}
	l, err := c.decodeLoyalty([]byte(`{"discountCalcResult":{"discountOriginal":19.80,"discount":20.0,"lines":[{"programId":584,"description":"Discount for all customers","discount":19.80}]},"totalBeforeCalc":50.0,"total":30.0}`))
	if err != nil || l.Discount != 2000 || l.DiscountOriginal != 1980 || l.Total != 3000 || l.Lines[0].ProgramID != 584 {
		t.Errorf("the document's example: %+v %v", l, err)
	}
	for _, body := range []string{
		`{"discountCalcResult":{"discount":20.0},"totalBeforeCalc":50.0,"total":60.0}`,
		`{"discountCalcResult":{"discount":20.001},"totalBeforeCalc":50.0,"total":30.0}`,
		`{"discountCalcResult":[],"totalBeforeCalc":50.0,"total":30.0}`,
		`{"discountCalcResult":{"discount":20.0,"lines":[{"programId":1.5,"discount":1}]},"totalBeforeCalc":50.0,"total":30.0}`,
		`{"discountCalcResult":{"discount":20.0,"lines":{}},"totalBeforeCalc":50.0,"total":30.0}`,
		`{"discountCalcResult":{"discount":20.0},"total":30.0}`,
	} {
		if _, err := c.decodeLoyalty([]byte(body)); !errors.Is(err, ErrUnreadable) {
			t.Errorf("%s: %v", body, err)
		}
	}
}

func TestErrorObject(t *testing.T) {
	c := testClient(t)
	e := c.decodeError(400, []byte(`{"code":5,"description":"Incorrect validation.","fieldErrors":[{"field":"total","message":"must be positive","objectName":"Order"},7,{"field":"`+strings.Repeat("f", 300)+`"}]}`))
	if e.Code != "5" || e.Description != "Incorrect validation." || len(e.FieldErrors) != 2 || e.FieldErrors[0] != (FieldError{"total", "must be positive", "Order"}) || len(e.FieldErrors[1].Field) > 100 {
		t.Errorf("%+v", e)
	}
	if s := e.Error(); s != "swip: HTTP 400: code 5 (VALIDATION FAILED): Incorrect validation.; total: must be positive; "+e.FieldErrors[1].Field+": " {
		t.Errorf("%q", s)
	}
	long := c.decodeError(500, []byte(`{"code":1,"description":"`+strings.Repeat("é", 600)+`"}`))
	if len(long.Description) > maxText || !utf8.ValidString(long.Description) {
		t.Errorf("%d bytes", len(long.Description))
	}
	for code := range codeNames {
		if codeReasons[code] == "" {
			t.Errorf("code %s has no message", code)
		}
	}
	for code, name := range swipsim.Codes {
		if codeNames[itoa(code)] != name {
			t.Errorf("code %d: %q, the document says %q", code, codeNames[itoa(code)], name)
		}
	}
	if r := codeReason("99"); r != "SWiP refused the request (code 99)." {
		t.Errorf("%q", r)
	}
	if r := codeReason("\x1b[31m"); strings.Contains(r, "\x1b") {
		t.Errorf("%q", r)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestCapText(t *testing.T) {
	if capText("short", 10) != "short" {
		t.Error("short text changed")
	}
	for n := 3; n < 40; n++ {
		s := strings.Repeat("支付宝", 10)
		got := capText(s, n)
		if len(got) > n || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
			t.Errorf("cap %d: %q (%d bytes)", n, got, len(got))
		}
	}
}
