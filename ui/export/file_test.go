package export

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestConnectionsFile(t *testing.T) {
	dir := t.TempDir()
	at := time.Date(2025, 3, 14, 9, 30, 5, 0, time.UTC)
	p1, err := ConnectionsFile(dir, "json", at, sample())
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "noctop-connections-20250314-093005.json"); p1 != want {
		t.Fatalf("path %s, want %s", p1, want)
	}
	var recs []ConnectionRecord
	b, _ := os.ReadFile(p1)
	if err := json.Unmarshal(b, &recs); err != nil || len(recs) != 1 || recs[0].ID != "c-1" {
		t.Fatalf("file content: %v %+v", err, recs)
	}
	// Same second: a new name, the first file untouched.
	p2, err := ConnectionsFile(dir, "json", at, nil)
	if err != nil || !strings.HasSuffix(p2, "-093005-2.json") {
		t.Fatalf("second export: %s %v", p2, err)
	}
	if b2, _ := os.ReadFile(p1); string(b2) != string(b) {
		t.Fatal("first export overwritten")
	}
	if b, _ := os.ReadFile(p2); strings.TrimSpace(string(b)) != "[]" {
		t.Errorf("empty export = %q, want []", b)
	}
	p3, err := ConnectionsFile(dir, "csv", at, sample())
	if err != nil || !strings.HasSuffix(p3, ".csv") {
		t.Fatalf("csv: %s %v", p3, err)
	}
	f, _ := os.Open(p3)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != 2 || rows[1][2] != "c-1" {
		t.Fatalf("csv rows %v %v", rows, err)
	}
}

func TestConnectionsFileErrors(t *testing.T) {
	if _, err := ConnectionsFile(t.TempDir(), "table", time.Now(), sample()); err == nil {
		t.Error("table is not a file format")
	}
	if _, err := ConnectionsFile(filepath.Join(t.TempDir(), "missing"), "json", time.Now(), sample()); err == nil {
		t.Error("a missing directory must fail")
	}
	ro := t.TempDir()
	if err := os.Chmod(ro, 0o500); err != nil {
		t.Skip(err)
	}
	defer os.Chmod(ro, 0o700)
	if os.Getuid() == 0 {
		t.Skip("root ignores directory permissions")
	}
	if _, err := ConnectionsFile(ro, "json", time.Now(), sample()); err == nil || !strings.Contains(err.Error(), "export") {
		t.Errorf("read-only dir: %v", err)
	}
	if ents, _ := os.ReadDir(ro); len(ents) != 0 {
		t.Errorf("left files behind: %v", ents)
	}
}
