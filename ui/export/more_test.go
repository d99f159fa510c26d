package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/model/modeltest"
)

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func hostileTree() []model.Node {
	port := model.Node{Ref: model.Ref{Type: "port", ID: "p-1", Name: "=cmd|' /C calc'!A0"}, Kind: "port",
		Label: "et-0/0/1" + modeltest.Hostile, State: model.StateActive,
		Fields: []model.Field{{Key: "speed", Value: "10G"}, {Key: "descr", Value: "+SUM(1)" + modeltest.Hostile}},
		Light:  &model.LightLevels{RX: []float64{-3.5, -16.25}}}
	dev := model.Node{Ref: model.Ref{Type: "device", ID: "d-1", Name: "edge1"}, Kind: "device", Label: "edge1" + modeltest.Hostile, Children: []model.Node{port}}
	return []model.Node{{Kind: "metro", Label: "AMS", Children: []model.Node{dev}}}
}

func hostileEvents() []model.Event {
	var e model.Event
	modeltest.Fill(&e)
	e.Body = "@SUM(1+1)" + modeltest.Hostile
	return []model.Event{e}
}

func hostileTraffic() Traffic {
	s := model.Series{Name: "in" + modeltest.Hostile, Direction: "in", Unit: model.UnitBitsPerSec, Precision: 5 * time.Minute,
		Samples: []model.Sample{{T: t0, V: 100}, {T: t0.Add(5 * time.Minute), Missing: true}, {T: t0.Add(10 * time.Minute), V: math.NaN()}, {T: t0.Add(15 * time.Minute), V: 300}}}
	out := model.Series{Name: "out", Direction: "out", Unit: model.UnitBitsPerSec, Precision: 5 * time.Minute,
		Samples: []model.Sample{{T: t0, V: 10}, {T: t0.Add(15 * time.Minute), V: 30}}}
	p95 := 290.0
	s.Server = &model.ServerSummary{Window: "1d", Accuracy: -1, P95: &p95}
	return Traffic{Provider: "ix" + modeltest.Hostile, Target: model.Ref{Type: "connection", ID: "=c1", Name: "n"}, Range: "1h", Series: []model.Series{s, out}}
}

func hostileApprovals() []model.Connection {
	cs := hostileConnections()
	cs[0].Pending = &model.PendingChange{Kind: model.ChangeCreation, Since: t0.Add(-26 * time.Hour), Description: "-1+1" + modeltest.Hostile, WaitingOnUs: true}
	cs[0].Actions = []model.ActionKind{model.ActionApprove, model.ActionReject}
	return cs
}

func hostileMasks() []model.MaskReport {
	row := model.MaskRow{Mask: 24, Total: model.HostsOf(256), Assigned: model.HostsOf(128), AssignedPct: 50}
	return []model.MaskReport{{Provider: "=ipam" + modeltest.Hostile, Families: []model.MaskFamily{{Family: model.IPv4, Unit: "hosts",
		Prefixes: []model.MaskRow{row}, Totals: model.MaskRow{Mask: -1, Total: model.HostsOf(256)}}}}}
}

// writers are the new ones, each given hostile data.
var writers = map[string]func(w *bytes.Buffer, format string) error{
	"nodes": func(w *bytes.Buffer, f string) error {
		return Nodes(w, f, FlattenNodes("prov", hostileTree(), func(*model.Node) bool { return true }))
	},
	"approvals": func(w *bytes.Buffer, f string) error { return Approvals(w, f, hostileApprovals(), t0) },
	"masks":     func(w *bytes.Buffer, f string) error { return Masks(w, f, hostileMasks()) },
	"events":    func(w *bytes.Buffer, f string) error { return Events(w, f, hostileEvents()) },
	"traffic":   func(w *bytes.Buffer, f string) error { return TrafficOut(w, f, hostileTraffic()) },
}

