package packet

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/noctop/noctop/model"
)

// Every decoder meets hostile bytes here: no panic, typed errors, every
// listed element accounted for, no control character in model text.

// clean reports whether s could reach a terminal safely.
func clean(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			return false
		}
	}
	return utf8.ValidString(s)
}

func checkNodes(t *testing.T, ns []model.Node) {
	t.Helper()
	walk(ns, func(n model.Node, _ int) {
		if !clean(n.Label) || !clean(n.RawState) || !clean(n.Ref.ID) || !clean(n.Ref.Name) {
			t.Fatalf("unsafe node text %q %q %q", n.Label, n.RawState, n.Ref.ID)
		}
		for _, f := range n.Fields {
			if !clean(f.Key) || !clean(f.Value) {
				t.Fatalf("unsafe field %q=%q", f.Key, f.Value)
			}
		}
	})
}

func FuzzDecodeDeviceListing(f *testing.F) {
	f.Add([]byte(deviceListFixture))
	f.Add([]byte(`{"devices":null,"meta":{"total":3}}`))
	f.Add([]byte(`{"devices":[1,"x",null,{}],"meta":"x"}`))
	f.Add([]byte(`{"devices":[{"id":"a","state":"failed","network_ports":[{"type":"NetworkPort","bond":{"name":"bond9"}}]}]}`))
	f.Add([]byte(`{"devices":[{"id":"a\u001b[2J","hostname":"\u202ex","plan":{"specs":{"nics":[{"count":1e9,"type":"1e9Gbps"}]}}}]}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var meta *Meta
		pg, err := devices.decode(bytes.NewReader(b), 0, &meta)
		if err != nil {
			if !errors.Is(err, model.ErrBadResponse) && !errors.Is(err, model.ErrTooLarge) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		_ = lastPageOf(meta, 1, len(pg.Items)+pg.Dropped, 100)
		ds := pg.Items
		for _, d := range ds {
			if d.ID == "" {
				t.Fatalf("kept a device without an id: %+v", d)
			}
		}
		if pg.Dropped > 0 && pg.Problem == "" {
			t.Fatal("devices dropped without a reason")
		}
		ix := newIndex()
		ix.projects = []Project{{ID: "p"}}
		ix.projByID["p"] = &ix.projects[0]
		for i := range ds {
			ds[i].Project = &Href{Href: "/projects/p"}
		}
		ix.addDevices(ds, "")
		ix.addNetworks()
		nodes := buildInventory("fz", ix)
		checkNodes(t, nodes)
		servers := 0
		walk(nodes, func(n model.Node, _ int) {
			if n.Kind == "server" {
				servers++
			}
		})
		ids := map[string]bool{}
		unnamed := 0
		for _, d := range ds {
			if d.ID == "" {
				unnamed++
			} else {
				ids[d.ID] = true
			}
		}
		if servers != len(ids)+unnamed {
			t.Fatalf("%d servers shown for %d distinct devices", servers, len(ids)+unnamed)
		}
	})
}

func FuzzDecodeError(f *testing.F) {
	f.Add(422, []byte(`{"errors":["hostname is invalid","plan is required"]}`))
	f.Add(401, []byte(`{"error":"Invalid authentication token"}`))
	f.Add(404, []byte(`{"errors":[{"message":"x"},7,null]}`))
	f.Add(500, []byte(`<html><title>oops</title>`))
	f.Add(403, []byte(`{"errors":"not a list","error":{"x":1}}`))
	f.Fuzz(func(t *testing.T, status int, b []byte) {
		var e model.APIError
		decodeError(status, http.Header{}, b, &e)
		if utf8.Valid(b) && !(utf8.ValidString(e.Message) && utf8.ValidString(e.Details)) {
			t.Fatalf("invalid UTF-8 from valid input: %+v", e)
		}
		_ = e.Error()
	})
}

func FuzzDecodeMetrics(f *testing.F) {
	f.Add([]byte(`{"bandwidth":[{"target":"inbound","tags":{"aggregatedBy":"sum","name":"inbound"},"datapoints":[[291.2,1700000000],[288.3,1700000360]]},{"target":"outbound","datapoints":[[27.5,1700000000]]}]}`))
	f.Add([]byte(`{"bandwidth":[{"target":"in","datapoints":[[null,1700000000],[-5,1700000060],[1e308,1700000120],["x",1]]}]}`))
	f.Add([]byte(`{"bandwidth":[{"datapoints":[[1,1700000000],[1,1700000000],[1,1699999999]]}]}`))
	f.Add([]byte(`{"bandwidth":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var ans BandwidthAnswer
		if json.Unmarshal(b, &ans) != nil {
			return
		}
		until := time.Unix(1_700_003_600, 0)
		tt := trafficTarget{ref: model.Ref{Type: "device", ID: "d"}, capacity: 2e10}
		p := &Provider{name: "fz", client: &Client{cfg: defaultConfig()}}
		for i := range ans.Bandwidth {
			for _, scale := range []float64{1, 8 / 3600.0} {
				s := p.toSeries(tt, direction(ans.Bandwidth[i])+"x", "bandwidth", &ans.Bandwidth[i], 0, scale, until.Add(-24*time.Hour), until)
				if len(s.Samples) > maxGridSlots+len(ans.Bandwidth[i].Datapoints) {
					t.Fatalf("%d samples from %d datapoints", len(s.Samples), len(ans.Bandwidth[i].Datapoints))
				}
				for k, smp := range s.Samples {
					if !smp.Missing && (math.IsNaN(smp.V) || math.IsInf(smp.V, 0) || smp.V < 0) {
						t.Fatalf("sample %d is %v and not missing", k, smp.V)
					}
					if k > 0 && smp.T.Before(s.Samples[k-1].T) {
						t.Fatalf("samples out of order at %d", k)
					}
				}
				if s.Capacity != tt.capacity || s.Unit != model.UnitBitsPerSec {
					t.Fatal("capacity or unit lost")
				}
			}
		}
	})
}

func FuzzDecodeCapacity(f *testing.F) {
	f.Add([]byte(`{"capacity":{"sjc1":{"c2.medium.x86":{"level":"limited"},"baremetal_0":{"level":"normal","available_servers":-3}}}}`))
	f.Add([]byte(`{"capacity":{"sjc1":[]}}`))
	f.Add([]byte(`{"capacity":{"\u001b]0;x\u0007":{"\u0085":{"level":"\u202e"}}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var cl CapacityList
		if json.Unmarshal(b, &cl) != nil {
			return
		}
		rows := capacityToModel("fz", cl)
		n := 0
		for _, plans := range cl.Capacity {
			n += len(plans)
		}
		if len(rows) != n {
			t.Fatalf("%d rows for %d entries", len(rows), n)
		}
		for _, r := range rows {
			if !clean(r.Location) || !clean(r.Plan) || !clean(r.Level) || r.Available < -1 || r.Total < -1 {
				t.Fatalf("row %+v", r)
			}
		}
	})
}

func FuzzDecodeSessionsAndEvents(f *testing.F) {
	f.Add([]byte(`{"bgp_sessions":[{"id":"s1","status":"up,down","address_family":"ipv4","learned_routes":["10.0.0.0/31"],"device":{"href":"/devices/d1"}}]}`), []byte(`{"events":[{"id":"e1","type":"instance.reboot","interpolated":"web-01 rebooted","relationships":[{"href":"/devices/d1"}],"created_at":"2026-01-02T03:04:05Z"}]}`))
	f.Add([]byte(`{"bgp_sessions":[{"id":5,"status":["up"]},"x"]}`), []byte(`{"events":[{"created_at":"yesterday","relationships":{}}]}`))
	f.Add([]byte(`{"bgp_sessions":[{"id":"\u001b[31m","status":"\u0000"}]}`), []byte(`{"events":[{"body":"\u202e\u0007"}]}`))
	f.Fuzz(func(t *testing.T, sb, eb []byte) {
		if pg, err := bgpSessions.decode(bytes.NewReader(sb), 0, nil); err == nil {
			ix := newIndex()
			for _, s := range pg.Items {
				c := sessionToModel("fz", s, ix)
				if c.State == "" || !clean(c.Name) || !clean(c.RawState) || !clean(c.Status) || !clean(c.ID) {
					t.Fatalf("session row %+v", c)
				}
				if c.Raw != nil && !json.Valid(c.Raw) {
					t.Fatalf("raw JSON invalid: %s", c.Raw)
				}
			}
		}
		if pg, err := events.decode(bytes.NewReader(eb), 0, nil); err == nil {
			for _, e := range pg.Items {
				m := eventToModel("fz", e)
				if !clean(m.Body) || !clean(m.Type) || !clean(m.ID) || strings.ContainsRune(m.Ref.ID, '/') {
					t.Fatalf("event %+v", m)
				}
			}
		}
	})
}
