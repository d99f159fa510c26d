package fabric

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/audit"
	"github.com/noctop/noctop/providers/httpx"
)

// lossyFabric is a hand-written Fabric v4 server (fixtures from the
// spec, not the simulator) that can misbehave: process an action and then
// answer 401, 500 or drop the connection; or redirect elsewhere.
type lossyFabric struct {
	t         *testing.T
	mode      string // answer to the action: "401", "500", "drop"
	process   bool   // whether the action takes effect before the bad answer
	processed atomic.Bool
	actions   atomic.Int32
	tokens    atomic.Int32
	redirect  string // when set, every API request (token too, if tokenToo) is redirected here
	tokenToo  bool
	code      int // redirect status
}

const pendingUpdateUUID = "0d4c7e2a-1111-4a0b-9c3d-000000000004"

func (h *lossyFabric) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	isToken := r.URL.Path == TokenPath
	if h.redirect != "" && (!isToken || h.tokenToo) {
		w.Header().Set("Location", h.redirect+r.URL.Path+"?client_secret=copied")
		w.WriteHeader(h.code)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch {
	case isToken:
		h.tokens.Add(1)
		w.Write([]byte(`{"access_token":"tok-abcdef-123456","token_timeout":"3599","token_type":"Bearer"}`))
	case r.Method == http.MethodGet && r.URL.Path == ConnPath+pendingUpdateUUID:
		b, err := os.ReadFile(filepath.Join("testdata", "connections", "pending_update_qinq.json"))
		if err != nil {
			h.t.Error(err)
		}
		if h.processed.Load() {
			// What Fabric shows once the update was accepted.
			var c map[string]any
			json.Unmarshal(b, &c)
			c["bandwidth"] = 2000
			c["change"] = map[string]any{"uuid": "chg-upd-4", "type": "CONNECTION_UPDATE", "status": "COMPLETED"}
			b, _ = json.Marshal(c)
		}
		w.Write(b)
	case r.Method == http.MethodPost && r.URL.Path == ConnPath+pendingUpdateUUID+"/actions":
		h.actions.Add(1)
		if h.process {
			h.processed.Store(true)
		}
		switch h.mode {
		case "401":
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`[{"errorCode":"EQ-3000039","errorMessage":"Unauthorized"}]`))
		case "500":
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte(`[{"errorCode":"EQ-3000000","errorMessage":"Internal Server Error"}]`))
		case "drop":
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		default:
			w.WriteHeader(http.StatusAccepted)
			w.Write([]byte(`{"type":"CONNECTION_UPDATE_ACCEPTANCE","uuid":"act-1"}`))
		}
	default:
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`[{"errorCode":"EQ-3000001","errorMessage":"not found"}]`))
	}
}

func lossyProvider(t *testing.T, h http.Handler) *Provider {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	hc := &http.Client{Transport: &http.Transport{}} // no CheckRedirect: httpx must install its own
	t.Cleanup(hc.CloseIdleConnections)
	p, err := New("fabric-hostile", srv.URL, Credentials{ClientID: "client-id-0001", ClientSecret: "client-secret-0001"},
		httpx.WithHTTPClient(hc), httpx.WithRetry(noSleepRetry()))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func auditLines(t *testing.T, path string) []audit.Entry {
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

func TestActionProcessedThenAnswerLost(t *testing.T) {
	for _, mode := range []string{"401", "500", "drop"} {
		for _, process := range []bool{true, false} {
			name := mode + "/processed"
			if !process {
				name = mode + "/not processed"
			}
			t.Run(name, func(t *testing.T) {
				h := &lossyFabric{t: t, mode: mode, process: process}
				p := lossyProvider(t, h)
				if _, err := p.Connection(ctx, pendingUpdateUUID); err != nil {
					t.Fatal(err)
				}
				a, err := p.Plan(model.ActionRequest{Kind: model.ActionApprove, Target: model.Ref{Provider: p.Name(), Type: "connection", ID: pendingUpdateUUID}})
				if err != nil {
					t.Fatal(err)
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
					t.Fatalf("the action reached the server %d times, want exactly 1", n)
				}
				if res.Sends != 1 {
					t.Fatalf("Result.Sends = %d", res.Sends)
				}
				var uo *model.UnknownOutcome
				if !errors.Is(err, model.ErrOutcomeUnknown) || !errors.As(err, &uo) {
					t.Fatalf("err = %v, want an unknown outcome", err)
				}
				wantVerdict, wantOutcome := model.VerdictNotApplied, "not applied"
				if process {
					wantVerdict, wantOutcome = model.VerdictApplied, "applied"
				}
				if uo.Verdict != wantVerdict {
					t.Fatalf("verdict %v, want %v: %v", uo.Verdict, wantVerdict, err)
				}
				lines := auditLines(t, path)
				if len(lines) != 3 {
					t.Fatalf("audit lines: %+v", lines)
				}
				if lines[1].Outcome != "unknown" || lines[1].Sends == nil || *lines[1].Sends != 1 {
					t.Fatalf("result line %+v", lines[1])
				}
				if lines[2].Phase != "reconcile" || lines[2].Outcome != wantOutcome || !strings.HasPrefix(lines[2].Message, "unknown → "+wantOutcome) {
					t.Fatalf("reconcile line %+v", lines[2])
				}
				raw, _ := os.ReadFile(path)
				if strings.Contains(string(raw), "client-secret-0001") || strings.Contains(string(raw), "tok-abcdef-123456") {
					t.Fatalf("secret in the audit log: %s", raw)
				}
				if mode == "401" {
					// The 401 dropped the token: the re-read logged in again.
					if h.tokens.Load() != 2 {
						t.Fatalf("token fetched %d times, want 2", h.tokens.Load())
					}
				}
			})
		}
	}
}

func TestCredentialsNeverFollowARedirect(t *testing.T) {
	for _, code := range []int{302, 307, 308} {
		for _, tokenToo := range []bool{false, true} {
			name := http.StatusText(code) + " of API requests"
			if tokenToo {
				name = http.StatusText(code) + " of the token request"
			}
			t.Run(name, func(t *testing.T) {
				var stolen atomic.Int32
				var seen atomic.Value
				other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					stolen.Add(1)
					b, _ := io.ReadAll(r.Body)
					seen.Store(r.Header.Get("Authorization") + " " + string(b))
				}))
				defer other.Close()
				h := &lossyFabric{t: t, redirect: other.URL, tokenToo: tokenToo, code: code}
				p := lossyProvider(t, h)
				_, err := p.Connections(ctx, nil)
				if stolen.Load() != 0 {
					t.Fatalf("%d request(s) reached the other origin, carrying %q", stolen.Load(), seen.Load())
				}
				if !errors.Is(err, httpx.ErrRedirectRefused) || !strings.Contains(err.Error(), "to "+other.URL+" refused") {
					t.Fatalf("err = %v, want a refused redirect naming %s", err, other.URL)
				}
				if strings.Contains(err.Error(), "client_secret=copied") || strings.Contains(err.Error(), "client-secret-0001") {
					t.Fatalf("error quotes the Location or a secret: %v", err)
				}
				if tokenToo && h.tokens.Load() != 0 {
					t.Fatal("token counted although redirected")
				}
			})
		}
	}
}
