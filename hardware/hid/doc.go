// Package hid reads USB HID barcode scanners: it is the "hid:" kind of
// scanner source (see Parse), registered with till/hardware/scanner when
// this package is linked in, and it lists HID devices (List) for
// `till devices`.
//
// A scanner speaks one of two report formats, chosen on the scanner:
// keyboard mode, where it types the code as boot-protocol keyboard
// reports (KeyboardDecoder, which must be told the keyboard layout the
// scanner types in), or HID POS mode, usage page 0x8C, where it sends the
// code with its AIM symbology identifier in scanned-data reports
// (POSDecoder). The decoders are pure: fed report bytes, they return
// whole codes, holding at most scanner.MaxCodeLen bytes.
//
// # karalabe/hid
//
// Devices are reached through github.com/karalabe/hid, pinned in go.mod to
// a master commit (v1.0.1-0.20240306101548-573246063e52, March 2024)
// rather than its only tag, v1.0.0 from 2019: the tag has no
// Device.ReadTimeout, without which a read cannot give way to
// cancellation (and closing the device from another goroutine while a
// read blocks is unsafe); its Device is a concrete type rather than the
// interface that lets tests use a fake; its Enumerate reports no errors;
// and it lacks the enumeration lock that stops crashes on macOS and the
// newer hidapi and libusb it bundles.
//
// karalabe/hid needs cgo and a C compiler: it compiles its own copy of
// hidapi and, on Linux, libusb (so no libudev or libusb package is needed
// at run time). On Linux it reaches devices through libusb (not hidraw):
// it needs access to /dev/bus/usb/BBB/DDD, detaches the kernel's usbhid
// driver from the interface while it holds it (a keyboard-mode scanner
// stops typing into the console meanwhile) and reports usage pages as 0,
// so interfaces are chosen by number. A build with CGO_ENABLED=0 compiles
// but has no HID support: Parse and New fail with ErrUnsupported, and so
// does List.
package hid
