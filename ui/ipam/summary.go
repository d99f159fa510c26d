package ipam

import (
	"fmt"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/text"
)

// utilLines renders one family's utilization: the total, then its shares
// (assigned, available, in holding: they add up to the whole) with bars and
// percentages, and what of the assigned space is allocated, as a part of
// it. Every figure is exact.
func (p *Pane) utilLines(u model.Utilization, width int) []string {
	st := p.ctx.Styles
	const labelW, pctW = 11, 7
	countW := 10
	for _, n := range []model.Hosts{u.Total, u.Assigned, u.Allocated, u.Available, u.Holding} {
		countW = max(countW, text.Width(Exact(n)))
	}
	barW := max(min(width-labelW-countW-pctW-3, 30), 5)
	head := st.Bold.Render(text.Clean(u.Family.Label()))
	if u.Unit != "" {
		head += st.Dim.Render(" · " + text.Clean(u.Unit))
	}
	used := u.AssignedPct + u.HoldingPct
	if used >= p.threshold {
		head += "  " + st.Warn.Render(fmt.Sprintf("▲ %s used", Pct(used)))
	} else {
		head += "  " + st.Dim.Render(fmt.Sprintf("%s used", Pct(used)))
	}
	lines := []string{text.Truncate(head, width)}
	row := func(label string, n model.Hosts, pct float64, bar bool) {
		var b strings.Builder
		b.WriteString(st.Dim.Render(text.Fit(label, labelW, false)))
		b.WriteByte(' ')
		b.WriteString(text.Fit(Exact(n), countW, true))
		if bar {
			b.WriteByte(' ')
			paint := sharePaint(st, used/100, p.threshold)
			if label != "Assigned" {
				paint = st.DimPaint
			}
			b.WriteString(paint.Wrap(Bar(pct/100, barW)))
			b.WriteByte(' ')
			b.WriteString(text.Fit(Pct(pct), pctW, true))
		}
		lines = append(lines, text.Truncate(b.String(), width))
	}
	row("Total", u.Total, 0, false)
	row("Assigned", u.Assigned, u.AssignedPct, true)
	// Allocated is part of Assigned in the data: a share of it, not a
	// share of its own next to the others.
	part := "none assigned"
	if a := u.Assigned.Float64(); a > 0 {
		part = Pct(100*u.Allocated.Float64()/a) + " of assigned"
	}
	lines = append(lines, text.Truncate(st.Dim.Render(text.Fit("└ allocated", labelW, false))+" "+
		text.Fit(Exact(u.Allocated), countW, true)+" "+st.Dim.Render("("+part+")"), width))
	row("Available", u.Available, u.AvailablePct, true)
	row("In holding", u.Holding, u.HoldingPct, true)
	return lines
}

// summaryTop is the utilization block: both families side by side when
// there is room, stacked otherwise.
func (p *Pane) summaryTop() []string {
	u := utilOf(p.ctx, p.Provider())
	if u == nil {
		return []string{p.stateNote(ResUtilization, "host utilization")}
	}
	var out []string
	if s := p.staleNote(ResUtilization); s != "" {
		out = append(out, s)
	}
	const minCol = 44
	if p.w >= 2*minCol+3 {
		colW := min((p.w-3)/2, 64)
		l, r := p.utilLines(u.V4, colW), p.utilLines(u.V6, colW)
		for i := range l {
			out = append(out, text.PadRight(l[i], colW)+"   "+r[i])
		}
		return out
	}
	out = append(out, p.utilLines(u.V4, p.w)...)
	out = append(out, "")
	return append(out, p.utilLines(u.V6, p.w)...)
}

func (p *Pane) regionRows() int {
	return max(p.bodyHeight()-len(p.summaryTop())-3, 1)
}

func (p *Pane) clampRegions() {
	n := len(p.regions)
	rows := p.regionRows()
	p.regCursor = min(max(p.regCursor, 0), max(n-1, 0))
	if p.regCursor < p.regOffset {
		p.regOffset = p.regCursor
	}
	if p.regCursor >= p.regOffset+rows {
		p.regOffset = p.regCursor - rows + 1
	}
	p.regOffset = max(min(p.regOffset, n-rows), 0)
}

