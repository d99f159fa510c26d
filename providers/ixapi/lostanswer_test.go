package ixapi

import (
	"bufio"
	"context"
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
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/audit"
	"github.com/noctop/noctop/providers/httpx"
)

// lossyIX is a hand-written IX-API v2 server (objects as the 2.1.0 spec
// spells them) that processes a decommission or a change-request withdrawal
// and then answers 401, 500 or drops the connection; or redirects.
type lossyIX struct {
	mode      string
	process   bool
	processed atomic.Bool
	mutations atomic.Int32
	logins    atomic.Int32
	redirect  string
	code      int
	loginToo  bool
}

func (h *lossyIX) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	path := strings.TrimPrefix(r.URL.Path, "/api/v2")
	isLogin := path == TokenPath || path == RefreshPath
	if h.redirect != "" && (!isLogin || h.loginToo) {
		w.Header().Set("Location", h.redirect+r.URL.Path+"?api_secret=copied")
		w.WriteHeader(h.code)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	conn := map[string]any{"id": "C-100", "name": "fra-lag-1", "state": "production", "mode": "lag_lacp",
		"managing_account": "A-1", "consuming_account": "A-1", "billing_account": "A-1",
		"role_assignments": []string{}, "vlan_types": []string{"dot1q"}, "outer_vlan_ethertypes": []string{"0x8100"}, "ports": []string{}}
	svc := map[string]any{"id": "NS-7", "type": "p2p_vc", "state": "production_change_pending", "product_offering": "PO-1", "capacity": 1000,
		"managing_account": "A-1", "consuming_account": "A-1", "billing_account": "A-1", "joining_member_account": "A-2"}
	switch {
	case isLogin:
		h.logins.Add(1)
		w.Write([]byte(`{"access_token":"ix-access-token-0001","refresh_token":"ix-refresh-token-0001"}`))
	case r.Method == http.MethodGet && path == "/connections/C-100":
		if h.processed.Load() {
			conn["state"], conn["decommission_at"] = "decommission_requested", "2026-04-01"
		}
		json.NewEncoder(w).Encode(conn)
	case r.Method == http.MethodGet && path == "/network-services/NS-7":
		if h.processed.Load() {
			svc["state"] = "production"
		}
		json.NewEncoder(w).Encode(svc)
	case r.Method == http.MethodGet && path == "/network-services/NS-7/change-request":
		if h.processed.Load() {
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"type":"https://errors.ix-api.net/v2/not-found.html","title":"Not Found","status":404}`))
			return
		}
		w.Write([]byte(`{"product_offering":"PO-1","capacity":2000}`))
	case r.Method == http.MethodDelete && (path == "/connections/C-100" || path == "/network-services/NS-7/change-request"):
		h.mutations.Add(1)
		if h.process {
			h.processed.Store(true)
		}
		switch h.mode {
		case "401":
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"type":"https://errors.ix-api.net/v2/authentication-error.html","title":"Authentication Credentials Invalid","status":401}`))
		case "500":
			w.WriteHeader(http.StatusInternalServerError)
		case "drop":
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		default:
			w.WriteHeader(http.StatusAccepted)
		}
	default:
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"title":"Not Found","status":404}`))
	}
}

func lossyProvider(t *testing.T, h http.Handler) *Provider {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	hc := &http.Client{Transport: &http.Transport{}} // no CheckRedirect of its own
	t.Cleanup(hc.CloseIdleConnections)
	p, err := New("ix-hostile", srv.URL+"/api/v2", Credentials{APIKey: "ix-api-key-0001", APISecret: "ix-api-secret-0001"},
		httpx.WithHTTPClient(hc), httpx.WithRetry(httpx.RetryPolicy{Sleep: func(context.Context, time.Duration) error { return nil }}))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMutationProcessedThenAnswerLost(t *testing.T) {
	ctx := context.Background()
	plans := map[string]func(t *testing.T, p *Provider) model.Action{
		"decommission": func(t *testing.T, p *Provider) model.Action {
			if _, err := p.Connection(ctx, "conn:C-100"); err != nil {
				t.Fatal(err)
			}
			a, err := p.Plan(model.ActionRequest{Kind: model.ActionDecommission, Target: model.Ref{ID: "conn:C-100", Type: "connection"},
				Params: map[string]string{ParamDecommissionAt: "2026-04-01"}})
			if err != nil {
				t.Fatal(err)
			}
			return a
		},
		"withdraw change request": func(t *testing.T, p *Provider) model.Action {
			return model.Action{Request: model.ActionRequest{Kind: model.ActionWithdrawChangeRequest, Target: model.Ref{ID: "ns:NS-7"}},
				HTTP: model.HTTPRequest{Method: http.MethodDelete, Path: "/network-services/NS-7/change-request"}}
		},
	}
	for pname, plan := range plans {
		for _, mode := range []string{"401", "500", "drop"} {
			for _, process := range []bool{true, false} {
				name := pname + "/" + mode + "/processed"
				if !process {
					name = pname + "/" + mode + "/not processed"
				}
				t.Run(name, func(t *testing.T) {
					h := &lossyIX{mode: mode, process: process}
					p := lossyProvider(t, h)
					a := plan(t, p)
					path := filepath.Join(t.TempDir(), "audit.log")
					log, err := audit.Open(path, nil)
					if err != nil {
						t.Fatal(err)
					}
					defer log.Close()
					src := model.SourceOf(p)
					res, err := log.Wrap(p.Name(), src.Runner, src.Verifier).Do(ctx, a)
					if n := h.mutations.Load(); n != 1 {
						t.Fatalf("the mutation reached the server %d times, want exactly 1", n)
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
				})
			}
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

func TestSecretsNeverFollowARedirect(t *testing.T) {
	for _, code := range []int{302, 307, 308} {
		for _, loginToo := range []bool{false, true} {
			name := http.StatusText(code) + " of API requests"
			if loginToo {
				name = http.StatusText(code) + " of /auth/token"
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
				h := &lossyIX{redirect: other.URL, code: code, loginToo: loginToo}
				p := lossyProvider(t, h)
				_, err := p.Connection(context.Background(), "conn:C-100")
				if stolen.Load() != 0 {
					t.Fatalf("%d request(s) reached the other origin, carrying %q", stolen.Load(), seen.Load())
				}
				if !errors.Is(err, httpx.ErrRedirectRefused) || !strings.Contains(err.Error(), "to "+other.URL+" refused") {
					t.Fatalf("err = %v, want a refused redirect naming %s", err, other.URL)
				}
				for _, leak := range []string{"api_secret=copied", "ix-api-secret-0001", "ix-access-token-0001"} {
					if strings.Contains(err.Error(), leak) {
						t.Fatalf("error quotes %q: %v", leak, err)
					}
				}
			})
		}
	}
}
