package packet

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

func TestDeviceState(t *testing.T) {
	for raw, want := range map[string]model.State{
		"active": model.StateActive, "ACTIVE ": model.StateActive,
		"queued": model.StateProvisioning, "provisioning": model.StateProvisioning, "reinstalling": model.StateProvisioning,
		"powering_on": model.StateChanging, "powering_off": model.StateChanging, "rebooting": model.StateChanging,
		"inactive": model.StateDeprovisioned, "deprovisioning": model.StateDeprovisioning, "failed": model.StateFailed,
		"": model.StateUnknown, "exploded": model.StateUnknown,
	} {
		if got := DeviceState(raw); got != want {
			t.Errorf("DeviceState(%q) = %s, want %s", raw, got, want)
		}
	}
}

func TestSessionState(t *testing.T) {
	for raw, want := range map[string]model.State{
		"up": model.StateActive, "up,up": model.StateActive, "UP, up": model.StateActive,
		"down": model.StateFailed, "up,down": model.StateFailed, "down,unknown": model.StateFailed,
		"unknown": model.StatePending, "unknown,unknown": model.StatePending,
		"up,unknown": model.StateActive,
		"":           model.StateUnknown, "established": model.StateUnknown, "up,idle": model.StateUnknown,
	} {
		if got := SessionState(raw); got != want {
			t.Errorf("SessionState(%q) = %s, want %s", raw, got, want)
		}
	}
}

func TestLastPageOf(t *testing.T) {
	h := func(s string) *Href { return &Href{Href: s} }
	cases := []struct {
		name                 string
		meta                 *Meta
		page, got, per, want int
	}{
		{"no meta", nil, 1, 10, 10, 0},
		{"last_page wins", &Meta{LastPage: 4, Last: h("/x?page=9"), Total: 500}, 1, 10, 10, 4},
		{"last link", &Meta{Last: h("/projects/a/devices?page=7&per_page=10"), Total: 10}, 1, 10, 10, 7},
		{"relative last link without page", &Meta{Last: h("/x"), Total: 25}, 1, 10, 10, 3},
		{"total over page size", &Meta{Total: 25}, 1, 10, 10, 3},
		{"server capped per_page", &Meta{Total: 12}, 1, 5, 10, 3},
		{"exact fit", &Meta{Total: 20}, 1, 10, 10, 2},
		{"no next: this is the last", &Meta{Self: h("/x?page=1"), First: h("/x?page=1")}, 1, 3, 10, 1},
		{"next only: unknown", &Meta{Self: h("/x?page=1"), Next: h("/x?page=2")}, 1, 10, 10, 0},
		{"garbage link", &Meta{Last: h("::%zz"), Total: 0}, 1, 0, 10, 0},
		{"negative page in link", &Meta{Last: h("/x?page=-3"), Total: 30}, 1, 10, 10, 3},
	}
	for _, c := range cases {
		if got := lastPageOf(c.meta, c.page, c.got, c.per); got != c.want {
			t.Errorf("%s: lastPageOf = %d, want %d", c.name, got, c.want)
		}
	}
}

func TestParseSpeedAndNICs(t *testing.T) {
	for in, want := range map[string]int64{"10Gbps": 10000, "25 Gbps": 25000, "1Gbps": 1000, "100Mbps": 100, "fast": 0, "-1Gbps": 0, "1e9Gbps": 0, "": 0} {
		if got := parseSpeed(in); got != want {
			t.Errorf("parseSpeed(%q) = %d, want %d", in, got, want)
		}
	}
	p := Plan{Specs: json.RawMessage(`{"nics":[{"count":2,"type":"10Gbps"},{"count":"x","type":"1Gbps"},{"count":2,"type":"25Gbps"},7]}`)}
	if got := p.PortSpeedMbps(); got != 25000 {
		t.Errorf("PortSpeedMbps = %d, want 25000 (the fastest valid NIC)", got)
	}
	if got := len(p.NICs()); got != 2 {
		t.Errorf("NICs kept %d entries, want 2 (malformed ones dropped)", got)
	}
	if (Plan{Specs: json.RawMessage(`{"nics":"many"}`)}).PortSpeedMbps() != 0 {
		t.Error("malformed nics must give speed 0")
	}
}

func TestDatapointDecoding(t *testing.T) {
	var m MetricSeries
	in := `{"target":"inbound","datapoints":[[1.5,1620340560],[null,1620340920],["x",1],[2,"y"],[3],[4,1620341280,9],[5e400,1],[6,1620341640]]}`
	if err := json.Unmarshal([]byte(in), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Datapoints) != 3 || m.Bad != 5 {
		t.Fatalf("kept %d (bad %d), want 3 kept and 5 bad: %+v", len(m.Datapoints), m.Bad, m.Datapoints)
	}
	if m.Datapoints[1].Value != nil {
		t.Error("null must decode as a gap, not zero")
	}
	if got := m.Datapoints[0].Time; !got.Equal(time.Unix(1620340560, 0)) {
		t.Errorf("time %v", got)
	}
	b, _ := json.Marshal(m.Datapoints)
	if string(b) != "[[1.5,1620340560],[null,1620340920],[6,1620341640]]" {
		t.Errorf("round trip: %s", b)
	}
}

