package ixapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// This file holds EVERY assumption noctop makes about IX-API statistics.
// IX-API 2.7 has statistics endpoints, but no machine-readable schema for
// them is available here (the 2.1.0 document predates them). The shapes
// below follow the design IX-API describes for them; when a real 2.7 server
// differs, this file (and its tests) is the one place to change.
//
// Endpoints (2.7):
//
//	GET /{ports|connections|network-service-configs|network-services}/{id}/statistics
//	GET /{...}/{id}/statistics/{aggregate}/timeseries
//	GET /network-service-configs/{id}/peer-statistics          ?asn= &mac_address= &ip_address= &ip_version=
//	GET /network-service-configs/{id}/peer-statistics/{aggregate}/timeseries  (same filters)
//	GET /network-services/{id}/rtt-statistics
//
// Assumed shapes:
//
//   - statistics: {"aggregates": {"<name>": Aggregate, ...}}. The names are
//     the server's ("5m", "1h", "1d", "30d" ...) and are never hard-coded:
//     the client picks one by its precision and sample count.
//   - Aggregate: title, precision (seconds between samples), total_samples
//     (how many samples the aggregate keeps, so it covers
//     precision*total_samples), created_at (end of the newest sample),
//     next_update_at, and average_pps_in/out (packets per second) and
//     average_ops_in/out (octets per second) over the whole aggregate.
//   - timeseries: title, precision, created_at, next_update_at,
//     origin_timezone (optional) and samples. A sample is a tuple
//     [timestamp, average_pps_in, average_pps_out, average_ops_in,
//     average_ops_out] (sampleColumns); an object with those keys is
//     accepted too. Values are per-second averages over the sample's
//     interval [timestamp, timestamp+precision). null is a missing value; a
//     timestamp absent from the grid is a gap.
//   - Timestamps are RFC 3339 strings (Unix seconds accepted).
//   - peer-statistics: a list of PeerStatistics (a bare array; an object
//     {"peers": [...]} is accepted too), one per peer (ASN, MAC, its IPs,
//     optional name) with its own aggregates. The peer timeseries answers
//     like any timeseries, for the peers the filters select.
//   - rtt-statistics: {"aggregates": {"<name>": {title, precision,
//     created_at, next_update_at, average_rtt, minimum_rtt, maximum_rtt}}}
//     with round-trip times in milliseconds.

// Paths and query parameters of the statistics endpoints.
const (
	statisticsSuffix     = "/statistics"
	timeseriesSuffix     = "/timeseries" // after /statistics/{aggregate}
	peerStatisticsSuffix = "/peer-statistics"
	rttStatisticsSuffix  = "/rtt-statistics"

	PeerFilterASN        = "asn"
	PeerFilterMACAddress = "mac_address"
	PeerFilterIPAddress  = "ip_address"
	PeerFilterIPVersion  = "ip_version"
)

// Statistics is the answer of GET …/statistics.
type Statistics struct {
	Aggregates map[string]Aggregate `json:"aggregates"`
}

// Aggregate is one aggregation level of a statistics answer.
type Aggregate struct {
	Title         string   `json:"title,omitempty"`
	Precision     int64    `json:"precision"`               // seconds between samples
	TotalSamples  int64    `json:"total_samples,omitempty"` // samples kept
	CreatedAt     string   `json:"created_at,omitempty"`
	NextUpdateAt  string   `json:"next_update_at,omitempty"`
	AveragePPSIn  *float64 `json:"average_pps_in"` // packets per second
	AveragePPSOut *float64 `json:"average_pps_out"`
	AverageOPSIn  *float64 `json:"average_ops_in"` // octets per second
	AverageOPSOut *float64 `json:"average_ops_out"`
}

// Timeseries is the answer of GET …/statistics/{aggregate}/timeseries.
type Timeseries struct {
	Title          string             `json:"title,omitempty"`
	Precision      int64              `json:"precision"`
	CreatedAt      string             `json:"created_at,omitempty"`
	NextUpdateAt   string             `json:"next_update_at,omitempty"`
	OriginTimezone string             `json:"origin_timezone,omitempty"`
	Samples        []TimeseriesSample `json:"samples"`
	// Dropped counts samples that could not be read (bad timestamp or
	// value); they are left out and show as gaps.
	Dropped int `json:"-"`
}

// TimeseriesSample is one sample; a nil value is missing.
type TimeseriesSample struct {
	Timestamp time.Time
	PPSIn     *float64
	PPSOut    *float64
	OPSIn     *float64 // octets per second
	OPSOut    *float64
}

// sampleColumns is the order of a sample tuple.
var sampleColumns = [5]string{"timestamp", "average_pps_in", "average_pps_out", "average_ops_in", "average_ops_out"}

