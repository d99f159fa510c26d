package fabric

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/noctop/noctop/model"
)

// Traffic graphs: the metrics API first; a server that lacks it (404, 405
// or 501 on metrics while the stats endpoint answers) is read through the
// deprecated stats endpoints for metricsOffFor before metrics are tried
// again.

const (
	defaultRange  = 24 * time.Hour
	metricsOffFor = 10 * time.Minute
	// maxSlots bounds gap filling against a hostile interval.
	maxSlots = 200_000
)

// Target types a SeriesQuery may name (Ref.Type); anything else is a
// connection.
const (
	RefPort       = "port"
	RefConnection = "connection"
)

var _ model.StatsSource = (*Provider)(nil)

// metricsState remembers that the server has no metrics API.
type metricsState struct {
	mu    sync.Mutex
	offAt time.Time
}

// Series returns the in (received) and out (transmitted) traffic of a
// connection or port over q.Range in bits per second, on a grid at the
// interval the server chose (gaps are Missing), with the connection's
// bandwidth or the port's speed as capacity.
func (p *Provider) Series(ctx context.Context, q model.SeriesQuery) ([]model.Series, error) {
	if len(q.Peers) > 0 {
		return nil, fmt.Errorf("%w: fabric: connections have no peers", model.ErrUnsupported)
	}
	asset, id := AssetConnections, q.Target.ID
	if q.Target.Type == RefPort {
		asset = AssetPorts
	}
	if !validID.MatchString(id) {
		return nil, fmt.Errorf("%w: fabric: invalid id %q", model.ErrNotFound, truncate(id, 60))
	}
	rng := q.Range
	if rng <= 0 {
		rng = defaultRange
	}
	now := p.client.cfg.Clock()
	from := now.Add(-rng)
	capacity, view := p.trafficContext(ctx, asset, id)
	ref := model.Ref{Provider: p.name, Type: string(RefConnection), ID: id, Name: q.Target.Name}
	if asset == AssetPorts {
		ref.Type = RefPort
	}
	var metricsErr error
	if !p.metricsOff(now) {
		ss, err := p.seriesFromMetrics(ctx, asset, id, from, now)
		if err == nil {
			return finish(ss, ref, capacity, now, rng), nil
		}
		if !missingEndpoint(err) || ctx.Err() != nil {
			return nil, err
		}
		metricsErr = err
	}
	ss, err := p.seriesFromStats(ctx, asset, id, view, from, now)
	if err != nil {
		if metricsErr != nil {
			// Not a server without metrics after all (an unknown object,
			// most likely): say what metrics said.
			return nil, metricsErr
		}
		return nil, err
	}
	if metricsErr != nil {
		p.metrics.mu.Lock()
		p.metrics.offAt = now
		p.metrics.mu.Unlock()
		p.client.cfg.Logger.Info("fabric: the metrics API is not available; reading the deprecated stats endpoints", "provider", p.name, "err", model.ErrorSummary(metricsErr))
	}
	return finish(ss, ref, capacity, now, rng), nil
}

func (p *Provider) metricsOff(now time.Time) bool {
	p.metrics.mu.Lock()
	defer p.metrics.mu.Unlock()
	return !p.metrics.offAt.IsZero() && now.Sub(p.metrics.offAt) < metricsOffFor
}

// missingEndpoint reports whether err says the endpoint is not there.
func missingEndpoint(err error) bool {
	var ae *model.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.Status {
	case 404, 405, 501:
		return true
	}
	return false
}

