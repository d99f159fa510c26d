package ixapi

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
)

// The statistics shapes are assumptions (see stats_shape.go); these tests
// pin them down, so changing the shape for a real 2.7 server is a visible,
// tested change.

const statisticsFixture = `{
  "aggregates": {
    "5m":  {"title": "5 minutes", "precision": 300, "total_samples": 8640,
            "created_at": "2025-03-11T12:00:00Z", "next_update_at": "2025-03-11T12:05:30Z",
            "average_pps_in": 1000.5, "average_pps_out": 500, "average_ops_in": 1250000, "average_ops_out": 625000},
    "1d":  {"title": "1 day", "precision": 86400, "total_samples": 365,
            "created_at": "2025-03-11T00:00:00Z", "next_update_at": "2025-03-12T00:00:30Z",
            "average_pps_in": null, "average_pps_out": null, "average_ops_in": 10, "average_ops_out": 20}
  }
}`

func TestDecodeStatistics(t *testing.T) {
	s, err := decodeStatistics([]byte(statisticsFixture))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Aggregates) != 2 {
		t.Fatalf("aggregates: %d", len(s.Aggregates))
	}
	a := s.Aggregates["5m"]
	if a.Precision != 300 || a.TotalSamples != 8640 || a.Title != "5 minutes" {
		t.Errorf("5m: %+v", a)
	}
	if got := a.Window("5m"); got != 30*24*time.Hour {
		t.Errorf("window %v, want 720h (precision × total_samples)", got)
	}
	in, out := averageBPS(a)
	if in != 1e7 || out != 5e6 {
		t.Errorf("averages %v/%v bps, want octets×8 = 1e7/5e6", in, out)
	}
	if d := s.Aggregates["1d"]; d.AveragePPSIn != nil || *d.AverageOPSOut != 20 {
		t.Errorf("null average must stay nil: %+v", d)
	}
	if ParseTimestamp(a.NextUpdateAt) != time.Date(2025, 3, 11, 12, 5, 30, 0, time.UTC) {
		t.Errorf("next_update_at %q", a.NextUpdateAt)
	}
	for _, bad := range []string{``, `[]`, `"x"`, `{"aggregates": []}`} {
		if _, err := decodeStatistics([]byte(bad)); !errors.Is(err, model.ErrBadResponse) {
			t.Errorf("decodeStatistics(%q) = %v, want ErrBadResponse", bad, err)
		}
	}
}

func TestDecodeTimeseriesForms(t *testing.T) {
	tuple := `{"title":"5 minutes","precision":300,"created_at":"2025-03-11T12:00:00Z","next_update_at":"2025-03-11T12:05:30Z",
	  "samples":[["2025-03-11T11:50:00Z",1,2,100,200],["2025-03-11T11:55:00Z",null,2,null,200.5]]}`
	object := `{"title":"5 minutes","precision":300,"created_at":"2025-03-11T12:00:00Z","next_update_at":"2025-03-11T12:05:30Z",
	  "samples":[{"timestamp":"2025-03-11T11:50:00Z","average_pps_in":1,"average_pps_out":2,"average_ops_in":100,"average_ops_out":200},
	             {"timestamp":1741694100,"average_pps_out":"2","average_ops_out":200.5}]}`
	a := must[Timeseries](t)(decodeTimeseries([]byte(tuple)))
	b := must[Timeseries](t)(decodeTimeseries([]byte(object)))
	if len(a.Samples) != 2 || len(b.Samples) != 2 {
		t.Fatalf("samples: %d and %d", len(a.Samples), len(b.Samples))
	}
	for i := range a.Samples {
		x, y := a.Samples[i], b.Samples[i]
		if !x.Timestamp.Equal(y.Timestamp) || !eqF(x.OPSIn, y.OPSIn) || !eqF(x.OPSOut, y.OPSOut) || !eqF(x.PPSOut, y.PPSOut) {
			t.Errorf("sample %d differs between the tuple and object forms: %+v vs %+v", i, x, y)
		}
	}
	if a.Samples[1].OPSIn != nil {
		t.Errorf("null must decode as missing")
	}
	if *a.Samples[0].OPSIn != 100 || *a.Samples[1].OPSOut != 200.5 {
		t.Errorf("values: %+v", a.Samples)
	}
}

