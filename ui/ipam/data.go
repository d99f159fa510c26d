package ipam

import (
	"cmp"
	"slices"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/pane"
)

// Hub resources of the pane (one each per IPAM provider).
const (
	ResBlocks      = model.ResIPAMBlocks
	ResUtilization = model.ResIPAMUtilization
	ResMasks       = model.ResIPAMMasks
	ResHolding     = model.ResIPAMHolding
)

// Blocks is a fetched block listing with its tree and per-pool use, built
// by the hub in its fetch goroutine so that Update never spends time on it.
type Blocks = model.BlockSet

// NewBlocks builds the tree of a listing.
func NewBlocks(provider string, bs []model.Block) *Blocks { return model.NewBlockSet(provider, bs) }

// Utilization holds both families' host utilization reports.
type Utilization = model.Utilizations

// Key is the hub key of one of provider's IPAM resources.
func Key(provider, resource string) model.ResourceKey { return pane.Key(provider, resource) }

// Keys are the four IPAM resources of every source that has one.
func Keys(ctx *pane.Context) []model.ResourceKey {
	var out []model.ResourceKey
	for _, s := range ctx.Sources {
		if s.IPAM == nil {
			continue
		}
		for _, r := range []string{ResBlocks, ResUtilization, ResMasks, ResHolding} {
			out = append(out, Key(s.Name, r))
		}
	}
	return out
}

// The pane's reads of the hub, typed (pane/data.go is the seam).

func status(ctx *pane.Context, provider, res string) (pane.Status, bool) {
	return ctx.StatusOf(Key(provider, res))
}

func blocksOf(ctx *pane.Context, provider string) *Blocks { return ctx.BlocksOf(provider) }

func utilOf(ctx *pane.Context, provider string) *Utilization { return ctx.UtilizationOf(provider) }

func masksOf(ctx *pane.Context, provider string) *model.MaskReport { return ctx.MasksOf(provider) }

func holdingOf(ctx *pane.Context, provider string) *model.HoldingPreview {
	return ctx.HoldingOf(provider)
}

// RegionUse is the use of one region's pools of one family.
type RegionUse struct {
	Region   string
	Name     string
	Family   model.IPFamily
	RIRs     []string
	Pools    int     // aggregates
	Above    int     // aggregates at or above the threshold
	Used     float64 // addresses used
	Size     float64 // addresses in the pools
	Fullest  int32   // the pool with the highest share
	MaxShare float64
}

// Share is the region's used fraction.
func (r RegionUse) Share() float64 {
	if r.Size <= 0 {
		return 0
	}
	return r.Used / r.Size
}

// Regions sums the pools per region and family, fullest first.
func Regions(b *Blocks, threshold float64) []RegionUse {
	if b == nil {
		return nil
	}
	type key struct {
		region string
		fam    model.IPFamily
	}
	idx := map[key]int{}
	var out []RegionUse
	for _, r := range b.Pools {
		blk := b.Tree.Block(r)
		k := key{blk.Region, blk.Family}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, RegionUse{Region: blk.Region, Name: blk.RegionName, Family: blk.Family, Fullest: r, MaxShare: -1})
		}
		ru := &out[i]
		ru.Pools++
		share := b.Tree.UsedShare(r)
		if share*100 >= threshold {
			ru.Above++
		}
		if share > ru.MaxShare {
			ru.MaxShare, ru.Fullest = share, r
		}
		ru.Used += b.Tree.UsedAddrs(r)
		ru.Size += sizeOf(blk)
		if blk.RIR != "" && !slices.Contains(ru.RIRs, blk.RIR) {
			ru.RIRs = append(ru.RIRs, blk.RIR)
		}
	}
	slices.SortStableFunc(out, func(a, b RegionUse) int {
		if c := cmp.Compare(b.Share(), a.Share()); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Region, b.Region); c != 0 {
			return c
		}
		return cmp.Compare(a.Family, b.Family)
	})
	return out
}

// sizeOf is the number of addresses of b, as a float.
func sizeOf(b *model.Block) float64 {
	return b.Size().Float64()
}

// hotPools counts aggregates at or above threshold (percent).
func hotPools(b *Blocks, threshold float64) int {
	if b == nil {
		return 0
	}
	n := 0
	for _, r := range b.Pools {
		if b.Tree.UsedShare(r)*100 >= threshold {
			n++
		}
	}
	return n
}
