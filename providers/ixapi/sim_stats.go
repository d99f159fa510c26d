package ixapi

import (
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/noctop/noctop/model"
)

// Statistics in the simulator, in the 2.4.2 shapes of stats_shape.go.
// Traffic comes from the world's generator (daily cycle, noise, hot and
// dead keys, one-sample bursts); a few streams have collector gaps (samples
// missing for 15-45 minutes), a few lossy collectors drop single samples
// (accuracy below 1), and a few ports a stuck collector (their data stops
// three hours ago and next_update_at is in the past).

// simWindow is one aggregate the simulator keeps: a window and the
// resolution of its timeseries.
type simWindow struct {
	name, title string
	span        time.Duration
	precision   time.Duration
}

// simWindows are the simulator's windows. The client must not know these
// names: it reads them from the statistics answer.
var simWindows = []simWindow{
	{"5m", "Last 5 minutes", 5 * time.Minute, time.Minute},
	{"1d", "Last 24 hours", 24 * time.Hour, 5 * time.Minute},
	{"30d", "Last 30 days", 30 * 24 * time.Hour, 5 * time.Minute},
	{"1y", "Last year", 365 * 24 * time.Hour, 24 * time.Hour},
}

// customPrecisions are the resolutions a custom window is served at: the
// finest that keeps it within maxCustomSamples.
var customPrecisions = []time.Duration{time.Minute, 5 * time.Minute, time.Hour, 24 * time.Hour}

const (
	maxCustomSamples = 8640
	maxCustomSpan    = 366 * 24 * time.Hour

	simStaleLag   = 3 * time.Hour
	simUpdateLag  = 30 * time.Second // processing time after a sample closes
	simGapBlock   = 6 * time.Hour
	simGapChance  = 0.02
	simLossyShare = 0.05            // streams whose collector drops single samples
	simLossRate   = 0.04            // share of samples a lossy collector drops
	simErrShare   = 0.03            // streams with interface errors
	simExactLimit = 5 * time.Minute // windows this fine are exact minute means
)

// simStream is what one series sums: traffic keys with their capacities.
type simStream struct {
	keys  []string
	caps  []float64 // bps per key
	live  bool
	stale bool
	pkt   float64 // bytes per packet
	// Ports: optical channels (0 for other objects) and their condition.
	lanes       int
	lowRX, noRX bool
	lightKey    string
}

func (s simStream) id() string {
	var b strings.Builder
	for i, k := range s.keys {
		b.WriteString(k)
		b.WriteByte('@')
		b.WriteString(strconv.FormatFloat(s.caps[i], 'g', -1, 64))
		b.WriteByte('+')
	}
	if !s.live {
		b.WriteString("dead")
	}
	if s.stale {
		b.WriteString("stale")
	}
	return b.String()
}

// simSample is one computed sample (bits per second; gap = missing): the
// mean and the busiest minute of its interval.
type simSample struct {
	t             time.Time
	in, out       float64
	maxIn, maxOut float64
	gap           bool
}

// simSpan is one window being served: where its samples start, how many
// there are and how far apart.
type simSpan struct {
	name, title string
	first       time.Time
	n           int
	precision   time.Duration
	stale       bool
}

func (sp simSpan) end() time.Time { return sp.first.Add(time.Duration(sp.n) * sp.precision) }

func (sp simSpan) nextUpdate() time.Time {
	if sp.stale {
		return sp.end().Add(sp.precision)
	}
	return sp.end().Add(sp.precision + simUpdateLag)
}

// spanOf places window w at now: it ends at the last closed sample (three
// hours earlier for a stuck collector).
func spanOf(w simWindow, now time.Time, stale bool) simSpan {
	if stale {
		now = now.Add(-simStaleLag)
	}
	end := now.Truncate(w.precision)
	n := int(w.span / w.precision)
	return simSpan{name: w.name, title: w.title, first: end.Add(-time.Duration(n) * w.precision), n: n, precision: w.precision, stale: stale}
}

