package ipam

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/state"
)

// Shared-state resources of the pane (one entry per IPAM provider each).
const (
	ResBlocks      = pane.ResIPAMBlocks
	ResUtilization = "ipam-utilization"
	ResMasks       = "ipam-masks"
	ResHolding     = "ipam-holding"
)

// blocksEvery is the refresh interval of block listings, which can be
// large: they refresh no more often than this whatever the app interval.
const blocksEvery = time.Minute

// Blocks is a fetched block listing with its tree and per-pool use, built
// in the fetch goroutine so that Update never spends time on it.
type Blocks struct {
	Provider string
	List     []model.Block
	Tree     *model.BlockTree
	// Pools are the top-level aggregates, in tree order.
	Pools []int32
}

// Listed is the listing (pane.BlockLister: other panes read blocks
// through it).
func (b *Blocks) Listed() []model.Block { return b.List }

// NewBlocks builds the tree of a listing.
func NewBlocks(provider string, bs []model.Block) *Blocks {
	for i := range bs {
		if bs[i].Provider == "" {
			bs[i].Provider = provider
		}
	}
	t := model.BuildBlockTree(bs)
	return &Blocks{Provider: provider, List: bs, Tree: t, Pools: t.Roots()}
}

// Utilization holds both families' host utilization reports.
type Utilization struct {
	V4, V6 model.Utilization
}

// Family returns the report of f.
func (u *Utilization) Family(f model.IPFamily) model.Utilization {
	if f == model.IPv6 {
		return u.V6
	}
	return u.V4
}

// Key is the state key of one of provider's IPAM resources.
func Key(provider, resource string) state.Key { return pane.Key(provider, resource) }

// Specs registers the four IPAM resources of every source that has one.
func Specs(ctx *pane.Context) []state.Spec {
	var out []state.Spec
	for _, s := range ctx.Sources {
		if s.IPAM == nil {
			continue
		}
		src, name := s.IPAM, s.Name
		out = append(out,
			state.Spec{Key: Key(name, ResBlocks), Every: max(blocksEvery, ctx.Interval()), Fetch: func(c context.Context, p *model.Progress) (any, error) {
				bs, err := src.Blocks(c, model.BlockQuery{}, p)
				if err != nil && !state.Partial(err) {
					return nil, err
				}
				return NewBlocks(name, bs), err
			}},
			state.Spec{Key: Key(name, ResUtilization), Fetch: func(c context.Context, _ *model.Progress) (any, error) {
				v4, err := src.Utilization(c, model.UtilQuery{Family: model.IPv4})
				if err != nil {
					return nil, err
				}
				v6, err := src.Utilization(c, model.UtilQuery{Family: model.IPv6})
				if err != nil {
					return nil, err
				}
				return &Utilization{V4: v4, V6: v6}, nil
			}},
			state.Spec{Key: Key(name, ResMasks), Fetch: func(c context.Context, _ *model.Progress) (any, error) {
				r, err := src.MaskReport(c, model.MaskQuery{})
				if err != nil {
					return nil, err
				}
				return &r, nil
			}},
			state.Spec{Key: Key(name, ResHolding), Fetch: func(c context.Context, _ *model.Progress) (any, error) {
				h, err := src.HoldingTank(c)
				if err != nil {
					return nil, err
				}
				return &h, nil
			}},
		)
	}
	return out
}

// The pane's reads of the shared state, typed (pane.Data is the seam).

func status(ctx *pane.Context, provider, res string) (pane.Status, bool) {
	return ctx.StatusOf(Key(provider, res))
}

func blocksOf(ctx *pane.Context, provider string) *Blocks {
	b, _ := pane.Data[*Blocks](ctx, Key(provider, ResBlocks))
	return b
}

func utilOf(ctx *pane.Context, provider string) *Utilization {
	u, _ := pane.Data[*Utilization](ctx, Key(provider, ResUtilization))
	return u
}

func masksOf(ctx *pane.Context, provider string) *model.MaskReport {
	m, _ := pane.Data[*model.MaskReport](ctx, Key(provider, ResMasks))
	return m
}

func holdingOf(ctx *pane.Context, provider string) *model.HoldingPreview {
	h, _ := pane.Data[*model.HoldingPreview](ctx, Key(provider, ResHolding))
	return h
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
