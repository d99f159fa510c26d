package ipam

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/text"
	"github.com/noctop/noctop/ui/styles"
)

// detailLines is the height of the block details panel.
const detailLines = 7

// blockCols is the browser's column layout for one width.
type blockCols struct {
	tree, status, bar, region, rir, vlan, rest int
}

func (p *Pane) blockLayout() blockCols {
	c := blockCols{status: 9, bar: 10, region: 5, rir: 7, vlan: 5}
	fixed := func() int {
		n := 2 + 2 + c.status + 2 + c.bar + 8
		for _, w := range []int{c.region, c.rir, c.vlan} {
			if w > 0 {
				n += w + 2
			}
		}
		return n
	}
	// Narrow terminals lose VLAN, RIR, then region before the tree shrinks.
	for _, drop := range []*int{&c.vlan, &c.rir, &c.region} {
		if p.w-fixed() >= 22+12 {
			break
		}
		*drop = 0
	}
	c.tree = min(max(p.w-fixed()-24, 22), 48)
	c.rest = max(p.w-fixed()-c.tree, 0)
	return c
}

// indent is the tree indentation of depth d: two cells per level for the
// first eight levels, one after that, at most 30 (IPv6 trees are deep).
func indent(d int) int {
	if d <= 8 {
		return 2 * d
	}
	return min(16+d-8, 30)
}

func (p *Pane) blocksHeader(c blockCols) string {
	var b strings.Builder
	b.WriteString("  ")
	b.WriteString(text.Fit("BLOCK", c.tree, false) + "  ")
	b.WriteString(text.Fit("STATUS", c.status, false) + "  ")
	b.WriteString(text.Fit("USED", c.bar+8, false))
	if c.region > 0 {
		b.WriteString("  " + text.Fit("REGN", c.region, false))
	}
	if c.rir > 0 {
		b.WriteString("  " + text.Fit("RIR", c.rir, false))
	}
	if c.vlan > 0 {
		b.WriteString("  " + text.Fit("VLAN", c.vlan, true))
	}
	if c.rest > 0 {
		b.WriteString("  " + text.Fit("RESOURCE · TAGS", c.rest-2, false))
	}
	return p.ctx.Styles.HeaderRow.Wrap(text.Truncate(b.String(), p.w))
}

// blockRow renders one visible row; it is the only per-row work View does.
func (p *Pane) blockRow(x int32, selected bool, c blockCols) string {
	st := p.ctx.Styles
	t := p.br.tree()
	blk := t.Block(x)
	var b strings.Builder
	if selected {
		b.WriteByte('>')
	} else {
		b.WriteByte(' ')
	}
	if p.newID != 0 && blk.ID == p.newID {
		b.WriteString("●")
	} else {
		b.WriteByte(' ')
	}
	glyph := "  "
	if len(t.Kids(x)) > 0 {
		if p.br.descend(x) {
			glyph = "▾ "
		} else {
			glyph = "▸ "
		}
	}
	cidr := blk.CIDR()
	if cidr == "" {
		cidr = "(no prefix) #" + strconv.FormatInt(blk.ID, 10)
	}
	b.WriteString(text.Fit(strings.Repeat(" ", indent(t.Depth(x)))+glyph+cidr, c.tree, false))
	b.WriteString("  ")
	paint := func(pt styles.Paint, s string) {
		if selected {
			b.WriteString(s)
			return
		}
		b.WriteString(pt.Wrap(s))
	}
	paint(statusPaint(st, blk.Status), text.Fit(text.Clean(string(blk.Status)), c.status, false))
	b.WriteString("  ")
	share := t.UsedShare(x)
	if blk.Status == model.BlockSplit {
		paint(sharePaint(st, share, p.threshold), Bar(share, c.bar)+" "+text.Fit(Pct(share*100), 6, true)+hotMark(share, p.threshold))
	} else {
		// A leaf is wholly used or free: its bar is a fact, not an alarm.
		paint(st.DimPaint, Bar(share, c.bar)+" "+text.Fit(Pct(share*100), 6, true)+" ")
	}
	if c.region > 0 {
		b.WriteString("  " + text.Fit(text.Clean(blk.Region), c.region, false))
	}
	if c.rir > 0 {
		b.WriteString("  " + text.Fit(text.Clean(blk.RIR), c.rir, false))
	}
	if c.vlan > 0 {
		v := ""
		if blk.VLAN > 0 {
			v = strconv.Itoa(blk.VLAN)
		}
		b.WriteString("  " + text.Fit(v, c.vlan, true))
	}
	if c.rest > 2 {
		rest := ""
		if blk.Status == model.BlockAssigned || blk.Status == model.BlockHolding {
			rest = blk.ResourceName
		}
		if len(blk.Tags) > 0 {
			if rest != "" {
				rest += " · "
			}
			rest += strings.Join(blk.Tags, ",")
		}
		b.WriteString("  " + text.Fit(text.Clean(rest), c.rest-2, false))
	}
	line := b.String()
	if selected {
		return st.Selected.Wrap(text.PadRight(text.Truncate(line, p.w), p.w))
	}
	return line
}