// customSpan places a start/end window: on the grid of the finest
// resolution that fits, clipped to now; a problem property when it is not
// a usable window.
func customSpan(startS, endS string, now time.Time, stale bool) (simSpan, []ProblemProperty) {
	start, end := ParseTimestamp(startS), ParseTimestamp(endS)
	var props []ProblemProperty
	if start.IsZero() {
		props = append(props, ProblemProperty{Name: QueryStart, Reason: "must be an RFC 3339 date-time"})
	}
	if end.IsZero() {
		props = append(props, ProblemProperty{Name: QueryEnd, Reason: "must be an RFC 3339 date-time"})
	}
	if props != nil {
		return simSpan{}, props
	}
	limit := now
	if stale {
		limit = now.Add(-simStaleLag)
	}
	if end.After(limit) {
		end = limit
	}
	switch {
	case !end.After(start):
		return simSpan{}, []ProblemProperty{{Name: QueryEnd, Reason: "must be after start (and start before now)"}}
	case end.Sub(start) > maxCustomSpan:
		return simSpan{}, []ProblemProperty{{Name: QueryStart, Reason: "the window may cover at most 366 days"}}
	}
	p := customPrecisions[len(customPrecisions)-1]
	for _, c := range customPrecisions {
		if end.Sub(start)/c <= maxCustomSamples {
			p = c
			break
		}
	}
	first, last := start.Truncate(p), end.Truncate(p)
	n := max(int(last.Sub(first)/p), 1)
	return simSpan{name: AggregateCustom, title: "Custom window", first: first, n: n, precision: p, stale: stale}, nil
}

func hashUnit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// gapAt reports whether the collector of key missed time t.
func (s *Simulator) gapAt(key string, t time.Time) bool {
	block := t.Unix() / int64(simGapBlock/time.Second)
	h := s.w.Hash("ixapi-gap", key, strconv.FormatInt(block, 10))
	if hashUnit(h) >= simGapChance {
		return false
	}
	span := int64(simGapBlock / time.Minute)
	length := 15 + int64((h>>40)%31)
	start := int64((h>>20)%uint64(span-length)) * 60
	off := t.Unix() - block*int64(simGapBlock/time.Second)
	return off >= start && off < start+length*60
}

// lossy reports whether key's collector drops single samples.
func (s *Simulator) lossy(key string) bool {
	return hashUnit(s.w.Hash("ixapi-lossy", key)) < simLossyShare
}

// droppedAt reports whether a lossy collector dropped the sample at t.
func (s *Simulator) droppedAt(key string, t time.Time) bool {
	return hashUnit(s.w.Hash("ixapi-drop", key, strconv.FormatInt(t.Unix(), 10))) < simLossRate
}

// samples computes (and caches) the samples of stream over sp.
func (s *Simulator) samples(st simStream, sp simSpan) []simSample {
	key := st.id() + "|" + strconv.FormatInt(sp.first.Unix(), 10) + "|" + sp.precision.String() + "|" + strconv.Itoa(sp.n)
	s.statsMu.Lock()
	if v, ok := s.series[key]; ok {
		s.statsMu.Unlock()
		return v
	}
	s.statsMu.Unlock()
	out := make([]simSample, sp.n)
	for i := range out {
		out[i].t = sp.first.Add(time.Duration(i) * sp.precision)
	}
	tr := s.w.Traffic()
	if st.live {
		for k, tk := range st.keys {
			if sp.precision <= simExactLimit {
				for i, r := range tr.Window(tk, st.caps[k], sp.first, sp.end(), sp.precision) {
					if i < len(out) {
						out[i].in += r.Mean.In
						out[i].out += r.Mean.Out
						out[i].maxIn += r.Max.In
						out[i].maxOut += r.Max.Out
					}
				}
				continue
			}
			points := 12
			if sp.precision >= 24*time.Hour {
				points = 24
			}
			stride := sp.precision / time.Duration(points)
			for i := range out {
				var in, o, mi, mo float64
				for j := 0; j < points; j++ {
					r := tr.At(tk, st.caps[k], out[i].t.Add(time.Duration(j)*stride+stride/2))
					in += r.In
					o += r.Out
					mi, mo = math.Max(mi, r.In), math.Max(mo, r.Out)
				}
				out[i].in += in / float64(points)
				out[i].out += o / float64(points)
				out[i].maxIn += mi
				out[i].maxOut += mo
			}
		}
	}
	if sp.precision <= simExactLimit && len(st.keys) > 0 {
		lossy := s.lossy(st.keys[0])
		for i := range out {
			out[i].gap = s.gapAt(st.keys[0], out[i].t) || lossy && s.droppedAt(st.keys[0], out[i].t)
		}
	}
	s.statsMu.Lock()
	if len(s.series) >= 48 {
		clear(s.series)
	}
	s.series[key] = out
	s.statsMu.Unlock()
	return out
}

