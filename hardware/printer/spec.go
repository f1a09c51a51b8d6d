package printer

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Spec is a parsed printer spec.
type Spec struct {
	Kind    string // "usb", "tcp" or "file"
	Address string // the device path, host:port, or the file's path
	Options Options
}

// Name is the spec without its options, as printers are named in errors.
func (s Spec) Name() string { return s.Kind + ":" + s.Address }

// DefaultPort is the raw printing port a tcp spec without one uses.
const DefaultPort = "9100"

// ParseSpec reads a printer spec:
//
//	usb:/dev/usb/lp0                 a USB printer's character device (Linux usblp)
//	tcp:192.168.1.50:9100            a network printer's raw port (9100 when left out)
//	file:/var/spool/till/receipt.bin appends every job to a file
//
// with options in a query, e.g. usb:/dev/usb/lp0?width=48&encoding=big5:
//
//	width=42|48                  columns (42)
//	encoding=ascii|big5|gb18030  how item names are sent (ascii)
//	drawer=2|5|2,5|none          drawer kick-out pins OpenDrawer pulses (2)
//	cut=partial|full|none        how a receipt ends (partial)
//	status=on|off                ask the printer for its status (on; see Options.Status)
func ParseSpec(spec string) (Spec, error) {
	bad := func(format string, args ...any) (Spec, error) {
		return Spec{}, fmt.Errorf("printer spec %q: %s", spec, fmt.Sprintf(format, args...))
	}
	kind, rest, ok := strings.Cut(spec, ":")
	if !ok {
		return bad("want kind:address, e.g. usb:/dev/usb/lp0, tcp:192.168.1.50:9100 or file:/path")
	}
	addr, query, _ := strings.Cut(rest, "?")
	if addr == "" {
		return bad("no address")
	}
	switch kind {
	case "usb", "file":
	case "tcp":
		if _, _, err := net.SplitHostPort(addr); err != nil {
			addr = net.JoinHostPort(strings.Trim(addr, "[]"), DefaultPort)
		}
		host, port, err := net.SplitHostPort(addr)
		n, perr := strconv.Atoi(port)
		if err != nil || host == "" || perr != nil || n < 1 || n > 65535 ||
			(strings.Contains(host, ":") && net.ParseIP(host) == nil) {
			return bad("want host:port, e.g. tcp:192.168.1.50:9100")
		}
	default:
		return bad("unknown kind %q (want usb, tcp or file)", kind)
	}
	opt := DefaultOptions()
	vals, err := url.ParseQuery(query)
	if err != nil {
		return bad("%v", err)
	}
	for k, v := range vals {
		if len(v) != 1 {
			return bad("%s given %d times", k, len(v))
		}
		if err := opt.set(k, v[0]); err != nil {
			return bad("%v", err)
		}
	}
	if err := opt.Validate(); err != nil {
		return bad("%v", err)
	}
	return Spec{Kind: kind, Address: addr, Options: opt}, nil
}

// set applies one option of a spec's query.
func (o *Options) set(key, val string) error {
	switch key {
	case "width":
		n, err := strconv.Atoi(val)
		if err != nil {
			return fmt.Errorf("width %q: want 42 or 48", val)
		}
		o.Width = n
	case "encoding":
		o.Encoding = Encoding(strings.ToLower(val))
	case "cut":
		o.Cut = Cut(val)
	case "drawer":
		d, err := parseDrawer(val)
		if err != nil {
			return err
		}
		o.Drawer = d
	case "status":
		switch val {
		case "on":
			o.Status = true
		case "off":
			o.Status = false
		default:
			return fmt.Errorf("status %q: want on or off", val)
		}
	default:
		return fmt.Errorf("unknown option %q (want width, encoding, drawer, cut or status)", key)
	}
	return nil
}

func parseDrawer(val string) (Drawer, error) {
	if val == "none" {
		return NoDrawer, nil
	}
	var d Drawer
	for _, p := range strings.Split(val, ",") {
		switch p {
		case "2":
			d |= DrawerPin2
		case "5":
			d |= DrawerPin5
		default:
			return 0, fmt.Errorf("drawer %q: want 2, 5, 2,5 or none", val)
		}
	}
	return d, nil
}
