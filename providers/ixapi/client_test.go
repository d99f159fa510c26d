package ixapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// fakeAPI is an httptest server under /api/v2 with a static token.
func fakeAPI(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(http.StripPrefix(SimBasePath, h))
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL+SimBasePath, WithCredentials(Credentials{Token: "static-test-token"}), httpx.WithRetry(fastRetry))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func portsJSON(from, to int) []map[string]any {
	var out []map[string]any
	for i := from; i < to; i++ {
		out = append(out, map[string]any{"id": fmt.Sprintf("p%03d", i), "name": fmt.Sprintf("xe-0/0/%d", i), "state": "production",
			"media_type": "10GBASE-LR", "device": "d1", "pop": "pop1", "connection": nil, "managing_account": "a",
			"consuming_account": "a", "billing_account": "a", "role_assignments": []string{}})
	}
	return out
}

func TestListShapes(t *testing.T) {
	const total = 23
	all := portsJSON(0, total)
	cases := []struct {
		name      string
		pageLimit int
		serve     func(w http.ResponseWriter, r *http.Request)
		wantCalls int64
	}{
		{"bare array", 0, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, all) }, 1},
		{"bare array although a page was asked for", 10, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, all) }, 1},
		{"envelope with count, client pages", 10, envelope(all, 10, true), 3},
		{"envelope the client did not ask for (server pages by 7)", 0, envelope(all, 7, true), 4},
		{"envelope without count, next links only", 10, envelope(all, 10, false), 3},
		{"single envelope page", 50, envelope(all, 50, true), 1},
		{"envelope with items/total keys", 10, func(w http.ResponseWriter, r *http.Request) {
			off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
			lim, _ := strconv.Atoi(r.URL.Query().Get("limit"))
			writeJSON(w, map[string]any{"total": total, "items": all[min(off, total):min(off+lim, total)]})
		}, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var calls atomic.Int64
			var mu sync.Mutex
			var queries []string
			cl := fakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				mu.Lock()
				queries = append(queries, r.URL.RawQuery)
				mu.Unlock()
				if r.Header.Get("Authorization") != "Bearer static-test-token" {
					t.Errorf("missing bearer token")
				}
				c.serve(w, r)
			})
			cl.cfg.pageLimit = c.pageLimit
			var prog model.Progress
			ports, err := cl.ListPorts(ctxT(t), nil, &prog)
			if err != nil {
				t.Fatal(err)
			}
			if len(ports) != total {
				t.Fatalf("got %d ports, want %d", len(ports), total)
			}
			for i, p := range ports {
				if p.ID != fmt.Sprintf("p%03d", i) || p.DecodeError() != nil || len(p.Raw()) == 0 {
					t.Fatalf("port %d: %+v (err %v)", i, p.ID, p.DecodeError())
				}
			}
			if calls.Load() != c.wantCalls {
				t.Errorf("%d requests, want %d (%v)", calls.Load(), c.wantCalls, queries)
			}
			if done, _ := prog.Load(); done < 1 {
				t.Errorf("progress not reported")
			}
			if c.pageLimit == 0 && !strings.Contains(c.name, "server pages") && queries[0] != "" {
				t.Errorf("without a page limit the first request must not page: %q", queries[0])
			}
		})
	}
}

// envelope serves all in pages of at most max (server-side cap), with or
// without count.
func envelope(all []map[string]any, max int, withCount bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		off, _ := strconv.Atoi(q.Get("offset"))
		lim, err := strconv.Atoi(q.Get("limit"))
		if err != nil || lim > max {
			lim = max
		}
		lo, hi := min(off, len(all)), min(off+lim, len(all))
		body := map[string]any{"results": all[lo:hi], "previous": nil, "next": nil}
		if hi < len(all) {
			body["next"] = fmt.Sprintf("http://x/api/v2/ports?limit=%d&offset=%d", lim, hi)
		}
		if withCount {
			body["count"] = len(all)
		}
		writeJSON(w, body)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func TestListDeduplicatesObjectsMovingBetweenPages(t *testing.T) {
	all := portsJSON(0, 10)
	cl := fakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		// Page 2 repeats the last object of page 1 (an insert shifted it).
		page := all[min(off, 10):min(off+5, 10)]
		if off == 5 {
			page = append([]map[string]any{all[4]}, all[5:9]...)
		}
		writeJSON(w, map[string]any{"count": 10, "results": page})
	})
	cl.cfg.pageLimit = 5
	ports, err := cl.ListPorts(ctxT(t), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int{}
	for _, p := range ports {
		ids[p.ID]++
	}
	for id, n := range ids {
		if n > 1 {
			t.Errorf("%s listed %d times", id, n)
		}
	}
}

