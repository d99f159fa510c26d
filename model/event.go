package model

import "time"

// Event is one entry of a provider's event log for an object (Equinix
// Metal keeps one per interconnection, port and virtual circuit): what
// happened, when, and to what. Provider text is sanitised on the way in.
type Event struct {
	Provider string // provider instance name
	ID       string
	Type     string // the provider's event type ("virtual_circuit.activated" ...)
	Body     string // what happened, as the provider words it
	At       time.Time
	Ref      Ref // the object whose events these are
}
