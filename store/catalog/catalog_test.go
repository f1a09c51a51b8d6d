package catalog

import (
	"fmt"
	"slices"
	"testing"

	"till/store/sale"
)

func skus(items []sale.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.SKU
	}
	return out
}

func searchCatalog() *Catalog {
	return New([]sale.Item{
		{SKU: "TEA-02", Name: "Oolong Tea 烏龍茶 600ml", Price: 2500},
		{SKU: "MILK-1", Barcodes: []string{"4006381333931"}, Name: "鮮乳 Fresh Milk", Price: 3500},
		{SKU: "TEA-01", Name: "Green TEA 綠茶", Price: 2000},
		{SKU: "COLA", Barcodes: []string{"036000291452"}, Name: "Cola Zero", Price: 3000},
		{SKU: "EGG", Name: "茶葉蛋 Tea Egg", Price: 1300},
		{SKU: "ÉCLAIR", Name: "Éclair au chocolat", Price: 6000},
	})
}

func TestNewAndLookups(t *testing.T) {
	in := []sale.Item{
		{SKU: "B", Barcodes: []string{"4006381333931", "036000291452"}, Name: "Bee"},
		{SKU: "A", Barcodes: []string{"96385074"}, Name: "Ay"},
		{SKU: "B", Name: "second B is dropped"},
		{SKU: "C", Barcodes: []string{"96385074", "INT-1"}, Name: "Cee"},
	}
	c := New(in)
	if c.Len() != 3 {
		t.Fatalf("Len = %d", c.Len())
	}
	if it, ok := c.BySKU("B"); !ok || it.Name != "Bee" {
		t.Errorf("BySKU(B) = %+v, %v", it, ok)
	}
	if _, ok := c.BySKU("b"); ok {
		t.Error("SKU lookup ignored case")
	}
	for key, sku := range map[string]string{
		"4006381333931": "B",
		"0036000291452": "B", // the UPC-A is stored by its EAN-13 key
		"036000291452":  "B", // and still found by its 12 digits
		"96385074":      "A", // first item claiming a barcode keeps it
		"INT-1":         "C",
	} {
		if it, ok := c.ByBarcode(key); !ok || it.SKU != sku {
			t.Errorf("ByBarcode(%s) = %q, %v; want %s", key, it.SKU, ok, sku)
		}
	}
	if _, ok := c.ByBarcode("4006381333932"); ok {
		t.Error("found a code with a wrong check digit")
	}
	// The index keeps its own copy of the input.
	in[0].Barcodes[0] = "changed"
	if _, ok := c.ByBarcode("4006381333931"); !ok {
		t.Error("changing the input changed the catalog")
	}
	if it, _ := c.BySKU("B"); it.Barcodes[0] != "4006381333931" || it.Barcodes[1] != "0036000291452" {
		t.Errorf("barcodes = %q", it.Barcodes)
	}

	var nilCat *Catalog
	if nilCat.Len() != 0 || nilCat.Search("", 5) != nil {
		t.Error("nil catalog is not empty")
	}
	if _, ok := nilCat.BySKU("A"); ok {
		t.Error("nil catalog found an item")
	}
}

func TestSearch(t *testing.T) {
	c := searchCatalog()
	cases := []struct {
		query string
		limit int
		want  []string
	}{
		{"", 3, []string{"COLA", "EGG", "MILK-1"}},
		{"   ", 100, []string{"COLA", "EGG", "MILK-1", "TEA-01", "TEA-02", "ÉCLAIR"}},
		{"tea", 10, []string{"EGG", "TEA-01", "TEA-02"}},
		{"TEA", 10, []string{"EGG", "TEA-01", "TEA-02"}},
		{"tea", 2, []string{"EGG", "TEA-01"}},
		{"tea 01", 10, []string{"TEA-01"}},     // one word in the SKU, one in the name
		{"green  tea", 10, []string{"TEA-01"}}, // words in any order, extra spaces
		{"tea green", 10, []string{"TEA-01"}},
		{"茶", 10, []string{"EGG", "TEA-01", "TEA-02"}},
		{"烏龍", 10, []string{"TEA-02"}},
		{"茶 egg", 10, []string{"EGG"}},
		{"éclair", 10, []string{"ÉCLAIR"}},
		{"ÉCLAIR", 10, []string{"ÉCLAIR"}},
		{"milk", 10, []string{"MILK-1"}},
		{"coffee", 10, nil},
		{"tea coffee", 10, nil},
		{"tea", 0, nil},
		{"tea", -1, nil},
		{"a\x00b", 10, nil},
		{"tea\x00", 10, nil},
		{"-0", 10, []string{"TEA-01", "TEA-02"}},
		{"600ml", 10, []string{"TEA-02"}},
		{"ml 600", 10, []string{"TEA-02"}},
	}
	for _, tc := range cases {
		got := skus(c.Search(tc.query, tc.limit))
		if len(got) == 0 {
			got = nil
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Search(%q, %d) = %q, want %q", tc.query, tc.limit, got, tc.want)
		}
	}
}

func TestSearchNoCrossing(t *testing.T) {
	// A word must not match across the end of the SKU and the start of the
	// name, or across two items.
	c := New([]sale.Item{{SKU: "AB", Name: "CD"}, {SKU: "EF", Name: "GH"}})
	for _, q := range []string{"bc", "de", "dg", "fg", "hd"} {
		if got := c.Search(q, 10); len(got) != 0 {
			t.Errorf("Search(%q) = %q", q, skus(got))
		}
	}
	if got := skus(c.Search("b c", 10)); !slices.Equal(got, []string{"AB"}) {
		t.Errorf("Search(b c) = %q", got)
	}
}

func bigCatalog(n int) *Catalog {
	items := make([]sale.Item, n)
	names := []string{"鮮乳 Fresh Milk", "Green Tea 綠茶", "Instant Noodles 泡麵", "Potato Chips", "Apple 蘋果"}
	for i := range items {
		items[i] = sale.Item{
			SKU:      fmt.Sprintf("SKU%06d", i),
			Barcodes: []string{fmt.Sprintf("INT%06d", i)},
			Name:     fmt.Sprintf("%s %d", names[i%len(names)], i),
			Price:    100,
		}
	}
	return New(items)
}

func TestSearchBig(t *testing.T) {
	c := bigCatalog(100_000)
	got := c.Search("綠茶 99996", 20)
	if len(got) != 1 || got[0].SKU != "SKU099996" {
		t.Errorf("got %q", skus(got))
	}
	if got := c.Search("milk", 50); len(got) != 50 || got[49].SKU != "SKU000245" {
		t.Errorf("got %d, last %q", len(got), skus(got))
	}
}

func BenchmarkSearch100k(b *testing.B) {
	c := bigCatalog(100_000)
	for _, q := range []string{"nothing-matches", "tea", "green 99999", "茶 泡", "sku09999"} {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.Search(q, 50)
			}
		})
	}
}

func BenchmarkNew100k(b *testing.B) {
	items := bigCatalog(100_000).items
	b.ReportAllocs()
	for b.Loop() {
		New(items)
	}
}