func eqF(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func TestDecodeTimeseriesDropsBadSamples(t *testing.T) {
	body := `{"precision":300,"samples":[["2025-03-11T11:50:00Z",1,2,3,4],["yesterday",1,2,3,4],["2025-03-11T12:00:00Z",1,2,-3,4],["2025-03-11T12:05:00Z",1,2,3,4]]}`
	ts := must[Timeseries](t)(decodeTimeseries([]byte(body)))
	if len(ts.Samples) != 2 || ts.Dropped != 2 {
		t.Errorf("kept %d dropped %d, want 2 and 2 (bad timestamp, negative rate)", len(ts.Samples), ts.Dropped)
	}
	if _, err := decodeTimeseries([]byte(`{"samples": {"a": 1}}`)); !errors.Is(err, model.ErrBadResponse) {
		t.Errorf("samples as an object: %v", err)
	}
}

// The fast tuple scanner must agree with encoding/json wherever it answers.
func TestScanSampleTuplesAgreesWithSlowPath(t *testing.T) {
	cases := []string{
		`[]`,
		`[["2025-03-11T11:50:00Z",1,2,3,4]]`,
		`[ [ "2025-03-11T11:50:00Z" , 1.5e3 , null , 0 , -0 ] , ["2025-03-11T11:55:00.123Z",1,2,3,4] ]`,
		`[["2025-03-11T11:50:00Z",1,2,3,-4]]`,
		`[["bad",1,2,3,4],["2025-03-11T11:50:00",1,2,3,4]]`,
		`[["2025-03-11T11:50:00Z",1,2,3]]`,
		`[["2025-03-11T11:50:00Z",1,2,3,4,5]]`,
		`[["2025-03-11T11:50:00Z","1",2,3,4]]`,
		`[[1741694100,1,2,3,4]]`,
		`[{"timestamp":"2025-03-11T11:50:00Z"}]`,
		`[["2025-03-11T11:50:00Z",01,2,3,4]]`,
		`[["2025-03-11T11:50:00Z",1e999,2,3,4]]`,
	}
	for _, c := range cases {
		checkScanAgrees(t, []byte(c))
	}
}

func checkScanAgrees(t *testing.T, b []byte) {
	t.Helper()
	fast, fd, ok := scanSampleTuples(b)
	if !ok {
		return
	}
	slow, sd, err := decodeSamplesSlow(b, defaultOrder)
	if err != nil {
		t.Fatalf("%q: fast path accepted what encoding/json rejects: %v", b, err)
	}
	if fd != sd || len(fast) != len(slow) {
		t.Fatalf("%q: fast %d kept/%d dropped, slow %d/%d", b, len(fast), fd, len(slow), sd)
	}
	for i := range fast {
		x, y := fast[i], slow[i]
		if !x.Timestamp.Equal(y.Timestamp) || !eqF(x.PPSIn, y.PPSIn) || !eqF(x.PPSOut, y.PPSOut) || !eqF(x.OPSIn, y.OPSIn) || !eqF(x.OPSOut, y.OPSOut) {
			t.Fatalf("%q: sample %d: fast %+v slow %+v", b, i, x, y)
		}
	}
}

func TestSampleTupleRoundTrip(t *testing.T) {
	v := 12.5
	s := TimeseriesSample{Timestamp: time.Date(2025, 1, 2, 3, 4, 0, 0, time.UTC), PPSIn: &v, OPSOut: &v}
	b, err := s.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `["2025-01-02T03:04:00Z",12.500,null,null,12.500]` {
		t.Errorf("tuple %s", b)
	}
	var back TimeseriesSample
	if err := back.UnmarshalJSON(b); err != nil || !reflect.DeepEqual(back.PPSIn, s.PPSIn) || back.PPSOut != nil {
		t.Errorf("round trip: %+v %v", back, err)
	}
	nan := math.NaN()
	if b := AppendSampleTuple(nil, s.Timestamp, &nan, nil, nil, nil); !strings.Contains(string(b), "null") {
		t.Errorf("NaN must be written as null: %s", b)
	}
}

func TestDecodePeerStatisticsShapes(t *testing.T) {
	list := `[{"asn":64501,"mac_address":"02:00:00:00:00:01","ip_addresses":["10.0.0.1","2001:db8::1"],"aggregates":{"5m":{"precision":300,"total_samples":8640,"average_ops_in":10,"average_ops_out":20}}}]`
	obj := `{"peers":` + list + `}`
	a := must[[]PeerStatistics](t)(decodePeerStatistics([]byte(list)))
	b := must[[]PeerStatistics](t)(decodePeerStatistics([]byte(obj)))
	if !reflect.DeepEqual(a, b) || len(a) != 1 || a[0].ASN != 64501 || len(a[0].IPAddresses) != 2 {
		t.Errorf("peer statistics: %+v / %+v", a, b)
	}
	if _, err := decodePeerStatistics([]byte(`42`)); !errors.Is(err, model.ErrBadResponse) {
		t.Errorf("a number: %v", err)
	}
}

func TestDecodeRTT(t *testing.T) {
	r := must[RTTStatistics](t)(decodeRTT([]byte(`{"aggregates":{"1h":{"title":"1 hour","precision":3600,"average_rtt":1.25,"minimum_rtt":1,"maximum_rtt":3}}}`)))
	if a := r.Aggregates["1h"]; *a.AverageRTT != 1.25 || *a.MaximumRTT != 3 {
		t.Errorf("rtt %+v", a)
	}
}

func TestParseAggregateSpan(t *testing.T) {
	cases := map[string]time.Duration{
		"5m": 5 * time.Minute, "1h": time.Hour, "1d": 24 * time.Hour, "30d": 720 * time.Hour, "1y": 8760 * time.Hour,
		"2w": 336 * time.Hour, "15min": 15 * time.Minute, " 10S ": 10 * time.Second,
	}
	for in, want := range cases {
		if got, ok := ParseAggregateSpan(in); !ok || got != want {
			t.Errorf("ParseAggregateSpan(%q) = %v %v, want %v", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "d", "0d", "5x", "-1d", "1.5h", "9999999d"} {
		if _, ok := ParseAggregateSpan(bad); ok {
			t.Errorf("ParseAggregateSpan(%q) accepted", bad)
		}
	}
	// Without total_samples the window comes from the name.
	if w := (Aggregate{Precision: 300}).Window("30d"); w != 720*time.Hour {
		t.Errorf("window from name: %v", w)
	}
	if w := (Aggregate{Precision: 300}).Window("fine"); w != 0 {
		t.Errorf("unknown window: %v", w)
	}
}

func TestUnitConversions(t *testing.T) {
	if OctetsToBits(1.25e9) != 1e10 {
		t.Error("octets to bits")
	}
	if SpeedToBPS(10000) != 1e10 || SpeedToBPS(0) != 0 || SpeedToBPS(-5) != 0 {
		t.Error("Mbit/s to bps")
	}
	if PrecisionDuration(300) != 5*time.Minute || PrecisionDuration(0) != 0 || PrecisionDuration(-1) != 0 || PrecisionDuration(1<<40) != 0 {
		t.Error("precision")
	}
}

func TestAppendTimeseriesRoundTrip(t *testing.T) {
	base := time.Date(2025, 3, 11, 11, 0, 0, 0, time.UTC)
	head := Timeseries{Title: "5 minutes", Precision: 300, CreatedAt: FormatTimestamp(base.Add(time.Hour)), NextUpdateAt: FormatTimestamp(base.Add(65 * time.Minute)), OriginTimezone: "UTC"}
	b := AppendTimeseries(nil, head, 12, func(b []byte, i int) ([]byte, bool) {
		if i == 0 || i == 5 {
			return b, false
		}
		v := float64(i)
		return AppendSampleTuple(b, base.Add(time.Duration(i)*5*time.Minute), &v, &v, &v, &v), true
	})
	ts, err := decodeTimeseries(b)
	if err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	if ts.Title != head.Title || ts.Precision != 300 || ts.CreatedAt != head.CreatedAt || ts.OriginTimezone != "UTC" || len(ts.Samples) != 10 || ts.Dropped != 0 {
		t.Errorf("round trip: %+v (%d samples)", ts, len(ts.Samples))
	}
	if *ts.Samples[0].OPSIn != 1 || !ts.Samples[4].Timestamp.Equal(base.Add(30*time.Minute)) {
		t.Errorf("samples %+v", ts.Samples[:5])
	}
	empty := AppendTimeseries(nil, head, 3, func(b []byte, i int) ([]byte, bool) { return b, false })
	if ts, err := decodeTimeseries(empty); err != nil || len(ts.Samples) != 0 {
		t.Errorf("all gaps: %s %v", empty, err)
	}
}
