package ixapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/noctop/noctop/model"
)

// Series returns the in and out traffic of a port, connection, network
// service config or network service over q.Range, in bits per second, from
// the aggregate that fits the range best (see chooseAggregate; the names
// come from the server's statistics). Capacity is the port/connection
// speed (or the config's/service's capacity). With q.Peers (on a network
// service config) it returns an in and an out series per peer instead,
// named "AS64500 in" ...; peers are named by the ids Peers returned.
func (p *Provider) Series(ctx context.Context, q model.SeriesQuery) ([]model.Series, error) {
	t, id, err := ParseRef(q.Target)
	if err != nil {
		return nil, err
	}
	capacity := p.capacityOf(ctx, t, id)
	ref := q.Target
	ref.Provider, ref.Type, ref.ID = p.name, string(t), ModelID(t, id)
	if len(q.Peers) > 0 {
		if t != ObjNetworkServiceConfig {
			return nil, fmt.Errorf("%w: ixapi: peer statistics exist for network service configs only", model.ErrUnsupported)
		}
		return p.peerSeries(ctx, id, q, capacity)
	}
	stats, err := p.client.Statistics(ctx, t, id)
	if err != nil {
		return nil, err
	}
	if t == ObjPort {
		p.noteLight(id, stats)
	}
	name, agg, ok := chooseAggregate(stats.Aggregates, q.Range)
	if !ok {
		return nil, fmt.Errorf("%w: ixapi: %s %s has no statistics aggregates", model.ErrBadResponse, t, id)
	}
	var ts Timeseries
	custom := false
	if needsCustomWindow(name, agg, q.Range) {
		// No window reaches back far enough: ask for exactly the range.
		// A server without custom windows costs one refused request; the
		// widest window is shown then.
		rng := q.Range
		if rng <= 0 {
			rng = defaultRange
		}
		end := p.now()
		start := end.Add(-rng)
		if cs, err := p.client.StatisticsWindow(ctx, t, id, start, end); err == nil {
			if ca, ok := cs.Aggregates[AggregateCustom]; ok {
				if cts, err := p.client.TimeseriesWindow(ctx, t, id, start, end); err == nil {
					name, agg, ts, custom = AggregateCustom, ca, cts, true
				}
			}
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	if !custom {
		if ts, err = p.client.Timeseries(ctx, t, id, name); err != nil {
			return nil, err
		}
	}
	s := toSeries(ts, seriesOpts{ref: ref, aggregate: name, agg: agg, capacity: capacity, rng: q.Range, now: p.now()})
	return s[:], nil
}

// capacityOf is the speed of an object in bits per second (0 when
// unknown), from the last reads, else read now (failures only cost the
// scale).
func (p *Provider) capacityOf(ctx context.Context, t ObjectType, id string) float64 {
	p.mu.Lock()
	ix := p.ix
	p.mu.Unlock()
	connSpeed := func(connID string) int64 {
		c, ok := ix.conns[connID]
		if !ok {
			var err error
			if c, err = p.client.GetConnection(ctx, connID); err != nil {
				return 0
			}
		}
		if c.Speed != nil && *c.Speed > 0 {
			return *c.Speed
		}
		return ix.connSpeed(c)
	}
	switch t {
	case ObjPort:
		pt, ok := ix.ports[id]
		if !ok {
			var err error
			if pt, err = p.client.GetPort(ctx, id); err != nil {
				return 0
			}
		}
		if pt.Speed != nil {
			return SpeedToBPS(*pt.Speed)
		}
	case ObjConnection:
		return SpeedToBPS(connSpeed(id))
	case ObjNetworkServiceConfig:
		n, ok := ix.nscs[id]
		if !ok {
			var err error
			if n, err = p.client.GetNetworkServiceConfig(ctx, id); err != nil {
				return 0
			}
		}
		if n.Capacity != nil && *n.Capacity > 0 {
			return SpeedToBPS(*n.Capacity)
		}
		return SpeedToBPS(connSpeed(n.Connection))
	case ObjNetworkService:
		s, ok := ix.services[id]
		if !ok {
			var err error
			if s, err = p.client.GetNetworkService(ctx, id); err != nil {
				return 0
			}
		}
		if s.Capacity != nil {
			return SpeedToBPS(*s.Capacity)
		}
	}
	return 0
}

// Peers lists the peers behind a network service config (an exchange LAN
// membership): ASN, IPs, MAC and the average traffic with each over the
// aggregate a 24-hour view would use. Peer.Ref.ID is what SeriesQuery.Peers
// takes.
// HasPeers implements model.PeerTargets: peers exist for network service
// configs only (what Peers accepts), so a port graph offers no peer list.
func (p *Provider) HasPeers(config model.Ref) bool {
	t, _, err := ParseRef(config)
	return err == nil && t == ObjNetworkServiceConfig
}

func (p *Provider) Peers(ctx context.Context, config model.Ref) ([]model.Peer, error) {
	t, id, err := ParseRef(config)
	if err != nil {
		return nil, err
	}
	if t != ObjNetworkServiceConfig {
		return nil, fmt.Errorf("%w: ixapi: peers exist for network service configs only", model.ErrUnsupported)
	}
	stats, err := p.client.PeerStatistics(ctx, id, PeerFilter{})
	if err != nil {
		return nil, err
	}
	out := make([]model.Peer, 0, len(stats))
	for _, ps := range stats {
		pid := peerID(ps)
		peer := model.Peer{
			Ref:  model.Ref{Provider: p.name, Type: "peer", ID: pid, Name: peerName(ps)},
			ASN:  ps.ASN,
			Name: firstNonEmpty(ps.Name, fmt.Sprintf("AS%d", ps.ASN)),
			IPs:  slices.Clone(ps.IPAddresses),
			MAC:  ps.MACAddress,
		}
		if _, agg, ok := chooseAggregate(ps.Aggregates, defaultRange); ok {
			peer.AvgIn, peer.AvgOut = averageBPS(agg)
		}
		out = append(out, peer.Sanitized())
	}
	slices.SortStableFunc(out, func(a, b model.Peer) int {
		if a.ASN != b.ASN {
			return cmpInt64(a.ASN, b.ASN)
		}
		return model.NaturalCompare(a.Ref.ID, b.Ref.ID)
	})
	return out, nil
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// peerSeries reads each requested peer's timeseries (bounded concurrency).
func (p *Provider) peerSeries(ctx context.Context, nscID string, q model.SeriesQuery, capacity float64) ([]model.Series, error) {
	filters := make([]PeerFilter, len(q.Peers))
	for i, id := range q.Peers {
		f, err := peerFilterFor(id)
		if err != nil {
			return nil, err
		}
		filters[i] = f
	}
	all, err := p.client.PeerStatistics(ctx, nscID, PeerFilter{})
	if err != nil {
		return nil, err
	}
	find := func(f PeerFilter) (PeerStatistics, bool) {
		for _, ps := range all {
			switch {
			case f.MACAddress != "" && equalFoldASCII(ps.MACAddress, f.MACAddress),
				f.IPAddress != "" && slices.Contains(ps.IPAddresses, f.IPAddress),
				f.ASN != 0 && ps.ASN == f.ASN:
				return ps, true
			}
		}
		return PeerStatistics{}, false
	}
	results := make([][2]model.Series, len(filters))
	errs := make([]error, len(filters))
	sem := make(chan struct{}, p.client.cfg.concurrency)
	var wg sync.WaitGroup
	now := p.now()
	for i, f := range filters {
		ps, ok := find(f)
		if !ok {
			return nil, fmt.Errorf("%w: ixapi: peer %s is not on network service config %s", model.ErrNotFound, q.Peers[i], nscID)
		}
		name, agg, ok := chooseAggregate(ps.Aggregates, q.Range)
		if !ok {
			return nil, fmt.Errorf("%w: ixapi: peer %s has no statistics aggregates", model.ErrBadResponse, q.Peers[i])
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			ts, err := p.client.PeerTimeseries(ctx, nscID, name, f)
			if err != nil {
				errs[i] = err
				return
			}
			ref := model.Ref{Provider: p.name, Type: "peer", ID: peerID(ps), Name: peerName(ps)}
			results[i] = toSeries(ts, seriesOpts{ref: ref, prefix: peerName(ps) + " ", aggregate: name, agg: agg,
				capacity: capacity, rng: q.Range, now: now})
		}()
	}
	wg.Wait()
	out := make([]model.Series, 0, 2*len(filters))
	for i := range filters {
		if errs[i] != nil {
			return nil, errs[i]
		}
		out = append(out, results[i][0], results[i][1])
	}
	return out, nil
}

func equalFoldASCII(a, b string) bool {
	return len(a) == len(b) && bytes.EqualFold([]byte(a), []byte(b))
}

// marshalIndent renders a planned request body for the confirmation dialog.
func marshalIndent(v any) ([]byte, error) { return json.MarshalIndent(v, "", "  ") }

// decodeLoose decodes a JSON object ignoring errors of single fields.
func decodeLoose(body []byte, out any) error {
	b := bytes.TrimSpace(body)
	if len(b) == 0 || b[0] != '{' {
		return fmt.Errorf("not a JSON object")
	}
	return json.Unmarshal(b, out)
}
