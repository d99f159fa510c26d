package ixapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// This file holds EVERY assumption noctop makes about IX-API statistics.
// The 2.1.0 document predates the statistics endpoints; the reference shape
// is IX-API 2.4.2 (as summarised in ../shared/specs/ixapi-2.4-statistics-
// and-change-requests.md), read tolerantly: fields of the shape noctop
// guessed before 2.4.2 was at hand, and fields nobody knows yet, are
// accepted too. When a real server differs, this file (and its tests) is
// the one place to change.
//
// Endpoints:
//
//	GET /{ports|connections|network-service-configs|network-services}/{id}/statistics   [?start=&end=]
//	GET /{...}/{id}/statistics/{aggregate}/timeseries                                  [?start=&end=]
//	GET /network-service-configs/{id}/peer-statistics          ?asn= &mac_address= &ip_address= &ip_version=
//	GET /network-service-configs/{id}/peer-statistics/{aggregate}/timeseries  (same filters)
//	GET /network-services/{id}/rtt-statistics
//
// Shapes (2.4.2):
//
//   - statistics: {"aggregates": {"<window>": Aggregate, ...}} and, for
//     ports, light_levels_tx / light_levels_rx (dBm, one per channel). The
//     key is the window the aggregate covers, written as an interval
//     ("5m", "1d", "30d", "1y"; which exist differs per server). A request
//     with start and end asks for that window: its key is "custom".
//   - Aggregate: title, start and end (the window), accuracy (samples
//     received ÷ expected, 0..1), created_at, next_update_at, and over the
//     window: average_{pps,ops,eps,dps}_{in,out} (packets, octets, errors,
//     discards per second), percentile95_{pps,ops}_{in,out} (2.4.2 lists
//     no percentile95_ops_in; it is read when present), maximum_{pps,ops}_
//     {in,out} and maximum_{in,out}_at. There is no precision on it.
//   - timeseries: title, precision (seconds between samples: the only
//     place the sampling resolution is given), created_at, next_update_at,
//     origin_timezone and samples, a list of tuples. 2.4.2 does not fix the
//     tuple's column order: it is sampleColumns unless the answer names its
//     columns (a "columns" or "fields" list, see timeseriesHeaderKeys); a
//     sample given as an object is read by its field names. Values are
//     per-second averages over [timestamp, timestamp+precision); null is
//     missing; a timestamp absent from the grid is a gap.
//   - Timestamps are RFC 3339 strings (Unix seconds accepted).
//
// Accepted from the earlier guess: an aggregate keyed by its bucket size
// with precision (seconds between samples) and total_samples (so it covers
// precision × total_samples). An aggregate that carries a precision is read
// that way; one without is a 2.4.2 window.
//
// Still assumptions (2.4.2 has no shapes for them; kept isolated here):
//
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

	// AggregateCustom is the key of the window a start/end query asks for.
	AggregateCustom = "custom"
	QueryStart      = "start"
	QueryEnd        = "end"

	PeerFilterASN        = "asn"
	PeerFilterMACAddress = "mac_address"
	PeerFilterIPAddress  = "ip_address"
	PeerFilterIPVersion  = "ip_version"
)

// Statistics is the answer of GET …/statistics.
type Statistics struct {
	Aggregates map[string]Aggregate `json:"aggregates"`
	// Ports only: optical levels in dBm, one per channel. An entry that
	// could not be read is NaN (never marshalled: the simulator writes
	// finite values only).
	LightLevelsTX []float64 `json:"light_levels_tx,omitempty"`
	LightLevelsRX []float64 `json:"light_levels_rx,omitempty"`
}

