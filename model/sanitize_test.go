package model_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/model/modeltest"
)

// The helpers are modeltest's, under short names.
var (
	hostile     = modeltest.Hostile
	hostileJSON = modeltest.HostileJSON
	cleanJSON   = modeltest.CleanJSON
)

func terminalSafe(b []byte) bool { return modeltest.TerminalSafe(string(b), true) }

// TestSanitizedCoversEveryString fills every string field of each model
// type a provider produces with escapes and checks Sanitized cleans them
// all: a string field added to one of these types without being cleaned
// fails here. It also checks the input is left untouched (copy-on-write).
func TestSanitizedCoversEveryString(t *testing.T) {
	// model.Action.HTTP is what goes on the wire, kept exactly as planned.
	keepHTTP := []string{".HTTP", ".Action.HTTP", ".Then", ".Action.Then"}
	tests := []struct {
		name     string
		in       any
		sanitize func(any) any
		skip     []string
	}{
		{"Connection", &model.Connection{}, func(v any) any { return v.(model.Connection).Sanitized() }, nil},
		{"Node", &model.Node{}, func(v any) any { return v.(model.Node).Sanitized() }, nil},
		{"Series", &model.Series{}, func(v any) any { return v.(model.Series).Sanitized() }, nil},
		{"Peer", &model.Peer{}, func(v any) any { return v.(model.Peer).Sanitized() }, nil},
		{"Block", &model.Block{}, func(v any) any { return v.(model.Block).Sanitized() }, nil},
		{"Utilization", &model.Utilization{}, func(v any) any { return v.(model.Utilization).Sanitized() }, nil},
		{"MaskReport", &model.MaskReport{}, func(v any) any { return v.(model.MaskReport).Sanitized() }, nil},
		{"HoldingPreview", &model.HoldingPreview{}, func(v any) any { return v.(model.HoldingPreview).Sanitized() }, nil},
		{"Result", &model.Result{}, func(v any) any { return v.(model.Result).Sanitized() }, keepHTTP},
		{"Action", &model.Action{}, func(v any) any { return v.(model.Action).Sanitized() }, keepHTTP},
		{"ActionRequest", &model.ActionRequest{}, func(v any) any { return v.(model.ActionRequest).Sanitized() }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			modeltest.Fill(tt.in)
			in := reflect.ValueOf(tt.in).Elem().Interface()
			before := modeltest.Dirty(in, tt.skip...)
			if len(before) == 0 {
				t.Fatal("Fill reached no string: the test cannot fail")
			}
			after := modeltest.Dirty(tt.sanitize(in), tt.skip...)
			if len(after) > 0 {
				t.Errorf("%s.Sanitized left %d fields unclean: %s", tt.name, len(after), strings.Join(after, ", "))
			}
			if still := modeltest.Dirty(in, tt.skip...); len(still) != len(before) {
				t.Errorf("Sanitized modified its input: %d dirty fields before, %d after", len(before), len(still))
			}
		})
	}
}

func TestSanitizedLeavesCleanValuesAlone(t *testing.T) {
	c := model.Connection{Provider: "p", ID: "1", Name: "Zürich 東京", State: model.StateActive, Raw: json.RawMessage(`{"name":"Zürich","n":1.50,"u":"\u00fc\"\\"}`),
		A: model.Endpoint{Name: "a", VLANs: []int{1}}, Pending: &model.PendingChange{Description: "d"}, Actions: []model.ActionKind{model.ActionApprove}}
	c.FingerprintKey = c.Fingerprint()
	got := c.Sanitized()
	if !reflect.DeepEqual(got, c) || got.Pending != c.Pending || &got.Raw[0] != &c.Raw[0] {
		t.Errorf("a clean connection changed: %+v", got)
	}
	if n := testing.AllocsPerRun(100, func() { _ = c.Sanitized() }); n != 0 {
		t.Errorf("Sanitized of a clean connection allocates %v times", n)
	}
	cs := []model.Connection{c, c}
	if out := model.SanitizeConnections(cs); &out[0] != &cs[0] {
		t.Error("SanitizeConnections copied a clean slice")
	}
}

func TestSanitizedRecomputesFingerprint(t *testing.T) {
	c := model.Connection{Name: "a\x1b[2Jb"}
	c.FingerprintKey = c.Fingerprint()
	got := c.Sanitized()
	if got.Name != "a␛[2Jb" || got.FingerprintKey != got.Fingerprint() {
		t.Errorf("got %q fingerprint %x, want %x", got.Name, got.FingerprintKey, got.Fingerprint())
	}
	if unset := (model.Connection{Name: "\x1b"}).Sanitized(); unset.FingerprintKey != 0 {
		t.Error("a fingerprint was invented for a connection that had none")
	}
}

func TestSafeJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // "" = unchanged
	}{
		{"plain", `{"a": "b", "n": [1, 2.5e3]}`, ""},
		{"unicode and harmless escapes", `{"a":"Zürich \u00fc \" \\ \/ \u003c"}`, ""},
		{"escaped ESC", `{"a":"x\u001b[2J"}`, `{"a":"x␛[2J"}`},
		{"escaped newline", `{"a":"x\ny"}`, `{"a":"x y"}`},
		{"key", `{"k\u0007":1}`, `{"k␇":1}`},
		{"raw C1", "{\"a\":\"\u009b2J\"}", `{"a":"�2J"}`},
		{"bidi", "[\"\u202e\"]", `["�"]`},
		{"invalid UTF-8", "[\"\xff\"]", `["�"]`},
		{"DEL", "[\"\x7f\"]", `["␡"]`},
		{"lone surrogate", `["\ud800"]`, `["�"]`},
		{"big number kept", `[12345678901234567890123.000001,"\u001b"]`, `[12345678901234567890123.000001,"␛"]`},
		{"nested", `{"a":{"b":[{"c":"\u009b"}]},"d":true,"e":null}`, `{"a":{"b":[{"c":"�"}]},"d":true,"e":null}`},
		{"not JSON", "\x1b]0;t\x07 oops", `"␛]0;t␇ oops"`},
		{"trailing data", `{"a":"\u001b"} {"b":1}`, `"{\"a\":\"\\u001b\"} {\"b\":1}"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := model.SafeJSON(json.RawMessage(tt.in))
			want := tt.want
			if want == "" {
				want = tt.in
			}
			if string(got) != want {
				t.Errorf("SafeJSON(%q) = %s, want %s", tt.in, got, want)
			}
			if !cleanJSON(got) {
				t.Errorf("SafeJSON(%q) is not clean JSON: %q", tt.in, got)
			}
		})
	}
	deep := strings.Repeat("[", 20000) + `"\u001b"` + strings.Repeat("]", 20000)
	if got := model.SafeJSON(json.RawMessage(deep)); !terminalSafe(got) {
		t.Error("deeply nested document not made safe")
	}
}

func FuzzSafeJSON(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, string(hostileJSON), `["\u001b"]`, "\x1b", `{"a":[1,{"b":"\ud83d\ude00"}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got := model.SafeJSON(raw)
		if !terminalSafe(got) {
			t.Fatalf("SafeJSON(%q) = %q carries a terminal control", raw, got)
		}
		if json.Valid(raw) && !cleanJSON(got) {
			t.Fatalf("SafeJSON(%q) = %q: not clean JSON", raw, got)
		}
	})
}

func TestSafeError(t *testing.T) {
	if model.SafeError(nil) != nil {
		t.Fatal("nil error became non-nil")
	}
	plain := model.ErrNotFound
	if model.SafeError(plain) != plain {
		t.Error("a clean error was wrapped")
	}
	api := &model.APIError{Status: 404, Message: "gone\x1b]52;c;eA==\x07\nsecond line"}
	err := model.SafeError(api)
	if strings.ContainsAny(err.Error(), "\x1b\x07") || !strings.Contains(err.Error(), "\nsecond line") {
		t.Errorf("message %q", err.Error())
	}
	var ae *model.APIError
	if !errors.Is(err, model.ErrNotFound) || !errors.As(err, &ae) {
		t.Error("the wrapped error is no longer reachable")
	}
	if got := model.ErrorSummary(api); got != " : 404: gone␛]52;c;eA==␇" {
		t.Errorf("ErrorSummary = %q", got)
	}
}

// rawSource implements every capability and returns hostile data.
type rawSource struct{ prepared int }

var errHostile = &model.APIError{Status: 500, Message: hostile}

func hostileValue[T any]() T {
	var v T
	modeltest.Fill(&v)
	return v
}

func (rawSource) Connections(context.Context, *model.Progress) ([]model.Connection, error) {
	return []model.Connection{hostileValue[model.Connection]()}, errHostile
}
func (rawSource) Connection(context.Context, string) (model.Connection, error) {
	return hostileValue[model.Connection](), errHostile
}
func (rawSource) Inventory(context.Context, *model.Progress) ([]model.Node, error) {
	return []model.Node{hostileValue[model.Node]()}, errHostile
}
func (rawSource) Plan(model.ActionRequest) (model.Action, error) {
	return hostileValue[model.Action](), errHostile
}
func (r *rawSource) Prepare(context.Context, model.ActionRequest) (model.ActionRequest, error) {
	r.prepared++
	return hostileValue[model.ActionRequest](), errHostile
}
func (rawSource) Do(context.Context, model.Action) (model.Result, error) {
	return hostileValue[model.Result](), errHostile
}
func (rawSource) Verify(context.Context, model.Action) (bool, string, error) {
	return true, hostile, errHostile
}
func (rawSource) Series(context.Context, model.SeriesQuery) ([]model.Series, error) {
	return []model.Series{hostileValue[model.Series]()}, errHostile
}
func (rawSource) Peers(context.Context, model.Ref) ([]model.Peer, error) {
	return []model.Peer{hostileValue[model.Peer]()}, errHostile
}
func (rawSource) Utilization(context.Context, model.UtilQuery) (model.Utilization, error) {
	return hostileValue[model.Utilization](), errHostile
}
func (rawSource) Blocks(context.Context, model.BlockQuery, *model.Progress) ([]model.Block, error) {
	return []model.Block{hostileValue[model.Block]()}, errHostile
}
func (rawSource) MaskReport(context.Context, model.MaskQuery) (model.MaskReport, error) {
	return hostileValue[model.MaskReport](), errHostile
}
func (rawSource) HoldingTank(context.Context) (model.HoldingPreview, error) {
	return hostileValue[model.HoldingPreview](), errHostile
}
func (rawSource) Events(context.Context, model.Ref) ([]model.Event, error) {
	return []model.Event{hostileValue[model.Event]()}, errHostile
}
func (rawSource) Capacity(context.Context) ([]model.Capacity, error) {
	return []model.Capacity{hostileValue[model.Capacity]()}, errHostile
}

// TestSafeSource calls every capability of a wrapped hostile source and
// checks every value and error that comes out is clean, and that the
// planner is still a preparer.
func TestSafeSource(t *testing.T) {
	raw := &rawSource{}
	s := model.SafeSource(model.Source{Name: "p", Connections: raw, Connection: raw, Inventory: raw, Planner: raw, Runner: raw,
		Verifier: raw, Stats: raw, Peers: raw, IPAM: raw, Events: raw, Capacity: raw})
	if again := model.SafeSource(s); again != s {
		t.Error("SafeSource wrapped a wrapped source again")
	}
	ctx := context.Background()
	check := func(name string, v any, err error) {
		t.Helper()
		if bad := modeltest.Dirty(v, ".HTTP", ".Action.HTTP", ".Then", ".Action.Then"); len(bad) > 0 {
			t.Errorf("%s: unclean: %s", name, strings.Join(bad, ", "))
		}
		if err == nil || model.SafeMultiline(err.Error()) != err.Error() || !errors.Is(err, errHostile) {
			t.Errorf("%s: error %q not cleaned or not reachable", name, err)
		}
	}
	cs, err := s.Connections.Connections(ctx, nil)
	check("Connections", cs, err)
	c, err := s.Connection.Connection(ctx, "x")
	check("Connection", c, err)
	ns, err := s.Inventory.Inventory(ctx, nil)
	check("Inventory", ns, err)
	a, err := s.Planner.Plan(model.ActionRequest{})
	check("Plan", a, err)
	prep, ok := s.Planner.(model.ActionPreparer)
	if !ok {
		t.Fatal("the wrapped planner lost ActionPreparer")
	}
	req, err := prep.Prepare(ctx, model.ActionRequest{})
	check("Prepare", req, err)
	if raw.prepared != 1 {
		t.Errorf("Prepare reached the provider %d times", raw.prepared)
	}
	res, err := s.Runner.Do(ctx, model.Action{})
	check("Do", res, err)
	_, detail, err := s.Verifier.Verify(ctx, model.Action{})
	check("Verify", detail, err)
	xs, err := s.Stats.Series(ctx, model.SeriesQuery{})
	check("Series", xs, err)
	ps, err := s.Peers.Peers(ctx, model.Ref{})
	check("Peers", ps, err)
	u, err := s.IPAM.Utilization(ctx, model.UtilQuery{})
	check("Utilization", u, err)
	bs, err := s.IPAM.Blocks(ctx, model.BlockQuery{}, nil)
	check("Blocks", bs, err)
	mr, err := s.IPAM.MaskReport(ctx, model.MaskQuery{})
	check("MaskReport", mr, err)
	hp, err := s.IPAM.HoldingTank(ctx)
	check("HoldingTank", hp, err)
	es, err := s.Events.Events(ctx, model.Ref{})
	check("Events", es, err)
	cp, err := s.Capacity.Capacity(ctx)
	check("Capacity", cp, err)

	plain := model.SafeSource(model.Source{Planner: planOnly{}})
	if _, ok := plain.Planner.(model.ActionPreparer); ok {
		t.Error("a planner without Prepare gained one")
	}
}

type planOnly struct{}

func (planOnly) Plan(model.ActionRequest) (model.Action, error) { return model.Action{}, nil }