// errorRate is the interface errors per second a stream shows (most show
// none).
func (s *Simulator) errorRate(st simStream) (in, out float64) {
	if !st.live || len(st.keys) == 0 {
		return 0, 0
	}
	h := s.w.Hash("ixapi-errors", st.keys[0])
	if hashUnit(h) >= simErrShare {
		return 0, 0
	}
	in = 0.05 + 3*hashUnit(mix(h, 1))
	return round(in, 3), round(in*0.2*hashUnit(mix(h, 2)), 3)
}

func mix(h, salt uint64) uint64 {
	h ^= salt * 0x9E3779B97F4A7C15
	h ^= h >> 31
	return h * 0xBF58476D1CE4E5B9
}

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// aggregate summarises the samples of sp the way a 2.4.2 server does.
func (s *Simulator) aggregate(st simStream, sp simSpan) Aggregate {
	samples := s.samples(st, sp)
	a := Aggregate{
		Title: sp.title, Start: FormatTimestamp(sp.first), End: FormatTimestamp(sp.end()),
		CreatedAt: FormatTimestamp(sp.end()), NextUpdateAt: FormatTimestamp(sp.nextUpdate()),
	}
	var ins, outs []float64
	var maxIn, maxOut float64
	var maxInAt, maxOutAt time.Time
	for _, x := range samples {
		if x.gap {
			continue
		}
		ins, outs = append(ins, x.in), append(outs, x.out)
		if x.maxIn > maxIn || maxInAt.IsZero() {
			maxIn, maxInAt = x.maxIn, x.t
		}
		if x.maxOut > maxOut || maxOutAt.IsZero() {
			maxOut, maxOutAt = x.maxOut, x.t
		}
	}
	a.Accuracy = ptr(round(float64(len(ins))/float64(max(len(samples), 1)), 3))
	if len(ins) == 0 {
		return a
	}
	mean := func(v []float64) float64 {
		sum := 0.0
		for _, x := range v {
			sum += x
		}
		return sum / float64(len(v))
	}
	octets := func(bps float64) *float64 { return ptr(math.Round(bps / 8)) }
	packets := func(bps float64) *float64 { return ptr(math.Round(bps / 8 / st.pkt)) }
	in, out := mean(ins), mean(outs)
	a.AverageOPSIn, a.AverageOPSOut = octets(in), octets(out)
	a.AveragePPSIn, a.AveragePPSOut = packets(in), packets(out)
	p95in, p95out := model.Percentile(ins, 95), model.Percentile(outs, 95)
	a.P95OPSIn, a.P95OPSOut = octets(p95in), octets(p95out)
	a.P95PPSIn, a.P95PPSOut = packets(p95in), packets(p95out)
	a.MaxOPSIn, a.MaxOPSOut = octets(maxIn), octets(maxOut)
	a.MaxPPSIn, a.MaxPPSOut = packets(maxIn), packets(maxOut)
	a.MaxInAt, a.MaxOutAt = FormatTimestamp(maxInAt), FormatTimestamp(maxOutAt)
	ein, eout := s.errorRate(st)
	a.AverageEPSIn, a.AverageEPSOut = ptr(ein), ptr(eout)
	// Discards: a saturated link drops what does not fit.
	disc := func(bps, capacity float64) float64 {
		if capacity <= 0 || bps < 0.9*capacity {
			return 0
		}
		return round(bps/8/st.pkt*0.002*(bps/capacity-0.9)*10, 3)
	}
	capacity := 0.0
	for _, c := range st.caps {
		capacity += c
	}
	a.AverageDPSIn, a.AverageDPSOut = ptr(disc(in, capacity)), ptr(disc(out, capacity))
	return a
}

