// Package fakestats is an in-memory statistics, peers and inventory
// provider for UI tests, benchmarks and local trials: deterministic traffic
// (a daily cycle, noise, one-sample bursts, gaps) that is a pure function of
// the object id and the time, so every range agrees with every other.
package fakestats

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"sync"
	"time"

	"github.com/noctop/noctop/model"
)

// Source is one fake provider.
type Source struct {
	Name string
	Now  func() time.Time

	mu sync.Mutex
	// Err makes every call fail; Delay slows every call (honouring ctx).
	Err   error
	Delay time.Duration
	// Stale marks every returned series stale.
	Stale bool
	// Capacity is the link speed in bits per second of every object
	// (0 = unknown), and Peak the typical daily peak as a share of it.
	Capacity float64
	Peak     float64
	// Burst, when non-zero, puts one sample at BurstFactor × capacity at
	// this time (the rare one-sample burst an operator must spot).
	Burst       time.Time
	BurstFactor float64
	// GapFrom/GapTo leave samples missing in between.
	GapFrom, GapTo time.Time
	// NPeers is how many peers every config has.
	NPeers int
	// PeerRefType, when set, is the only Ref.Type with peers (HasPeers);
	// empty: every object has them.
	PeerRefType string
	// Vary gives every object its own level (some idle, some near
	// capacity) instead of the same daily curve everywhere.
	Vary bool
	// Server, when set, is the provider's own summary attached to the in
	// ("in") and out ("out") series of single objects.
	Server map[string]*model.ServerSummary

	Queries   []model.SeriesQuery
	PeerCalls int
	InvCalls  int
	Tree      []model.Node
}

// New returns a source with a 10 Gb/s capacity, a 60% daily peak, 100
// peers and a small inventory.
func New(name string, now func() time.Time) *Source {
	if now == nil {
		now = time.Now
	}
	s := &Source{Name: name, Now: now, Capacity: 10e9, Peak: 0.6, NPeers: 100, BurstFactor: 0.98}
	s.Tree = Inventory(name, 3, 2, 4)
	return s
}

// ModelSource is the source as the UI sees it.
func (s *Source) ModelSource() model.Source {
	return model.Source{Name: s.Name, Kind: "fake", Stats: s, Peers: s, Inventory: s}
}

// Precision is the sample spacing the fake picks for a range, like a
// provider choosing an aggregate: 30d uses 5-minute samples on purpose
// (8,640 of them) so the downsampling path is exercised.
func Precision(r time.Duration) (string, time.Duration) {
	switch {
	case r <= time.Hour:
		return "1m", time.Minute
	case r <= 24*time.Hour:
		return "5m", 5 * time.Minute
	case r <= 7*24*time.Hour:
		return "30m", 30 * time.Minute
	default:
		return "5m", 5 * time.Minute
	}
}

func (s *Source) wait(ctx context.Context) error {
	s.mu.Lock()
	d, err := s.Delay, s.Err
	s.mu.Unlock()
	if d > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
	}
	return err
}

// SetErr changes the error every call returns (nil = succeed).
func (s *Source) SetErr(err error) {
	s.mu.Lock()
	s.Err = err
	s.mu.Unlock()
}

// Series implements model.StatsSource.
func (s *Source) Series(ctx context.Context, q model.SeriesQuery) ([]model.Series, error) {
	s.mu.Lock()
	s.Queries = append(s.Queries, q)
	s.mu.Unlock()
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	agg, prec := Precision(q.Range)
	end := s.Now().Truncate(prec)
	n := int(q.Range / prec)
	mk := func(id, name, dir string, capa float64, scale float64) model.Series {
		se := model.Series{Ref: q.Target, Name: name, Direction: dir, Unit: model.UnitBitsPerSec,
			Aggregate: agg, Precision: prec, Capacity: capa, Stale: s.Stale, Samples: make([]model.Sample, n)}
		for i := 0; i < n; i++ {
			t := end.Add(-time.Duration(n-i) * prec)
			se.Samples[i] = s.sample(id+"/"+dir, t, prec, scale)
		}
		return se
	}
	if len(q.Peers) > 0 {
		var out []model.Series
		for _, p := range q.Peers {
			asn := peerASN(p)
			scale := 0.02 + 0.2*frac(hash(p))
			out = append(out, mk(p, fmt.Sprintf("AS%d in", asn), "in", 0, scale), mk(p, fmt.Sprintf("AS%d out", asn), "out", 0, scale*0.8))
		}
		return out, nil
	}
	level := 1.0
	if s.Vary {
		level = Level(q.Target.ID)
	}
	in, out := mk(q.Target.ID, "in", "in", s.Capacity, level), mk(q.Target.ID, "out", "out", s.Capacity, level*0.7)
	in.Server, out.Server = s.Server["in"], s.Server["out"]
	return []model.Series{in, out}, nil
}

// Value is the traffic of key at t in bits per second before gaps and
// bursts: a daily cycle peaking mid-afternoon UTC plus noise.
func (s *Source) Value(key string, t time.Time, scale float64) float64 {
	capa := s.Capacity
	if capa <= 0 {
		capa = 10e9
	}
	h := float64(t.UTC().Hour()) + float64(t.UTC().Minute())/60
	cycle := 0.5 + 0.45*math.Sin((h-9)/24*2*math.Pi)
	noise := 0.9 + 0.2*frac(mix(hash(key)^uint64(t.Unix())))
	return capa * s.Peak * scale * cycle * noise
}

