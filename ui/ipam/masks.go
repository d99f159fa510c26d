package ipam

import (
	"strconv"
	"strings"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/text"
)

// maskCols: PREFIX TOTAL ASSIGNED HOLDING AVAILABLE USED(bar pct).
const maskSideW = 66

// maskLinesOf renders one family's mask report as table lines of width w.
func (p *Pane) maskLinesOf(f model.MaskFamily, w int) []string {
	st := p.ctx.Styles
	barW := max(min(w-54, 12), 4)
	head := st.Bold.Render(text.Clean(f.Family.Label()) + " by prefix length")
	if f.Unit != "" {
		head += st.Dim.Render(" · " + text.Clean(f.Unit))
	}
	lines := []string{text.Truncate(head, w)}
	hdr := text.Fit("PREFIX", 6, false) + text.Fit("TOTAL", 10, true) + text.Fit("ASSIGNED", 10, true) +
		text.Fit("HOLDING", 9, true) + text.Fit("AVAILABLE", 10, true) + "  " + text.Fit("USED", barW+7, false)
	lines = append(lines, st.HeaderRow.Wrap(text.Truncate(hdr, w)))
	row := func(label string, r model.MaskRow, bold bool) string {
		used := r.AssignedPct + r.HoldingPct
		if used == 0 && !r.Total.IsZero() {
			used = model.Percent(r.Assigned.Add(r.Holding), r.Total)
		}
		var b strings.Builder
		b.WriteString(text.Fit(label, 6, false))
		b.WriteString(text.Fit(Count(r.Total), 10, true))
		b.WriteString(text.Fit(Count(r.Assigned), 10, true))
		b.WriteString(text.Fit(Count(r.Holding), 9, true))
		b.WriteString(text.Fit(Count(r.Available), 10, true))
		b.WriteString("  ")
		line := b.String()
		bar := sharePaint(st, used/100, p.threshold).Wrap(Bar(used/100, barW)) + " " + text.Fit(Pct(used), 6, true)
		if bold {
			return st.Bold.Render(line) + bar
		}
		return line + bar
	}
	for _, r := range f.Prefixes {
		lines = append(lines, text.Truncate(row("/"+itoa(r.Mask), r, false), w))
	}
	lines = append(lines, text.Truncate(row("all", f.Totals, true), w))
	return lines
}

func itoa(n int) string {
	if n < 0 {
		return "-"
	}
	return strconv.Itoa(n)
}

// refreshMasks re-renders the mask report when its data or the width
// changed; View only slices the cached lines.
func (p *Pane) refreshMasks() {
	r := masksOf(p.ctx, p.Provider())
	if r == p.maskSrc && p.maskW == p.w {
		return
	}
	p.maskSrc, p.maskW = r, p.w
	p.maskLines = nil
	if r == nil {
		return
	}
	v4, ok4 := r.Family(model.IPv4)
	v6, ok6 := r.Family(model.IPv6)
	var l, rt []string
	if ok4 {
		l = p.maskLinesOf(v4, min(maskSideW, p.w))
	}
	if ok6 {
		rt = p.maskLinesOf(v6, min(maskSideW, p.w))
	}
	if ok4 && ok6 && p.w >= 2*maskSideW+3 {
		// Side by side.
		n := max(len(l), len(rt))
		for i := 0; i < n; i++ {
			a, b := "", ""
			if i < len(l) {
				a = l[i]
			}
			if i < len(rt) {
				b = rt[i]
			}
			p.maskLines = append(p.maskLines, text.PadRight(a, maskSideW)+"   "+b)
		}
	} else {
		p.maskLines = append(p.maskLines, l...)
		if ok4 && ok6 {
			p.maskLines = append(p.maskLines, "")
		}
		p.maskLines = append(p.maskLines, rt...)
	}
	p.clampMasks()
}

func (p *Pane) clampMasks() {
	rows := p.bodyHeight()
	p.maskOffset = max(min(p.maskOffset, len(p.maskLines)-rows), 0)
}

func (p *Pane) masksView() string {
	if p.maskSrc == nil {
		return p.stateNote(ResMasks, "mask report")
	}
	if len(p.maskLines) == 0 {
		return p.ctx.Styles.Dim.Render("  The mask report is empty.")
	}
	rows := p.bodyHeight()
	end := min(p.maskOffset+rows, len(p.maskLines))
	out := p.maskLines[p.maskOffset:end]
	if s := p.staleNote(ResMasks); s != "" && rows > 1 {
		return s + "\n" + strings.Join(out[:min(len(out), rows-1)], "\n")
	}
	return strings.Join(out, "\n")
}
