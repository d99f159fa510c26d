package model

import "context"

// Capacity is how much of one server plan a location can still deploy, as
// the provider grades it.
type Capacity struct {
	Provider string
	Location string // facility or metro code ("sjc1")
	Plan     string // plan slug ("c3.small.x86")
	Level    string // provider's level, verbatim ("normal", "limited", "unavailable")
	// Available and Total count servers when the provider says so; -1 = not reported.
	Available, Total int
}

// EventSource lists a provider's events about one object (a device, a
// project), newest first; the zero Ref asks for every event in scope.
type EventSource interface {
	Events(ctx context.Context, about Ref) ([]Event, error)
}

// CapacitySource reports deployable capacity per location and plan.
type CapacitySource interface {
	Capacity(ctx context.Context) ([]Capacity, error)
}