// PeerStatistics is one peer of a network service config.
type PeerStatistics struct {
	ASN         int64                `json:"asn"`
	MACAddress  string               `json:"mac_address"`
	IPAddresses []string             `json:"ip_addresses"`
	Name        string               `json:"name,omitempty"`
	Aggregates  map[string]Aggregate `json:"aggregates"`
}

// RTTStatistics is the answer of GET /network-services/{id}/rtt-statistics.
type RTTStatistics struct {
	Aggregates map[string]RTTAggregate `json:"aggregates"`
}

// RTTAggregate is one aggregation level of round-trip times (milliseconds).
type RTTAggregate struct {
	Title        string   `json:"title,omitempty"`
	Precision    int64    `json:"precision"`
	CreatedAt    string   `json:"created_at,omitempty"`
	NextUpdateAt string   `json:"next_update_at,omitempty"`
	AverageRTT   *float64 `json:"average_rtt"`
	MinimumRTT   *float64 `json:"minimum_rtt"`
	MaximumRTT   *float64 `json:"maximum_rtt"`
}

// PrecisionDuration is the spacing of an aggregate's samples (0 if unknown
// or absurd).
func PrecisionDuration(seconds int64) time.Duration {
	if seconds <= 0 || seconds > 10*366*24*3600 {
		return 0
	}
	return time.Duration(seconds) * time.Second
}

// Window is how far back the aggregate reaches: precision × total_samples,
// or, without total_samples, the span its name spells ("30d"); 0 if unknown.
func (a Aggregate) Window(name string) time.Duration {
	p := PrecisionDuration(a.Precision)
	if p > 0 && a.TotalSamples > 0 && a.TotalSamples < 1<<31 {
		return p * time.Duration(a.TotalSamples)
	}
	d, _ := ParseAggregateSpan(name)
	return d
}

var spanRe = regexp.MustCompile(`^(\d{1,6})\s*(s|m|min|h|d|w|mo|y)$`)

// ParseAggregateSpan reads names like "5m", "1h", "30d", "1y".
func ParseAggregateSpan(name string) (time.Duration, bool) {
	m := spanRe.FindStringSubmatch(strings.ToLower(strings.TrimSpace(name)))
	if m == nil {
		return 0, false
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	unit := map[string]time.Duration{
		"s": time.Second, "m": time.Minute, "min": time.Minute, "h": time.Hour,
		"d": 24 * time.Hour, "w": 7 * 24 * time.Hour, "mo": 30 * 24 * time.Hour, "y": 365 * 24 * time.Hour,
	}[m[2]]
	if n <= 0 {
		return 0, false
	}
	return time.Duration(n) * unit, true
}

// OctetsToBits converts octets per second into bits per second.
func OctetsToBits(ops float64) float64 { return ops * 8 }

// SpeedToBPS converts an IX-API speed or capacity (Mbit/s) into bits per
// second.
func SpeedToBPS(mbps int64) float64 {
	if mbps <= 0 {
		return 0
	}
	return float64(mbps) * 1e6
}

// ParseTimestamp reads an RFC 3339 timestamp (zero if absent or invalid).
func ParseTimestamp(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05Z07:00"} {
		if t, err := time.Parse(l, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// FormatTimestamp writes a timestamp the way the shapes above expect.
func FormatTimestamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// UnmarshalJSON accepts the tuple and the object form.
func (s *TimeseriesSample) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*s = TimeseriesSample{}
	var cols [5]json.RawMessage
	switch {
	case len(b) > 0 && b[0] == '[':
		var list []json.RawMessage
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		if len(list) < 1 {
			return fmt.Errorf("empty sample")
		}
		copy(cols[:], list)
	case len(b) > 0 && b[0] == '{':
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(b, &obj); err != nil {
			return err
		}
		for i, k := range sampleColumns {
			cols[i] = obj[k]
		}
	default:
		return fmt.Errorf("sample is neither a list nor an object")
	}
	t, err := sampleTime(cols[0])
	if err != nil {
		return err
	}
	s.Timestamp = t
	dst := [4]**float64{&s.PPSIn, &s.PPSOut, &s.OPSIn, &s.OPSOut}
	for i, d := range dst {
		v, err := sampleValue(cols[i+1])
		if err != nil {
			return fmt.Errorf("%s: %w", sampleColumns[i+1], err)
		}
		*d = v
	}
	return nil
}

// MarshalJSON writes the tuple form.
func (s TimeseriesSample) MarshalJSON() ([]byte, error) {
	return AppendSampleTuple(nil, s.Timestamp, s.PPSIn, s.PPSOut, s.OPSIn, s.OPSOut), nil
}

// AppendSampleTuple appends one sample tuple to b (the simulator writes
// thousands of them; this avoids reflection).
func AppendSampleTuple(b []byte, t time.Time, ppsIn, ppsOut, opsIn, opsOut *float64) []byte {
	b = append(b, `["`...)
	b = t.UTC().AppendFormat(b, time.RFC3339)
	b = append(b, '"')
	for _, v := range [4]*float64{ppsIn, ppsOut, opsIn, opsOut} {
		b = append(b, ',')
		if v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) {
			b = append(b, "null"...)
		} else {
			b = strconv.AppendFloat(b, *v, 'f', 3, 64)
		}
	}
	return append(b, ']')
}

// AppendTimeseries writes a timeseries answer: head's fields as encoding/json
// writes them, then n samples appended by sample (which returns false to
// leave sample i out, a gap). The simulator writes 8,640-sample answers
// with it without building them in memory.
func AppendTimeseries(b []byte, head Timeseries, n int, sample func(b []byte, i int) ([]byte, bool)) []byte {
	head.Samples = []TimeseriesSample{}
	hb, err := json.Marshal(head)
	if err != nil || !bytes.HasSuffix(hb, []byte(`[]}`)) {
		return append(b, `{"samples":[]}`...) // cannot happen: Samples is the last field
	}
	b = append(b, hb[:len(hb)-2]...)
	first := true
	for i := 0; i < n; i++ {
		mark := len(b)
		if !first {
			b = append(b, ',')
		}
		var ok bool
		if b, ok = sample(b, i); ok {
			first = false
		} else {
			b = b[:mark]
		}
	}
	return append(b, "]}"...)
}

func sampleTime(raw json.RawMessage) (time.Time, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return time.Time{}, fmt.Errorf("sample without timestamp")
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return time.Time{}, err
		}
		t := ParseTimestamp(s)
		if t.IsZero() {
			return time.Time{}, fmt.Errorf("timestamp %q is not RFC 3339", truncate(s, 40))
		}
		return t, nil
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || f < 0 || f > 1e11 {
		return time.Time{}, fmt.Errorf("timestamp is neither RFC 3339 nor Unix seconds")
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
}

func sampleValue(raw json.RawMessage) (*float64, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	s := string(raw)
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("value %q is not a number", truncate(s, 40))
	}
	if f < 0 {
		return nil, fmt.Errorf("negative rate %g", f)
	}
	return &f, nil
}

