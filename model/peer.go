package model

import "context"

// Peer is one participant on a shared service (an exchange LAN), as seen
// from one of our network service configs.
type Peer struct {
	Ref    Ref // Ref.ID is what SeriesQuery.Peers takes
	ASN    int64
	Name   string
	IPs    []string // IPv4 and IPv6 addresses
	MAC    string
	AvgIn  float64 // bits per second, over the provider's default aggregate
	AvgOut float64
}

// PeerSource lists the peers behind a network service config.
type PeerSource interface {
	Peers(ctx context.Context, config Ref) ([]Peer, error)
}

// PeerTargets is an optional method of a PeerSource: whether config is an
// object that has peers (a network service config, not a port), decided
// without I/O, so the UI offers the peer list only where it can work.
type PeerTargets interface {
	HasPeers(config Ref) bool
}

// HasPeers reports whether s can list the peers of config: s says so
// through PeerTargets; a source that does not say is asked anyway.
func HasPeers(s PeerSource, config Ref) bool {
	if s == nil {
		return false
	}
	if t, ok := s.(PeerTargets); ok {
		return t.HasPeers(config)
	}
	return true
}
