package store

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"till/store/sale"
)

// barcodeIndex reads the barcode bucket back as a map.
func barcodeIndex(t *testing.T, db *DB) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketBarcodes).ForEach(func(k, v []byte) error {
			m[string(k)] = string(v)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestReplaceCatalog(t *testing.T) {
	db := openTemp(t)
	if n, err := db.CatalogSize(); err != nil || n != 0 {
		t.Fatalf("empty CatalogSize = %d, %v", n, err)
	}
	if items, err := db.Items(); err != nil || len(items) != 0 {
		t.Fatalf("empty Items = %v, %v", items, err)
	}

	first := []sale.Item{
		{SKU: "C", Barcodes: []string{"300"}, Name: "Cola", Price: 35, TaxClass: "std"},
		{SKU: "A", Barcodes: []string{"100", "101"}, Name: "Apples", Price: 12000, TaxClass: "std", Weighed: true},
		{SKU: "B", Name: "Beer", Price: 60, TaxClass: "std", NonDiscountable: true},
	}
	if err := db.ReplaceCatalog(first, nil); err != nil {
		t.Fatal(err)
	}
	items, err := db.Items()
	if err != nil {
		t.Fatal(err)
	}
	want := []sale.Item{first[1], first[2], first[0]}
	if !reflect.DeepEqual(items, want) {
		t.Errorf("Items = %+v\nwant %+v", items, want)
	}
	if got, want := barcodeIndex(t, db), map[string]string{"100": "A", "101": "A", "300": "C"}; !reflect.DeepEqual(got, want) {
		t.Errorf("barcodes = %v, want %v", got, want)
	}

	// A drops out, C loses its barcode, D arrives.
	second := []sale.Item{
		{SKU: "D", Barcodes: []string{"400"}, Name: "Dates", Price: 99, TaxClass: "std"},
		{SKU: "C", Barcodes: []string{"301"}, Name: "Cola Zero", Price: 35, TaxClass: "std"},
		{SKU: "B", Name: "Beer", Price: 65, TaxClass: "std", NonDiscountable: true},
	}
	if err := db.ReplaceCatalog(second, nil); err != nil {
		t.Fatal(err)
	}
	db = reopen(t, db)
	items, err = db.Items()
	if err != nil {
		t.Fatal(err)
	}
	want = []sale.Item{second[2], second[1], second[0]}
	if !reflect.DeepEqual(items, want) {
		t.Errorf("Items = %+v\nwant %+v", items, want)
	}
	if got, want := barcodeIndex(t, db), map[string]string{"301": "C", "400": "D"}; !reflect.DeepEqual(got, want) {
		t.Errorf("barcodes = %v, want %v", got, want)
	}
	if n, err := db.CatalogSize(); err != nil || n != 3 {
		t.Errorf("CatalogSize = %d, %v; want 3", n, err)
	}
	// The caller's slice keeps its order.
	if second[0].SKU != "D" {
		t.Error("ReplaceCatalog reordered the caller's items")
	}
}

func TestReplaceCatalogProgress(t *testing.T) {
	db := openTemp(t)
	for _, tc := range []struct {
		n    int
		want []int
	}{
		{12345, []int{5000, 10000, 12345}},
		{10000, []int{5000, 10000}},
		{3, []int{3}},
		{0, []int{0}},
	} {
		var got []int
		if err := db.ReplaceCatalog(genItems(tc.n), func(done int) { got = append(got, done) }); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%d items: progress %v, want %v", tc.n, got, tc.want)
		}
		if n, err := db.CatalogSize(); err != nil || n != tc.n {
			t.Errorf("CatalogSize = %d, %v; want %d", n, err, tc.n)
		}
	}
}

func TestReplaceCatalogAllOrNothing(t *testing.T) {
	db := openTemp(t)
	if err := db.ReplaceCatalog(genItems(10), nil); err != nil {
		t.Fatal(err)
	}
	before, _ := db.Items()
	for name, bad := range map[string][]sale.Item{
		"duplicate SKU":     append(genItems(5), sale.Item{SKU: "SKU0000003", Name: "again"}),
		"shared barcode":    append(genItems(5), sale.Item{SKU: "X", Barcodes: []string{"4710000000003"}}),
		"empty SKU":         append(genItems(5), sale.Item{Name: "nameless"}),
		"empty barcode key": append(genItems(5), sale.Item{SKU: "X", Barcodes: []string{""}}),
	} {
		err := db.ReplaceCatalog(bad, nil)
		if err == nil || !strings.HasPrefix(err.Error(), "replacing the catalog: ") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	after, err := db.Items()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Error("a refused catalog changed the stored one")
	}
}

func TestReplaceCatalogFailedCommitKeepsOld(t *testing.T) {
	db := openTemp(t)
	if err := db.ReplaceCatalog(genItems(10), nil); err != nil {
		t.Fatal(err)
	}
	// Capping the file size makes the commit fail the way a full disk
	// would: nothing must be applied.
	db.bolt.MaxSize = 1 << 20 // far less than 20,000 items need
	err := db.ReplaceCatalog(genItems(20000), nil)
	if err == nil {
		t.Fatal("ReplaceCatalog over MaxSize succeeded")
	}
	t.Log(err)
	db.bolt.MaxSize = 0
	db = reopen(t, db)
	if n, err := db.CatalogSize(); err != nil || n != 10 {
		t.Errorf("CatalogSize after a failed replace = %d, %v; want 10", n, err)
	}
}

func TestItemsDamagedValue(t *testing.T) {
	db := openTemp(t)
	if err := db.ReplaceCatalog(genItems(3), nil); err != nil {
		t.Fatal(err)
	}
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketItems).Put([]byte("SKU0000002"), []byte("{not json"))
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Items()
	if err == nil || !strings.Contains(err.Error(), `"SKU0000002"`) {
		t.Errorf("Items with a damaged value: %v", err)
	}
}
