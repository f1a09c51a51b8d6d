package store

import "testing"

func BenchmarkReplaceCatalog100k(b *testing.B) {
	db := openTemp(b)
	items := genItems(100_000)
	for b.Loop() {
		if err := db.ReplaceCatalog(items, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSaveOpenSale200Lines(b *testing.B) {
	db := openTemp(b)
	s := genSale("bench", 200)
	for b.Loop() {
		s.Rev++
		saved, err := db.SaveOpenSale(s)
		if err != nil {
			b.Fatal(err)
		}
		if !saved {
			b.Fatal("save with a higher rev not written")
		}
	}
}