// decodePeerStatistics accepts a bare list or {"peers": [...]}.
func decodePeerStatistics(body []byte) ([]PeerStatistics, error) {
	b := bytes.TrimSpace(body)
	if len(b) > 0 && b[0] == '{' {
		var env struct {
			Peers []PeerStatistics `json:"peers"`
		}
		if err := json.Unmarshal(b, &env); err != nil {
			return nil, jsonError(err)
		}
		return env.Peers, nil
	}
	var out []PeerStatistics
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty body, expected peer statistics", model.ErrBadResponse)
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, jsonError(err)
	}
	return out, nil
}

// decodeStatistics reads a statistics answer.
func decodeStatistics(body []byte) (Statistics, error) {
	var s Statistics
	if err := strictObject(body, &s); err != nil {
		return Statistics{}, err
	}
	return s, nil
}

// decodeTimeseries reads a timeseries answer. One unreadable sample does
// not discard the series: it is dropped (a gap) and counted.
func decodeTimeseries(body []byte) (Timeseries, error) {
	var w struct {
		Title          string          `json:"title"`
		Precision      int64           `json:"precision"`
		CreatedAt      string          `json:"created_at"`
		NextUpdateAt   string          `json:"next_update_at"`
		OriginTimezone string          `json:"origin_timezone"`
		Samples        json.RawMessage `json:"samples"`
	}
	if err := strictObject(body, &w); err != nil {
		return Timeseries{}, err
	}
	ts := Timeseries{Title: w.Title, Precision: w.Precision, CreatedAt: w.CreatedAt,
		NextUpdateAt: w.NextUpdateAt, OriginTimezone: w.OriginTimezone}
	if len(w.Samples) == 0 || isNull(w.Samples) {
		return ts, nil
	}
	if samples, dropped, ok := scanSampleTuples(w.Samples); ok {
		ts.Samples, ts.Dropped = samples, dropped
		return ts, nil
	}
	samples, dropped, err := decodeSamplesSlow(w.Samples)
	if err != nil {
		return Timeseries{}, err
	}
	ts.Samples, ts.Dropped = samples, dropped
	return ts, nil
}

