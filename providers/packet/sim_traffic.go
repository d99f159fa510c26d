package packet

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Simulated traffic: the world's generator (daily cycle, noise, bursts,
// a few hot and dead keys) per server, scaled to its bonded ports' speed.
// A server that is not running sends nothing.

const (
	maxTrafficPoints   = 20_000
	bandwidthPoints    = 360 // about how many points /bandwidth returns
	externalShare      = 0.6 // of a server's traffic, the Internet-bound part
	defaultTrafficSpan = time.Hour
)

func (s *Simulator) deviceCapacity(d *simDevice) float64 {
	speed := parseSpeed(d.plan.speed)
	return float64(speed) * 1e6 * float64(d.plan.nics)
}

func (s *Simulator) running(d *simDevice) bool {
	switch d.state {
	case DeviceActive, DevicePoweringOff, DeviceRebooting:
		return true
	}
	return false
}

func trafficKey(d *simDevice) string { return "packet/device/" + d.id }

// bandwidth serves GET /devices/{id}/bandwidth?from=&until= (unix
// seconds): inbound and outbound bits per second at a resolution of about
// 1/360 of the range, whole minutes, only buckets that have ended.
func (s *Simulator) bandwidth(w http.ResponseWriter, q *request, d *simDevice) {
	from, err1 := strconv.ParseInt(q.query("from"), 10, 64)
	until, err2 := strconv.ParseInt(q.query("until"), 10, 64)
	if err1 != nil || err2 != nil || until <= from {
		fail(w, http.StatusUnprocessableEntity, "from and until must be unix timestamps, from before until")
		return
	}
	f, u := time.Unix(from, 0).UTC(), time.Unix(until, 0).UTC()
	if u.After(q.now) {
		u = q.now
	}
	step := max(time.Minute, (u.Sub(f) / bandwidthPoints).Truncate(time.Minute))
	if u.Sub(f)/step > maxTrafficPoints {
		f = u.Add(-maxTrafficPoints * step)
	}
	f = f.Truncate(step)
	var in, out []Datapoint
	if f.Before(u) {
		for _, rs := range s.world.Traffic().Window(trafficKey(d), s.deviceCapacity(d), f, u, step) {
			if rs.T.Add(step).After(q.now) {
				break
			}
			vi, vo := rs.Mean.In, rs.Mean.Out
			if !s.running(d) {
				vi, vo = 0, 0
			}
			in = append(in, Datapoint{Value: &vi, Time: rs.T})
			out = append(out, Datapoint{Value: &vo, Time: rs.T})
		}
	}
	writeJSON(w, http.StatusOK, BandwidthAnswer{Bandwidth: []MetricSeries{
		{Target: "inbound", Tags: &MetricTags{Name: "inbound", AggregatedBy: "sum"}, Datapoints: nonNilPoints(in)},
		{Target: "outbound", Tags: &MetricTags{Name: "outbound", AggregatedBy: "sum"}, Datapoints: nonNilPoints(out)},
	}})
}

func nonNilPoints(p []Datapoint) []Datapoint {
	if p == nil {
		return []Datapoint{}
	}
	return p
}

var intervalSteps = map[string]time.Duration{
	"minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour, "week": 7 * 24 * time.Hour,
	"month": 30 * 24 * time.Hour, "year": 365 * 24 * time.Hour,
}

