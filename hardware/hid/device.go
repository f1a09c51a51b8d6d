package hid

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	khid "github.com/karalabe/hid"
)

// ErrUnsupported is returned when the program was built without USB HID
// support: karalabe/hid needs cgo, and a build with CGO_ENABLED=0 (or for
// a platform it does not support) gets its stub, which finds no devices.
var ErrUnsupported = errors.New("USB HID support is not built in (build with cgo: CGO_ENABLED=1 and a C compiler)")

// Supported reports whether this build can reach USB HID devices.
func Supported() bool { return khid.Supported() }

// Device is an open HID device, as karalabe/hid's Device has it (which
// satisfies it), cut to what a scanner needs. Only one goroutine may use a
// Device, and it must not Close it while a Read is blocked on another.
type Device interface {
	// Read waits for the next input report and copies it into b.
	Read(b []byte) (int, error)
	// ReadTimeout is Read giving up after timeout milliseconds, returning
	// 0 and no error. (karalabe/hid's doc says 0 blocks; its code passes
	// the timeout to hidapi, where -1 blocks and 0 does not wait.)
	ReadTimeout(b []byte, timeout int) (int, error)
	// Close releases the device.
	Close() error
}

// DeviceInfo describes an attached HID device: one USB interface of it.
type DeviceInfo struct {
	VendorID, ProductID uint16
	Manufacturer        string
	Product             string
	Serial              string
	// Interface is the USB interface number. A scanner may have two
	// interfaces, e.g. a keyboard and a HID POS one, under one VID:PID.
	Interface int
	// Path is where the platform finds it: on Linux, where karalabe/hid
	// goes through libusb, bus-port[.port…]:config.interface, e.g.
	// "1-2.3:1.0".
	Path string
	// UsagePage and Usage are those of the interface's top collection:
	// 0x8C/0x02 for a HID POS scanner, 0x01/0x06 for a keyboard. Linux
	// leaves them 0, so interfaces are told apart by number there.
	UsagePage, Usage uint16
}

// String describes d on one line, e.g.
// "0c2e:0b61 interface 0 Honeywell Voyager 1450g serial 1234 path 1-2:1.0".
func (d DeviceInfo) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%04x:%04x interface %d", d.VendorID, d.ProductID, d.Interface)
	if name := strings.TrimSpace(d.Manufacturer + " " + d.Product); name != "" {
		b.WriteString(" " + name)
	}
	if d.Serial != "" {
		b.WriteString(" serial " + d.Serial)
	}
	if d.UsagePage != 0 {
		fmt.Fprintf(&b, " usage %04x:%04x", d.UsagePage, d.Usage)
	}
	if d.Path != "" {
		b.WriteString(" path " + d.Path)
	}
	return b.String()
}

// Spec returns a scanner spec that opens d: "hid:0c2e:0b61?interface=0".
func (d DeviceInfo) Spec() string {
	return fmt.Sprintf("hid:%04x:%04x?interface=%d", d.VendorID, d.ProductID, d.Interface)
}

// Enumerator lists the attached HID devices with the given vendor and
// product ID.
type Enumerator func(vendorID, productID uint16) ([]DeviceInfo, error)

// Opener opens a device that an Enumerator listed.
type Opener func(DeviceInfo) (Device, error)

// List returns every attached HID device, one entry an interface, sorted by
// VID:PID, then path. It returns ErrUnsupported in a build without HID
// support.
func List() ([]DeviceInfo, error) {
	return systemEnumerate(0, 0)
}

// systemEnumerate is the Enumerator of karalabe/hid; 0 matches any ID.
func systemEnumerate(vendorID, productID uint16) ([]DeviceInfo, error) {
	if !khid.Supported() {
		return nil, ErrUnsupported
	}
	infos, err := khid.Enumerate(vendorID, productID)
	if err != nil {
		return nil, fmt.Errorf("listing HID devices: %w", err)
	}
	out := make([]DeviceInfo, len(infos))
	for i, in := range infos {
		out[i] = DeviceInfo{
			VendorID: in.VendorID, ProductID: in.ProductID,
			Manufacturer: in.Manufacturer, Product: in.Product, Serial: in.Serial,
			Interface: in.Interface, Path: in.Path,
			UsagePage: in.UsagePage, Usage: in.Usage,
		}
	}
	sortDevices(out)
	return out, nil
}

func sortDevices(ds []DeviceInfo) {
	slices.SortFunc(ds, func(a, b DeviceInfo) int {
		return cmp.Or(cmp.Compare(a.VendorID, b.VendorID), cmp.Compare(a.ProductID, b.ProductID),
			cmp.Compare(a.Path, b.Path), cmp.Compare(a.Interface, b.Interface))
	})
}

// systemOpen is the Opener of karalabe/hid. Its Open goes by the path
// alone.
func systemOpen(d DeviceInfo) (Device, error) {
	dev, err := khid.DeviceInfo{Path: d.Path, VendorID: d.VendorID, ProductID: d.ProductID, Interface: d.Interface}.Open()
	if err != nil {
		return nil, fmt.Errorf("open %s (%s): %w; is it in use, or not permitted (see the udev rule in README)?", d.id(), d.Path, err)
	}
	return dev, nil
}

// AnyInterface, as Match.Interface, matches any interface number.
const AnyInterface = -1

// Match picks one device among those with a VID:PID. Mind that its zero
// Interface is interface 0: set AnyInterface to match any.
type Match struct {
	VendorID, ProductID uint16
	Interface           int    // AnyInterface, or the USB interface number
	Serial              string // "" for any
	Path                string // "" for any
}

func (m Match) String() string {
	s := fmt.Sprintf("%04x:%04x", m.VendorID, m.ProductID)
	if m.Interface != AnyInterface {
		s += " interface " + strconv.Itoa(m.Interface)
	}
	if m.Serial != "" {
		s += " serial " + m.Serial
	}
	if m.Path != "" {
		s += " path " + m.Path
	}
	return s
}

func (d DeviceInfo) id() string {
	return fmt.Sprintf("%04x:%04x interface %d", d.VendorID, d.ProductID, d.Interface)
}

// pick returns the one device in ds that m matches. More than one is an
// error that says how to choose, rather than a guess: a scanner's keyboard
// and POS interfaces share a VID:PID.
func (m Match) pick(ds []DeviceInfo) (DeviceInfo, error) {
	var same, found []DeviceInfo
	for _, d := range ds {
		if d.VendorID != m.VendorID || d.ProductID != m.ProductID {
			continue
		}
		same = append(same, d)
		if (m.Interface == AnyInterface || d.Interface == m.Interface) &&
			(m.Serial == "" || d.Serial == m.Serial) &&
			(m.Path == "" || d.Path == m.Path) {
			found = append(found, d)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(same) == 0:
		return DeviceInfo{}, fmt.Errorf("no HID device %s", m)
	case len(found) == 0:
		return DeviceInfo{}, fmt.Errorf("no HID device %s; with that VID:PID: %s", m, describe(same))
	}
	return DeviceInfo{}, fmt.Errorf("%d HID devices match %s (%s): choose with interface=, serial= or path=", len(found), m, describe(found))
}

func describe(ds []DeviceInfo) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = fmt.Sprintf("interface %d", d.Interface)
		if d.Serial != "" {
			parts[i] += " serial " + d.Serial
		}
		parts[i] += " path " + d.Path
	}
	return strings.Join(parts, "; ")
}
