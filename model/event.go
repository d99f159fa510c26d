package model

import "time"

// Event is one entry of a provider's event log (a device powered off, a
// BGP session went down ...). Body is the human text, already
// interpolated; Ref is the object the event is about.
type Event struct {
	Provider, ID, Type, Body string
	At                       time.Time
	Ref                      Ref
}
