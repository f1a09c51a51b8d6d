package main

import (
	"fmt"
	"io"

	"till/hardware/hid"
	"till/store/sanitize"
)

// runDevices lists the attached USB HID devices, each with the scanner
// spec that reads it, so an installer can pick the scanner.
func runDevices(g globals, args []string, stdout, stderr io.Writer) error {
	if _, err := subFlags("devices", &g, args, stderr, nil); err != nil {
		return err
	}
	devs, err := hid.List()
	if err != nil {
		return err
	}
	if len(devs) == 0 {
		fmt.Fprintln(stdout, "no USB HID devices found (as root, or with the udev rule of assets/70-till-scanner.rules)")
		return nil
	}
	for _, d := range devs {
		// Names come from the device itself: cleaned before printing.
		fmt.Fprintf(stdout, "%-36s %s\n", d.Spec(), sanitize.Text(d.String()))
	}
	return nil
}