// traffic serves GET /devices/{id}/traffic: bytes per interval in one
// direction, optionally one bucket. The timeframe comes from the JSON
// body (the spec) or timeframe[started_at]/[ended_at] in the query; the
// default is the last hour. The periodic intervals (hour_of_day ...) sum
// the timeframe by slot, datapoint times being the slot numbers.
func (s *Simulator) traffic(w http.ResponseWriter, q *request, d *simDevice) {
	dir := q.query("direction")
	if dir != DirectionInbound && dir != DirectionOutbound {
		fail(w, http.StatusUnprocessableEntity, "direction must be inbound or outbound")
		return
	}
	interval := q.query("interval")
	if interval == "" {
		interval = "hour"
	}
	periodic := map[string]func(time.Time) int{
		"hour_of_day": func(t time.Time) int { return t.Hour() }, "day_of_week": func(t time.Time) int { return int(t.Weekday()) },
		"day_of_month": func(t time.Time) int { return t.Day() }, "month_of_year": func(t time.Time) int { return int(t.Month()) },
	}
	step, ok := intervalSteps[interval]
	slot, isPeriodic := periodic[interval]
	if !ok && !isPeriodic {
		fail(w, http.StatusUnprocessableEntity, "unknown interval "+interval)
		return
	}
	share := 1.0
	switch q.query("bucket") {
	case "":
	case BucketExternal:
		share = externalShare
	case BucketInternal:
		share = 1 - externalShare
	default:
		fail(w, http.StatusUnprocessableEntity, "bucket must be internal or external")
		return
	}
	tf, ok := s.timeframe(w, q)
	if !ok {
		return
	}
	if isPeriodic {
		step = time.Hour
	}
	from, until := tf.StartedAt.Truncate(step), tf.EndedAt
	if until.After(q.now) {
		until = q.now
	}
	if until.Sub(from)/step > maxTrafficPoints {
		from = until.Add(-maxTrafficPoints * step).Truncate(step)
	}
	var pts []Datapoint
	sums := map[int]float64{}
	if from.Before(until) {
		for _, rs := range s.world.Traffic().Window(trafficKey(d), s.deviceCapacity(d), from, until, step) {
			if rs.T.Add(step).After(q.now) {
				break
			}
			bps := rs.Mean.In
			if dir == DirectionOutbound {
				bps = rs.Mean.Out
			}
			if !s.running(d) {
				bps = 0
			}
			bytes := bps * share * step.Seconds() / 8
			if isPeriodic {
				sums[slot(rs.T)] += bytes
				continue
			}
			pts = append(pts, Datapoint{Value: &bytes, Time: rs.T})
		}
	}
	if isPeriodic {
		for k := 0; k <= 31; k++ {
			if v, ok := sums[k]; ok {
				pts = append(pts, Datapoint{Value: &v, Time: time.Unix(int64(k), 0).UTC()})
			}
		}
	}
	writeJSON(w, http.StatusOK, TrafficAnswer{Traffic: []MetricSeries{{Target: dir, Tags: &MetricTags{Name: dir, AggregatedBy: "sum"}, Datapoints: nonNilPoints(pts)}}})
}

// timeframe reads the traffic timeframe; ok is false when a 422 was written.
func (s *Simulator) timeframe(w http.ResponseWriter, q *request) (Timeframe, bool) {
	tf := Timeframe{StartedAt: q.now.Add(-defaultTrafficSpan), EndedAt: q.now}
	if len(q.body) > 0 {
		var in Timeframe
		if err := json.Unmarshal(q.body, &in); err != nil {
			fail(w, http.StatusUnprocessableEntity, "timeframe must be {\"started_at\", \"ended_at\"} in RFC 3339")
			return tf, false
		}
		tf = in
	} else if a, b := q.query("timeframe[started_at]"), q.query("timeframe[ended_at]"); a != "" || b != "" {
		ta, err1 := time.Parse(time.RFC3339, a)
		tb, err2 := time.Parse(time.RFC3339, b)
		if err1 != nil || err2 != nil {
			fail(w, http.StatusUnprocessableEntity, "timeframe[started_at] and timeframe[ended_at] must be RFC 3339 times")
			return tf, false
		}
		tf = Timeframe{StartedAt: ta, EndedAt: tb}
	}
	if !tf.EndedAt.After(tf.StartedAt) {
		fail(w, http.StatusUnprocessableEntity, "timeframe ends before it starts")
		return tf, false
	}
	return tf, true
}
