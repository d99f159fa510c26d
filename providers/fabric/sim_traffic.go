package fabric

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/noctop/noctop/providers/sim"
)

// Traffic in the simulator: the metrics API and the deprecated stats
// endpoints, both from the world's traffic generator (the daily cycle,
// noise, hot and dead keys and one-interval bursts IX-API shows too), with
// the connection's bandwidth or the port's speed as line rate. A few
// collector gaps leave datapoints out.

const (
	simMetricStep   = 5 * time.Minute
	simMetricLong   = time.Hour // beyond simMetricSpan
	simMetricSpan   = 31 * 24 * time.Hour
	simMetricMaxAge = 366 * 24 * time.Hour
	simGapBlock     = 6 * time.Hour
	simGapChance    = 0.02
)

// WithSimNoMetrics makes the simulator a server without the metrics API
// (404 there), so the client falls back to the stats endpoints.
func WithSimNoMetrics() SimOption { return func(c *simConfig) { c.noMetrics = true } }

var metricNameRe = regexp.MustCompile(`^equinix\.fabric\.(connection|port|metro)\..+`)

// simTraffic is one object's traffic: its generator key and line rate.
type simTraffic struct {
	key      string
	capacity float64 // bps
	live     bool
	resource MetricResource
}

// trafficOf finds a port or connection (ok false: not ours).
func (s *Simulator) trafficOf(asset, id string) (simTraffic, bool) {
	switch asset {
	case "ports":
		p, ok := s.portByID[id]
		if !ok {
			return simTraffic{}, false
		}
		return simTraffic{key: "fabric/port/" + id, capacity: float64(p.wire.PhysicalPortsSpeed) * 1e6, live: p.wire.State == "ACTIVE",
			resource: MetricResource{Href: p.wire.Href, UUID: p.wire.UUID, Type: p.wire.Type, State: p.wire.State, Name: p.wire.Name}}, true
	case "connections":
		sc, ok := s.conns[id]
		if !ok {
			return simTraffic{}, false
		}
		c := s.conn(sc)
		return simTraffic{key: "fabric/conn/" + id, capacity: float64(c.Bandwidth) * 1e6, live: c.State == "ACTIVE",
			resource: MetricResource{Href: c.Href, UUID: c.UUID, Type: c.Type, State: c.State, Name: c.Name}}, true
	}
	return simTraffic{}, false
}

// simWindow is the time window of a traffic query, on the step grid.
type simWindow struct {
	first time.Time
	n     int
	step  time.Duration
}

// windowOf reads a query's from/to (defaults: the last 24 hours); "" and
// a reason when they are not a usable window.
func windowOf(fromS, toS string, now time.Time) (simWindow, string, string) {
	to, from := now, now.Add(-24*time.Hour)
	if toS != "" {
		if to = parseTime(toS); to.IsZero() {
			return simWindow{}, "to", "is not a date-time"
		}
	}
	if fromS != "" {
		if from = parseTime(fromS); from.IsZero() {
			return simWindow{}, "from", "is not a date-time"
		}
	}
	if to.After(now) {
		to = now
	}
	switch {
	case !to.After(from):
		return simWindow{}, "to", "must be after the start (and the start before now)"
	case now.Sub(from) > simMetricMaxAge:
		return simWindow{}, "from", "data is kept for 366 days"
	}
	step := simMetricStep
	if to.Sub(from) > simMetricSpan {
		step = simMetricLong
	}
	first, last := from.Truncate(step), to.Truncate(step)
	return simWindow{first: first, n: int(last.Sub(first) / step), step: step}, "", ""
}

// gapAt reports whether the collector of key missed the interval at t.
func (s *Simulator) gapAt(key string, t time.Time) bool {
	block := t.Unix() / int64(simGapBlock/time.Second)
	h := s.world.Hash("fabric-gap", key, strconv.FormatInt(block, 10))
	if float64(h>>11)/(1<<53) >= simGapChance {
		return false
	}
	length := 15 + int64((h>>40)%31)
	start := int64((h>>20)%uint64(int64(simGapBlock/time.Minute)-length)) * 60
	off := t.Unix() - block*int64(simGapBlock/time.Second)
	return off >= start && off < start+length*60
}