func TestListRejectsGarbage(t *testing.T) {
	for _, body := range []string{`{"detail":"nope"}`, `"ports"`, `42`, `[1,2`, ``, `{"results": 5}`} {
		cl := fakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(body))
		})
		_, err := cl.ListConnections(ctxT(t), nil, nil)
		if !errors.Is(err, model.ErrBadResponse) {
			t.Errorf("body %q: %v, want ErrBadResponse", body, err)
		}
	}
}

func TestFiltersAreChecked(t *testing.T) {
	var got string
	cl := fakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.RawQuery
		writeJSON(w, []any{})
	})
	if _, err := cl.ListConnections(ctxT(t), Filter{"state": "production", "id": IDList("c1", "c2"), "metro_area_network": "man-fr"}, nil); err != nil {
		t.Fatal(err)
	}
	if got != "id=c1%2Cc2&metro_area_network=man-fr&state=production" {
		t.Errorf("query %q", got)
	}
	if _, err := cl.ListConnections(ctxT(t), Filter{"stat": "production"}, nil); err == nil || !strings.Contains(err.Error(), `no filter "stat"`) {
		t.Errorf("a misspelt filter must be refused: %v", err)
	}
	if _, err := cl.ListPorts(ctxT(t), Filter{"limit": "5"}, nil); err == nil {
		t.Error("paging parameters are not filters")
	}
}

func TestInvalidIDsNeverReachThePath(t *testing.T) {
	var hits atomic.Int64
	cl := fakeAPI(t, func(w http.ResponseWriter, r *http.Request) { hits.Add(1); writeJSON(w, map[string]any{}) })
	for _, id := range []string{"", "../ports", "a/b", "a?b=1", "a#b", strings.Repeat("x", 81), "ü"} {
		if _, err := cl.GetConnection(ctxT(t), id); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("id %q: %v", id, err)
		}
		if _, err := cl.Timeseries(ctxT(t), ObjPort, "p1", "../x"); err == nil {
			t.Error("bad aggregate name accepted")
		}
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests were sent for invalid ids", hits.Load())
	}
}