// averages is the mean in/out (bps) over sp, sampled at 720 points
// (cheap, and within a percent of the exact mean): peer aggregates, a
// hundred per answer, use it.
func (s *Simulator) averages(st simStream, sp simSpan) (in, out float64) {
	key := st.id() + "|" + sp.name + "|" + strconv.FormatInt(sp.first.Unix(), 10)
	s.statsMu.Lock()
	v, ok := s.avgs[key]
	s.statsMu.Unlock()
	if ok {
		return v[0], v[1]
	}
	if st.live {
		window := sp.end().Sub(sp.first)
		const n = 720
		step := window / n
		tr := s.w.Traffic()
		for k, tk := range st.keys {
			for j := 0; j < n; j++ {
				r := tr.At(tk, st.caps[k], sp.first.Add(time.Duration(j)*step+step/2))
				in += r.In
				out += r.Out
			}
		}
		in /= n
		out /= n
	}
	s.statsMu.Lock()
	if len(s.avgs) >= 200_000 {
		clear(s.avgs)
	}
	s.avgs[key] = [4]float64{in, out}
	s.statsMu.Unlock()
	return in, out
}

// peerAggregate is a cheaper aggregate: averages only.
func (s *Simulator) peerAggregate(st simStream, sp simSpan) Aggregate {
	in, out := s.averages(st, sp)
	oin, oout := in/8, out/8
	return Aggregate{
		Title: sp.title, Start: FormatTimestamp(sp.first), End: FormatTimestamp(sp.end()), Accuracy: ptr(1.0),
		CreatedAt: FormatTimestamp(sp.end()), NextUpdateAt: FormatTimestamp(sp.nextUpdate()),
		AveragePPSIn: round3(oin / st.pkt), AveragePPSOut: round3(oout / st.pkt), AverageOPSIn: round3(oin), AverageOPSOut: round3(oout),
	}
}

func round3(v float64) *float64 {
	r := math.Round(v*1000) / 1000
	return &r
}

// spans are the windows a request asks for: all of simWindows, or the
// custom start/end window.
func spans(q map[string][]string, now time.Time, stale bool) ([]simSpan, []ProblemProperty) {
	get := func(k string) (string, bool) {
		v, ok := q[k]
		if !ok || len(v) == 0 {
			return "", ok
		}
		return v[0], true
	}
	start, hasStart := get(QueryStart)
	end, hasEnd := get(QueryEnd)
	if hasStart || hasEnd {
		sp, props := customSpan(start, end, now, stale)
		if props != nil {
			return nil, props
		}
		return []simSpan{sp}, nil
	}
	out := make([]simSpan, len(simWindows))
	for i, w := range simWindows {
		out[i] = spanOf(w, now, stale)
	}
	return out, nil
}

func (s *Simulator) statistics(st simStream, sps []simSpan) Statistics {
	out := Statistics{Aggregates: make(map[string]Aggregate, len(sps))}
	for _, sp := range sps {
		out.Aggregates[sp.name] = s.aggregate(st, sp)
	}
	if st.lanes > 0 {
		out.LightLevelsTX, out.LightLevelsRX = s.lightLevels(st)
	}
	return out
}

