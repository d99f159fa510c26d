package metal

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/noctop/noctop/model"
)

// Events returns the event log of an interconnection, a port or a virtual
// circuit, newest first. ref.Type is RefInterconnection, RefPort or
// RefVirtualCircuit; a connection row's Ref ("connection") is resolved
// through the last listing (both interconnections and VCs are rows), and
// an unknown id is tried as a VC, then as an interconnection. A port's
// interconnection comes from the last listing.
func (p *Provider) Events(ctx context.Context, ref model.Ref) ([]model.Event, error) {
	if !validID.MatchString(ref.ID) {
		return nil, fmt.Errorf("%w: metal: invalid id %q (want a UUID)", model.ErrNotFound, truncate(ref.ID, 60))
	}
	typ := ref.Type
	switch typ {
	case RefOrganization, RefProject, RefServiceToken:
		// Not tried as a VC and an interconnection: the API has no such
		// log, and two 404s would read as "the object does not exist".
		return nil, fmt.Errorf("%w: metal keeps events per interconnection, port and virtual circuit, not per %s", model.ErrUnsupported, typ)
	}
	var portConn string
	p.mu.Lock()
	if ix := p.ix; ix != nil {
		switch {
		case typ == RefPort:
			if e, ok := ix.portConn[ref.ID]; ok {
				portConn = e.ic.ID
			}
		case typ != RefInterconnection && typ != RefVirtualCircuit:
			if _, ok := ix.vcByID[ref.ID]; ok {
				typ = RefVirtualCircuit
			} else if _, ok := ix.connByID[ref.ID]; ok {
				typ = RefInterconnection
			}
		}
	}
	p.mu.Unlock()

	var (
		evs []Event
		err error
	)
	switch typ {
	case RefInterconnection:
		evs, err = p.client.ListInterconnectionEvents(ctx, ref.ID)
	case RefVirtualCircuit:
		evs, err = p.client.ListVirtualCircuitEvents(ctx, ref.ID)
	case RefPort:
		if portConn == "" {
			return nil, errorf("port %s is not loaded: refresh the list first", ref.ID)
		}
		evs, err = p.client.ListInterconnectionPortEvents(ctx, portConn, ref.ID)
	default:
		evs, err = p.client.ListVirtualCircuitEvents(ctx, ref.ID)
		if errors.Is(err, model.ErrNotFound) {
			typ = RefInterconnection
			evs, err = p.client.ListInterconnectionEvents(ctx, ref.ID)
		} else {
			typ = RefVirtualCircuit
		}
	}
	var partial *model.Incomplete
	if err != nil && !errors.As(err, &partial) {
		return nil, err
	}
	out := make([]model.Event, 0, len(evs))
	r := model.Ref{Provider: p.name, Type: typ, ID: ref.ID, Name: ref.Name}
	for _, e := range evs {
		out = append(out, eventToModel(p.name, e, r))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	return out, err // nil, or the *model.Incomplete of what is missing
}

func eventToModel(provider string, e Event, ref model.Ref) model.Event {
	return model.Event{
		Provider: provider,
		ID:       model.SafeText(e.ID),
		Type:     model.SafeText(e.Type),
		Body:     model.SafeText(firstNonEmpty(e.Interpolated, e.Body, e.Type)),
		At:       parseTime(e.CreatedAt),
		Ref:      ref,
	}
}
