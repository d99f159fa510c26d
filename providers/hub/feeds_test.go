package hub

import (
	"slices"
	"testing"

	"github.com/noctop/noctop/model"
)

// Resources follow capabilities; a missing one is a nil feed, not a typed
// nil; keys come in source order.
func TestFeedsPerCapability(t *testing.T) {
	full := newFake("full", 1)
	connOnly := model.Source{Name: "conns", Kind: "fake", Connections: newFake("conns", 1)}
	dup := newFake("full", 1).source() // a second source of the same name is left out
	h := newHub(t, Options{}, connOnly, full.source(), dup)
	want := []model.ResourceKey{
		h.key("conns", model.ResConnections),
		h.key("full", model.ResConnections), h.key("full", model.ResInventory),
		h.key("full", model.ResIPAMBlocks), h.key("full", model.ResIPAMUtilization),
		h.key("full", model.ResIPAMMasks), h.key("full", model.ResIPAMHolding),
	}
	if got := h.Keys(); !slices.Equal(got, want) {
		t.Fatalf("keys = %v", got)
	}
	if f, ok := h.Inventory("conns"); ok || f != nil {
		t.Errorf("inventory of a source without it: %v %v", f, ok)
	}
	if f, ok := h.Blocks("nope"); ok || f != nil {
		t.Errorf("blocks of an unknown provider: %v %v", f, ok)
	}
	if _, ok := h.Status(model.ResourceKey{Provider: "nope", Resource: model.ResConnections}); ok {
		t.Error("status of an unknown key")
	}
	if len(h.Sources()) != 3 || len(h.Summary().Providers) != 2 {
		t.Errorf("sources %d, summary providers %d", len(h.Sources()), len(h.Summary().Providers))
	}
	inv, _ := h.Inventory("full")
	defer inv.Want()()
	h.settle(t)
	if s := inv.Snapshot(); len(s.Data) != 1 || s.Data[0].Ref.Provider != "full" || s.Data[0].Children[0].Ref.Provider != "full" {
		t.Errorf("inventory = %+v", s.Data)
	}
	hf, _ := h.Holding("full")
	mf, _ := h.Masks("full")
	defer hf.Want()()
	defer mf.Want()()
	h.settle(t)
	if hf.Snapshot().Data.Fingerprint != "fp1" || len(mf.Snapshot().Data.Families) != 1 {
		t.Error("holding or masks not loaded")
	}
}
