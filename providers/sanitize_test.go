package providers

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/model/modeltest"
)

// keepOnWire says which strings a hostile proxy leaves alone so that the
// clients can still log in, page and parse numbers and prefixes: tokens,
// links, and strings that are numbers, booleans, addresses or prefixes.
// Everything else (names, states, ids, descriptions ...) gets escapes.
func keepOnWire(key, v string) bool {
	switch strings.ToLower(key) {
	case "access_token", "refresh_token", "token_type", "href", "next", "previous", "self", "first", "last":
		return true
	}
	if _, err := strconv.ParseFloat(v, 64); err == nil {
		return true
	}
	if _, err := netip.ParsePrefix(v); err == nil {
		return true
	}
	if _, err := netip.ParseAddr(v); err == nil {
		return true
	}
	return v == "true" || v == "false" || v == ""
}

// injectingProxy serves origin's API with Hostile appended to the strings
// of every JSON answer (authentication answers excepted), as a proxy that
// rewrites answers would. It returns the base URL to use instead.
func injectingProxy(t *testing.T, base string, keep func(key, value string) bool) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	origin := &url.URL{Scheme: u.Scheme, Host: u.Host}
	rp := httputil.NewSingleHostReverseProxy(origin)
	rp.ModifyResponse = func(r *http.Response) error {
		p := r.Request.URL.Path
		if strings.Contains(p, "token") || strings.Contains(p, "/auth/") || !strings.Contains(r.Header.Get("Content-Type"), "json") {
			return nil
		}
		body, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return err
		}
		if out, err := modeltest.InjectJSON(body, keep); err == nil {
			body = out
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	srv := httptest.NewServer(rp)
	t.Cleanup(srv.Close)
	return srv.URL + u.Path
}