// decodeSamplesSlow decodes samples with encoding/json, one by one.
func decodeSamplesSlow(raw json.RawMessage) ([]TimeseriesSample, int, error) {
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, 0, fmt.Errorf("%w: samples: %s", model.ErrBadResponse, jsonError(err).Error())
	}
	out := make([]TimeseriesSample, 0, len(list))
	dropped := 0
	for _, r := range list {
		var s TimeseriesSample
		if err := s.UnmarshalJSON(r); err != nil {
			dropped++
			continue
		}
		out = append(out, s)
	}
	return out, dropped, nil
}

// scanSampleTuples is the fast path for the tuple form (a 30-day series at
// 5 minutes is 8,640 tuples; encoding/json spends most of a graph's time
// on them). It reads [["<RFC 3339>", n|null, n|null, n|null, n|null], ...]
// and gives up (ok false) on anything else, leaving it to the slow path,
// which it agrees with (a fuzz test holds them to that).
func scanSampleTuples(b []byte) (out []TimeseriesSample, dropped int, ok bool) {
	i := 0
	ws := func() {
		for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
			i++
		}
	}
	ws()
	if i >= len(b) || b[i] != '[' {
		return nil, 0, false
	}
	i++
	out = make([]TimeseriesSample, 0, len(b)/64)
	ws()
	if i < len(b) && b[i] == ']' {
		i++
		ws()
		return out, 0, i == len(b)
	}
	for {
		ws()
		if i >= len(b) || b[i] != '[' {
			return nil, 0, false
		}
		i++
		ws()
		// Timestamp: a plain string (no escapes).
		if i >= len(b) || b[i] != '"' {
			return nil, 0, false
		}
		j := i + 1
		for j < len(b) && b[j] != '"' && b[j] != '\\' && b[j] >= 0x20 {
			j++
		}
		if j >= len(b) || b[j] != '"' {
			return nil, 0, false
		}
		t := ParseTimestamp(string(b[i+1 : j]))
		bad := t.IsZero()
		i = j + 1
		var vals [4]*float64
		for k := 0; k < 4; k++ {
			ws()
			if i >= len(b) || b[i] != ',' {
				return nil, 0, false
			}
			i++
			ws()
			j := i
			for j < len(b) && b[j] != ',' && b[j] != ']' && b[j] != ' ' && b[j] != '\n' && b[j] != '\r' && b[j] != '\t' {
				j++
			}
			tok := string(b[i:j])
			i = j
			switch {
			case tok == "null":
			case tok == "" || !numberToken(tok):
				return nil, 0, false
			default:
				f, err := strconv.ParseFloat(tok, 64)
				if err != nil || math.IsInf(f, 0) {
					return nil, 0, false
				}
				if f < 0 {
					bad = true
				}
				vals[k] = &f
			}
		}
		ws()
		if i >= len(b) || b[i] != ']' {
			return nil, 0, false
		}
		i++
		if bad {
			dropped++
		} else {
			out = append(out, TimeseriesSample{Timestamp: t, PPSIn: vals[0], PPSOut: vals[1], OPSIn: vals[2], OPSOut: vals[3]})
		}
		ws()
		if i >= len(b) {
			return nil, 0, false
		}
		if b[i] == ']' {
			i++
			ws()
			return out, dropped, i == len(b)
		}
		if b[i] != ',' {
			return nil, 0, false
		}
		i++
	}
}

// numberToken reports whether s is a JSON number.
func numberToken(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i >= len(s) {
		return false
	}
	if s[i] == '0' {
		i++
	} else if s[i] >= '1' && s[i] <= '9' {
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	} else {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			return false
		}
	}
	return i == len(s)
}

// decodeRTT reads an rtt-statistics answer.
func decodeRTT(body []byte) (RTTStatistics, error) {
	var r RTTStatistics
	if err := strictObject(body, &r); err != nil {
		return RTTStatistics{}, err
	}
	return r, nil
}

// strictObject decodes a JSON object; any error wraps model.ErrBadResponse.
func strictObject(body []byte, out any) error {
	b := bytes.TrimSpace(body)
	if len(b) == 0 {
		return fmt.Errorf("%w: empty body, expected a JSON object", model.ErrBadResponse)
	}
	if b[0] != '{' {
		return fmt.Errorf("%w: expected a JSON object, got %s", model.ErrBadResponse, jsonKind(b[0]))
	}
	if err := json.Unmarshal(b, out); err != nil {
		var e *json.UnmarshalTypeError
		if ok := asTypeError(err, &e); ok {
			return jsonError(err)
		}
		// Errors from TimeseriesSample.UnmarshalJSON arrive unwrapped.
		return fmt.Errorf("%w: %s", model.ErrBadResponse, httpx.Excerpt(err.Error(), 160))
	}
	return nil
}

func asTypeError(err error, target **json.UnmarshalTypeError) bool {
	e, ok := err.(*json.UnmarshalTypeError)
	if ok {
		*target = e
	}
	return ok
}
