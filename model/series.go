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
}

// SeriesQuery asks for the series of one object over a time range.
type SeriesQuery struct {
	Target Ref
	Range  time.Duration // how far back from now
	// Peers selects peer series (ASN/IP/MAC) for network service configs.
	Peers []string
}
