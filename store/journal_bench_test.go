package store

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// benchOp is a 300-byte charge.
var benchOp = json.RawMessage(`{"provider":"cancan","wallet":"wechat","amount":123450,"currency":"TWD",` +
	`"code":"134567890123456789","store":"S0042","terminal":"T07","operator":"clerk-3",` +
	`"description":"` + strings.Repeat("x", 80) + `","sale_id":"0b5c4a52-9d4e-4f0e-8f57-2d1f3c9a6e11"}`)

func benchEntry(i int) JournalEntry {
	e := payEntry(fmt.Sprintf("bench-%09d", i), "0b5c4a52-9d4e-4f0e-8f57-2d1f3c9a6e11")
	e.Op = benchOp
	return e
}

// benchEntrySize is the size of one stored entry, the bytes
// BenchmarkRawWriteFsync writes per iteration.
func benchEntrySize(b *testing.B) int {
	e := benchEntry(0)
	e.Seq, e.State, e.Created, e.Updated = 1, OpQueued, t0, t0
	v, err := json.Marshal(e)
	if err != nil {
		b.Fatal(err)
	}
	return len(v)
}

func BenchmarkJournalAppend(b *testing.B) {
	db := openTemp(b)
	b.SetBytes(int64(benchEntrySize(b)))
	i := 0
	for b.Loop() {
		i++
		if _, err := db.JournalAppend(benchEntry(i)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawWriteFsync is the floor for JournalAppend: the same bytes
// appended to a plain file in the same folder, fsynced each time.
func BenchmarkRawWriteFsync(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "till")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "raw.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := []byte(strings.Repeat("j", benchEntrySize(b)))
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		if _, err := f.Write(buf); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJournalUpdate(b *testing.B) {
	db := openTemp(b)
	b.SetBytes(int64(benchEntrySize(b)))
	if _, err := db.JournalAppend(benchEntry(0)); err != nil {
		b.Fatal(err)
	}
	key := benchEntry(0).Key
	outcome := json.RawMessage(`{"status":"approved","reference":"4200001234202503141234567890"}`)
	for b.Loop() {
		_, err := db.JournalUpdate(key, func(e *JournalEntry) error {
			e.Attempts++
			e.State, e.Outcome = OpDone, outcome
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
