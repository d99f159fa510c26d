package ixapi

import (
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Statistics in the simulator, in the shapes of stats_shape.go. Traffic
// comes from the world's generator (daily cycle, noise, hot and dead keys,
// one-sample bursts); a few streams have collector gaps (samples missing
// for 15-45 minutes) and a few ports a stuck collector (their data stops
// three hours ago and next_update_at is in the past).

// simAgg is one aggregate the simulator keeps.
type simAgg struct {
	name, title string
	precision   time.Duration
	total       int
}

// simAggs are the simulator's aggregates. The client must not know these
// names: it reads them from the statistics answer.
var simAggs = []simAgg{
	{"1m", "1 minute", time.Minute, 1440},      // 1 day
	{"5m", "5 minutes", 5 * time.Minute, 8640}, // 30 days
	{"1h", "1 hour", time.Hour, 2160},          // 90 days
	{"1d", "1 day", 24 * time.Hour, 365},       // 1 year
	{"30d", "30 days", 30 * 24 * time.Hour, 12},
}

const (
	simStaleLag   = 3 * time.Hour
	simUpdateLag  = 30 * time.Second // processing time after a sample closes
	simGapBlock   = 6 * time.Hour
	simGapChance  = 0.02
	simExactLimit = 5 * time.Minute // aggregates this fine are exact minute means
)

// simStream is what one series sums: traffic keys with their capacities.
type simStream struct {
	keys  []string
	caps  []float64 // bps per key
	live  bool
	stale bool
	pkt   float64 // bytes per packet
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

// simSample is one computed sample (bits per second; gap = missing).
type simSample struct {
	t       time.Time
	in, out float64
	gap     bool
}

func (a simAgg) createdAt(now time.Time, stale bool) time.Time {
	if stale {
		now = now.Add(-simStaleLag)
	}
	return now.Truncate(a.precision)
}

func (a simAgg) nextUpdate(created time.Time, stale bool) time.Time {
	if stale {
		return created.Add(a.precision)
	}
	return created.Add(a.precision + simUpdateLag)
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

// samples computes (and caches) the samples of stream for aggregate a.
func (s *Simulator) samples(st simStream, a simAgg, created time.Time) []simSample {
	key := st.id() + "|" + a.name + "|" + strconv.FormatInt(created.Unix(), 10)
	s.statsMu.Lock()
	if v, ok := s.series[key]; ok {
		s.statsMu.Unlock()
		return v
	}
	s.statsMu.Unlock()
	first := created.Add(-time.Duration(a.total) * a.precision)
	out := make([]simSample, a.total)
	for i := range out {
		out[i].t = first.Add(time.Duration(i) * a.precision)
	}
	tr := s.w.Traffic()
	if st.live {
		for k, tk := range st.keys {
			if a.precision <= simExactLimit {
				for i, r := range tr.Window(tk, st.caps[k], first, created, a.precision) {
					if i < len(out) {
						out[i].in += r.Mean.In
						out[i].out += r.Mean.Out
					}
				}
				continue
			}
			points := 12
			if a.precision >= 24*time.Hour {
				points = 24
			}
			stride := a.precision / time.Duration(points)
			for i := range out {
				var in, o float64
				for j := 0; j < points; j++ {
					r := tr.At(tk, st.caps[k], out[i].t.Add(time.Duration(j)*stride+stride/2))
					in += r.In
					o += r.Out
				}
				out[i].in += in / float64(points)
				out[i].out += o / float64(points)
			}
		}
	}
	if a.precision <= simExactLimit && len(st.keys) > 0 {
		for i := range out {
			out[i].gap = s.gapAt(st.keys[0], out[i].t)
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

// averages is the mean in/out (bps) over the aggregate's window, sampled
// at 720 points (cheap, and within a percent of the exact mean).
func (s *Simulator) averages(st simStream, a simAgg, created time.Time) (in, out float64) {
	key := st.id() + "|" + a.name + "|" + strconv.FormatInt(created.Unix(), 10)
	s.statsMu.Lock()
	v, ok := s.avgs[key]
	s.statsMu.Unlock()
	if ok {
		return v[0], v[1]
	}
	if st.live {
		window := time.Duration(a.total) * a.precision
		const n = 720
		step := window / n
		first := created.Add(-window)
		tr := s.w.Traffic()
		for k, tk := range st.keys {
			for j := 0; j < n; j++ {
				r := tr.At(tk, st.caps[k], first.Add(time.Duration(j)*step+step/2))
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

func (s *Simulator) aggregate(st simStream, a simAgg, now time.Time) Aggregate {
	created := a.createdAt(now, st.stale)
	in, out := s.averages(st, a, created)
	oin, oout := in/8, out/8
	pin, pout := oin/st.pkt, oout/st.pkt
	return Aggregate{
		Title: a.title, Precision: int64(a.precision / time.Second), TotalSamples: int64(a.total),
		CreatedAt: FormatTimestamp(created), NextUpdateAt: FormatTimestamp(a.nextUpdate(created, st.stale)),
		AveragePPSIn: round3(pin), AveragePPSOut: round3(pout), AverageOPSIn: round3(oin), AverageOPSOut: round3(oout),
	}
}

func round3(v float64) *float64 {
	r := math.Round(v*1000) / 1000
	return &r
}

func (s *Simulator) statistics(st simStream, now time.Time) Statistics {
	out := Statistics{Aggregates: make(map[string]Aggregate, len(simAggs))}
	for _, a := range simAggs {
		out.Aggregates[a.name] = s.aggregate(st, a, now)
	}
	return out
}

// timeseriesJSON renders a timeseries (8,640 samples) in the shape of
// stats_shape.go without building it in memory.
func (s *Simulator) timeseriesJSON(st simStream, a simAgg, now time.Time) []byte {
	created := a.createdAt(now, st.stale)
	samples := s.samples(st, a, created)
	head := Timeseries{Title: a.title, Precision: int64(a.precision / time.Second), CreatedAt: FormatTimestamp(created),
		NextUpdateAt: FormatTimestamp(a.nextUpdate(created, st.stale)), OriginTimezone: "UTC"}
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
		p, ok := st.portByID[id]
		if !ok {
			return simStream{}, false
		}
		k := trafficKey("port", id)
		return simStream{keys: []string{k}, caps: []float64{SpeedToBPS(deref(p.Speed))}, live: live(p.State), stale: st.stale[k], pkt: s.packetSize(k)}, true
	case "connections":
		c, ok := st.connByID[id]
		if !ok {
			return simStream{}, false
		}
		ss := simStream{live: live(c.State), pkt: s.packetSize(trafficKey("conn", id))}
		for _, pid := range c.Ports {
			if p, ok := st.portByID[pid]; ok {
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
	var agg *simAgg
	if len(seg) == 5 {
		for i := range simAggs {
			if simAggs[i].name == seg[3] {
				agg = &simAggs[i]
			}
		}
		if agg == nil {
			return notFound("no aggregate " + truncate(seg[3], 40))
		}
	}
	switch kind {
	case "statistics":
		stream, ok := s.streamOf(col, id)
		if !ok {
			return notFound("no such object")
		}
		if agg == nil {
			return func() { s.json(w, http.StatusOK, s.statistics(stream, now)) }, true
		}
		return func() { s.raw(w, http.StatusOK, s.timeseriesJSON(stream, *agg, now)) }, true
	case "peer-statistics":
		if col != "network-service-configs" {
			return notFound("peer statistics exist for network service configs")
		}
		n, ok := s.st.nscByID[id]
		if !ok {
			return notFound("no such network service config")
		}
		peers, streams, props := s.peerStreams(n, r.URL.Query())
		if props != nil {
			s.problem(w, http.StatusBadRequest, ProblemValidation, "Some fields did not validate.", "", props)
			return nil, false
		}
		if agg == nil {
			return func() {
				out := make([]PeerStatistics, len(peers))
				for i, p := range peers {
					out[i] = PeerStatistics{ASN: p.asn, MACAddress: p.mac, IPAddresses: p.ips, Name: p.name, Aggregates: s.statistics(streams[i], now).Aggregates}
				}
				s.json(w, http.StatusOK, out)
			}, true
		}
		if len(streams) == 0 {
			return notFound("no peer matches the filters")
		}
		sum := simStream{live: streams[0].live, pkt: streams[0].pkt}
		for _, st := range streams {
			sum.keys = append(sum.keys, st.keys...)
			sum.caps = append(sum.caps, st.caps...)
		}
		return func() { s.raw(w, http.StatusOK, s.timeseriesJSON(sum, *agg, now)) }, true
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

// rtt makes round-trip statistics: a base latency with a daily swell.
func (s *Simulator) rtt(base float64, now time.Time) RTTStatistics {
	out := RTTStatistics{Aggregates: map[string]RTTAggregate{}}
	for _, a := range simAggs {
		created := a.createdAt(now, false)
		hour := float64(created.UTC().Hour())
		avg := base * (1 + 0.15*math.Sin(2*math.Pi*hour/24))
		out.Aggregates[a.name] = RTTAggregate{
			Title: a.title, Precision: int64(a.precision / time.Second),
			CreatedAt: FormatTimestamp(created), NextUpdateAt: FormatTimestamp(a.nextUpdate(created, false)),
			AverageRTT: round3(avg), MinimumRTT: round3(avg * 0.8), MaximumRTT: round3(avg * 2.4),
		}
	}
	return out
}
