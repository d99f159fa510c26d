package export

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/noctop/noctop/model"
)

// Traffic is one object's statistics over a range: the series exactly as
// the provider returned them (the Traffic pane draws the same ones).
type Traffic struct {
	Provider string
	Target   model.Ref
	Range    string // "24h"
	Series   []model.Series
}

// TrafficRecord is the stable JSON shape of `noctop get traffic`. Values
// are in the series' unit (bits per second for traffic); a missing sample
// is null, never zero.
type TrafficRecord struct {
	Provider string         `json:"provider"`
	Target   Object         `json:"target"`
	Range    string         `json:"range"`
	Series   []SeriesRecord `json:"series"`
}

// SeriesRecord is one series with noctop's figures over its samples
// (model.ComputeStats, as the pane shows them) and the provider's own
// figures when it reported some.
type SeriesRecord struct {
	Name             string        `json:"name"`
	Direction        string        `json:"direction,omitempty"`
	Unit             string        `json:"unit"`
	Aggregate        string        `json:"aggregate,omitempty"`
	PrecisionSeconds float64       `json:"precision_seconds,omitempty"`
	Capacity         float64       `json:"capacity,omitempty"`
	Stale            bool          `json:"stale,omitempty"`
	Now              *float64      `json:"now"`
	NowAt            string        `json:"now_at,omitempty"`
	Avg              *float64      `json:"avg"`
	Max              *float64      `json:"max"`
	MaxAt            string        `json:"max_at,omitempty"`
	P95              *float64      `json:"p95"`
	Server           *ServerRecord `json:"server,omitempty"`
	Samples          []SampleRec   `json:"samples"`
}

// ServerRecord is what the provider computed itself (IX-API aggregates).
type ServerRecord struct {
	Window         string   `json:"window,omitempty"`
	From           string   `json:"from,omitempty"`
	To             string   `json:"to,omitempty"`
	Accuracy       *float64 `json:"accuracy,omitempty"`
	Avg            *float64 `json:"avg,omitempty"`
	P95            *float64 `json:"p95,omitempty"`
	Max            *float64 `json:"max,omitempty"`
	MaxAt          string   `json:"max_at,omitempty"`
	ErrorsPerSec   *float64 `json:"errors_per_sec,omitempty"`
	DiscardsPerSec *float64 `json:"discards_per_sec,omitempty"`
}

// SampleRec is one sample.
type SampleRec struct {
	T string   `json:"t"`
	V *float64 `json:"v"`
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// TrafficRecordOf converts t to its export shape.
func TrafficRecordOf(t Traffic) TrafficRecord {
	r := TrafficRecord{Provider: t.Provider, Target: Object{Type: t.Target.Type, ID: t.Target.ID, Name: t.Target.Name}, Range: t.Range,
		Series: make([]SeriesRecord, 0, len(t.Series))}
	for _, s := range t.Series {
		st := model.ComputeStats(s.Samples, s.Precision)
		sr := SeriesRecord{
			Name: s.Name, Direction: s.Direction, Unit: string(s.Unit), Aggregate: s.Aggregate, PrecisionSeconds: s.Precision.Seconds(),
			Capacity: s.Capacity, Stale: s.Stale, Now: finite(st.Now), NowAt: stamp(st.NowAt), Avg: finite(st.Avg),
			Max: finite(st.Max), MaxAt: stamp(st.MaxAt), P95: finite(st.P95), Samples: make([]SampleRec, len(s.Samples)),
		}
		for i, x := range s.Samples {
			sr.Samples[i] = SampleRec{T: stampExact(x.T)}
			if !x.Missing {
				sr.Samples[i].V = finite(x.V)
			}
		}
		if sv := s.Server; sv != nil {
			rec := &ServerRecord{Window: sv.Window, From: stamp(sv.From), To: stamp(sv.To), Avg: sv.Avg, P95: sv.P95, Max: sv.Max,
				MaxAt: stamp(sv.MaxAt), ErrorsPerSec: sv.ErrorsPerSec, DiscardsPerSec: sv.DiscardsPerSec}
			if sv.Accuracy >= 0 {
				rec.Accuracy = finite(sv.Accuracy)
			}
			sr.Server = rec
		}
		r.Series = append(r.Series, sr)
	}
	return r
}

// stampExact is an RFC 3339 UTC time that keeps sub-second precision.
func stampExact(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// TrafficOut writes t in format: JSON (one object), CSV (one row per
// sample: series, direction, unit, time, value; an empty value is a
// missing sample), or a table (each series' now/avg/max/p95, then the
// samples, one column per series).
func TrafficOut(w io.Writer, format string, t Traffic) error {
	r := TrafficRecordOf(t)
	switch format {
	case "json":
		b, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return err
		}
		bw := bufio.NewWriter(w)
		bw.Write(escapeTerminal(nil, b))
		bw.WriteByte('\n')
		return bw.Flush()
	case "csv":
		cw := newCSV(w)
		cw.write([]string{"provider", "target", "series", "direction", "unit", "time", "value"})
		for _, s := range r.Series {
			for _, x := range s.Samples {
				cw.write([]string{r.Provider, r.Target.ID, s.Name, s.Direction, s.Unit, x.T, num(x.V)})
			}
		}
		return cw.flush()
	case "table", "":
		return trafficTable(w, r)
	default:
		return fmt.Errorf("unknown output format %q (one of %s)", format, strings.Join(Formats, ", "))
	}
}

func num(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

// value formats v in unit u for a table.
func value(v *float64, u string) string {
	if v == nil {
		return "-"
	}
	return model.FormatValue(*v, model.Unit(u))
}

func trafficTable(w io.Writer, r TrafficRecord) error {
	tw := newTable(w)
	tw.row("SERIES", "UNIT", "NOW", "AVG", "MAX", "MAX AT", "P95", "P95 (SERVER)", "SAMPLES")
	for _, s := range r.Series {
		server := ""
		if s.Server != nil && s.Server.P95 != nil {
			server = value(s.Server.P95, s.Unit)
		}
		tw.row(s.Name, s.Unit, value(s.Now, s.Unit), value(s.Avg, s.Unit), value(s.Max, s.Unit), s.MaxAt, value(s.P95, s.Unit), server,
			strconv.Itoa(len(s.Samples)))
	}
	if err := tw.flush(); err != nil {
		return err
	}
	if len(r.Series) == 0 {
		return nil
	}
	// Samples side by side, by timestamp (series of one aggregate share
	// them; a series without a sample at a time shows "-").
	var times []string
	at := map[string]map[int]*float64{}
	for i, s := range r.Series {
		for _, x := range s.Samples {
			if _, ok := at[x.T]; !ok {
				at[x.T] = map[int]*float64{}
				times = append(times, x.T)
			}
			at[x.T][i] = x.V
		}
	}
	sortTimes(times)
	fmt.Fprintln(w)
	st := newTable(w)
	head := []string{"TIME"}
	for _, s := range r.Series {
		head = append(head, strings.ToUpper(s.Name))
	}
	st.row(head...)
	for _, t := range times {
		row := []string{t}
		for i, s := range r.Series {
			row = append(row, value(at[t][i], s.Unit))
		}
		st.row(row...)
	}
	return st.flush()
}

func sortTimes(ts []string) {
	parsed := make(map[string]time.Time, len(ts))
	for _, t := range ts {
		parsed[t], _ = time.Parse(time.RFC3339Nano, t)
	}
	sort.SliceStable(ts, func(i, j int) bool { return parsed[ts[i]].Before(parsed[ts[j]]) })
}