// Aggregate is one aggregate of a statistics answer: a window (2.4.2) or,
// in the earlier guessed shape, a bucket size with Precision.
type Aggregate struct {
	Title        string   `json:"title,omitempty"`
	Start        string   `json:"start,omitempty"` // 2.4.2: the window covered
	End          string   `json:"end,omitempty"`
	Accuracy     *float64 `json:"accuracy,omitempty"` // 2.4.2: received ÷ expected samples
	CreatedAt    string   `json:"created_at,omitempty"`
	NextUpdateAt string   `json:"next_update_at,omitempty"`

	AveragePPSIn  *float64 `json:"average_pps_in"` // packets per second
	AveragePPSOut *float64 `json:"average_pps_out"`
	AverageOPSIn  *float64 `json:"average_ops_in"` // octets per second
	AverageOPSOut *float64 `json:"average_ops_out"`
	AverageEPSIn  *float64 `json:"average_eps_in,omitempty"` // errors per second
	AverageEPSOut *float64 `json:"average_eps_out,omitempty"`
	AverageDPSIn  *float64 `json:"average_dps_in,omitempty"` // discards per second
	AverageDPSOut *float64 `json:"average_dps_out,omitempty"`

	P95PPSIn  *float64 `json:"percentile95_pps_in,omitempty"`
	P95PPSOut *float64 `json:"percentile95_pps_out,omitempty"`
	P95OPSIn  *float64 `json:"percentile95_ops_in,omitempty"` // not in 2.4.2; read when sent
	P95OPSOut *float64 `json:"percentile95_ops_out,omitempty"`
	MaxPPSIn  *float64 `json:"maximum_pps_in,omitempty"`
	MaxPPSOut *float64 `json:"maximum_pps_out,omitempty"`
	MaxOPSIn  *float64 `json:"maximum_ops_in,omitempty"`
	MaxOPSOut *float64 `json:"maximum_ops_out,omitempty"`
	MaxInAt   string   `json:"maximum_in_at,omitempty"`
	MaxOutAt  string   `json:"maximum_out_at,omitempty"`

	// The earlier guess: seconds between samples and how many are kept.
	Precision    int64 `json:"precision,omitempty"`
	TotalSamples int64 `json:"total_samples,omitempty"`

	// Unreadable names fields that were present but of the wrong type;
	// they are ignored rather than failing the whole answer.
	Unreadable []string `json:"-"`
}

// aggregateFields maps JSON names to the fields of a. Everything decoded
// into an Aggregate goes through this table.
func (a *Aggregate) fields() (strs map[string]*string, nums map[string]**float64, ints map[string]*int64) {
	strs = map[string]*string{
		"title": &a.Title, "start": &a.Start, "end": &a.End, "created_at": &a.CreatedAt,
		"next_update_at": &a.NextUpdateAt, "maximum_in_at": &a.MaxInAt, "maximum_out_at": &a.MaxOutAt,
	}
	nums = map[string]**float64{
		"accuracy":       &a.Accuracy,
		"average_pps_in": &a.AveragePPSIn, "average_pps_out": &a.AveragePPSOut,
		"average_ops_in": &a.AverageOPSIn, "average_ops_out": &a.AverageOPSOut,
		"average_eps_in": &a.AverageEPSIn, "average_eps_out": &a.AverageEPSOut,
		"average_dps_in": &a.AverageDPSIn, "average_dps_out": &a.AverageDPSOut,
		"percentile95_pps_in": &a.P95PPSIn, "percentile95_pps_out": &a.P95PPSOut,
		"percentile95_ops_in": &a.P95OPSIn, "percentile95_ops_out": &a.P95OPSOut,
		"maximum_pps_in": &a.MaxPPSIn, "maximum_pps_out": &a.MaxPPSOut,
		"maximum_ops_in": &a.MaxOPSIn, "maximum_ops_out": &a.MaxOPSOut,
	}
	ints = map[string]*int64{"precision": &a.Precision, "total_samples": &a.TotalSamples}
	return strs, nums, ints
}

// UnmarshalJSON reads an aggregate field by field: a field of the wrong
// type (a number sent as a string is fine) is left out and named in
// Unreadable; unknown fields are ignored.
func (a *Aggregate) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*a = Aggregate{}
	strs, nums, ints := a.fields()
	for k, v := range raw {
		if isNull(v) {
			continue
		}
		ok := true
		switch {
		case strs[k] != nil:
			ok = json.Unmarshal(v, strs[k]) == nil
		case nums[k] != nil:
			var f *float64
			f, ok = flexNumber(v)
			*nums[k] = f
		case ints[k] != nil:
			var f *float64
			f, ok = flexNumber(v)
			if ok && (*f != math.Trunc(*f) || math.Abs(*f) > 1<<53) {
				ok = false
			}
			if ok {
				*ints[k] = int64(*f)
			}
		}
		if !ok {
			a.Unreadable = append(a.Unreadable, k)
		}
	}
	slices.Sort(a.Unreadable)
	return nil
}

