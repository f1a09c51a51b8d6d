package ticketbao

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func decodeClient(t *testing.T) *Client {
	t.Helper()
	c, err := New(Config{APIKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDecodeOrder(t *testing.T) {
	c := decodeClient(t)
	// The document's voucher example, with both spellings of refunded.
	body := `{"pass2uOrderId":"123932ewxrtg","productSaleId":"02955ccca3352ef0734a4aecc9f86083","channelOrderId":"P100001",
	"mailTo":"kan@gmail.com","expriationDate":"2015-03-15T13:00:00+08:00","createdTime":"2015-03-15T13:00:00+08:00",
	"vouchers":[
	 {"barcodeMessage":"123456789","status":"notPickedup","statusUpdateTime":"2015-03-15T13:00:00+08:00","voucherUrl":"https://pass2u.net/v/76545678765?t=234566543&token=gadjfiaoefaksdfasdffd"},
	 {"barcodeMessage":"123456790","status":"refund","voucherUrl":"javascript:alert(1)"},
	 {"barcodeMessage":" \u001b[31m123456791\u001b[0m ","status":"refunded","statusUpdateTime":"yesterday"}]}`
	o, err := c.decodeOrder([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2015, 3, 15, 5, 0, 0, 0, time.UTC)
	if o.Pass2UOrderID != "123932ewxrtg" || o.ChannelOrderID != "P100001" || !o.ExpirationDate.Equal(want) || !o.CreatedTime.Equal(want) {
		t.Errorf("%+v", o)
	}
	if len(o.Vouchers) != 3 || o.Refunded() != 2 {
		t.Fatalf("%+v", o.Vouchers)
	}
	v := o.Vouchers
	if v[0].VoucherURL == "" || v[1].VoucherURL != "" || v[2].BarcodeMessage != "123456791" || !v[2].StatusUpdateTime.IsZero() {
		t.Errorf("%+v", v)
	}
}

func TestDecodeOrderRefuses(t *testing.T) {
	c := decodeClient(t)
	for name, body := range map[string]string{
		"not an object":   `[]`,
		"null":            `null`,
		"two objects":     `{"pass2uOrderId":"a"}{}`,
		"no id":           `{"channelOrderId":"P1"}`,
		"blank id":        `{"pass2uOrderId":" \u0007 "}`,
		"id not a string": `{"pass2uOrderId":7}`,
		"vouchers object": `{"pass2uOrderId":"a","vouchers":{}}`,
		"unknown status":  `{"pass2uOrderId":"a","vouchers":[{"barcodeMessage":"1","status":"lost"}]}`,
		"no barcode":      `{"pass2uOrderId":"a","vouchers":[{"status":"redeemed"}]}`,
		"broken":          `{"pass2uOrderId":"a",`,
	} {
		if _, err := c.decodeOrder([]byte(body)); !errors.Is(err, ErrUnreadable) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestDecodeError(t *testing.T) {
	c := decodeClient(t)
	e := c.decodeError(404, []byte(`{"message":"productSaleId Does Not Exist.","type":"NonExistedException"}`))
	if e.Message != "productSaleId Does Not Exist." || e.Type != "NonExistedException" || e.Code() != e.Message || !strings.Contains(e.Reason(), "ticket product") {
		t.Errorf("%+v %s", e, e.Reason())
	}
	e = c.decodeError(502, []byte(`<html>`+testKey+`</html>`))
	if e.Message != "" || e.Code() != "http_502" || !e.Retryable() || strings.Contains(e.Error(), testKey) {
		t.Errorf("%+v", e)
	}
	e = c.decodeError(400, []byte(`{"message":"`+strings.Repeat("é", 400)+`","type":"x\u001b]0;t\u0007"}`))
	if len(e.Message) > maxText || e.Type != "x" || e.Reason() != "Pass2U refused the request (HTTP 400)." {
		t.Errorf("%q %q %s", e.Message, e.Type, e.Reason())
	}
	// The document's one message without a full stop, with and without.
	for _, m := range []string{"channelOrderId Does Not Exist", "channelOrderId Does Not Exist.", " CHANNELORDERID does not exist "} {
		if e := (&Error{Status: 400, Message: m}); !e.is(msgChannelNotFound) {
			t.Errorf("%q", m)
		}
	}
}
