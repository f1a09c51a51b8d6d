package hid

import (
	"errors"
	"strings"
	"testing"

	"till/hardware/scanner"
)

func TestParseConfig(t *testing.T) {
	base := Config{Match: Match{VendorID: 0x0c2e, ProductID: 0x0b61, Interface: AnyInterface}, Name: "hid:0c2e:0b61"}
	with := func(f func(*Config)) Config {
		c := base
		f(&c)
		return c
	}
	good := map[string]Config{
		"hid:0c2e:0b61":             base,
		"hid:0C2E:0B61":             base,
		"hid:0c2e:0b61?interface=0": with(func(c *Config) { c.Interface = 0 }),
		"hid:0c2e:0b61?interface=1&layout=DE&mode=keyboard": with(func(c *Config) { c.Interface, c.Layout, c.Mode = 1, "de", Keyboard }),
		"hid:0c2e:0b61?serial=17011B0452&path=1-2.3:1.0&mode=pos&layout=fr": with(func(c *Config) {
			c.Serial, c.Path, c.Mode, c.Layout = "17011B0452", "1-2.3:1.0", POS, "fr"
		}),
		"hid:5ac:24f": with(func(c *Config) { c.VendorID, c.ProductID, c.Name = 0x05ac, 0x024f, "hid:05ac:024f" }),
	}
	for spec, want := range good {
		got, err := ParseConfig(spec)
		if err != nil {
			t.Errorf("ParseConfig(%q): %v", spec, err)
		} else if got.Match != want.Match || got.Layout != want.Layout || got.Mode != want.Mode || got.Name != want.Name {
			t.Errorf("ParseConfig(%q) = %+v, want %+v", spec, got, want)
		}
	}
	// Bad specs, and what the error says besides the spec.
	bad := map[string]string{
		"hid:/dev/hidraw0":                      "want hid:VID:PID",
		"hid:":                                  "want hid:VID:PID",
		"serial:0c2e:0b61":                      "want hid:VID:PID",
		"hid:0c2e":                              "want hid:VID:PID",
		"hid:xyz:0b61":                          `bad vendor ID: "xyz"`,
		"hid:0c2e:10b61":                        `bad product ID: "10b61"`,
		"hid:0c2e:":                             "bad product ID",
		"hid:0000:0b61":                         "0 matches every device",
		"hid:0c2e:0b61?interface=-1":            `bad interface "-1"`,
		"hid:0c2e:0b61?interface=256":           `bad interface "256"`,
		"hid:0c2e:0b61?interface=0&interface=1": "interface given 2 times",
		"hid:0c2e:0b61?layout=dvorak":           `unknown layout "dvorak" (want de, fr, us)`,
		"hid:0c2e:0b61?layout=":                 `unknown layout ""`,
		"hid:0c2e:0b61?mode=serial":             `unknown mode "serial"`,
		"hid:0c2e:0b61?serial=":                 "empty serial",
		"hid:0c2e:0b61?baud=9600":               `unknown option "baud"`,
		"hid:0c2e:0b61?%zz":                     "invalid URL escape",
	}
	for spec, sub := range bad {
		_, err := ParseConfig(spec)
		if err == nil || !strings.Contains(err.Error(), sub) || !strings.Contains(err.Error(), `"`+spec+`"`) {
			t.Errorf("ParseConfig(%q) error %v, want one naming the spec with %q", spec, err, sub)
		}
	}
}

// scanner.Parse knows "hid:" once this package is linked in, and fails
// clearly in a build without HID support.
func TestScannerParse(t *testing.T) {
	src, err := scanner.Parse("hid:0c2e:0b61?interface=0&layout=de")
	if !Supported() {
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "cgo") {
			t.Fatalf("without HID support: %v, want ErrUnsupported", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	hs, ok := src.(*Source)
	if !ok || src.Name() != "hid:0c2e:0b61" || hs.layout.Name() != "de" || hs.cfg.Interface != 0 ||
		hs.cfg.PollInterval != DefaultPollInterval || hs.cfg.ReadTimeout != DefaultReadTimeout {
		t.Errorf("scanner.Parse = %T %+v", src, src)
	}
	if _, err := scanner.Parse("hid:0c2e"); err == nil || !strings.Contains(err.Error(), "want hid:VID:PID") {
		t.Errorf("scanner.Parse(hid:0c2e) error %v", err)
	}
	if _, err := scanner.Parse("usb:1:2"); err == nil || !strings.Contains(err.Error(), "want serial, file or hid") {
		t.Errorf("scanner.Parse(usb:1:2) error %v, want the kinds listed", err)
	}
}

func TestNewErrors(t *testing.T) {
	bus := newFakeBus()
	ok := Config{Match: Match{VendorID: 1, ProductID: 2, Interface: AnyInterface}, Enumerate: bus.enumerate, Open: bus.open}
	for name, f := range map[string]func(*Config){
		"zero VID":          func(c *Config) { c.VendorID = 0 },
		"zero PID":          func(c *Config) { c.ProductID = 0 },
		"bad interface":     func(c *Config) { c.Interface = -2 },
		"bad layout":        func(c *Config) { c.Layout = "xx" },
		"bad mode":          func(c *Config) { c.Mode = 7 },
		"negative interval": func(c *Config) { c.PollInterval = -1 },
	} {
		c := ok
		f(&c)
		if _, err := New(c); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := New(ok); err != nil {
		t.Errorf("good config: %v", err)
	}
}

func TestDeviceInfo(t *testing.T) {
	d := DeviceInfo{VendorID: 0x0c2e, ProductID: 0x0b61, Manufacturer: "Honeywell", Product: "Voyager 1450g",
		Serial: "17011B0452", Interface: 1, Path: "1-2:1.1", UsagePage: 0x8c, Usage: 2}
	if got, want := d.String(), "0c2e:0b61 interface 1 Honeywell Voyager 1450g serial 17011B0452 usage 008c:0002 path 1-2:1.1"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := (DeviceInfo{VendorID: 1, ProductID: 2}).String(); got != "0001:0002 interface 0" {
		t.Errorf("bare String() = %q", got)
	}
	spec := d.Spec()
	if spec != "hid:0c2e:0b61?interface=1" {
		t.Errorf("Spec() = %q", spec)
	}
	cfg, err := ParseConfig(spec)
	if err != nil || cfg.VendorID != d.VendorID || cfg.ProductID != d.ProductID || cfg.Interface != d.Interface {
		t.Errorf("Spec() does not parse back: %+v, %v", cfg, err)
	}
}

// List goes to the real library: in a build without HID support it says
// so; with it, it must not fail on a machine that has no USB at all.
func TestList(t *testing.T) {
	ds, err := List()
	if !Supported() {
		if !errors.Is(err, ErrUnsupported) {
			t.Fatalf("List() without HID support: %v", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		t.Log(d)
	}
}
