package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/adrg/xdg"

	"till/store"
	"till/store/sale"
)

const (
	testConfig  = "testdata/till.toml"
	testCatalog = "testdata/catalog.csv"
)

// runTill runs the command in process and returns its exit code and output.
func runTill(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// isolate keeps the default configuration and database away from the real
// home. xdg reads the environment once at start, so it is reloaded here and
// again, by the cleanup registered first, after the variables are restored.
func isolate(t *testing.T) {
	t.Helper()
	t.Cleanup(xdg.Reload)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	xdg.Reload()
}

// catalogOf reads the catalog in db, keyed by SKU. The database is closed
// again at once: bbolt allows one open per process.
func catalogOf(t *testing.T, path string) map[string]sale.Item {
	t.Helper()
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	items, err := db.Items()
	if err != nil {
		t.Fatal(err)
	}
	n, err := db.CatalogSize()
	if err != nil {
		t.Fatal(err)
	}
	if n != len(items) {
		t.Errorf("CatalogSize = %d, but Items has %d", n, len(items))
	}
	out := make(map[string]sale.Item, len(items))
	for _, it := range items {
		out[it.SKU] = it
	}
	return out
}

func importTestCatalog(t *testing.T, db string) {
	t.Helper()
	code, stdout, stderr := runTill(t, "import", "--config", testConfig, "--db", db, testCatalog)
	if code != 0 {
		t.Fatalf("import exited %d\nstderr: %s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("import wrote to stdout: %q", stdout)
	}
	if !strings.Contains(stderr, "Imported 5 items from "+testCatalog) {
		t.Errorf("import stderr does not give the count:\n%s", stderr)
	}
}

func TestImportGoodCatalog(t *testing.T) {
	isolate(t)
	db := filepath.Join(t.TempDir(), "till.db")
	importTestCatalog(t, db)

	items := catalogOf(t, db)
	if len(items) != 5 {
		t.Fatalf("catalog has %d items, want 5: %v", len(items), items)
	}
	tea := items["TEA-500"]
	if tea.Name != "烏龍茶 Oolong tea 500ml" || tea.Price != 3500 || tea.TaxClass != "standard" {
		t.Errorf("TEA-500 = %+v", tea)
	}
	// A UPC-A is kept as its EAN-13, so scanning either form finds it.
	if gum := items["GUM"]; !slices.Equal(gum.Barcodes, []string{"0036000291452"}) {
		t.Errorf("GUM barcodes = %q, want the UPC-A as EAN-13 0036000291452", gum.Barcodes)
	}
	if bun := items["BUN"]; bun.Name != "菠蘿麵包 Pineapple bun" || bun.Price != 2850 {
		t.Errorf("BUN = %+v, want 菠蘿麵包 at 2850 minor units", bun)
	}
	if b := items["BANANA"]; !b.Weighed || b.Price != 7000 || b.TaxClass != "zero" {
		t.Errorf("BANANA = %+v, want weighed at 7000 per kg, class zero", b)
	}

	code, stdout, stderr := runTill(t, "sales", "--json", "--db", db)
	if code != 0 || stdout != "[]\n" {
		t.Errorf("sales --json on an empty database: exit %d, stdout %q, stderr %q; want 0 and []", code, stdout, stderr)
	}
}

func TestImportBadRowsChangesNothing(t *testing.T) {
	isolate(t)
	db := filepath.Join(t.TempDir(), "till.db")
	importTestCatalog(t, db)
	before := catalogOf(t, db)

	code, stdout, stderr := runTill(t, "import", "--config", testConfig, "--db", db, "testdata/bad-catalog.csv")
	if code != 1 {
		t.Fatalf("import of a bad file exited %d, want 1\nstderr: %s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
	// Row 2 spans lines 2-3 (a quoted line break), so the bad rows are on
	// lines 4 to 7: the numbers are lines of the file, not rows.
	for _, want := range []string{
		"nothing was imported",
		`line 4: barcodes: "4710088410123": wrong EAN-13 check digit 3, expected 2`,
		`line 5: tax_class: unknown class "luxury"`,
		`line 6: price: "28.125" has more than 2 decimals`,
		`line 7: sku: "GUM" repeated; first on line 5`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "Imported") {
		t.Errorf("stderr claims an import:\n%s", stderr)
	}

	after := catalogOf(t, db)
	if len(after) != len(before) {
		t.Fatalf("catalog changed from %d to %d items", len(before), len(after))
	}
	for sku, it := range before {
		got, ok := after[sku]
		if !ok || got.Name != it.Name || got.Price != it.Price || got.TaxClass != it.TaxClass ||
			!slices.Equal(got.Barcodes, it.Barcodes) {
			t.Errorf("item %s changed from %+v to %+v", sku, it, got)
		}
	}
	if _, ok := after["COLA-330"]; ok {
		t.Error("the good row of the rejected file was imported")
	}
}

func TestGlobalFlagsBeforeSubcommand(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "till.db")
	code, _, stderr := runTill(t, "--config", testConfig, "--db", db, "import", testCatalog)
	if code != 0 || !strings.Contains(stderr, "into "+db) {
		t.Fatalf("till --db DB import: exit %d, stderr %q; want the catalog imported into %s", code, stderr, db)
	}
	if n := len(catalogOf(t, db)); n != 5 {
		t.Errorf("catalog in --db has %d items, want 5", n)
	}
	code, stdout, _ := runTill(t, "--db", db, "sales", "--json")
	if code != 0 || stdout != "[]\n" {
		t.Errorf("till --db DB sales --json: exit %d, stdout %q", code, stdout)
	}

	good, err := os.ReadFile(testConfig)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(bad, bytes.Replace(good, []byte(`"TWD"`), []byte(`"XYZ"`), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runTill(t, "--config", bad, "import", "--db", db, testCatalog)
	if code != 1 || !strings.Contains(stderr, "money.currency") {
		t.Errorf("till --config BAD import: exit %d, stderr %q; want 1 naming money.currency", code, stderr)
	}
}

func TestUnknownCommand(t *testing.T) {
	isolate(t)
	code, stdout, stderr := runTill(t, "frobnicate")
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
	for _, want := range []string{`unknown command "frobnicate"`, "Usage:", "till import"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestMalformedConfig(t *testing.T) {
	valid := "[money]\ncurrency = \"TWD\"\n[tax]\nmode = \"inclusive\"\n[tax.rates]\nstandard = 5\n"
	cases := []struct {
		name, toml, key string
	}{
		{"unknown key", valid + "[store]\nnmae = \"Typo\"\n", "store.nmae"},
		{"bad value", strings.Replace(valid, `"inclusive"`, `"sideways"`, 1), "tax.mode"},
		{"wrong type", strings.Replace(valid, `"TWD"`, `5`, 1), "money.currency"},
		{"unknown currency", strings.Replace(valid, `"TWD"`, `"XYZ"`, 1), "money.currency"},
		{"missing key", strings.Replace(valid, "mode = \"inclusive\"\n", "", 1), "tax.mode"},
		{"syntax error", strings.Replace(valid, `"TWD"`, `"TWD`, 1), "money.currency"},
		{"bad rate", strings.Replace(valid, "standard = 5", "standard = 5.555", 1), "tax.rates.standard"},
		{"bad scanner", valid + "[scanner]\nsource = \"usb:/dev/x\"\n", "scanner.source"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t)
			dir := t.TempDir()
			cfg := filepath.Join(dir, "config.toml")
			if err := os.WriteFile(cfg, []byte(tc.toml), 0o600); err != nil {
				t.Fatal(err)
			}
			db := filepath.Join(dir, "till.db")
			code, _, stderr := runTill(t, "import", "--config", cfg, "--db", db, testCatalog)
			if code != 1 {
				t.Errorf("import: exit %d, want 1", code)
			}
			if !strings.Contains(stderr, cfg) || !strings.Contains(stderr, tc.key) {
				t.Errorf("import: stderr does not name the file and the key %q:\n%s", tc.key, stderr)
			}
		})
	}

	// The checkout itself must refuse before it takes over the terminal.
	t.Run("checkout", func(t *testing.T) {
		isolate(t)
		dir := t.TempDir()
		cfg := filepath.Join(dir, "config.toml")
		if err := os.WriteFile(cfg, []byte(cases[1].toml), 0o600); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := runTill(t, "--config", cfg, "--db", filepath.Join(dir, "till.db"))
		if code != 1 || !strings.Contains(stderr, "tax.mode") {
			t.Errorf("exit %d, stderr %q; want 1 and a message naming tax.mode", code, stderr)
		}
		if stdout != "" {
			t.Errorf("stdout = %q, want nothing", stdout)
		}
	})
}

func TestImportMissingFile(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "till.db")
	missing := filepath.Join(dir, "no-such-catalog.csv")
	code, stdout, stderr := runTill(t, "import", "--config", testConfig, "--db", db, missing)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if stdout != "" {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
	if !strings.Contains(stderr, missing) || !strings.Contains(stderr, "no such file") {
		t.Errorf("stderr does not say which file is missing:\n%s", stderr)
	}
	if strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
		t.Errorf("want a one-line message, got:\n%s", stderr)
	}
	// A mistyped file name must not leave a new, empty database behind.
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("database %s was created (stat: %v)", db, err)
	}

	code, _, stderr = runTill(t, "import", "--db", db)
	if code != 1 || !strings.Contains(stderr, "usage: till import") {
		t.Errorf("import without a file: exit %d, stderr %q; want 1 and the usage", code, stderr)
	}
}

// ean13 completes 12 digits with their GS1 check digit.
func ean13(d12 string) string {
	sum := 0
	for i, r := range d12 {
		n := int(r - '0')
		if i%2 == 1 {
			n *= 3
		}
		sum += n
	}
	return d12 + string(rune('0'+(10-sum%10)%10))
}

func writeBigCatalog(t *testing.T, path string, rows int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "sku,barcodes,name,price,tax_class,flags,ticket_sale_id")
	for i := range rows {
		class, flags := "standard", ""
		if i%10 == 0 {
			class, flags = "zero", "weighed"
		}
		fmt.Fprintf(w, "SKU-%06d,%s,商品 Item %d,%d.%02d,%s,%s,\n",
			i, ean13(fmt.Sprintf("479%09d", i)), i, 1+i%5000, i%100, class, flags)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestImportLargeCatalog(t *testing.T) {
	isolate(t)
	const rows = 100_000
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "big.csv")
	writeBigCatalog(t, csvPath, rows)
	db := filepath.Join(dir, "till.db")

	start := time.Now()
	code, _, stderr := runTill(t, "import", "--config", testConfig, "--db", db, csvPath)
	took := time.Since(start)
	t.Logf("imported %d rows in %v", rows, took)
	if code != 0 {
		t.Fatalf("exit %d\nstderr: %s", code, stderr)
	}
	if want := fmt.Sprintf("Imported %d items", rows); !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
	// Progress while reading and while saving, so a long import is not silent.
	for _, re := range []string{`read 5000 items`, `read 100000 items`, `saved 50000 items`, `saved 100000 items`} {
		if !regexp.MustCompile(re).MatchString(stderr) {
			t.Errorf("no progress %q on stderr:\n%s", re, stderr)
		}
	}

	db2, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if n, err := db2.CatalogSize(); err != nil || n != rows {
		t.Errorf("CatalogSize = %d, %v; want %d", n, err, rows)
	}
}

// till devices lists what is attached, or says there is nothing; a HID
// scanner spec is understood on the command line and in the config.
func TestDevicesAndHIDScannerSpecs(t *testing.T) {
	isolate(t)
	code, stdout, stderr := runTill(t, "devices")
	if code != 0 || !(strings.Contains(stdout, "hid:") || strings.Contains(stdout, "no USB HID devices")) {
		t.Errorf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	dir := t.TempDir()
	for spec, want := range map[string]string{
		"hid:0c2e:0b61?interface=0&layout=de": "",
		"hid:zz:0b61":                         "scanner.source",
		"hid:0c2e:0b61?layout=klingon":        "scanner.source",
	} {
		cfg := filepath.Join(dir, "till.toml")
		body := "[money]\ncurrency = \"TWD\"\n[tax]\nmode = \"inclusive\"\n[tax.rates]\nstandard = 5\n[scanner]\nsource = \"" + spec + "\"\n"
		if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := runTill(t, "--config", cfg, "--db", filepath.Join(dir, "till.db"), "sales")
		if (want == "") != (code == 0) || !strings.Contains(stderr, want) {
			t.Errorf("%s: exit %d, %s", spec, code, stderr)
		}
	}
}
