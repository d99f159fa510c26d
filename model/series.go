package model

import "time"

// Unit says what a series' values measure.
type Unit string

const (
	UnitBitsPerSec    Unit = "bps"
	UnitPacketsPerSec Unit = "pps"
	UnitPercent       Unit = "%"
	UnitCount         Unit = "count"
	UnitSeconds       Unit = "s"
)

// Sample is one timestamped value. A missing sample (a gap) has Missing set;
// it is never stored as zero.
type Sample struct {
	T       time.Time
	V       float64
	Missing bool
}

// Series is one line on a graph.
type Series struct {
	Ref       Ref
	Name      string // "in", "out", "AS64500 in" ...
	Direction string // "in" or "out"
	Unit      Unit
	Aggregate string        // provider's aggregate name ("5m", "1h" ...)
	Precision time.Duration // spacing between samples
	Capacity  float64       // 100% of the link in Unit, 0 when unknown
	Samples   []Sample
	Stale     bool // the provider says the data is older than it should be
	// Server holds the provider's own figures for this series (nil when
	// it reports none).
	Server *ServerSummary
}

// SeriesQuery asks for the series of one object over a time range.
type SeriesQuery struct {
	Target Ref
	Range  time.Duration // how far back from now
	// Peers selects peer series (ASN/IP/MAC) for network service configs.
	Peers []string
}

// ServerSummary is what the provider itself computed for a series over a
// window it names (IX-API aggregates carry averages, 95th percentiles and
// peaks). It is shown next to what noctop computes from the samples, never
// mixed with it: the window may differ from the range on screen. Nil
// values were not reported.
type ServerSummary struct {
	Window   string    // the provider's name for the window ("1d", "custom")
	From, To time.Time // the window, when reported
	// Accuracy is samples received ÷ samples expected in the window
	// (0..1); negative when not reported.
	Accuracy float64

	Avg, P95, Max *float64 // in the series' unit
	MaxAt         time.Time

	ErrorsPerSec   *float64 // average errors per second in this direction
	DiscardsPerSec *float64 // average discards per second in this direction
}

// HasFigures reports whether s carries anything worth showing.
func (s *ServerSummary) HasFigures() bool {
	return s != nil && (s.P95 != nil || s.Max != nil || s.ErrorsPerSec != nil || s.DiscardsPerSec != nil || s.Accuracy >= 0)
}