// lightLevels are a port's optical levels: transmit around 0 dBm, receive
// a few dB lower per lane; a port with a low-light status receives -14.2
// dBm on its first lane, a dark one (link down) nothing (-40 dBm).
func (s *Simulator) lightLevels(st simStream) (tx, rx []float64) {
	for lane := 0; lane < st.lanes; lane++ {
		h := s.w.Hash("ixapi-light", st.lightKey, strconv.Itoa(lane))
		t := round(-1+2*hashUnit(h), 2)
		r := round(t-1.5-4*hashUnit(mix(h, 3)), 2)
		switch {
		case st.noRX:
			r = -40
		case st.lowRX && lane == 0:
			r = -14.2
		}
		tx, rx = append(tx, t), append(rx, r)
	}
	return tx, rx
}

// timeseriesJSON renders the timeseries of sp (up to 8,640 samples) in the
// shape of stats_shape.go without building it in memory.
func (s *Simulator) timeseriesJSON(st simStream, sp simSpan) []byte {
	samples := s.samples(st, sp)
	head := Timeseries{Title: sp.title, Precision: int64(sp.precision / time.Second), CreatedAt: FormatTimestamp(sp.end()),
		NextUpdateAt: FormatTimestamp(sp.nextUpdate()), OriginTimezone: "Europe/Amsterdam"}
	b := make([]byte, 0, 256+len(samples)*72)
	return AppendTimeseries(b, head, len(samples), func(b []byte, i int) ([]byte, bool) {
		smp := samples[i]
		if smp.gap {
			return b, false // a collector gap: the sample is absent
		}
		oin, oout := smp.in/8, smp.out/8
		pin, pout := oin/st.pkt, oout/st.pkt
		return AppendSampleTuple(b, smp.t, &pin, &pout, &oin, &oout), true
	})
}

// live reports whether an object in this state carries traffic.
func live(state string) bool {
	return state == StateProduction || state == StateProductionChangePending
}

func (s *Simulator) packetSize(key string) float64 {
	return 350 + float64(s.w.Hash("ixapi", "pkt", key)%900)
}