// TestBuildWrapsEveryCapability: whatever a provider kind offers, the UI
// receives it through model.SafeSource.
func TestBuildWrapsEveryCapability(t *testing.T) {
	d := startDemo(t)
	srcs, err := Build(d.Providers, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range srcs {
		for name, c := range map[string]any{"Connections": s.Connections, "Connection": s.Connection, "Inventory": s.Inventory,
			"Planner": s.Planner, "Runner": s.Runner, "Verifier": s.Verifier, "Stats": s.Stats, "Peers": s.Peers, "IPAM": s.IPAM, "Events": s.Events, "Changes": s.Changes, "Capacity": s.Capacity} {
			if c == nil {
				continue
			}
			if typ := strings.TrimPrefix(fmt.Sprintf("%T", c), "*"); !strings.HasPrefix(typ, "model.safe") {
				t.Errorf("%s.%s is %s, not wrapped by model.SafeSource", s.Name, name, typ)
			}
		}
	}
}

// TestHostileProviderTextIsCleanAtTheBoundary puts a proxy that injects
// OSC 52, OSC 0, CSI 2J, C1, bidi, DEL and invalid UTF-8 into every string
// in front of each simulator, and checks that every value every capability
// returns is clean, and that the escapes did arrive (shown as pictures).
//
// It runs twice: with ids poisoned too, and with ids kept intact so that
// the reads that take an id (re-read, series, peers) return data to check.
func TestHostileProviderTextIsCleanAtTheBoundary(t *testing.T) {
	keepIDs := func(key, v string) bool {
		k := strings.ToLower(key)
		// Metric names and units are enums the client must recognise, like ids.
		return keepOnWire(key, v) || k == "id" || k == "uuid" || strings.HasSuffix(k, "_id") || strings.HasPrefix(v, "equinix.fabric.") || k == "unit" ||
			k == "connection" || k == "network_service_config" || k == "ports" || k == "device" || k == "pop"
	}
	for name, keep := range map[string]func(string, string) bool{"ids poisoned": keepOnWire, "ids kept": keepIDs} {
		t.Run(name, func(t *testing.T) { hostileBoundary(t, keep, name == "ids kept") })
	}
}

func hostileBoundary(t *testing.T, keep func(string, string) bool, wantReads bool) {
	d := startDemo(t)
	cfgs := slices.Clone(d.Providers)
	for i := range cfgs {
		cfgs[i].BaseURL = injectingProxy(t, cfgs[i].BaseURL, keep)
	}
	srcs, err := Build(cfgs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	arrived := 0
	check := func(what string, v any, err error, skip ...string) {
		t.Helper()
		if err != nil && wantReads {
			t.Errorf("%s: %v (ids are intact: the read should work)", what, err)
		}
		if err != nil {
			if !modeltest.TerminalSafe(err.Error(), true) {
				t.Errorf("%s: error carries a control: %q", what, err)
			}
			t.Logf("%s: %v", what, model.ErrorSummary(err))
		}
		if bad := modeltest.Dirty(v, skip...); len(bad) > 0 {
			t.Errorf("%s: %d unclean fields: %s", what, len(bad), strings.Join(bad[:min(len(bad), 10)], ", "))
		}
		if strings.Contains(fmt.Sprintf("%+v", v), "␛]52;c;") {
			arrived++
		}
	}
	for _, s := range srcs {
		if s.Connections != nil {
			cs, err := s.Connections.Connections(ctx, nil)
			check(s.Name+" Connections", cs, err)
			if len(cs) == 0 {
				// With every id poisoned a provider whose rows come from
				// per-project reads (Packet) can only fail, cleanly.
				if wantReads || err == nil {
					t.Errorf("%s: no connections through the proxy (err %v): the test proves nothing", s.Name, err)
				}
				continue
			}
			if s.Connection != nil {
				c, err := s.Connection.Connection(ctx, cs[0].ID)
				check(s.Name+" Connection", c, err)
			}
			for _, c := range cs {
				if c.HasAction(model.ActionApprove) && s.Planner != nil {
					a, err := s.Planner.Plan(model.ActionRequest{Kind: model.ActionApprove,
						Target: model.Ref{Provider: s.Name, Type: "connection", ID: c.ID, Name: c.Name}})
					check(s.Name+" Plan", a, err, ".HTTP", ".Then")
					break
				}
			}
		}
		if s.Inventory != nil {
			ns, err := s.Inventory.Inventory(ctx, nil)
			check(s.Name+" Inventory", ns, err)
			if s.Stats != nil {
				if ref, ok := firstGraphable(s.Kind, ns); ok {
					xs, err := s.Stats.Series(ctx, model.SeriesQuery{Target: ref, Range: 24 * time.Hour})
					check(s.Name+" Series", xs, err)
				}
			}
			if s.Peers != nil {
				if ref, ok := firstOfType(ns, "network-service-config"); ok {
					ps, err := s.Peers.Peers(ctx, ref)
					check(s.Name+" Peers", ps, err)
				}
			}
		}
		if s.Events != nil {
			// Every event in scope, or (a provider that needs an object)
			// the first connection's.
			es, err := s.Events.Events(ctx, model.Ref{})
			if err != nil && s.Connections != nil {
				if cs, _ := s.Connections.Connections(ctx, nil); len(cs) > 0 {
					es, err = s.Events.Events(ctx, model.Ref{Provider: s.Name, ID: cs[0].ID})
				}
			}
			check(s.Name+" Events", es, err)
		}
		if s.IPAM != nil {
			bs, err := s.IPAM.Blocks(ctx, model.BlockQuery{}, nil)
			check(s.Name+" Blocks", bs, err)
			if len(bs) == 0 {
				t.Errorf("%s: no blocks through the proxy (err %v): the test proves nothing", s.Name, err)
			}
			u, err := s.IPAM.Utilization(ctx, model.UtilQuery{Family: model.IPv4})
			check(s.Name+" Utilization", u, err)
			mr, err := s.IPAM.MaskReport(ctx, model.MaskQuery{})
			check(s.Name+" MaskReport", mr, err)
			hp, err := s.IPAM.HoldingTank(ctx)
			check(s.Name+" HoldingTank", hp, err)
		}
	}
	if arrived < len(srcs) {
		t.Errorf("the injected escapes showed (as pictures) in %d results, want at least one per provider (%d)", arrived, len(srcs))
	}
}

func firstGraphable(kind string, ns []model.Node) (model.Ref, bool) {
	types := []string{"port", "connection"}
	if kind == "packet" {
		types = []string{"server"} // Packet measures traffic per server, not per port
	}
	for _, typ := range types {
		if r, ok := firstOfType(ns, typ); ok {
			return r, true
		}
	}
	return model.Ref{}, false
}

func firstOfType(ns []model.Node, typ string) (model.Ref, bool) {
	for _, n := range ns {
		if n.Ref.Type == typ && n.Ref.ID != "" {
			return n.Ref, true
		}
		if r, ok := firstOfType(n.Children, typ); ok {
			return r, true
		}
	}
	return model.Ref{}, false
}

// TestHostileErrorBodiesAreClean: a provider answering every request with
// an error whose body carries escapes gives errors safe to print.
func TestHostileErrorBodiesAreClean(t *testing.T) {
	bodies := map[string]string{
		"application/problem+json": `{"type":"about:blank","title":"t\u001b]0;pwned\u0007","status":500,"detail":"d\u001b[2J` + "\u009b\u202e" + `","invalid-params":[{"name":"n\u001b","reason":"r\u0007"}]}`,
		"application/json":         `[{"errorCode":"EQ-1\u001b[2J","errorMessage":"m\u001b]52;c;eA==\u0007","correlationId":"c` + "\x7f\xff" + `"}]`,
		"text/html":                "<html><title>\x1b]0;pwned\x07 \u009b2J</title></html>",
	}
	for ct, body := range bodies {
		t.Run(ct, func(t *testing.T) {
			d := startDemo(t)
			cfgs := slices.Clone(d.Providers)
			for i := range cfgs {
				origin, _ := url.Parse(cfgs[i].BaseURL)
				rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: origin.Scheme, Host: origin.Host})
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if strings.Contains(r.URL.Path, "token") || strings.Contains(r.URL.Path, "/auth/") {
						rp.ServeHTTP(w, r)
						return
					}
					w.Header().Set("Content-Type", ct)
					w.WriteHeader(http.StatusBadRequest)
					io.WriteString(w, body)
				}))
				t.Cleanup(srv.Close)
				cfgs[i].BaseURL = srv.URL + origin.Path
			}
			srcs, err := Build(cfgs, Options{})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			for _, s := range srcs {
				var err error
				switch {
				case s.Connections != nil:
					_, err = s.Connections.Connections(ctx, nil)
				case s.IPAM != nil:
					_, err = s.IPAM.Blocks(ctx, model.BlockQuery{}, nil)
				}
				if err == nil {
					t.Errorf("%s: no error from a server that only answers 400", s.Name)
					continue
				}
				if !modeltest.TerminalSafe(err.Error(), true) || !modeltest.TerminalSafe(model.ErrorSummary(err), false) {
					t.Errorf("%s: error carries a control: %q", s.Name, err)
				}
			}
		})
	}
}