// flexNumber reads a finite JSON number or a string holding one.
func flexNumber(raw json.RawMessage) (*float64, bool) {
	raw = bytes.TrimSpace(raw)
	s := string(raw)
	if len(raw) > 0 && raw[0] == '"' {
		if json.Unmarshal(raw, &s) != nil {
			return nil, false
		}
		s = strings.TrimSpace(s)
	} else if !numberToken(s) {
		return nil, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, false
	}
	return &f, true
}

// UnmarshalJSON reads a statistics answer: the aggregates map (an
// aggregate that is not an object is dropped) and the light levels (an
// unreadable channel is NaN).
func (s *Statistics) UnmarshalJSON(b []byte) error {
	var w struct {
		Aggregates map[string]json.RawMessage `json:"aggregates"`
		TX         json.RawMessage            `json:"light_levels_tx"`
		RX         json.RawMessage            `json:"light_levels_rx"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*s = Statistics{}
	if w.Aggregates != nil {
		s.Aggregates = make(map[string]Aggregate, len(w.Aggregates))
	}
	for k, v := range w.Aggregates {
		if v = bytes.TrimSpace(v); len(v) == 0 || v[0] != '{' {
			continue
		}
		var a Aggregate
		if a.UnmarshalJSON(v) == nil {
			s.Aggregates[k] = a
		}
	}
	s.LightLevelsTX, s.LightLevelsRX = lightLevels(w.TX), lightLevels(w.RX)
	return nil
}

// maxChannels bounds a light-level list (a 400G port has 8 lanes).
const maxChannels = 64

func lightLevels(raw json.RawMessage) []float64 {
	var list []json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &list) != nil || len(list) == 0 {
		return nil
	}
	out := make([]float64, 0, min(len(list), maxChannels))
	for _, v := range list[:min(len(list), maxChannels)] {
		if f, ok := flexNumber(v); ok && *f > -100 && *f < 50 {
			out = append(out, *f)
		} else {
			out = append(out, math.NaN())
		}
	}
	return out
}

// Windowed reports whether a is a 2.4.2 window (it has no precision).
func (a Aggregate) Windowed() bool { return a.Precision <= 0 }

// Span is the window a reports covering (zero times when not reported or
// not in order).
func (a Aggregate) Span() (from, to time.Time) {
	from, to = ParseTimestamp(a.Start), ParseTimestamp(a.End)
	if from.IsZero() || to.IsZero() || !to.After(from) {
		return time.Time{}, time.Time{}
	}
	return from, to
}

// sampleColumns is the column order of a sample tuple when the answer does
// not name its columns.
var sampleColumns = [5]string{"timestamp", "average_pps_in", "average_pps_out", "average_ops_in", "average_ops_out"}

// timeseriesHeaderKeys are the names under which a timeseries answer may
// list its tuple's columns (2.4.2 fixes none; these are guesses, tried in
// order).
var timeseriesHeaderKeys = []string{"columns", "fields"}

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

// Window is how far back the aggregate reaches: end − start (2.4.2), else
// precision × total_samples (the earlier guess), else the span its name
// spells ("30d"); 0 if unknown.
func (a Aggregate) Window(name string) time.Duration {
	if from, to := a.Span(); !from.IsZero() {
		return to.Sub(from)
	}
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

// UnmarshalJSON accepts the tuple (in sampleColumns order) and the object
// form.
func (s *TimeseriesSample) UnmarshalJSON(b []byte) error {
	v, err := decodeSample(b, defaultOrder)
	*s = v
	return err
}

// columnOrder says where each of sampleColumns sits in a tuple (-1: not
// there).
type columnOrder [5]int

var defaultOrder = columnOrder{0, 1, 2, 3, 4}

// orderFromHeader reads a column list; ok false when there is none or it
// names no timestamp column (then the default order applies).
func orderFromHeader(raw json.RawMessage) (columnOrder, bool) {
	var names []string
	if len(raw) == 0 || json.Unmarshal(raw, &names) != nil || len(names) == 0 || len(names) > 64 {
		return defaultOrder, false
	}
	o := columnOrder{-1, -1, -1, -1, -1}
	for i, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		if n == "time" || n == "ts" {
			n = "timestamp"
		}
		for k, c := range sampleColumns {
			if n == c && o[k] < 0 {
				o[k] = i
			}
		}
	}
	if o[0] < 0 {
		return defaultOrder, false
	}
	return o, true
}

func decodeSample(b []byte, order columnOrder) (TimeseriesSample, error) {
	b = bytes.TrimSpace(b)
	var s TimeseriesSample
	var cols [5]json.RawMessage
	switch {
	case len(b) > 0 && b[0] == '[':
		var list []json.RawMessage
		if err := json.Unmarshal(b, &list); err != nil {
			return s, err
		}
		if len(list) < 1 {
			return s, fmt.Errorf("empty sample")
		}
		for k, at := range order {
			if at >= 0 && at < len(list) {
				cols[k] = list[at]
			}
		}
	case len(b) > 0 && b[0] == '{':
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(b, &obj); err != nil {
			return s, err
		}
		for i, k := range sampleColumns {
			cols[i] = obj[k]
		}
	default:
		return s, fmt.Errorf("sample is neither a list nor an object")
	}
	t, err := sampleTime(cols[0])
	if err != nil {
		return s, err
	}
	s.Timestamp = t
	dst := [4]**float64{&s.PPSIn, &s.PPSOut, &s.OPSIn, &s.OPSOut}
	for i, d := range dst {
		v, err := sampleValue(cols[i+1])
		if err != nil {
			return TimeseriesSample{}, fmt.Errorf("%s: %w", sampleColumns[i+1], err)
		}
		*d = v
	}
	return s, nil
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
		Precision      json.RawMessage `json:"precision"`
		CreatedAt      string          `json:"created_at"`
		NextUpdateAt   string          `json:"next_update_at"`
		OriginTimezone string          `json:"origin_timezone"`
		Samples        json.RawMessage `json:"samples"`
	}
	if err := strictObject(body, &w); err != nil {
		return Timeseries{}, err
	}
	ts := Timeseries{Title: w.Title, CreatedAt: w.CreatedAt, NextUpdateAt: w.NextUpdateAt, OriginTimezone: w.OriginTimezone}
	if f, ok := flexNumber(w.Precision); ok && *f > 0 && *f < 1<<40 {
		ts.Precision = int64(*f) // a fractional or unreadable precision is inferred from the samples
	}
	order := defaultOrder
	var head map[string]json.RawMessage
	if json.Unmarshal(body, &head) == nil {
		for _, k := range timeseriesHeaderKeys {
			if o, ok := orderFromHeader(head[k]); ok {
				order = o
				break
			}
		}
	}
	if len(w.Samples) == 0 || isNull(w.Samples) {
		return ts, nil
	}
	if order == defaultOrder {
		if samples, dropped, ok := scanSampleTuples(w.Samples); ok {
			ts.Samples, ts.Dropped = samples, dropped
			return ts, nil
		}
	}
	samples, dropped, err := decodeSamplesSlow(w.Samples, order)
	if err != nil {
		return Timeseries{}, err
	}
	ts.Samples, ts.Dropped = samples, dropped
	return ts, nil
}

// decodeSamplesSlow decodes samples with encoding/json, one by one.
func decodeSamplesSlow(raw json.RawMessage, order columnOrder) ([]TimeseriesSample, int, error) {
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, 0, fmt.Errorf("%w: samples: %s", model.ErrBadResponse, jsonError(err).Error())
	}
	out := make([]TimeseriesSample, 0, len(list))
	dropped := 0
	for _, r := range list {
		s, err := decodeSample(r, order)
		if err != nil {
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
