package cancan

import (
	"strings"
	"testing"
	"unicode/utf8"

	"till/providers"
)

func TestDecodeRecord(t *testing.T) {
	const id = "c2f5a10a-d7a7-4d69-83fa-b57c343d22d4"
	sale := want{ID: id, Type: "sale", Amount: 100, Currency: "THB"}
	refund := want{ID: id, Type: "refund", Amount: 100, Sale: "s1"}
	doc := func(typ, attrs string) string {
		return `{"data":{"id":"` + id + `","type":"` + typ + `","attributes":{` + attrs + `}}}`
	}
	for _, tc := range []struct {
		name string
		body string
		w    want
		ok   bool
	}{
		{"sale", doc("sale", `"state":"succeeded","amount":100,"currency":"THB","failure_code":null`), sale, true},
		{"failed sale", doc("sale", `"state":"failed","amount":100,"currency":"THB","failure_code":"card_failure","failure_detail":"x"`), sale, true},
		{"any type", doc("void", `"state":"succeeded","sale":"s1"`), want{ID: id}, true},
		{"refund without amount", doc("refund", `"state":"pending","sale":"s1"`), refund, true},
		{"refund", doc("refund", `"state":"pending","sale":"s1","amount":100`), refund, true},
		{"refund other amount", doc("refund", `"state":"pending","sale":"s1","amount":99`), refund, false},
		{"refund other sale", doc("refund", `"state":"pending","sale":"s2"`), refund, false},
		{"refund no sale", doc("refund", `"state":"pending"`), refund, false},
		{"sale no amount", doc("sale", `"state":"succeeded","currency":"THB"`), sale, false},
		{"sale null amount", doc("sale", `"state":"succeeded","amount":null,"currency":"THB"`), sale, false},
		{"sale zero", doc("sale", `"state":"succeeded","amount":0,"currency":"THB"`), want{ID: id}, false},
		{"sale no currency", doc("sale", `"state":"succeeded","amount":100`), sale, false},
		{"sale other currency", doc("sale", `"state":"succeeded","amount":100,"currency":"USD"`), sale, false},
		{"numeric state", doc("sale", `"state":1,"amount":100,"currency":"THB"`), sale, false},
		{"null state", doc("sale", `"state":null,"amount":100,"currency":"THB"`), sale, false},
		{"odd state", doc("sale", `"state":"settled","amount":100,"currency":"THB"`), sale, false},
		{"numeric failure code", doc("sale", `"state":"failed","amount":100,"currency":"THB","failure_code":5`), sale, false},
		{"odd type", doc("capture", `"state":"succeeded","amount":100,"currency":"THB"`), want{ID: id}, false},
		{"wrong type", doc("void", `"state":"succeeded","sale":"s1"`), sale, false},
		{"no id", `{"data":{"type":"sale","attributes":{"state":"succeeded","amount":100,"currency":"THB"}}}`, sale, false},
		{"numeric id", `{"data":{"id":7,"type":"sale","attributes":{}}}`, sale, false},
		{"attributes array", `{"data":{"id":"` + id + `","type":"sale","attributes":[]}}`, sale, false},
		{"data array", `{"data":[]}`, sale, false},
		{"empty", ``, sale, false},
		{"array", `[]`, sale, false},
	} {
		_, err := decodeRecord([]byte(tc.body), tc.w)
		if (err == nil) != tc.ok {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestCapText(t *testing.T) {
	if capText("short", 10) != "short" {
		t.Error("short text changed")
	}
	for n := 3; n < 40; n++ {
		s := strings.Repeat("支付宝", 10) // 3-byte runes
		got := capText(s, n)
		if len(got) > n || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
			t.Errorf("cap %d: %q (%d bytes)", n, got, len(got))
		}
	}
	if got := capText(strings.Repeat("x", 2000), maxText); len(got) != maxText {
		t.Errorf("%d bytes", len(got))
	}
}

func TestForbiddenAndRefundChecks(t *testing.T) {
	e := newEnv(t, setup{wrap: answerWith(403, `{"errors":[{"status":"403","code":"access_forbidden_error","detail":"Access Forbidden"}]}`)})
	out := e.Pay(e.saleOp("9999", 100))
	if out.Status != providers.Declined || out.Code != "access_forbidden_error" || out.Reason != reasonForbidden {
		t.Errorf("%+v", out)
	}
	for _, op := range []providers.Op{
		{Key: "x", Target: "s", Amount: 1},
		{Key: "c2f5a10a-d7a7-4d69-83fa-b57c343d22d4", Target: "", Amount: 1},
		{Key: "c2f5a10a-d7a7-4d69-83fa-b57c343d22d4", Target: "s\n", Amount: 1},
		{Key: "c2f5a10a-d7a7-4d69-83fa-b57c343d22d4", Target: "s", Amount: -1},
	} {
		expect(t, e.Refund(op), providers.Declined)
	}
	if m := e.Methods(); m != "POST" {
		t.Errorf("requests %s", m)
	}
}
