package provision

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/audit"
	"github.com/noctop/noctop/providers/httpx"
)

// lossyPV is a hand-written ProVision API v1 server (block fields as the
// reference lists them) whose SWIP deassign is processed and then answered
// with 401, 500, a dropped connection, or a 200 whose envelope is garbage.
type lossyPV struct {
	mode      string
	process   bool
	processed atomic.Bool
	actions   atomic.Int32
	redirect  string
	code      int
}

func (h *lossyPV) block() map[string]any {
	b := map[string]any{"id": 41, "type": "ipv4", "cidr": "198.51.100.0/29", "address": "3325256704", "mask": 29,
		"is_assigned": 1, "is_aggregate": 1, "is_swipped": 1, "resource_id": 7, "resource_name": "Acme Corp",
		"rir": "ARIN", "lir_id": 3, "parent": 40, "top_aggregate": 1, "child1": 0, "child2": 0}
	if h.processed.Load() {
		b["is_assigned"], b["resource_id"], b["resource_name"], b["custid"] = 0, 2, "6connect holding", "holding"
	}
	return b
}

func (h *lossyPV) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	if h.redirect != "" {
		w.Header().Set("Location", h.redirect+r.URL.Path+"?"+r.URL.RawQuery)
		w.WriteHeader(h.code)
		return
	}
	q := r.URL.Query()
	w.Header().Set("Content-Type", "application/json")
	switch q.Get("action") {
	case ActGet:
		data := []any{}
		if q.Get("selectOffset") == "0" {
			data = append(data, h.block())
		}
		json.NewEncoder(w).Encode(map[string]any{"success": 1, "data": data})
	case ActDeassign:
		h.actions.Add(1)
		if h.process {
			h.processed.Store(true)
		}
		switch h.mode {
		case "401":
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{'success':0, 'message':'Not logged in'}`))
		case "500":
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte(`<html><title>500 Internal Server Error</title></html>`))
		case "drop":
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		case "garbled":
			w.Write([]byte(`{"success":1,"message":"Sent ARIN SWIP deassign`))
		default:
			w.Write([]byte(`{"success":1,"message":"ok"}`))
		}
	default:
		w.Write([]byte(`{"success":0,"message":"Unknown action"}`))
	}
}

func lossyProvider(t *testing.T, h http.Handler) *Provider {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	hc := &http.Client{Transport: &http.Transport{}} // keep-alive, no CheckRedirect of its own
	t.Cleanup(hc.CloseIdleConnections)
	p, err := New("pv-hostile", srv.URL, Credentials{APIKey: "pv-api-key-0001", SecretKey: "pv-secret-key-0001"},
		httpx.WithHTTPClient(hc), WithEntityHandle("ACME-1"),
		httpx.WithRetry(httpx.RetryPolicy{Sleep: func(context.Context, time.Duration) error { return nil }}))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The deassign is a GET: net/http would replay it by itself on a reused
// keep-alive connection that dies without an answer ("drop"); httpx must
// make it impossible.
func TestDeassignProcessedThenAnswerLost(t *testing.T) {
	ctx := context.Background()
	for _, mode := range []string{"401", "500", "drop", "garbled"} {
		for _, process := range []bool{true, false} {
			name := fmt.Sprintf("%s/processed=%v", mode, process)
			t.Run(name, func(t *testing.T) {
				h := &lossyPV{mode: mode, process: process}
				p := lossyProvider(t, h)
				if _, err := p.Blocks(ctx, model.BlockQuery{}, nil); err != nil {
					t.Fatal(err)
				}
				a, err := p.Plan(model.ActionRequest{Kind: model.ActionDeassign, Target: model.Ref{Provider: p.Name(), Type: "block", ID: "41"}})
				if err != nil {
					t.Fatal(err)
				}
				if a.HTTP.Method != http.MethodGet {
					t.Fatalf("the deassign is expected as a GET: %+v", a.HTTP)
				}
				path := filepath.Join(t.TempDir(), "audit.log")
				log, err := audit.Open(path, nil)
				if err != nil {
					t.Fatal(err)
				}
				defer log.Close()
				src := model.SourceOf(p)
				res, err := log.Wrap(p.Name(), src.Runner, src.Verifier).Do(ctx, a)
				if n := h.actions.Load(); n != 1 {
					t.Fatalf("the deassign reached the server %d times, want exactly 1", n)
				}
				var uo *model.UnknownOutcome
				if !errors.As(err, &uo) || res.Sends != 1 {
					t.Fatalf("err = %v, sends %d: want an unknown outcome, sent once", err, res.Sends)
				}
				want := map[bool]model.Verdict{true: model.VerdictApplied, false: model.VerdictNotApplied}[process]
				if uo.Verdict != want {
					t.Fatalf("verdict %v, want %v (%v)", uo.Verdict, want, err)
				}
				lines := readAudit(t, path)
				if len(lines) != 3 || lines[1].Outcome != "unknown" || lines[2].Phase != "reconcile" ||
					!strings.HasPrefix(lines[2].Message, "unknown → "+want.String()) {
					t.Fatalf("audit lines: %+v", lines)
				}
				raw, _ := os.ReadFile(path)
				if strings.Contains(string(raw), "pv-secret-key-0001") || strings.Contains(string(raw), "hash=") {
					t.Fatalf("credential in the audit log: %s", raw)
				}
			})
		}
	}
}

func readAudit(t *testing.T, path string) []audit.Entry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []audit.Entry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e audit.Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// A signed request carries apiKey and hash in its query; a redirect to
// another origin that copies the query would hand both over.
func TestSignedRequestNeverFollowsARedirect(t *testing.T) {
	for _, code := range []int{301, 302, 307, 308} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			var stolen atomic.Int32
			var seen atomic.Value
			other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				stolen.Add(1)
				seen.Store(r.URL.RawQuery)
			}))
			defer other.Close()
			p := lossyProvider(t, &lossyPV{redirect: other.URL, code: code})
			_, err := p.Blocks(context.Background(), model.BlockQuery{}, nil)
			if stolen.Load() != 0 {
				t.Fatalf("%d request(s) reached the other origin with query %q", stolen.Load(), seen.Load())
			}
			if !errors.Is(err, httpx.ErrRedirectRefused) || !strings.Contains(err.Error(), "to "+other.URL+" refused") {
				t.Fatalf("err = %v, want a refused redirect naming %s", err, other.URL)
			}
			for _, leak := range []string{"apiKey", "hash", "pv-api-key-0001", "pv-secret-key-0001"} {
				if strings.Contains(err.Error(), leak) {
					t.Fatalf("error quotes %q: %v", leak, err)
				}
			}
		})
	}
}