// samples are the window's mean and peak rates (nil where the collector
// had a gap).
func (s *Simulator) samples(tr simTraffic, w simWindow) []*sim.RateSample {
	out := make([]*sim.RateSample, w.n)
	if w.n == 0 {
		return out
	}
	var rs []sim.RateSample
	if tr.live {
		rs = s.world.Traffic().Window(tr.key, tr.capacity, w.first, w.first.Add(time.Duration(w.n)*w.step), w.step)
	}
	for i := range out {
		t := w.first.Add(time.Duration(i) * w.step)
		if s.gapAt(tr.key, t) {
			continue
		}
		r := sim.RateSample{T: t}
		if i < len(rs) {
			r = rs[i]
		}
		out[i] = &r
	}
	return out
}

// metrics serves GET /fabric/v4/{ports|connections}/{id}/metrics.
func (s *Simulator) serveMetrics(w http.ResponseWriter, r *http.Request, asset, id string, now time.Time) {
	if s.cfg.noMetrics {
		s.fail(w, r, http.StatusNotFound, "EQ-3000404", "Resource not found", "no such endpoint: "+r.URL.Path)
		return
	}
	q := r.URL.Query()
	bad := func(prop, reason string) {
		s.fail(w, r, http.StatusBadRequest, "EQ-3045002", "Invalid query parameter", prop+" "+reason, ErrorAdditionalInfo{Property: prop, Reason: reason})
	}
	name := q.Get("name")
	if !metricNameRe.MatchString(name) {
		bad("name", "must name an equinix.fabric.connection.*, .port.* or .metro.* metric")
		return
	}
	if kind := strings.TrimSuffix(asset, "s"); !strings.HasPrefix(name, "equinix.fabric."+kind+".") {
		bad("name", "is not a metric of a "+kind)
		return
	}
	offset, limit := 0, 20
	for _, pv := range []struct {
		key string
		dst *int
		min int
	}{{"offset", &offset, 0}, {"limit", &limit, 1}} {
		if v := q.Get(pv.key); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < pv.min || n > 1000 {
				bad(pv.key, "must be an integer")
				return
			}
			*pv.dst = n
		}
	}
	tr, ok := s.trafficOf(asset, id)
	if !ok {
		s.fail(w, r, http.StatusNotFound, "EQ-3045404", "Asset not found", strings.TrimSuffix(asset, "s")+" "+truncate(id, 60)+" not found")
		return
	}
	win, prop, reason := windowOf(q.Get("fromDateTime"), q.Get("toDateTime"), now)
	if prop != "" {
		bad(prop+"DateTime", reason)
		return
	}
	var data []Metric
	dir := 0
	switch {
	case strings.HasSuffix(name, ".bandwidth_rx.usage"):
	case strings.HasSuffix(name, ".bandwidth_tx.usage"):
		dir = 1
	default:
		dir = -1 // a metric the simulator does not generate: no data
	}
	if dir >= 0 {
		m := Metric{Type: "GAUGE", Name: name, Unit: "bit/s", Interval: formatInterval(win.step), Resource: &tr.resource, Datapoints: []MetricDatapoint{}}
		for i, smp := range s.samples(tr, win) {
			if smp == nil {
				continue
			}
			v := smp.Mean.In
			if dir == 1 {
				v = smp.Mean.Out
			}
			v = float64(int64(v)) // whole bits per second, as the example shows
			end := win.first.Add(time.Duration(i+1) * win.step)
			m.Datapoints = append(m.Datapoints, MetricDatapoint{EndDateTime: stamp(end), Value: &v})
		}
		data = append(data, m)
	}
	total := len(data)
	page := []Metric{}
	if offset < total {
		page = data[offset:min(total, offset+limit)]
	}
	writeJSON(w, http.StatusOK, MetricsResponse{Pagination: &Pagination{Offset: offset, Limit: limit, Total: total}, Data: page})
}