// trafficContext is the capacity (bps, 0 unknown) of the object and, for
// a connection, our side's view point for the stats endpoint.
func (p *Provider) trafficContext(ctx context.Context, asset MetricAsset, id string) (float64, string) {
	if asset == AssetPorts {
		if p.portsStale() {
			p.refreshPorts(ctx)
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, pt := range p.ports {
			if pt.UUID == id {
				return portSpeedBPS(pt), ""
			}
		}
		return 0, ""
	}
	p.mu.Lock()
	c, ok := p.conn(id)
	p.mu.Unlock()
	if !ok {
		var err error
		if c, err = p.client.GetConnection(ctx, id); err != nil {
			return 0, ViewASide
		}
	}
	view := ViewASide
	if c.Direction == dirIncoming {
		view = ViewZSide // we are the Z side of connections made to us
	}
	return float64(max(c.Bandwidth, 0)) * 1e6, view
}

// portSpeedBPS is a port's speed (Mbps per physical port × ports) in bps.
func portSpeedBPS(pt Port) float64 {
	return float64(max(pt.PhysicalPortsSpeed, 0)) * float64(max(pt.PhysicalPortsCount, 1)) * 1e6
}

// point is one value over [t, t+precision); nil v is missing.
type point struct {
	t time.Time
	v *float64
}

// rawSeries is one direction before gridding.
type rawSeries struct {
	dir       string
	points    []point
	precision time.Duration
	interval  string // the server's name for it ("PT5M")
	server    *model.ServerSummary
}

func (p *Provider) seriesFromMetrics(ctx context.Context, asset MetricAsset, id string, from, to time.Time) ([2]rawSeries, error) {
	names := [2]string{MetricConnRx, MetricConnTx}
	if asset == AssetPorts {
		names = [2]string{MetricPortRx, MetricPortTx}
	}
	var out [2]rawSeries
	var errs [2]error
	var wg sync.WaitGroup
	for i, dir := range []string{"in", "out"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ms, err := p.client.Metrics(ctx, asset, id, names[i], from, to)
			if err != nil {
				errs[i] = err
				return
			}
			out[i], errs[i] = metricSeries(ms, names[i], dir)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// metricSeries reads the datapoints of metric name (all entries of that
// name; an unnamed single entry is taken as it).
func metricSeries(ms []Metric, name, dir string) (rawSeries, error) {
	rs := rawSeries{dir: dir}
	var picked []Metric
	for _, m := range ms {
		if m.Name == name {
			picked = append(picked, m)
		}
	}
	if len(picked) == 0 && len(ms) == 1 && ms[0].Name == "" {
		picked = ms
	}
	if len(picked) == 0 {
		return rs, fmt.Errorf("%w: fabric: the metrics answer has no %s", model.ErrBadResponse, name)
	}
	for _, m := range picked {
		scale := 1.0 // bit/s, the spec's example, when no unit is given
		if m.Unit != "" {
			var ok bool
			if scale, ok = unitScale(m.Unit); !ok {
				return rs, fmt.Errorf("%w: fabric: %s is in %q, not a bandwidth unit noctop knows", model.ErrBadResponse, name, truncate(m.Unit, 20))
			}
		}
		if d := parseInterval(m.Interval); d > 0 && rs.precision == 0 {
			rs.precision, rs.interval = d, m.Interval
		}
		// A datapoint covers [start, end); with only its end (the spec's
		// example), it starts one interval earlier.
		pts := make([]point, 0, len(m.Datapoints))
		var onlyEnd []bool
		for _, dp := range m.Datapoints {
			end, start := parseTime(dp.EndDateTime), parseTime(dp.StartDateTime)
			if end.IsZero() && start.IsZero() {
				continue
			}
			pt := point{t: start}
			if start.IsZero() {
				pt.t = end
			}
			if dp.Value != nil && *dp.Value >= 0 && !math.IsInf(*dp.Value*scale, 0) {
				v := *dp.Value * scale
				pt.v = &v
			}
			pts = append(pts, pt)
			onlyEnd = append(onlyEnd, start.IsZero())
		}
		if rs.precision == 0 {
			rs.precision = inferSpacing(pts)
		}
		for i := range pts {
			if onlyEnd[i] {
				pts[i].t = pts[i].t.Add(-rs.precision)
			}
		}
		rs.points = append(rs.points, pts...)
		if sm := summaryOf(m.Summary, scale); sm != nil {
			rs.server = sm
		}
	}
	return rs, nil
}

// summaryOf reads a summary object {mean, max} (the spec's example); a
// string summary (its schema) says nothing noctop can use.
func summaryOf(raw json.RawMessage, scale float64) *model.ServerSummary {
	var w struct {
		Mean json.RawMessage `json:"mean"`
		Max  json.RawMessage `json:"max"`
	}
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &w) != nil {
		return nil
	}
	s := &model.ServerSummary{Window: "range", Accuracy: -1}
	if v := flexFloat(w.Mean); v != nil {
		x := *v * scale
		s.Avg = &x
	}
	if v := flexFloat(w.Max); v != nil {
		x := *v * scale
		s.Max = &x
	}
	if !s.HasFigures() {
		return nil
	}
	return s
}

func (p *Provider) seriesFromStats(ctx context.Context, asset MetricAsset, id, view string, from, to time.Time) ([2]rawSeries, error) {
	var st StatsResponse
	var err error
	if asset == AssetPorts {
		st, err = p.client.PortStats(ctx, id, from, to)
	} else {
		st, err = p.client.ConnectionStats(ctx, id, from, to, view)
	}
	var out [2]rawSeries
	if err != nil {
		return out, err
	}
	bu := st.BandwidthUtilization
	if bu == nil {
		return out, fmt.Errorf("%w: fabric: the stats answer has no bandwidthUtilization", model.ErrBadResponse)
	}
	scale := 1e6 // Mbps, the spec's only unit
	if bu.Unit != "" {
		var ok bool
		if scale, ok = unitScale(bu.Unit); !ok {
			return out, fmt.Errorf("%w: fabric: stats are in %q, not a bandwidth unit noctop knows", model.ErrBadResponse, truncate(bu.Unit, 20))
		}
	}
	prec := parseInterval(bu.MetricInterval)
	for i, d := range []*StatsDirection{bu.Inbound, bu.Outbound} {
		rs := rawSeries{dir: [2]string{"in", "out"}[i], precision: prec, interval: bu.MetricInterval}
		if d == nil {
			out[i] = rs
			continue
		}
		for _, m := range d.Metrics {
			end := parseTime(m.IntervalEndTimestamp)
			if end.IsZero() {
				continue
			}
			pt := point{t: end}
			if m.Mean != nil && *m.Mean >= 0 && !math.IsInf(*m.Mean*scale, 0) {
				v := *m.Mean * scale
				pt.v = &v
			}
			rs.points = append(rs.points, pt)
		}
		if rs.precision == 0 {
			rs.precision = inferSpacing(rs.points)
		}
		for k := range rs.points {
			rs.points[k].t = rs.points[k].t.Add(-rs.precision) // the interval's start
		}
		sm := &model.ServerSummary{Window: "range", Accuracy: -1}
		if d.Mean != nil {
			v := *d.Mean * scale
			sm.Avg = &v
		}
		if d.Max != nil {
			v := *d.Max * scale
			sm.Max = &v
		}
		if sm.HasFigures() {
			rs.server = sm
		}
		out[i] = rs
	}
	return out, nil
}

// inferSpacing is the most common gap between sorted points.
func inferSpacing(pts []point) time.Duration {
	ts := make([]time.Time, 0, len(pts))
	for _, p := range pts {
		ts = append(ts, p.t)
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	counts := map[time.Duration]int{}
	best, bestN := time.Duration(0), 0
	for i := 1; i < len(ts) && i < 1000; i++ {
		d := ts[i].Sub(ts[i-1]).Round(time.Second)
		if d <= 0 {
			continue
		}
		counts[d]++
		if counts[d] > bestN || counts[d] == bestN && d < best {
			best, bestN = d, counts[d]
		}
	}
	return best
}

// finish grids both directions over the range ending where the data ends
// (now when there is none): a slot without a datapoint, or with a null
// value, is Missing. Datapoints a few seconds off the grid (the spec's
// example has them) land in the nearest slot.
func finish(rs [2]rawSeries, ref model.Ref, capacity float64, now time.Time, rng time.Duration) []model.Series {
	out := make([]model.Series, 0, 2)
	// One window for both directions: it ends where the newest datapoint
	// of either ends.
	var end time.Time
	for _, r := range rs {
		for _, pt := range r.points {
			if e := pt.t.Add(r.precision); e.After(end) && !pt.t.After(now.Add(time.Hour)) {
				end = e
			}
		}
	}
	if end.IsZero() {
		end = now
	}
	for _, r := range rs {
		p := r.precision
		s := model.Series{Ref: ref, Name: r.dir, Direction: r.dir, Unit: model.UnitBitsPerSec, Aggregate: r.interval,
			Precision: p, Capacity: capacity, Server: r.server}
		if p > 0 {
			if slots := int64(math.Ceil(float64(rng) / float64(p))); slots <= maxSlots {
				n := int(slots)
				first := end.Add(-time.Duration(n) * p)
				grid := make([]model.Sample, n)
				for k := range grid {
					grid[k] = model.Sample{T: first.Add(time.Duration(k) * p), Missing: true}
				}
				for _, pt := range r.points {
					k := int(math.Round(float64(pt.t.Sub(first)) / float64(p)))
					if k < 0 || k >= n || pt.v == nil {
						continue
					}
					grid[k] = model.Sample{T: grid[k].T, V: *pt.v}
				}
				s.Samples = grid
			}
		}
		if s.Samples == nil {
			for _, pt := range r.points {
				smp := model.Sample{T: pt.t, Missing: pt.v == nil}
				if pt.v != nil {
					smp.V = *pt.v
				}
				s.Samples = append(s.Samples, smp)
			}
			slices.SortFunc(s.Samples, func(a, b model.Sample) int { return a.T.Compare(b.T) })
		}
		// The data should reach to within a few intervals of now.
		s.Stale = len(r.points) > 0 && now.Sub(end) > max(3*p, 15*time.Minute)
		out = append(out, s)
	}
	return out
}