// Problem documents for each error class, in both content types.
func TestProblemDocuments(t *testing.T) {
	cases := []struct {
		status   int
		body     string
		sentinel error
		title    string
		detail   string
		code     string
		props    int
	}{
		{400, `{"type":"https://errors.ix-api.net/v2/validation-error.html","title":"Some fields did not validate.","status":400,
		   "detail":"see properties","properties":[{"name":"capacity","reason":"must be at least 100"},{"name":"product_offering","reason":"required"}]}`,
			nil, "Some fields did not validate.", "see properties", "validation-error", 2},
		{401, `{"type":"https://errors.ix-api.net/v2/signature-expired.html","title":"Signature has expired","status":401,"detail":"log in again"}`,
			model.ErrUnauthorized, "Signature has expired", "log in again", "signature-expired", 0},
		{403, `{"type":"https://errors.ix-api.net/v2/permission-denied.html","title":"Permission denied","status":403,"detail":"not your port"}`,
			model.ErrForbidden, "Permission denied", "not your port", "permission-denied", 0},
		{404, `{"type":"https://errors.ix-api.net/v2/not-found.html","title":"Not found","status":404,"detail":"no connection c9"}`,
			model.ErrNotFound, "Not found", "no connection c9", "not-found", 0},
		{422, `{"type":"https://errors.ix-api.net/v2/unable-to-fulfill.html","title":"Unable to fulfill","status":422,"detail":"VLAN 100 in use","instance":"/connections/c1"}`,
			nil, "Unable to fulfill", "VLAN 100 in use", "unable-to-fulfill", 0},
		{400, `{"type":"https://errors.ix-api.net/v2/cancellation-policy-error.html","title":"Requested cancellation date outside of notice period.","status":400,
		   "detail":"too early","decommission_at":"2025-04-10","charged_until":"2025-04-30"}`,
			nil, "Requested cancellation date outside of notice period.", "too early", "cancellation-policy-error", 0},
	}
	for _, ct := range []string{"application/problem+json", "application/json"} {
		for _, c := range cases {
			t.Run(fmt.Sprintf("%d %s %s", c.status, ct, c.code), func(t *testing.T) {
				var calls atomic.Int64
				cl := fakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
					calls.Add(1)
					w.Header().Set("Content-Type", ct)
					w.WriteHeader(c.status)
					_, _ = w.Write([]byte(c.body))
				})
				_, err := cl.GetConnection(ctxT(t), "c1")
				var ae *model.APIError
				if !errors.As(err, &ae) {
					t.Fatalf("want *model.APIError, got %T %v", err, err)
				}
				if ae.Status != c.status || ae.Problem == nil || ae.Problem.Title != c.title || ae.Problem.Detail != c.detail || ae.Code != c.code {
					t.Errorf("APIError %+v problem %+v", ae, ae.Problem)
				}
				if len(ae.Problem.Properties) != c.props {
					t.Errorf("properties %+v", ae.Problem.Properties)
				}
				msg := ae.Error()
				if !strings.Contains(msg, c.title) || !strings.Contains(msg, c.detail) {
					t.Errorf("the operator must see title and detail: %q", msg)
				}
				if c.sentinel != nil && !errors.Is(err, c.sentinel) {
					t.Errorf("errors.Is(%v)", c.sentinel)
				}
				if c.code == "cancellation-policy-error" && !strings.Contains(msg, "earliest decommission 2025-04-10") {
					t.Errorf("cancellation policy dates missing: %q", msg)
				}
				if strings.Contains(msg, "static-test-token") {
					t.Error("token leaked into the error")
				}
				if calls.Load() != 1 {
					t.Errorf("%d calls: a 4xx is never retried (and a static token cannot be refreshed)", calls.Load())
				}
			})
		}
	}
}

func TestNonJSONErrorBodies(t *testing.T) {
	cl := fakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(502)
		_, _ = w.Write([]byte("<html><title>Bad gateway</title><body>upstream down</body></html>"))
	})
	_, err := cl.Health(ctxT(t))
	var ae *model.APIError
	if !errors.As(err, &ae) || ae.Status != 502 || !strings.Contains(ae.Error(), "Bad gateway") {
		t.Errorf("HTML error: %v", err)
	}
}

// A server answering with enum values this client does not know: decoded,
// kept raw, shown as unknown.
func TestUnknownEnumValuesOverHTTP(t *testing.T) {
	cl := fakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case PathConnections:
			writeJSON(w, []map[string]any{{"id": "c1", "name": "X", "state": "hibernating", "mode": "lag_quantum",
				"vlan_types": []string{"dot1q", "vxlan"}, "outer_vlan_ethertypes": []string{"0x8a88"}, "managing_account": "a",
				"consuming_account": "a", "billing_account": "a", "role_assignments": []string{}}})
		case PathNSConfigs:
			writeJSON(w, []map[string]any{{"id": "n1", "type": "evpn_vc", "state": "production", "network_service": "s1", "connection": "c1",
				"vlan_config": map[string]any{"vlan_type": "vxlan", "vni": 4242}}})
		default:
			writeJSON(w, []any{})
		}
	})
	p := &Provider{name: "ix", client: cl, ix: newIndex(), policies: map[string]preparedPolicy{}}
	rows, err := p.Connections(ctxT(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("rows %d", len(rows))
	}
	byID := map[string]model.Connection{}
	for _, r := range rows {
		byID[r.ID] = r
	}
	c := byID["conn:c1"]
	if c.State != model.StateUnknown || c.RawState != "hibernating" || c.Type != "lag_quantum" || len(c.Actions) != 0 {
		t.Errorf("connection: %+v", c)
	}
	n := byID["nsc:n1"]
	if n.Type != "evpn_vc" || n.State != model.StateActive || !strings.Contains(n.A.Extra, "vxlan") {
		t.Errorf("config: %+v", n)
	}
}