func TestOnGridMarksGaps(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0).UTC()
	in := []model.Sample{{T: t0, V: 1}, {T: t0.Add(time.Minute), V: 2}, {T: t0.Add(4 * time.Minute), V: 5}, {T: t0.Add(4*time.Minute + 5*time.Second), V: 6}}
	out := onGrid(in, time.Minute)
	if len(out) != 5 {
		t.Fatalf("grid has %d slots, want 5: %+v", len(out), out)
	}
	for i, want := range []bool{false, false, true, true, false} {
		if out[i].Missing != want {
			t.Errorf("slot %d missing=%v, want %v", i, out[i].Missing, want)
		}
		if !out[i].T.Equal(t0.Add(time.Duration(i) * time.Minute)) {
			t.Errorf("slot %d at %v", i, out[i].T)
		}
	}
	if out[4].V != 6 {
		t.Errorf("a repeated slot keeps the later sample, got %v", out[4].V)
	}
	// An absurd span is left alone rather than allocating millions of slots.
	far := []model.Sample{{T: t0}, {T: t0.Add(10 * 365 * 24 * time.Hour)}}
	if got := onGrid(far, time.Second); len(got) != 2 {
		t.Errorf("huge grid was built: %d slots", len(got))
	}
}

func TestEventToModelSanitises(t *testing.T) {
	e := Event{ID: "e1", Type: "instance.power_off\x1b]52;c;AAAA\x07", Interpolated: "web-01\u202e powered off\x1b[2J",
		Relationships: []Href{{Href: "/devices/0b3f"}}, CreatedAt: Timestamp{time.Unix(1, 0)}}
	m := eventToModel("pk", e)
	for _, s := range []string{m.Type, m.Body} {
		if strings.ContainsAny(s, "\x1b\x07\u202e") {
			t.Errorf("control characters reached the model: %q", s)
		}
	}
	if m.Ref != (model.Ref{Provider: "pk", Type: "device", ID: "0b3f"}) {
		t.Errorf("ref %+v", m.Ref)
	}
	if got := eventToModel("pk", Event{Body: "raw {{instance}}"}).Body; got != "raw {{instance}}" {
		t.Errorf("without interpolation the body is kept: %q", got)
	}
}

func TestRefOfHref(t *testing.T) {
	for href, want := range map[string][2]string{
		"/devices/abc":                   {"device", "abc"},
		"https://api.packet.net/ports/x": {"port", "x"},
		"/projects/p1/":                  {"project", "p1"},
		"/bgp/sessions/s1":               {"bgp-session", "s1"},
		"/devices/../etc":                {"", ""},
		"abc":                            {"", ""},
	} {
		typ, id := refOfHref(href)
		if typ != want[0] || id != want[1] {
			t.Errorf("refOfHref(%q) = %q %q, want %q %q", href, typ, id, want[0], want[1])
		}
	}
}

func TestCapacityToModel(t *testing.T) {
	var cl CapacityList
	if err := json.Unmarshal([]byte(`{"capacity":{"sjc1":{"c2.medium.x86":{"level":"limited"},"baremetal_0":{"level":"normal","available_servers":3,"total_servers":10}},"ams1":{"baremetal_1":{"level":"unavailable"}}}}`), &cl); err != nil {
		t.Fatal(err)
	}
	got := capacityToModel("pk", cl)
	want := []model.Capacity{
		{Provider: "pk", Location: "ams1", Plan: "baremetal_1", Level: "unavailable", Available: -1, Total: -1},
		{Provider: "pk", Location: "sjc1", Plan: "baremetal_0", Level: "normal", Available: 3, Total: 10},
		{Provider: "pk", Location: "sjc1", Plan: "c2.medium.x86", Level: "limited", Available: -1, Total: -1},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// An element of the wrong shape is kept, marked, when it has an id; one
// without (a string) is counted, not kept; the listing drops the repeat.
func TestDecodeKeepsBrokenElementsWithAnID(t *testing.T) {
	body := `{"devices":[{"id":"a","hostname":"ok","state":"active"},{"id":"b","hostname":7,"state":"active"},"not an object",{"id":"a","hostname":"duplicate"}]}`
	pg, err := devices.decode(strings.NewReader(body), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(pg.Items) != 3 || pg.Dropped != 1 || !strings.Contains(pg.Problem, "device") {
		t.Fatalf("kept %d devices, dropped %d (%s); want 3 (a, broken b, a again) and the string", len(pg.Items), pg.Dropped, pg.Problem)
	}
	ds := pg.Items
	if ds[0].DecodeError() != nil || ds[0].Hostname != "ok" {
		t.Errorf("good device: %+v", ds[0])
	}
	if ds[1].DecodeError() == nil || ds[1].ID != "b" || ds[1].State != "active" {
		t.Errorf("broken device must keep what decoded and be marked: id=%q state=%q err=%v", ds[1].ID, ds[1].State, ds[1].DecodeError())
	}
}