func (p *Pane) blocksView() string {
	st := p.ctx.Styles
	t := p.br.tree()
	if t == nil {
		return p.stateNote(ResBlocks, "blocks")
	}
	var b strings.Builder
	c := p.blockLayout()
	if s := p.staleNote(ResBlocks); s != "" {
		b.WriteString(s + "\n")
	}
	b.WriteString(p.blocksHeader(c))
	rows := p.br.window()
	if len(rows) == 0 {
		b.WriteByte('\n')
		if !p.br.filter.Empty() {
			b.WriteString(st.Dim.Render("  Nothing matches /" + text.Clean(p.br.filter.Query) + " — esc clears the filter."))
		} else {
			b.WriteString(st.Dim.Render("  No blocks."))
		}
	}
	for i, x := range rows {
		b.WriteByte('\n')
		b.WriteString(p.blockRow(x, p.br.offset+i == p.br.cursor, c))
	}
	if p.details {
		// Pad to the panel's position.
		for n := len(rows); n < p.br.height; n++ {
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
		b.WriteString(p.detailView())
	}
	return b.String()
}

// blocksInfo is the browser's one-line summary for the title.
func (p *Pane) blocksInfo() string {
	t := p.br.tree()
	if t == nil {
		return ""
	}
	info := fmt.Sprintf("%d blocks · %d pools", t.Len(), len(p.br.data.Pools))
	if n := hotPools(p.br.data, p.threshold); n > 0 {
		info += fmt.Sprintf(" · ▲%d ≥%s%%", n, strconv.FormatFloat(p.threshold, 'f', -1, 64))
	}
	if !p.br.filter.Empty() {
		info += fmt.Sprintf(" · %d match", p.br.matches)
	}
	if p.br.byUse {
		info += " · fullest first"
	}
	return info
}

// detailView describes the selected block in detailLines lines.
func (p *Pane) detailView() string {
	st := p.ctx.Styles
	blk := p.br.selectedBlock()
	lines := make([]string, 0, detailLines)
	if blk == nil {
		lines = append(lines, st.Dim.Render("── no block selected"))
	} else {
		x, _ := p.br.selected()
		t := p.br.tree()
		loc := p.ctx.Now().Location()
		who := string(blk.Status)
		if blk.Status == model.BlockAssigned || blk.Status == model.BlockHolding {
			who += " · " + blk.ResourceName + " (resource " + strconv.FormatInt(blk.ResourceID, 10) + ")"
		}
		title := fmt.Sprintf("── %s · id %d · %s ", blk.CIDR(), blk.ID, who)
		lines = append(lines, st.Bold.Render(text.Truncate(text.Clean(title)+strings.Repeat("─", max(p.w-text.Width(title), 0)), p.w)))
		first, last := "", ""
		if blk.Prefix.IsValid() {
			first = blk.Prefix.Addr().String()
			last = lastAddr(blk)
		}
		size := blk.Size()
		lines = append(lines, fmt.Sprintf("range %s – %s · %s addresses · %s · parent %s · top %s · %d children",
			first, last, Count(size), blk.Family.Label(), idOr(blk.Parent), idOr(blk.TopAggregate), len(t.Kids(x))))
		lines = append(lines, fmt.Sprintf("region %s%s · RIR %s · LIR %s · org %s · VLAN %s · ASN %s",
			dash(blk.Region), paren(blk.RegionName), dash(blk.RIR), idOr(blk.LIRID), dash(blk.OrgID), intOr(int64(blk.VLAN)), intOr(blk.ASN)))
		swip := "no"
		if blk.Swipped {
			swip = "yes"
		}
		lines = append(lines, fmt.Sprintf("tags %s · code %s · SWIP %s · is_aggregate %v", dash(strings.Join(blk.Tags, ", ")), dash(blk.Code), swip, blk.Leaf))
		lines = append(lines, fmt.Sprintf("assigned %s · updated %s", when(blk.AssignedAt, loc), when(blk.UpdatedAt, loc)))
		desc := strings.TrimSpace(blk.Description + " " + blk.Notes)
		lines = append(lines, "description "+dash(desc))
		lines = append(lines, fmt.Sprintf("used %s of this block · y copies %s", Pct(t.UsedShare(x)*100), blk.CIDR()))
	}
	for i := 1; i < len(lines); i++ {
		lines[i] = st.Dim.Render(text.Truncate(text.Clean(lines[i]), p.w))
	}
	for len(lines) < detailLines {
		lines = append(lines, "")
	}
	return strings.Join(lines[:detailLines], "\n")
}

func dash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

func idOr(id int64) string {
	if id == 0 {
		return "-"
	}
	return strconv.FormatInt(id, 10)
}

func intOr(n int64) string { return idOr(n) }

func lastAddr(b *model.Block) string {
	a := b.Prefix.Masked().Addr().AsSlice()
	host := len(a)*8 - b.Prefix.Bits()
	for i := len(a) - 1; i >= 0 && host > 0; i-- {
		if host >= 8 {
			a[i] = 0xff
			host -= 8
			continue
		}
		a[i] |= byte(1<<host - 1)
		host = 0
	}
	if ad, ok := netip.AddrFromSlice(a); ok {
		return ad.String()
	}
	return ""
}

func when(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(loc).Format("2006-01-02 15:04")
}
