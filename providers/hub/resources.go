package hub

import (
	"context"
	"reflect"

	"github.com/noctop/noctop/model"
)

// addResources creates the resources of one source from its capabilities.
func (h *Hub) addResources(s model.Source) {
	name := s.Name
	key := func(res string) model.ResourceKey { return model.ResourceKey{Provider: name, Resource: res} }
	if s.Connections != nil {
		r := newConnResource(h, key(model.ResConnections), s)
		h.conns[name] = r
		h.add(&r.core)
	}
	if s.Inventory != nil {
		src := s.Inventory
		r := newResource(key(model.ResInventory), func(ctx context.Context, p *model.Progress) ([]model.Node, error) {
			ns, err := src.Inventory(ctx, p)
			fillNodeProvider(ns, name)
			return ns, err
		}, deepEqual[[]model.Node])
		h.inv[name] = r
		h.add(&r.core)
	}
	if s.IPAM == nil {
		return
	}
	ipam := s.IPAM
	blocks := newResource(key(model.ResIPAMBlocks), func(ctx context.Context, p *model.Progress) (*model.BlockSet, error) {
		bs, err := ipam.Blocks(ctx, model.BlockQuery{}, p)
		if err != nil && !model.IsPartial(err) {
			return nil, err
		}
		for i := range bs {
			bs[i].Provider = name
		}
		// The tree is built here, in the fetch goroutine, never by a reader.
		return model.NewBlockSet(name, bs), err
	}, sameBlocks)
	util := newResource(key(model.ResIPAMUtilization), func(ctx context.Context, _ *model.Progress) (model.Utilizations, error) {
		v4, err := ipam.Utilization(ctx, model.UtilQuery{Family: model.IPv4})
		if err != nil {
			return model.Utilizations{}, err
		}
		v6, err := ipam.Utilization(ctx, model.UtilQuery{Family: model.IPv6})
		if err != nil {
			return model.Utilizations{}, err
		}
		return model.Utilizations{V4: v4, V6: v6}, nil
	}, deepEqual[model.Utilizations])
	masks := newResource(key(model.ResIPAMMasks), func(ctx context.Context, _ *model.Progress) (model.MaskReport, error) {
		return ipam.MaskReport(ctx, model.MaskQuery{})
	}, deepEqual[model.MaskReport])
	hold := newResource(key(model.ResIPAMHolding), func(ctx context.Context, _ *model.Progress) (model.HoldingPreview, error) {
		return ipam.HoldingTank(ctx)
	}, deepEqual[model.HoldingPreview])
	h.blocks[name], h.util[name], h.masks[name], h.hold[name] = blocks, util, masks, hold
	h.add(&blocks.core)
	h.add(&util.core)
	h.add(&masks.core)
	h.add(&hold.core)
}

// deepEqual compares two results of a fetch (in the fetch goroutine).
func deepEqual[T any](a, b T) bool { return reflect.DeepEqual(a, b) }

// sameBlocks compares two block listings (the tree is built from them).
func sameBlocks(a, b *model.BlockSet) bool {
	return a != nil && b != nil && reflect.DeepEqual(a.List, b.List)
}

// fillNodeProvider names the provider on every node that lacks it.
func fillNodeProvider(ns []model.Node, name string) {
	for i := range ns {
		if ns[i].Ref.Provider == "" {
			ns[i].Ref.Provider = name
		}
		fillNodeProvider(ns[i].Children, name)
	}
}

// isIPAM reports whether k is one of the IPAM resources.
func isIPAM(k model.ResourceKey) bool {
	switch k.Resource {
	case model.ResIPAMBlocks, model.ResIPAMUtilization, model.ResIPAMMasks, model.ResIPAMHolding:
		return true
	}
	return false
}

// Connections is provider's connection listing.
func (h *Hub) Connections(provider string) (model.Feed[[]model.Connection], bool) {
	if r, ok := h.conns[provider]; ok {
		return feed[[]model.Connection]{&r.resource}, true
	}
	return nil, false
}

// Inventory is provider's inventory tree.
func (h *Hub) Inventory(provider string) (model.Feed[[]model.Node], bool) {
	return feedOf(h.inv, provider)
}

// Blocks is provider's IPAM block listing with its tree.
func (h *Hub) Blocks(provider string) (model.Feed[*model.BlockSet], bool) {
	return feedOf(h.blocks, provider)
}

// Utilization is provider's IPv4 and IPv6 utilization.
func (h *Hub) Utilization(provider string) (model.Feed[model.Utilizations], bool) {
	return feedOf(h.util, provider)
}

// Masks is provider's mask report.
func (h *Hub) Masks(provider string) (model.Feed[model.MaskReport], bool) {
	return feedOf(h.masks, provider)
}

// Holding is provider's holding tank preview.
func (h *Hub) Holding(provider string) (model.Feed[model.HoldingPreview], bool) {
	return feedOf(h.hold, provider)
}

// feedOf returns a typed feed, or a nil interface (never a typed nil).
func feedOf[T any](m map[string]*resource[T], provider string) (model.Feed[T], bool) {
	if r, ok := m[provider]; ok {
		return feed[T]{r}, true
	}
	return nil, false
}