// Whatever a provider put in a field, no format writes a control to the
// terminal, no CSV cell is a formula, and JSON keeps the data exact.
func TestNewWritersAreSafe(t *testing.T) {
	for name, write := range writers {
		for _, f := range Formats {
			var b bytes.Buffer
			if err := write(&b, f); err != nil {
				t.Fatalf("%s %s: %v", name, f, err)
			}
			terminalSafeOutput(t, name+" "+f, b.Bytes())
			switch f {
			case "csv":
				r := csv.NewReader(&b)
				r.FieldsPerRecord = -1
				rows, err := r.ReadAll()
				if err != nil || len(rows) < 2 {
					t.Fatalf("%s csv: %d rows %v", name, len(rows), err)
				}
				for _, row := range rows {
					for _, cell := range row {
						if c := strings.TrimLeft(cell, " "); c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
							t.Errorf("%s csv: cell %q can be a formula", name, cell)
						}
					}
				}
			case "json":
				var v any
				if err := json.Unmarshal(b.Bytes(), &v); err != nil {
					t.Fatalf("%s json: %v", name, err)
				}
				if !strings.Contains(fmtJSON(v), "\x1b]52;c;") {
					t.Errorf("%s json: the data is not exact (the escape sequence is gone)", name)
				}
			}
		}
	}
}

func fmtJSON(v any) string {
	b, _ := json.Marshal(v)
	var s strings.Builder
	// Decode \u escapes back: the strings as a script reading the JSON sees them.
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case string:
			s.WriteString(x)
		case []any:
			for _, y := range x {
				walk(y)
			}
		case map[string]any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	var back any
	_ = json.Unmarshal(b, &back)
	walk(back)
	return s.String()
}

func TestFlattenNodes(t *testing.T) {
	rows := FlattenNodes("prov", hostileTree(), func(n *model.Node) bool { return n.Kind == "port" })
	if len(rows) != 1 || rows[0].Node.Ref.Provider != "prov" || len(rows[0].Path) != 2 || rows[0].Path[0] != "AMS" || rows[0].Node.Children != nil {
		t.Fatalf("rows %+v", rows)
	}
	rec := NodeRecordOf(rows[0])
	if rec.LowestRXdBm == nil || *rec.LowestRXdBm != -16.25 || rec.Fields["speed"] != "10G" {
		t.Fatalf("record %+v", rec)
	}
}

// The traffic record carries every sample (a missing or non-finite one as
// null, never zero) and the figures model.ComputeStats gives.
func TestTrafficRecord(t *testing.T) {
	r := TrafficRecordOf(hostileTraffic())
	in := r.Series[0]
	if len(in.Samples) != 4 || in.Samples[1].V != nil || in.Samples[2].V != nil || *in.Samples[3].V != 300 {
		t.Fatalf("samples %+v", in.Samples)
	}
	if *in.Now != 300 || *in.Avg != 200 || *in.Max != 300 || in.MaxAt != "2026-11-25T12:15:00Z" || in.PrecisionSeconds != 300 {
		t.Fatalf("figures now %v avg %v max %v at %s", *in.Now, *in.Avg, *in.Max, in.MaxAt)
	}
	if in.Server == nil || *in.Server.P95 != 290 || in.Server.Accuracy != nil {
		t.Fatalf("server %+v", in.Server)
	}
	var b bytes.Buffer
	if err := TrafficOut(&b, "table", hostileTraffic()); err != nil {
		t.Fatal(err)
	}
	// Figures, then the samples side by side: 4 timestamps.
	if !strings.Contains(b.String(), "290 bps") || strings.Count(b.String(), "2026-11-25T12:") != 4+2 {
		t.Fatalf("table:\n%s", b.String())
	}
	empty := TrafficRecordOf(Traffic{Provider: "p", Series: []model.Series{{Name: "in"}}})
	if empty.Series[0].Now != nil || empty.Series[0].Samples == nil {
		t.Fatalf("no samples: %+v", empty.Series[0])
	}
}

func TestApprovalAge(t *testing.T) {
	r := ApprovalRecordOf(hostileApprovals()[0], t0)
	if r.AgeSeconds != 26*3600 || r.Change != "creation" || r.Actions != "approve,reject" {
		t.Fatalf("%+v", r)
	}
	for d, want := range map[time.Duration]string{30 * time.Second: "30s", 7 * time.Minute: "7m", 5*time.Hour + 12*time.Minute: "5h12m", 26 * time.Hour: "1d2h"} {
		if got := ageText(d); got != want {
			t.Errorf("ageText(%v) = %q, want %q", d, got, want)
		}
	}
}
