package model

// Source is one configured provider as the UI sees it: its identity and the
// capabilities it has (nil means not supported). The registry builds it once
// by type assertion on the provider and wraps Runner with the audit log and
// the read-only guard, so the UI cannot reach an unguarded runner.
type Source struct {
	Name string
	Kind string
	// ReadOnly is true when no mutation of this provider will be sent
	// (--read-only, the provider's read_only, or no audit log): the
	// registry's guard refuses them, and the UI offers none.
	ReadOnly    bool
	Connections ConnectionSource
	Connection  ConnectionReader
	Inventory   InventorySource
	Planner     ActionPlanner
	Runner      ActionRunner
	Verifier    ActionVerifier // reconciles unknown outcomes (used by the audit wrapper)
	Stats       StatsSource
	Peers       PeerSource
	IPAM        IPAMSource
	Landing     LandingPortSource
	Changes     ConnectionChangeSource // lists only what changed (incremental refresh)
	Events      EventSource
	Capacity    CapacitySource // deployable capacity per location and plan (Packet)
}

// SourceOf discovers p's capabilities by type assertion.
func SourceOf(p Provider) Source {
	s := Source{Name: p.Name(), Kind: p.Kind()}
	s.Connections, _ = p.(ConnectionSource)
	s.Connection, _ = p.(ConnectionReader)
	s.Inventory, _ = p.(InventorySource)
	s.Planner, _ = p.(ActionPlanner)
	s.Runner, _ = p.(ActionRunner)
	s.Verifier, _ = p.(ActionVerifier)
	s.Stats, _ = p.(StatsSource)
	s.Peers, _ = p.(PeerSource)
	s.IPAM, _ = p.(IPAMSource)
	s.Landing, _ = p.(LandingPortSource)
	s.Changes, _ = p.(ConnectionChangeSource)
	s.Events, _ = p.(EventSource)
	s.Capacity, _ = p.(CapacitySource)
	return s
}
