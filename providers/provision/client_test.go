package provision

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

func TestEnvelopeErrorsWithHTTP200(t *testing.T) {
	e := newEnv(t, 0)
	p := e.provider(t)
	cases := []struct {
		body     string
		kind     error
		contains string
	}{
		{`{"success":0,"message":"Invalid hash for API key 38-X"}`, model.ErrUnauthorized, "Invalid hash"},
		{`{"success":"0","message":"You do not have permission to view IPAM"}`, model.ErrForbidden, "permission"},
		{`{"success":false,"message":"Block 12 not found"}`, model.ErrNotFound, "not found"},
		{`{'success':0, 'message':'error message'}`, nil, "error message"}, // the reference's own (non-JSON) spelling
		{`{"success":0}`, nil, "no message"},
	}
	for _, c := range cases {
		e.setWrap(func(w http.ResponseWriter, r *http.Request, _ http.Handler) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, c.body)
		})
		_, err := p.MaskReport(context.Background(), model.MaskQuery{})
		var pe *Error
		var ae *model.APIError
		if !errors.As(err, &pe) || !errors.As(err, &ae) {
			t.Fatalf("%s: got %v (%T), want *provision.Error wrapping *model.APIError", c.body, err, err)
		}
		if ae.Status != 200 || ae.Code != "success=0" || !strings.Contains(ae.Message, c.contains) || !strings.Contains(ae.Details, "action maskReport") {
			t.Errorf("%s: APIError %+v", c.body, ae)
		}
		if c.kind != nil && !errors.Is(err, c.kind) {
			t.Errorf("%s: errors.Is(%v) false", c.body, c.kind)
		}
		if c.kind == nil && (errors.Is(err, model.ErrUnauthorized) || errors.Is(err, model.ErrNotFound)) {
			t.Errorf("%s: classified without reason", c.body)
		}
	}
	// Success explicitly as a string, and missing.
	e.setWrap(func(w http.ResponseWriter, r *http.Request, _ http.Handler) {
		_, _ = io.WriteString(w, `{"success":"1","data":{"IPv4":{"total":"5","prefixes":{"30":{"total":"4","assigned":"4"}}}}}`)
	})
	mr, err := p.MaskReport(context.Background(), model.MaskQuery{})
	if err != nil || len(mr.Families) != 1 || mr.Families[0].Prefixes[0].Assigned != model.HostsOf(4) {
		t.Fatalf("success as string: %+v %v", mr, err)
	}
	e.setWrap(func(w http.ResponseWriter, r *http.Request, _ http.Handler) {
		_, _ = io.WriteString(w, `{"data":[]}`)
	})
	if _, err := p.MaskReport(context.Background(), model.MaskQuery{}); !errors.Is(err, model.ErrBadResponse) {
		t.Fatalf("missing success: %v", err)
	}
	// A non-2xx status with ProVision's envelope: APIError with its message.
	e.setWrap(func(w http.ResponseWriter, r *http.Request, _ http.Handler) {
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `{"success":0,"message":"IP not in allow list"}`)
	})
	_, err = p.MaskReport(context.Background(), model.MaskQuery{})
	var ae *model.APIError
	if !errors.As(err, &ae) || ae.Status != 403 || ae.Message != "IP not in allow list" || !errors.Is(err, model.ErrForbidden) {
		t.Fatalf("403 envelope: %v", err)
	}
}

