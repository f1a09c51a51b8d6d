package store

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestOpenCreatesFolderAndFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "till.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Path() != path {
		t.Errorf("Path() = %q, want %q", db.Path(), path)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if m := fi.Mode().Perm(); m != 0o600 {
		t.Errorf("file mode %o, want 600", m)
	}
	di, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if m := di.Mode().Perm(); m != 0o700 {
		t.Errorf("folder mode %o, want 700", m)
	}
}

func TestReopenKeepsDataAndSchema(t *testing.T) {
	db := openTemp(t)
	if err := db.ReplaceCatalog(genItems(3), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveOpenSale(genSale("s1", 2)); err != nil {
		t.Fatal(err)
	}
	db = reopen(t, db)
	if n, err := db.CatalogSize(); err != nil || n != 3 {
		t.Errorf("CatalogSize after reopen = %d, %v; want 3", n, err)
	}
	if s, err := db.OpenSale(); err != nil || s == nil || s.ID != "s1" {
		t.Errorf("OpenSale after reopen = %v, %v", s, err)
	}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		v, err := decodeUint(tx.Bucket(bucketMeta).Get(keySchema))
		if err != nil {
			return err
		}
		if v != schemaVersion {
			t.Errorf("schema version %d, want %d", v, schemaVersion)
		}
		for _, name := range [][]byte{bucketItems, bucketBarcodes, bucketOpen, bucketSales, bucketReceipts, bucketJournal, bucketJournalKeys, bucketJournalOpen} {
			if tx.Bucket(name) == nil {
				t.Errorf("bucket %s missing", name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	db := openTemp(t)
	path := db.Path()
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keySchema, encodeUint(7))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(path)
	if err == nil {
		t.Fatal("Open of a newer schema succeeded")
	}
	if want := fmt.Sprintf("database schema v7 is newer than this till understands (v%d)", schemaVersion); !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	// The refused open must leave the file usable by a newer till, and
	// unlocked.
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	_ = b.View(func(tx *bolt.Tx) error {
		if v, _ := decodeUint(tx.Bucket(bucketMeta).Get(keySchema)); v != 7 {
			t.Errorf("schema version changed to %d", v)
		}
		return nil
	})
}

func TestNotABoltFile(t *testing.T) {
	for name, size := range map[string]int{"small": 20, "large": 64 << 10} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "till.db")
			garbage := []byte(strings.Repeat("this is not a database\n", size/23+1))[:size]
			if err := os.WriteFile(path, garbage, 0o600); err != nil {
				t.Fatal(err)
			}
			db, err := Open(path)
			if err == nil {
				db.Close()
				t.Fatal("Open of a garbage file succeeded")
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name %s", err, path)
			}
			t.Log(err)
		})
	}
}

func TestSecondOpenInProcessIsInUse(t *testing.T) {
	db := openTemp(t)
	start := time.Now()
	db2, err := Open(db.Path())
	if err == nil {
		db2.Close()
		t.Fatal("second Open succeeded")
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("second Open took %v", el)
	}
	if want := "database " + db.Path() + " is in use by another till"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	// Once the first is closed the file opens again.
	reopen(t, db)
}

// TestHelperHoldDB is run as a child process by TestOtherProcessIsInUse.
func TestHelperHoldDB(t *testing.T) {
	path := os.Getenv("TILL_STORE_HOLD_DB")
	if path == "" {
		t.Skip("only run as a child process")
	}
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	os.Stdout.WriteString("ready\n")
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n') // hold until the parent closes stdin
}

func TestOtherProcessIsInUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "till.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldDB$")
	cmd.Env = append(os.Environ(), "TILL_STORE_HOLD_DB="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "ready\n" {
		t.Fatalf("child said %q, %v", line, err)
	}

	_, err = Open(path)
	if err == nil || !strings.Contains(err.Error(), "is in use by another till") {
		t.Fatalf("Open while another process holds it: %v", err)
	}

	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	db, err := Open(path)
	if err != nil {
		t.Fatalf("Open after the other process quit: %v", err)
	}
	db.Close()
}