func (p *Pane) summaryView() string {
	st := p.ctx.Styles
	lines := p.summaryTop()
	lines = append(lines, "")
	th := strconv.FormatFloat(p.threshold, 'f', -1, 64)
	if p.regSrc == nil {
		lines = append(lines, p.stateNote(ResBlocks, "blocks"))
		return strings.Join(lines, "\n")
	}
	hot := 0
	for _, r := range p.regions {
		if r.Above > 0 {
			hot++
		}
	}
	title := st.Bold.Render("Regions by use")
	if hot > 0 {
		title += "  " + st.Warn.Render(fmt.Sprintf("▲ %d region/famil%s with pools ≥%s%%", hot, pluralY(hot), th))
	}
	title += st.Dim.Render("  · enter: browse the region's blocks")
	lines = append(lines, text.Truncate(title, p.w))
	nameW := 14
	if p.w < 90 {
		nameW = 0 // narrow: the code says enough
	}
	hdr := "  " + text.Fit("REGION", 6, false) + "  " + fitOpt("NAME", nameW) + text.Fit("FAMILY", 6, false) + "  " +
		text.Fit("RIR", 13, false) + "  " + text.Fit("POOLS", 5, true) + "  " + text.Fit("≥"+th+"%", 5, true) + "  USED"
	lines = append(lines, st.HeaderRow.Wrap(text.Truncate(hdr, p.w)))
	barW := 12
	rows := p.regionRows()
	for i := p.regOffset; i < len(p.regions) && i < p.regOffset+rows; i++ {
		r := p.regions[i]
		share := r.Share()
		mark := "  "
		if i == p.regCursor {
			mark = "> "
		}
		var b strings.Builder
		b.WriteString(mark)
		b.WriteString(text.Fit(text.Clean(r.Region), 6, false) + "  ")
		b.WriteString(fitOpt(text.Clean(r.Name), nameW))
		b.WriteString(text.Fit(text.Clean(r.Family.Label()), 6, false) + "  ")
		b.WriteString(text.Fit(text.Clean(strings.Join(r.RIRs, ",")), 13, false) + "  ")
		b.WriteString(text.Fit(strconv.Itoa(r.Pools), 5, true) + "  ")
		above := ""
		if r.Above > 0 {
			above = strconv.Itoa(r.Above)
		}
		b.WriteString(text.Fit(above, 5, true) + "  ")
		line := b.String()
		bar := Bar(share, barW) + " " + text.Fit(Pct(share*100), 6, true) + " " + hotMark(r.MaxShare, p.threshold)
		if i == p.regCursor {
			lines = append(lines, st.Selected.Wrap(text.PadRight(text.Truncate(line+bar, p.w), p.w)))
			continue
		}
		lines = append(lines, text.Truncate(line+sharePaint(st, share, p.threshold).Wrap(bar), p.w))
	}
	if len(p.regions) == 0 {
		lines = append(lines, st.Dim.Render("  no aggregates"))
	}
	return strings.Join(lines, "\n")
}

func pluralY(n int) string {
	if n == 1 {
		return "y"
	}
	return "ies"
}

// browseRegion shows the selected region's pools in the block browser,
// the fullest one selected: from there F drills down to the fullest block.
func (p *Pane) browseRegion() tea.Cmd {
	if p.regCursor >= len(p.regions) {
		return nil
	}
	r := p.regions[p.regCursor]
	q := "family==" + string(r.Family)
	if r.Region != "" {
		q = "region==" + strings.ToLower(r.Region) + " " + q
	}
	p.FilterBlocks(q)
	if t := p.br.tree(); t != nil {
		p.br.selectID(t.Block(r.Fullest).ID)
	}
	return nil
}

// fitOpt fits s in w cells plus the column gap; w 0 drops the column.
func fitOpt(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return text.Fit(s, w, false) + "  "
}
