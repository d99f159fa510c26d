package packet

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/noctop/noctop/model"
)

// How traffic becomes graphs.
//
// Packet measures traffic per server, not per port. Two endpoints serve
// it: /bandwidth (rates in bits per second, at a resolution the API
// chooses, both directions in one answer) and /traffic (bytes per
// interval, one direction per request). Ranges up to a day are read from
// /bandwidth; longer ones from /traffic by the hour (or the day beyond
// 40 days), converted to bits per second. A bond port graphs its server
// (named "server in/out" when the server has more than one bond); a
// physical port cannot be graphed on its own.

const (
	defaultRange = 24 * time.Hour
	// bandwidthRange is the longest range read from /bandwidth.
	bandwidthRange = 24 * time.Hour
	// maxGridSlots bounds gap filling against a hostile resolution.
	maxGridSlots = 200_000
)

// trafficTarget is what a series query resolves to.
type trafficTarget struct {
	ref      model.Ref
	deviceID string
	capacity float64 // bps
	prefix   string  // "server " when the target is one bond of several
}

// Series returns the inbound and outbound traffic of a server, a bond
// port, or the server of a BGP session, over q.Range, in bits per second,
// with the server's (bond's) port speed as capacity.
func (p *Provider) Series(ctx context.Context, q model.SeriesQuery) ([]model.Series, error) {
	if len(q.Peers) > 0 {
		return nil, fmt.Errorf("%w: packet: per-peer statistics", model.ErrUnsupported)
	}
	t, err := p.resolveTarget(ctx, q.Target)
	if err != nil {
		return nil, err
	}
	rng := q.Range
	if rng <= 0 {
		rng = defaultRange
	}
	now := p.now()
	var in, out model.Series
	if rng <= bandwidthRange {
		in, out, err = p.bandwidthSeries(ctx, t, now.Add(-rng), now)
	} else {
		in, out, err = p.trafficSeries(ctx, t, now.Add(-rng), now)
	}
	if err != nil {
		return nil, err
	}
	return []model.Series{in, out}, nil
}

// resolveTarget finds the server behind a query target, from the last
// load, or reading the server when it is not loaded.
func (p *Provider) resolveTarget(ctx context.Context, ref model.Ref) (trafficTarget, error) {
	ix := p.last()
	if ix == nil {
		ix = newIndex()
	}
	ref.Provider = p.name
	t := trafficTarget{ref: ref}
	var dev *Device
	device := func(id string) error {
		if d, ok := ix.devices[id]; ok {
			dev = d
			return nil
		}
		d, err := p.client.GetDevice(ctx, id)
		if err != nil {
			return err
		}
		dev = &d
		return nil
	}
	switch ref.Type {
	case "device", "server":
		if err := device(ref.ID); err != nil {
			return t, err
		}
		t.capacity = bondCapacity(dev, "")
	case "port":
		loc, ok := ix.ports[ref.ID]
		if !ok {
			return t, errorf("port %q is not loaded: refresh the inventory first", truncate(ref.ID, 60))
		}
		if !loc.port.IsBond() {
			return t, fmt.Errorf("%w: packet reports traffic per server: graph the server or its bond, not %s", model.ErrUnsupported, safe(loc.port.Name))
		}
		dev = loc.device
		t.capacity = bondCapacity(dev, loc.port.Name)
		if bonds(dev) > 1 {
			t.prefix = "server "
		}
	case "connection":
		kind, id, ok := parseConnectionID(ref.ID)
		if !ok || kind != bgpPrefix {
			return t, fmt.Errorf("%w: packet: traffic of %q (only servers, bond ports and BGP sessions have traffic)", model.ErrUnsupported, truncate(ref.ID, 60))
		}
		devID := ""
		for _, ss := range ix.sessions {
			for _, s := range ss {
				if s.ID == id {
					devID = s.Device.ID()
				}
			}
		}
		if devID == "" {
			s, err := p.client.GetBGPSession(ctx, id)
			if err != nil {
				return t, err
			}
			devID = s.Device.ID()
		}
		if err := device(devID); err != nil {
			return t, err
		}
		t.capacity = bondCapacity(dev, "")
		t.prefix = "server "
	default:
		return t, fmt.Errorf("%w: packet: traffic of a %s", model.ErrUnsupported, safe(ref.Type))
	}
	t.deviceID = dev.ID
	if !validID.MatchString(t.deviceID) {
		return t, errorf("server of %q has no usable id", truncate(ref.ID, 60))
	}
	return t, nil
}

func bonds(d *Device) int {
	n := 0
	for _, pt := range d.NetworkPorts {
		if pt.IsBond() {
			n++
		}
	}
	return n
}

// bondCapacity is the speed of one bond (bond != "") or of all the
// server's bonded ports, in bits per second (0 when unknown).
func bondCapacity(d *Device, bond string) float64 {
	if d == nil || d.Plan == nil {
		return 0
	}
	speed := d.Plan.PortSpeedMbps()
	n := 0
	for _, pt := range d.NetworkPorts {
		if !pt.IsBond() && pt.Bond != nil && (bond == "" || pt.Bond.Name == bond) {
			n++
		}
	}
	if n == 0 && bond == "" {
		for _, nic := range d.Plan.NICs() {
			n += nic.Count
		}
	}
	return float64(speed) * float64(n) * 1e6
}