// serveStats serves the deprecated GET …/{id}/stats.
func (s *Simulator) serveStats(w http.ResponseWriter, r *http.Request, asset, id string, now time.Time) {
	q := r.URL.Query()
	bad := func(prop, reason string) {
		s.fail(w, r, http.StatusBadRequest, "EQ-3142001", "Invalid query parameter", prop+" "+reason, ErrorAdditionalInfo{Property: prop, Reason: reason})
	}
	for _, k := range []string{"startDateTime", "endDateTime"} {
		if q.Get(k) == "" {
			bad(k, "is required")
			return
		}
	}
	view := q.Get("viewPoint")
	if asset == "connections" && view != ViewASide && view != ViewZSide {
		bad("viewPoint", "must be aSide or zSide")
		return
	}
	tr, ok := s.trafficOf(asset, id)
	if !ok {
		s.fail(w, r, http.StatusNotFound, "EQ-3142102", "Not found", strings.TrimSuffix(asset, "s")+" "+truncate(id, 60)+" not found")
		return
	}
	win, prop, reason := windowOf(q.Get("startDateTime"), q.Get("endDateTime"), now)
	if prop != "" {
		bad(map[string]string{"from": "startDateTime", "to": "endDateTime"}[prop], reason)
		return
	}
	const mbps = 1e6
	in, out := &StatsDirection{Metrics: []StatsInterval{}}, &StatsDirection{Metrics: []StatsInterval{}}
	var sumIn, sumOut, maxIn, maxOut float64
	n := 0
	for i, smp := range s.samples(tr, win) {
		if smp == nil {
			continue
		}
		a, b := smp.Mean.In, smp.Mean.Out
		ma, mb := smp.Max.In, smp.Max.Out
		if view == ViewZSide {
			a, b, ma, mb = b, a, mb, ma // what A sends, Z receives
		}
		end := stamp(win.first.Add(time.Duration(i+1) * win.step))
		in.Metrics = append(in.Metrics, StatsInterval{IntervalEndTimestamp: end, Mean: f64p(round3(a / mbps)), Max: f64p(round3(ma / mbps))})
		out.Metrics = append(out.Metrics, StatsInterval{IntervalEndTimestamp: end, Mean: f64p(round3(b / mbps)), Max: f64p(round3(mb / mbps))})
		sumIn, sumOut = sumIn+a, sumOut+b
		maxIn, maxOut = max(maxIn, ma), max(maxOut, mb)
		n++
	}
	if n > 0 {
		in.Mean, in.Max = f64p(round3(sumIn/float64(n)/mbps)), f64p(round3(maxIn/mbps))
		out.Mean, out.Max = f64p(round3(sumOut/float64(n)/mbps)), f64p(round3(maxOut/mbps))
	}
	resp := StatsResponse{
		StartDateTime: stamp(win.first), EndDateTime: stamp(win.first.Add(time.Duration(win.n) * win.step)),
		BandwidthUtilization: &BandwidthUtilization{Unit: "Mbps", MetricInterval: formatInterval(win.step), Inbound: in, Outbound: out},
	}
	if asset == "connections" {
		resp.ViewPoint = view
	}
	writeJSON(w, http.StatusOK, resp)
}

func round3(v float64) float64 {
	return float64(int64(v*1000+0.5)) / 1000
}

// trafficRoute serves the traffic endpoints of a connection or port (sub
// is what follows its id); false when sub is not one.
func (s *Simulator) trafficRoute(w http.ResponseWriter, r *http.Request, asset, id, sub string, now time.Time) bool {
	switch sub {
	case "metrics", "stats":
	default:
		return false
	}
	if r.Method != http.MethodGet {
		s.methodNotAllowed(w, r, "GET")
		return true
	}
	if sub == "metrics" {
		s.serveMetrics(w, r, asset, id, now)
	} else {
		s.serveStats(w, r, asset, id, now)
	}
	return true
}

func f64p(v float64) *float64 { return &v }
