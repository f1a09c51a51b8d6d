package printer

import (
	"strings"
	"testing"
)

func TestParseSpec(t *testing.T) {
	def := DefaultOptions()
	for _, c := range []struct {
		spec, name string
		opt        Options
	}{
		{"usb:/dev/usb/lp0", "usb:/dev/usb/lp0", def},
		{"tcp:192.168.1.50:9100", "tcp:192.168.1.50:9100", def},
		{"tcp:192.168.1.50", "tcp:192.168.1.50:9100", def},
		{"tcp:printer.local:9101", "tcp:printer.local:9101", def},
		{"tcp:[::1]", "tcp:[::1]:9100", def},
		{"tcp:[fe80::1]:9100", "tcp:[fe80::1]:9100", def},
		{"file:/tmp/r.bin", "file:/tmp/r.bin", def},
		{"usb:/dev/usb/lp0?width=48&encoding=big5&drawer=5", "usb:/dev/usb/lp0",
			Options{Width: 48, Encoding: Big5, Cut: CutPartial, Drawer: DrawerPin5, Status: true}},
		{"tcp:10.0.0.9?encoding=GB18030&drawer=2,5&cut=full&status=off", "tcp:10.0.0.9:9100",
			Options{Width: 42, Encoding: GB18030, Cut: CutFull, Drawer: DrawerPin2 | DrawerPin5}},
		{"file:r.bin?encoding=ascii&drawer=none&cut=none", "file:r.bin",
			Options{Width: 42, Encoding: ASCII, Cut: CutNone, Drawer: NoDrawer, Status: true}},
	} {
		s, err := ParseSpec(c.spec)
		if err != nil {
			t.Errorf("%s: %v", c.spec, err)
			continue
		}
		if s.Name() != c.name || s.Options != c.opt {
			t.Errorf("%s: %s %+v, want %s %+v", c.spec, s.Name(), s.Options, c.name, c.opt)
		}
	}
	for spec, says := range map[string]string{
		"/dev/usb/lp0":                       "kind:address",
		"lpt:/dev/lp0":                       "unknown kind",
		"usb:":                               "no address",
		"usb:?width=42":                      "no address",
		"tcp::9100":                          "host:port",
		"tcp:host:port":                      "host:port",
		"tcp:host:70000":                     "host:port",
		"tcp:a:b:c":                          "host:port",
		"usb:/dev/usb/lp0?width=40":          "42 or 48",
		"usb:/dev/usb/lp0?width=wide":        "42 or 48",
		"usb:/dev/usb/lp0?encoding=utf8":     "ascii, big5 or gb18030",
		"usb:/dev/usb/lp0?drawer=3":          "2, 5",
		"usb:/dev/usb/lp0?drawer=2,":         "2, 5",
		"usb:/dev/usb/lp0?cut=half":          "partial, full or none",
		"usb:/dev/usb/lp0?status=yes":        "on or off",
		"usb:/dev/usb/lp0?speed=9600":        "unknown option",
		"usb:/dev/usb/lp0?width=42&width=48": "given 2 times",
		"usb:/dev/usb/lp0?width=%zz":         "invalid",
	} {
		_, err := ParseSpec(spec)
		if err == nil || !strings.Contains(err.Error(), says) || !strings.Contains(err.Error(), "printer spec") {
			t.Errorf("%s: error %v, want one saying %q", spec, err, says)
		}
	}
}

func TestNewRefusesBadSpecs(t *testing.T) {
	for _, s := range []Spec{
		{Kind: "lpt", Address: "/dev/lp0", Options: DefaultOptions()},
		{Kind: "usb", Options: DefaultOptions()},
		{Kind: "usb", Address: "/dev/usb/lp0"},
		{Kind: "usb", Address: "/dev/usb/lp0", Options: Options{Width: 42, Encoding: ASCII, Cut: CutFull, Drawer: 4}},
	} {
		if _, err := New(s); err == nil {
			t.Errorf("%+v accepted", s)
		}
	}
	d, err := Open("usb:/dev/usb/lp0?width=48")
	if err != nil || d.Name() != "usb:/dev/usb/lp0" || d.Options().Width != 48 {
		t.Errorf("Open: %v %v", d, err)
	}
	if _, err := Open("usb:"); err == nil {
		t.Error("Open accepted a bad spec")
	}
	if got := (DrawerPin2 | DrawerPin5).String() + " " + NoDrawer.String() + " " + DrawerPin5.String(); got != "2,5 none 5" {
		t.Errorf("Drawer.String: %s", got)
	}
}