func TestSimulatorRejectsBadSignatures(t *testing.T) {
	e := newEnv(t, 0)
	for _, creds := range []Credentials{
		{APIKey: DemoAPIKey, SecretKey: "wrong-secret-key-000"},
		{APIKey: "99-UNKNOWNKEY", SecretKey: DemoSecretKey},
	} {
		p, err := New("ipam-bad", e.srv.URL+basePath, creds, httpx.WithRetry(noSleepRetry()))
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.Utilization(context.Background(), model.UtilQuery{Family: model.IPv4})
		if !errors.Is(err, model.ErrUnauthorized) {
			t.Fatalf("bad credentials: %v", err)
		}
		if strings.Contains(err.Error(), creds.SecretKey.Value()) || strings.Contains(err.Error(), DemoSecretKey) {
			t.Fatalf("secret in error: %v", err)
		}
		var ae *model.APIError
		if !errors.As(err, &ae) || ae.Status != 200 {
			t.Fatalf("status: %v", err)
		}
	}
	// Unsigned requests are refused too.
	resp, err := http.Get(e.srv.URL + basePath + APIPath + "?target=ipam&action=get")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"success":0`) {
		t.Fatalf("unsigned: %d %s", resp.StatusCode, b)
	}
}

func TestSecretsNeverInErrors(t *testing.T) {
	e := newEnv(t, 0)
	p := e.provider(t)
	// A hostile server echoing the query back into its message.
	e.setWrap(func(w http.ResponseWriter, r *http.Request, _ http.Handler) {
		fmt.Fprintf(w, `{"success":0,"message":"bad request %s secret=%s \u001b[2J"}`, r.URL.RawQuery, DemoSecretKey)
	})
	_, err := p.MaskReport(context.Background(), model.MaskQuery{})
	if err == nil {
		t.Fatal("want error")
	}
	msg := err.Error()
	for _, s := range []string{DemoAPIKey, DemoSecretKey, "\x1b"} {
		if strings.Contains(msg, s) {
			t.Fatalf("error leaks %q: %s", s, msg)
		}
	}
	// Transport errors name the action path, never the query.
	e.srv.Close()
	_, err = p.Blocks(context.Background(), model.BlockQuery{}, nil)
	if err == nil || strings.Contains(err.Error(), "apiKey") || strings.Contains(err.Error(), DemoAPIKey) {
		t.Fatalf("transport error: %v", err)
	}
}

func TestPagingUntilShortPage(t *testing.T) {
	e := newEnv(t, 0)
	total := e.sim.BlockCount()
	for _, size := range []int{100, 97, total, total + 1} {
		e.rec.mu.Lock()
		e.rec.seen = nil
		e.rec.mu.Unlock()
		p := e.provider(t, WithPageSize(size))
		var prog model.Progress
		bs, err := p.Blocks(context.Background(), model.BlockQuery{}, &prog)
		if err != nil {
			t.Fatal(err)
		}
		if len(bs) != total {
			t.Fatalf("page %d: %d blocks, want %d", size, len(bs), total)
		}
		pages := e.rec.count(ActGet, "")
		want := total/size + 1 // the last page is short (maybe empty)
		if pages != want {
			t.Fatalf("page %d: %d requests, want %d", size, pages, want)
		}
		done, _ := prog.Load()
		if done != pages {
			t.Fatalf("progress %d, pages %d", done, pages)
		}
		offsets := map[string]bool{}
		for _, ex := range e.rec.all() {
			if ex.Query.Get("selectCount") != fmt.Sprint(size) || offsets[ex.Query.Get("selectOffset")] {
				t.Fatalf("bad paging params %v", ex.Query)
			}
			offsets[ex.Query.Get("selectOffset")] = true
		}
	}
}

func TestPagingSurvivesNoBlocksFoundAnswer(t *testing.T) {
	e := newEnv(t, 0)
	total := e.sim.BlockCount()
	// Pages that divide the total exactly end with an empty page, which
	// some versions answer with success 0 rather than an empty list.
	size := total / 2
	if total%2 != 0 {
		size = total
	}
	p := e.provider(t, WithPageSize(size))
	e.setWrap(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if r.URL.Query().Get("selectOffset") == fmt.Sprint(total) {
			_, _ = io.WriteString(w, `{"success":0,"message":"No blocks found."}`)
			return
		}
		next.ServeHTTP(w, r)
	})
	bs, err := p.Blocks(context.Background(), model.BlockQuery{}, nil)
	if err != nil || len(bs) != total {
		t.Fatalf("%d blocks, %v", len(bs), err)
	}
	if n := e.rec.count(ActGet, ""); n != total/size+1 {
		t.Fatalf("%d pages", n)
	}
}

func TestPagingBoundedAndDeduplicated(t *testing.T) {
	e := newEnv(t, 0)
	// A server that ignores selectOffset: every page is full.
	e.setWrap(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		q := r.URL.Query()
		q.Set("selectOffset", "0")
		r2 := r.Clone(r.Context())
		r2.URL.RawQuery = q.Encode()
		// Re-sign is not needed: the simulator is called directly below.
		e.sim.engine.Lock()
		e.sim.handleGet(w, q)
		e.sim.engine.Unlock()
	})
	p := e.provider(t, WithPageSize(10), httpx.WithBounds(httpx.Bounds{MaxItems: 95}))
	bs, err := p.Blocks(context.Background(), model.BlockQuery{}, nil)
	// The second page repeats the first: stop there, keep what was read,
	// and say why.
	var in *model.Incomplete
	if !errors.As(err, &in) || !in.Truncated || len(bs) != 10 || !strings.Contains(err.Error(), "ignores the paging") {
		t.Fatalf("runaway paging: %d blocks, %v", len(bs), err)
	}
	if n := e.rec.count(ActGet, ""); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
}

func TestLongQueriesArePosted(t *testing.T) {
	e := newEnv(t, 0)
	p := e.provider(t)
	long := strings.Repeat("x", MaxQuery)
	bs, err := p.Blocks(context.Background(), model.BlockQuery{Search: long}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 0 {
		t.Fatalf("%d blocks match a nonsense search", len(bs))
	}
	ex := e.rec.all()
	last := ex[len(ex)-1]
	if last.Method != http.MethodPost || strings.Contains(last.Raw, "xxxx") || !strings.Contains(last.Body, "xxxx") {
		t.Fatalf("long request: %s raw=%.80s body=%.40s", last.Method, last.Raw, last.Body)
	}
	if !strings.HasPrefix(last.Raw, "target=ipam&action=get&apiKey=") {
		t.Fatalf("POST keeps target and action in the URL: %s", last.Raw)
	}
	// A short search stays a GET.
	if _, err := p.Blocks(context.Background(), model.BlockQuery{Search: "Bluepeak"}, nil); err != nil {
		t.Fatal(err)
	}
	ex = e.rec.all()
	if m := ex[len(ex)-1].Method; m != http.MethodGet {
		t.Fatalf("short request sent as %s", m)
	}
	h := Request(ActGet, Params{keys: []string{"search"}, vals: []string{long}})
	if h.Method != http.MethodPost || len(h.Path) > MaxQuery {
		t.Fatalf("Request: %s %d", h.Method, len(h.Path))
	}
}

func TestReadsRetriedActionsNot(t *testing.T) {
	e := newEnv(t, 0)
	p := e.provider(t)
	fails := 0
	e.setWrap(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if fails < 1 {
			fails++
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, "<html>bad gateway</html>")
			return
		}
		next.ServeHTTP(w, r)
	})
	if _, err := p.Utilization(context.Background(), model.UtilQuery{Family: model.IPv6}); err != nil {
		t.Fatalf("read not retried: %v", err)
	}
	// The retried request was signed again and accepted.
	if n := e.rec.count(ActUtilization, ""); n != 2 {
		t.Fatalf("%d utilization requests, want 2", n)
	}
	fails = 0
	a, err := p.Plan(model.ActionRequest{Kind: model.ActionSmartAssign, Params: map[string]string{
		model.ParamMask: "29", model.ParamFamily: "ipv4", model.ParamRIR: "ARIN", model.ParamResourceID: "1001"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Do(context.Background(), a)
	var ae *model.APIError
	if !errors.As(err, &ae) || ae.Status != 502 {
		t.Fatalf("action: %v", err)
	}
	if n := e.rec.count(ActSmartAssign, ""); n != 1 {
		t.Fatalf("smartAssign sent %d times, want exactly once", n)
	}
}

func TestUtilizationParams(t *testing.T) {
	e := newEnv(t, 0)
	p := e.provider(t)
	if _, err := p.Utilization(context.Background(), model.UtilQuery{}); err == nil {
		t.Fatal("type is required")
	}
	if _, err := p.client.HostUtilization(context.Background(), Params{}); err == nil {
		t.Fatal("client: type is required")
	}
	u, err := p.Utilization(context.Background(), model.UtilQuery{Family: model.IPv4, Tags: []string{"Customer", "PTP"}, Regions: []string{"IAD"}, VLANs: []int{100, 200}})
	if err != nil {
		t.Fatal(err)
	}
	ex := e.rec.all()
	q := ex[len(ex)-1].Query
	if q.Get("tags") != `["Customer","PTP"]` || q.Get("region") != "IAD" || q.Get("vlan") != "[100,200]" || q.Get("type") != "ipv4" {
		t.Fatalf("multi-value params: %v", q)
	}
	if u.Family != model.IPv4 || u.Unit != "addresses" {
		t.Fatalf("%+v", u)
	}
}

func TestReportsFromSimulator(t *testing.T) {
	e := newEnv(t, 0)
	p := e.provider(t)
	ctx := context.Background()
	for _, fam := range []model.IPFamily{model.IPv4, model.IPv6} {
		u, err := p.Utilization(ctx, model.UtilQuery{Family: fam})
		if err != nil {
			t.Fatal(err)
		}
		sum := u.Assigned.Add(u.Holding).Add(u.Available)
		if sum != u.Total || u.Total.IsZero() {
			t.Fatalf("%s: assigned+holding+available %s != total %s", fam, sum, u.Total)
		}
		if d := u.AssignedPct + u.HoldingPct + u.AvailablePct; d < 99.9 || d > 100.1 {
			t.Fatalf("%s: percentages add to %v", fam, d)
		}
		if len(u.Resources) == 0 || u.Resources[0].Hosts.Cmp(u.Resources[len(u.Resources)-1].Hosts) < 0 {
			t.Fatalf("%s: resources %+v", fam, u.Resources)
		}
	}
	mr, err := p.MaskReport(ctx, model.MaskQuery{Regions: []string{"IAD", "AMS"}})
	if err != nil {
		t.Fatal(err)
	}
	v4, ok4 := mr.Family(model.IPv4)
	v6, ok6 := mr.Family(model.IPv6)
	if !ok4 || !ok6 || len(v4.Prefixes) == 0 || len(v6.Prefixes) == 0 || v6.Unit != "/64s" {
		t.Fatalf("mask report %+v", mr)
	}
	sum := model.Hosts{}
	for _, r := range v4.Prefixes {
		sum = sum.Add(r.Total)
	}
	if sum != v4.Totals.Total {
		t.Fatalf("prefix totals %s != family total %s", sum, v4.Totals.Total)
	}
}

var _ = httpx.RetryAlways