func (s *Source) sample(key string, t time.Time, prec time.Duration, scale float64) model.Sample {
	if !s.GapFrom.IsZero() && !t.Before(s.GapFrom) && t.Before(s.GapTo) {
		return model.Sample{T: t, Missing: true}
	}
	v := s.Value(key, t, scale)
	if !s.Burst.IsZero() && !t.After(s.Burst) && t.Add(prec).After(s.Burst) && scale > 0.9 {
		capa := s.Capacity
		if capa <= 0 {
			capa = 10e9
		}
		v = capa * s.BurstFactor
	}
	return model.Sample{T: t, V: v}
}

// Level is an object's traffic relative to the default curve when Vary is
// set: every tenth object is dead, every tenth busy enough to saturate.
func Level(id string) float64 {
	h := hash("level/" + id)
	switch h % 10 {
	case 0:
		return 0
	case 1:
		return 1.6
	}
	return 0.1 + 1.2*frac(h/10)
}

// mix is splitmix64's finaliser: cheap, well-spread noise per sample.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

func frac(h uint64) float64 { return float64(h%10007) / 10007 }

func peerASN(id string) int64 {
	var n int64
	if _, err := fmt.Sscanf(id, "peer-%d", &n); err == nil {
		return n
	}
	return int64(64512 + hash(id)%1000)
}

// HasPeers implements model.PeerTargets.
func (s *Source) HasPeers(config model.Ref) bool {
	return s.PeerRefType == "" || config.Type == s.PeerRefType
}

// Peers implements model.PeerSource: NPeers peers with ASNs from 64500.
func (s *Source) Peers(ctx context.Context, config model.Ref) ([]model.Peer, error) {
	s.mu.Lock()
	s.PeerCalls++
	n := s.NPeers
	s.mu.Unlock()
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	out := make([]model.Peer, n)
	for i := range out {
		asn := int64(64500 + i)
		id := fmt.Sprintf("peer-%d", asn)
		// The mean of Value over a day for this peer's scale (cycle and
		// noise average 0.5 and 1), so the list agrees with its graph.
		capa := s.Capacity
		if capa <= 0 {
			capa = 10e9
		}
		avg := capa * s.Peak * 0.5 * (0.02 + 0.2*frac(hash(id)))
		out[i] = model.Peer{
			Ref:   model.Ref{Provider: s.Name, Type: "peer", ID: id, Name: fmt.Sprintf("Peer %d", i)},
			ASN:   asn,
			Name:  fmt.Sprintf("%s Networks", []string{"Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"}[i%6]),
			IPs:   []string{fmt.Sprintf("192.0.2.%d", 1+i%254), fmt.Sprintf("2001:db8::%x", 1+i)},
			MAC:   fmt.Sprintf("02:00:00:00:%02x:%02x", i/256, i%256),
			AvgIn: avg, AvgOut: avg * 0.8,
		}
	}
	return out, nil
}

// Inventory implements model.InventorySource.
func (s *Source) Inventory(ctx context.Context, p *model.Progress) ([]model.Node, error) {
	s.mu.Lock()
	s.InvCalls++
	tree := s.Tree
	s.mu.Unlock()
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	p.SetTotal(1)
	p.Add(1)
	return tree, nil
}

// Inventory builds a tree: metros > facilities > devices > ports >
// connections, with the given fan-outs.
func Inventory(provider string, metros, facilities, ports int) []model.Node {
	names := []string{"Frankfurt", "Amsterdam", "London", "Paris", "Madrid"}
	var out []model.Node
	for m := 0; m < metros; m++ {
		metro := model.Node{Ref: model.Ref{Provider: provider, Type: "metro-area", ID: fmt.Sprintf("met-%d", m), Name: names[m%len(names)]},
			Kind: "metro", Label: names[m%len(names)], State: model.StateActive, RawState: "production"}
		for f := 0; f < facilities; f++ {
			fid := fmt.Sprintf("fac-%d-%d", m, f)
			fac := model.Node{Ref: model.Ref{Provider: provider, Type: "facility", ID: fid, Name: fmt.Sprintf("%s DC%d", names[m%len(names)], f+1)},
				Kind: "facility", Label: fmt.Sprintf("%s DC%d", names[m%len(names)], f+1), State: model.StateActive,
				Fields: []model.Field{{Key: "address", Value: fmt.Sprintf("%d Example Street", 10+f)}}}
			dev := model.Node{Ref: model.Ref{Provider: provider, Type: "device", ID: "dev-" + fid, Name: fmt.Sprintf("edge%d.%s", f+1, fid)},
				Kind: "device", Label: fmt.Sprintf("edge%d-%s", f+1, fid), State: model.StateActive}
			for p := 0; p < ports; p++ {
				pid := fmt.Sprintf("port-%d-%d-%d", m, f, p)
				st, raw := model.StateActive, "production"
				if p == ports-1 {
					st, raw = model.StateProvisioning, "testing"
				}
				port := model.Node{Ref: model.Ref{Provider: provider, Type: "port", ID: pid, Name: fmt.Sprintf("et-0/0/%d", p)},
					Kind: "port", Label: fmt.Sprintf("et-0/0/%d", p), State: st, RawState: raw,
					Fields: []model.Field{{Key: "id", Value: pid}, {Key: "speed", Value: "10000"}, {Key: "media_type", Value: "10GBASE-LR"}}}
				if p%2 == 0 {
					cid := "conn-" + pid
					port.Children = append(port.Children, model.Node{Ref: model.Ref{Provider: provider, Type: "connection", ID: cid, Name: "LAG " + cid},
						Kind: "connection", Label: "LAG " + cid, State: model.StateActive, RawState: "production",
						Fields: []model.Field{{Key: "id", Value: cid}, {Key: "mode", Value: "lag_lacp"}, {Key: "vlan", Value: fmt.Sprint(1100 + p)}}})
				}
				dev.Children = append(dev.Children, port)
			}
			fac.Children = append(fac.Children, dev)
			metro.Children = append(metro.Children, fac)
		}
		out = append(out, metro)
	}
	return out
}
