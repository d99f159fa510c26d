package ipam

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/text"
	"github.com/noctop/noctop/ui/styles"
	"github.com/noctop/noctop/ui/widgets/vtable"
)

// Resource table columns.
const (
	colFamily = iota
	colName
	colID
	colHosts
	colBlocks
	colShare
)

var resourceColumns = []model.Column{
	{Name: "FAMILY"}, {Name: "RESOURCE"}, {Name: "ID", Kind: model.ColNumber},
	{Name: "HOSTS", Kind: model.ColNumber}, {Name: "BLOCKS", Kind: model.ColNumber}, {Name: "SHARE", Kind: model.ColNumber},
}

var resourceLayout = []vtable.Column{
	{Title: "FAMILY", Min: 6, Max: 6, Priority: 5},
	{Title: "RESOURCE", Min: 12, Max: 48, Flex: 3, Priority: 10},
	{Title: "ID", Min: 4, Max: 10, Priority: 3, Right: true},
	{Title: "HOSTS", Min: 6, Max: 12, Priority: 9, Right: true},
	{Title: "BLOCKS", Min: 6, Max: 8, Priority: 8, Right: true},
	{Title: "SHARE", Min: 24, Max: 30, Flex: 1, Priority: 7},
}

// hostsNum is a sortable int64 of a count (saturating).
func hostsNum(h model.Hosts) int64 {
	if h.Hi != 0 || h.Lo > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(h.Lo)
}

// fillResources turns both families' per-resource usage into table rows.
func (p *Pane) fillResources(u *Utilization) {
	var sel string
	if p.res.Len() > 0 {
		sel = p.res.At(p.resV.Cursor()).Key
	}
	var rows []*model.Row
	if u != nil {
		for _, rep := range []model.Utilization{u.V4, u.V6} {
			for i := range rep.Resources {
				r := &rep.Resources[i]
				cells := []string{text.Clean(rep.Family.Label()), text.Clean(r.Name), strconv.FormatInt(r.ID, 10), Count(r.Hosts), strconv.Itoa(r.Blocks), Pct(r.Percent)}
				nums := []int64{0, 0, r.ID, hostsNum(r.Hosts), int64(r.Blocks), int64(r.Percent * 1000)}
				rows = append(rows, model.NewRow(string(rep.Family)+"/"+strconv.FormatInt(r.ID, 10), cells, nums, r))
			}
		}
	}
	p.res.SetRows(rows)
	p.resV.SetContentWidths(vtable.ContentWidths(rows, len(resourceColumns)))
	p.resV.SetLen(p.res.Len())
	if i := p.res.Index(sel); sel != "" && i >= 0 {
		p.resV.SetCursor(i)
	}
}

// resDecor draws the SHARE column as a bar.
type resDecor struct{ p *Pane }

func (d resDecor) CellPaint(*model.Row, int) styles.Paint { return styles.Paint{} }
func (d resDecor) Marked(*model.Row) bool                 { return false }
func (d resDecor) Cell(r *model.Row, col int) string {
	if col == colShare {
		if ru, ok := r.Item.(*model.ResourceUsage); ok {
			w := d.p.resV.Widths()[colShare]
			return Bar(ru.Percent/100, max(w-8, 4)) + " " + text.Fit(Pct(ru.Percent), 6, true)
		}
	}
	return r.Cells[col]
}

func (p *Pane) resourcesView() string {
	if p.resSrc == nil {
		return p.stateNote(ResUtilization, "resources")
	}
	if p.res.Total() == 0 {
		return p.ctx.Styles.Dim.Render("  No resource holds assigned space.")
	}
	if p.res.Len() == 0 {
		return p.ctx.Styles.Dim.Render("  Nothing matches /" + text.Clean(p.res.Filter().Query) + " — esc clears the filter.")
	}
	return p.resV.View(p.res, resDecor{p})
}

// selectedResource is the resource under the table cursor.
func (p *Pane) selectedResource() *model.ResourceUsage {
	if p.view != ViewResources || p.res.Len() == 0 {
		return nil
	}
	r, _ := p.res.At(p.resV.Cursor()).Item.(*model.ResourceUsage)
	return r
}

// knownResources maps resource ids to names from the utilization report
// and the block listing, for resolving what the operator types.
func (p *Pane) knownResources() map[int64]string {
	out := map[int64]string{}
	if u := utilOf(p.ctx, p.Provider()); u != nil {
		for _, rep := range []model.Utilization{u.V4, u.V6} {
			for _, r := range rep.Resources {
				out[r.ID] = r.Name
			}
		}
	}
	if b := blocksOf(p.ctx, p.Provider()); b != nil {
		for i := range b.List {
			x := &b.List[i]
			if x.Status == model.BlockAssigned && x.ResourceID != 0 {
				if _, ok := out[x.ResourceID]; !ok {
					out[x.ResourceID] = x.ResourceName
				}
			}
		}
	}
	return out
}

// resolveResource turns "1003", "Bluepeak" or "bluepeak networks" into a
// resource id: an id, an exact name, or a unique name prefix/substring.
func resolveResource(known map[int64]string, in string) (int64, string, error) {
	in = strings.TrimSpace(in)
	if in == "" {
		return 0, "", errf("name the customer resource (id or name)")
	}
	if id, err := strconv.ParseInt(in, 10, 64); err == nil && id > 0 {
		return id, known[id], nil
	}
	low := strings.ToLower(in)
	var hits []int64
	for id, name := range known {
		if strings.EqualFold(name, in) {
			return id, name, nil
		}
		if strings.Contains(strings.ToLower(name), low) {
			hits = append(hits, id)
		}
	}
	slices.SortFunc(hits, func(a, b int64) int { return strings.Compare(known[a], known[b]) })
	switch len(hits) {
	case 0:
		return 0, "", errf("no known resource matches %q: type its id", in)
	case 1:
		return hits[0], known[hits[0]], nil
	}
	var names []string
	for i, id := range hits {
		if i == 3 {
			names = append(names, "…")
			break
		}
		names = append(names, known[id])
	}
	return 0, "", errf("%q matches %d resources (%s): be more precise or type the id", in, len(hits), strings.Join(names, ", "))
}
