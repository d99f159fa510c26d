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