// streamOf describes the traffic of an object; ok false if it does not
// exist. Called with the engine locked.
func (s *Simulator) streamOf(col, id string) (simStream, bool) {
	st := s.st
	switch col {
	case "ports":
		p, ok := st.portByID(id)
		if !ok {
			return simStream{}, false
		}
		k := trafficKey("port", id)
		ss := simStream{keys: []string{k}, caps: []float64{SpeedToBPS(deref(p.Speed))}, live: live(p.State), stale: st.stale[k], pkt: s.packetSize(k),
			lanes: 1, lightKey: k}
		if strings.Contains(p.MediaType, "LR4") || strings.Contains(p.MediaType, "SR4") {
			ss.lanes = 4
		}
		for _, x := range p.Status {
			ss.lowRX = ss.lowRX || x.Tag == "optics.rx_power_low"
		}
		ss.noRX = p.State == StateError || p.State == StateDecommissioned
		return ss, true
	case "connections":
		c, ok := st.connByID[id]
		if !ok {
			return simStream{}, false
		}
		ss := simStream{live: live(c.State), pkt: s.packetSize(trafficKey("conn", id))}
		for _, pid := range c.Ports {
			if p, ok := st.portByID(pid); ok {
				k := trafficKey("port", pid)
				ss.keys = append(ss.keys, k)
				ss.caps = append(ss.caps, SpeedToBPS(deref(p.Speed)))
				ss.stale = ss.stale || st.stale[k]
			}
		}
		return ss, true
	case "network-service-configs":
		n, ok := st.nscByID[id]
		if !ok {
			return simStream{}, false
		}
		k := trafficKey("nsc", id)
		return simStream{keys: []string{k}, caps: []float64{s.nscCapacity(n)}, live: live(n.State), pkt: s.packetSize(k)}, true
	case "network-services":
		v, ok := st.serviceByID[id]
		if !ok {
			return simStream{}, false
		}
		k := trafficKey("service", id)
		c := SpeedToBPS(deref(v.Capacity))
		if v.Type == TypeExchangeLAN {
			c = 4e12
		}
		return simStream{keys: []string{k}, caps: []float64{c}, live: live(v.State), pkt: s.packetSize(k)}, true
	}
	return simStream{}, false
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func (s *Simulator) nscCapacity(n *NetworkServiceConfig) float64 {
	if n.Capacity != nil {
		return SpeedToBPS(*n.Capacity)
	}
	if c, ok := s.st.connByID[n.Connection]; ok {
		return SpeedToBPS(deref(c.Speed))
	}
	return 0
}

// peerWeight is peer k's share of a config's traffic (a long tail: a few
// big peers, many small ones; all shares add up to 0.9).
func peerWeight(k, n int) float64 {
	sum := 0.0
	for i := 0; i < n; i++ {
		sum += 1 / math.Pow(float64(i+1), 0.9)
	}
	return 0.9 / math.Pow(float64(k+1), 0.9) / sum
}

// ipv4Share is the part of a peer's traffic that is IPv4.
const ipv4Share = 0.72

// peerStreams selects the peers of a config by the query's filters.
func (s *Simulator) peerStreams(n *NetworkServiceConfig, q map[string][]string) ([]simPeer, []simStream, []ProblemProperty) {
	var props []ProblemProperty
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	var asn int64
	if v := get(PeerFilterASN); v != "" {
		a, err := strconv.ParseInt(v, 10, 64)
		if err != nil || a <= 0 || a > 4294967295 {
			props = append(props, ProblemProperty{Name: PeerFilterASN, Reason: "must be an AS number"})
		}
		asn = a
	}
	version := 0
	if v := get(PeerFilterIPVersion); v != "" {
		if v != "4" && v != "6" {
			props = append(props, ProblemProperty{Name: PeerFilterIPVersion, Reason: "must be 4 or 6"})
		}
		version, _ = strconv.Atoi(v)
	}
	ip := get(PeerFilterIPAddress)
	if ip != "" {
		if _, err := netip.ParseAddr(ip); err != nil {
			props = append(props, ProblemProperty{Name: PeerFilterIPAddress, Reason: "must be an IP address"})
		}
	}
	mac := strings.ToLower(get(PeerFilterMACAddress))
	if props != nil {
		return nil, nil, props
	}
	if n.Type != TypeExchangeLAN {
		return nil, nil, nil
	}
	all := s.st.peers[n.NetworkService]
	base := s.nscCapacity(n)
	var peers []simPeer
	var streams []simStream
	for k, p := range all {
		if asn != 0 && p.asn != asn || mac != "" && p.mac != mac {
			continue
		}
		if ip != "" && !strings.EqualFold(p.ips[0], ip) && !strings.EqualFold(p.ips[1], ip) {
			continue
		}
		share := 1.0
		ips := p.ips
		switch version {
		case 4:
			share, ips = ipv4Share, p.ips[:1]
		case 6:
			share, ips = 1-ipv4Share, p.ips[1:]
		}
		key := trafficKey("peer", n.ID+"/"+p.mac)
		p.ips = ips
		peers = append(peers, p)
		streams = append(streams, simStream{keys: []string{key}, caps: []float64{base * peerWeight(k, len(all)) * share},
			live: live(n.State), pkt: s.packetSize(key)})
	}
	return peers, streams, nil
}

// statsJob resolves a statistics request with the engine locked and
// returns the work to do after unlocking.
func (s *Simulator) statsJob(w http.ResponseWriter, r *http.Request, seg []string, now time.Time) (func(), bool) {
	col, id, kind := seg[0], seg[1], seg[2]
	notFound := func(what string) (func(), bool) {
		s.problem(w, http.StatusNotFound, ProblemNotFound, "Not found", what, nil)
		return nil, false
	}
	invalid := func(props []ProblemProperty) (func(), bool) {
		s.problem(w, http.StatusBadRequest, ProblemValidation, "Some fields did not validate.", "", props)
		return nil, false
	}
	q := r.URL.Query()
	// pick is the one window a timeseries asks for.
	pick := func(stale bool) (simSpan, bool, []ProblemProperty) {
		name := seg[3]
		if name == AggregateCustom {
			if !q.Has(QueryStart) || !q.Has(QueryEnd) {
				return simSpan{}, false, []ProblemProperty{{Name: QueryStart, Reason: "a custom window needs start and end"}}
			}
			sp, props := customSpan(q.Get(QueryStart), q.Get(QueryEnd), now, stale)
			return sp, props == nil, props
		}
		for _, win := range simWindows {
			if win.name == name {
				return spanOf(win, now, stale), true, nil
			}
		}
		return simSpan{}, false, nil
	}
	switch kind {
	case "statistics":
		stream, ok := s.streamOf(col, id)
		if !ok {
			return notFound("no such object")
		}
		if len(seg) == 3 {
			sps, props := spans(q, now, stream.stale)
			if props != nil {
				return invalid(props)
			}
			return func() { s.json(w, http.StatusOK, s.statistics(stream, sps)) }, true
		}
		sp, ok, props := pick(stream.stale)
		switch {
		case props != nil:
			return invalid(props)
		case !ok:
			return notFound("no aggregate " + truncate(seg[3], 40))
		}
		return func() { s.raw(w, http.StatusOK, s.timeseriesJSON(stream, sp)) }, true
	case "peer-statistics":
		if col != "network-service-configs" {
			return notFound("peer statistics exist for network service configs")
		}
		n, ok := s.st.nscByID[id]
		if !ok {
			return notFound("no such network service config")
		}
		peers, streams, props := s.peerStreams(n, q)
		if props != nil {
			return invalid(props)
		}
		if len(seg) == 3 {
			sps, props := spans(q, now, false)
			if props != nil {
				return invalid(props)
			}
			return func() {
				out := make([]PeerStatistics, len(peers))
				for i, p := range peers {
					aggs := make(map[string]Aggregate, len(sps))
					for _, sp := range sps {
						aggs[sp.name] = s.peerAggregate(streams[i], sp)
					}
					out[i] = PeerStatistics{ASN: p.asn, MACAddress: p.mac, IPAddresses: p.ips, Name: p.name, Aggregates: aggs}
				}
				s.json(w, http.StatusOK, out)
			}, true
		}
		sp, ok, props := pick(false)
		switch {
		case props != nil:
			return invalid(props)
		case !ok:
			return notFound("no aggregate " + truncate(seg[3], 40))
		case len(streams) == 0:
			return notFound("no peer matches the filters")
		}
		sum := simStream{live: streams[0].live, pkt: streams[0].pkt}
		for _, st := range streams {
			sum.keys = append(sum.keys, st.keys...)
			sum.caps = append(sum.caps, st.caps...)
		}
		return func() { s.raw(w, http.StatusOK, s.timeseriesJSON(sum, sp)) }, true
	case "rtt-statistics":
		if col != "network-services" || len(seg) != 3 {
			return notFound("no such resource")
		}
		v, ok := s.st.serviceByID[id]
		if !ok {
			return notFound("no such network service")
		}
		base := 0.25 + 2.5*hashUnit(s.w.Hash("ixapi", "rtt", v.ID))
		return func() { s.json(w, http.StatusOK, s.rtt(base, now)) }, true
	}
	return notFound("no such resource")
}

// rtt makes round-trip statistics: a base latency with a daily swell (in
// the assumed shape of stats_shape.go, keyed like the windows).
func (s *Simulator) rtt(base float64, now time.Time) RTTStatistics {
	out := RTTStatistics{Aggregates: map[string]RTTAggregate{}}
	for _, w := range simWindows {
		sp := spanOf(w, now, false)
		hour := float64(sp.end().UTC().Hour())
		avg := base * (1 + 0.15*math.Sin(2*math.Pi*hour/24))
		out.Aggregates[w.name] = RTTAggregate{
			Title: w.title, Precision: int64(w.precision / time.Second),
			CreatedAt: FormatTimestamp(sp.end()), NextUpdateAt: FormatTimestamp(sp.nextUpdate()),
			AverageRTT: round3(avg), MinimumRTT: round3(avg * 0.8), MaximumRTT: round3(avg * 2.4),
		}
	}
	return out
}
