package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// partialFabric serves 250 Fabric connections by search pages; three of
// them have no uuid.
func partialFabric(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/fabric/v4/connections/search" {
			w.Write([]byte(`{"data":[]}`))
			return
		}
		var req struct{ Pagination struct{ Offset, Limit int } }
		_ = json.NewDecoder(r.Body).Decode(&req)
		off, lim := req.Pagination.Offset, req.Pagination.Limit
		var items []string
		for i := off; i < min(off+lim, 250); i++ {
			if i == 7 || i == 70 || i == 170 {
				items = append(items, `{"name":"no uuid"}`)
				continue
			}
			items = append(items, fmt.Sprintf(`{"uuid":"c%05d","name":"conn-%05d","type":"EVPL_VC","state":"ACTIVE","bandwidth":50}`, i, i))
		}
		fmt.Fprintf(w, `{"pagination":{"offset":%d,"limit":%d,"total":250},"data":[%s]}`, off, lim, strings.Join(items, ","))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// `noctop get` prints what it read, says on stderr (and in the log) what
// is missing, and exits 1.
func TestGetIncompleteListing(t *testing.T) {
	dir := isolate(t)
	url := partialFabric(t)
	t.Setenv("NOCTOP_TEST_FABRIC_TOKEN", "test-token-123")
	cases := []struct {
		name, extra string
		wantRows    int
		wantErr     string
	}{
		{"unreadable items", "", 247, "noctop get: fab: 3 of 250 connections could not be read: connection without a uuid"},
		{"max_items", "max_items = 100\n", 100, "; connections truncated at 100 items: the server reports 250 connections, more than max_items (100)\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := filepath.Join(dir, "c.toml")
			src := fmt.Sprintf("[[provider]]\nname = \"fab\"\nkind = \"fabric\"\nbase_url = %q\ntoken_env = \"NOCTOP_TEST_FABRIC_TOKEN\"\n%s", url, tc.extra)
			if err := os.WriteFile(cfg, []byte(src), 0o600); err != nil {
				t.Fatal(err)
			}
			logPath := filepath.Join(dir, tc.name+".log")
			code, out, stderr := runCLI(t, "--config", cfg, "--log", logPath, "get", "connections", "-o", "csv")
			rows := strings.Count(out, "\n") - 1 // the header
			if code != exitFail || rows != tc.wantRows || !strings.Contains(stderr, tc.wantErr) {
				t.Fatalf("exit %d, %d rows, stderr %q", code, rows, stderr)
			}
			log, _ := os.ReadFile(logPath)
			if !strings.Contains(string(log), "incomplete") || !strings.Contains(string(log), "could not be read") {
				t.Errorf("not logged: %s", log)
			}
		})
	}
}