func TestCredentialsNeverPrint(t *testing.T) {
	c := Credentials{APIKey: "KEY-1234567890ab", APISecret: "SECRET-xyz", Token: ""}
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%s", c), fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c)} {
		if strings.Contains(s, "KEY-1234567890ab") || strings.Contains(s, "SECRET-xyz") {
			t.Errorf("credentials printed: %s", s)
		}
	}
	for _, bad := range []Credentials{{}, {APIKey: "k"}, {APISecret: "s"}} {
		if _, err := New("x", "http://127.0.0.1:1/api/v2", bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if _, err := New("", "http://127.0.0.1:1/api/v2", Credentials{Token: "t"}); err == nil {
		t.Error("empty name accepted")
	}
}

func TestMutationsAreNeverRetried(t *testing.T) {
	var calls atomic.Int64
	cl := fakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(503)
	})
	for _, f := range []func() error{
		func() error {
			_, err := cl.CreateChangeRequest(ctxT(t), "s1", NetworkServiceChangeRequest{ProductOffering: "po", Capacity: ptr(int64(1000))})
			return err
		},
		func() error { _, err := cl.DeleteChangeRequest(ctxT(t), "s1"); return err },
		func() error {
			_, err := cl.Decommission(ctxT(t), ObjConnection, "c1", CancellationRequest{})
			return err
		},
	} {
		calls.Store(0)
		if err := f(); err == nil {
			t.Fatal("503 must fail")
		}
		if calls.Load() != 1 {
			t.Errorf("mutation sent %d times", calls.Load())
		}
	}
	// Reads are retried.
	calls.Store(0)
	_, _ = cl.GetPort(ctxT(t), "p1")
	if calls.Load() != 3 {
		t.Errorf("GET attempts %d, want 3", calls.Load())
	}
}

func TestRequestBodiesOnTheWire(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]string{}
	cl := fakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 1024)
		n, _ := r.Body.Read(b)
		mu.Lock()
		seen[r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery] = string(b[:n])
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(202)
		_, _ = w.Write([]byte(`{"product_offering":"po","decommission_at":"2025-04-10","charged_until":"2025-04-30"}`))
	})
	ctx := ctxT(t)
	must[NetworkServiceChangeRequest](t)(cl.CreateChangeRequest(ctx, "s1", NetworkServiceChangeRequest{ProductOffering: "po", Capacity: ptr(int64(2000))}))
	must[json.RawMessage](t)(cl.Decommission(ctx, ObjNetworkServiceConfig, "n1", CancellationRequest{DecommissionAt: "2025-04-10"}))
	pol := must[CancellationPolicy](t)(cl.CancellationPolicy(ctx, ObjConnection, "c1", "2025-05-01"))
	if pol.DecommissionAt != "2025-04-10" {
		t.Errorf("policy %+v", pol)
	}
	want := map[string]string{
		"POST /network-services/s1/change-request?":                          `{"product_offering":"po","capacity":2000}`,
		"DELETE /network-service-configs/n1?":                                `{"decommission_at":"2025-04-10"}`,
		"GET /connections/c1/cancellation-policy?decommission_at=2025-05-01": "",
	}
	for k, v := range want {
		if got, ok := seen[k]; !ok || got != v {
			t.Errorf("%s: body %q (seen %v)", k, got, ok)
		}
	}
	if _, err := cl.CancellationPolicy(ctx, ObjConnection, "c1", "next week"); err == nil {
		t.Error("a date that is not YYYY-MM-DD must be refused")
	}
	if _, err := cl.Decommission(ctx, ObjPort, "p1", CancellationRequest{}); !errors.Is(err, model.ErrUnsupported) {
		t.Error("ports are not decommissioned on their own")
	}
}