func (p *Provider) bandwidthSeries(ctx context.Context, t trafficTarget, from, until time.Time) (in, out model.Series, err error) {
	ans, err := p.client.DeviceBandwidth(ctx, t.deviceID, from, until)
	if err != nil {
		return in, out, err
	}
	var inS, outS *MetricSeries
	for i := range ans.Bandwidth {
		switch direction(ans.Bandwidth[i]) {
		case "in":
			inS = cmpOrFirst(inS, &ans.Bandwidth[i])
		case "out":
			outS = cmpOrFirst(outS, &ans.Bandwidth[i])
		}
	}
	if inS == nil && outS == nil {
		return in, out, fmt.Errorf("%w: packet: bandwidth answer has neither an inbound nor an outbound series", model.ErrBadResponse)
	}
	in = p.toSeries(t, "in", "bandwidth", inS, 0, 1, from, until)
	out = p.toSeries(t, "out", "bandwidth", outS, 0, 1, from, until)
	return in, out, nil
}

func cmpOrFirst(cur, s *MetricSeries) *MetricSeries {
	if cur != nil {
		return cur
	}
	return s
}

// direction reads a series' direction from its target or tag name.
func direction(m MetricSeries) string {
	name := m.Target
	if m.Tags != nil && m.Tags.Name != "" && name == "" {
		name = m.Tags.Name
	}
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "inbound", "in", "rx":
		return "in"
	case "outbound", "out", "tx":
		return "out"
	}
	return ""
}

func (p *Provider) trafficSeries(ctx context.Context, t trafficTarget, from, until time.Time) (in, out model.Series, err error) {
	interval, step := IntervalHour, time.Hour
	if until.Sub(from) > 40*24*time.Hour {
		interval, step = IntervalDay, 24*time.Hour
	}
	var (
		wg         sync.WaitGroup
		ansIn      TrafficAnswer
		ansOut     TrafficAnswer
		errIn, eOu error
	)
	wg.Add(2)
	for _, dir := range []string{DirectionInbound, DirectionOutbound} {
		go func() {
			defer wg.Done()
			a, err := p.client.DeviceTraffic(ctx, t.deviceID, TrafficQuery{Direction: dir, Interval: interval, Timeframe: Timeframe{StartedAt: from, EndedAt: until}})
			if dir == DirectionInbound {
				ansIn, errIn = a, err
			} else {
				ansOut, eOu = a, err
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errIn, eOu); err != nil {
		return in, out, err
	}
	pick := func(a TrafficAnswer, want string) *MetricSeries {
		for i := range a.Traffic {
			if d := direction(a.Traffic[i]); d == want || d == "" {
				return &a.Traffic[i]
			}
		}
		return nil
	}
	// bytes per interval -> bits per second
	scale := 8 / step.Seconds()
	in = p.toSeries(t, "in", "traffic/"+interval, pick(ansIn, "in"), step, scale, from, until)
	out = p.toSeries(t, "out", "traffic/"+interval, pick(ansOut, "out"), step, scale, from, until)
	return in, out, nil
}

// toSeries turns datapoints into a series on a regular grid from the
// first to the last datapoint: a slot without a datapoint, or with a
// null value, is Missing (never zero). precision 0 infers it from the
// spacing. The series is Stale when its last datapoint is older than
// three steps (at least 15 minutes).
func (p *Provider) toSeries(t trafficTarget, dir, aggregate string, m *MetricSeries, precision time.Duration, scale float64, from, until time.Time) model.Series {
	s := model.Series{
		Ref: t.ref, Name: t.prefix + dir, Direction: dir, Unit: model.UnitBitsPerSec,
		Aggregate: aggregate, Capacity: t.capacity,
	}
	if m == nil || len(m.Datapoints) == 0 {
		s.Precision = precision
		return s
	}
	pts := slices.Clone(m.Datapoints)
	slices.SortStableFunc(pts, func(a, b Datapoint) int { return a.Time.Compare(b.Time) })
	samples := make([]model.Sample, 0, len(pts))
	for _, d := range pts {
		if d.Time.Before(from.Add(-time.Hour)) || d.Time.After(until.Add(time.Hour)) {
			continue // outside what was asked: a confused server
		}
		if d.Value == nil || *d.Value < 0 {
			samples = append(samples, model.Sample{T: d.Time, Missing: true})
			continue
		}
		samples = append(samples, model.Sample{T: d.Time, V: *d.Value * scale})
	}
	if precision <= 0 {
		precision = model.InferPrecision(samples)
	}
	s.Precision = precision
	s.Samples = onGrid(samples, precision)
	if n := len(s.Samples); n > 0 {
		age := until.Sub(s.Samples[n-1].T)
		s.Stale = age > max(3*precision, 15*time.Minute)
	}
	return s
}

// onGrid places sorted samples on a grid of step p starting at the first
// one; empty slots become Missing samples. Without a usable step, or when
// the grid would be absurdly large, the samples are returned as they are.
func onGrid(samples []model.Sample, p time.Duration) []model.Sample {
	if len(samples) < 2 || p <= 0 {
		return samples
	}
	first, last := samples[0].T, samples[len(samples)-1].T
	slots := int64(last.Sub(first)/p) + 1
	if slots > maxGridSlots || slots < 1 {
		return samples
	}
	grid := make([]model.Sample, slots)
	filled := make([]bool, slots)
	for _, s := range samples {
		k := int64(math.Round(float64(s.T.Sub(first)) / float64(p)))
		if k < 0 || k >= slots {
			continue
		}
		grid[k], filled[k] = s, true // a repeated slot: the later sample wins
		grid[k].T = first.Add(time.Duration(k) * p)
	}
	for k := range grid {
		if !filled[k] {
			grid[k] = model.Sample{T: first.Add(time.Duration(k) * p), Missing: true}
		}
	}
	return grid
}
