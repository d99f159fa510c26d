package ipam

import (
	"fmt"
	"strings"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/text"
)

// holdingChrome is the lines above the holding table: message, preview
// note, header.
const holdingChrome = 3

func (p *Pane) holdingRows() int { return max(p.bodyHeight()-holdingChrome, 1) }

func (p *Pane) clampHolding() {
	h := holdingOf(p.ctx, p.Provider())
	n := 0
	if h != nil {
		n = len(h.Blocks)
	}
	rows := p.holdingRows()
	p.holdCursor = min(max(p.holdCursor, 0), max(n-1, 0))
	if p.holdCursor < p.holdOffset {
		p.holdOffset = p.holdCursor
	}
	if p.holdCursor >= p.holdOffset+rows {
		p.holdOffset = p.holdCursor - rows + 1
	}
	p.holdOffset = max(min(p.holdOffset, n-rows), 0)
}

func (p *Pane) holdingView() string {
	st := p.ctx.Styles
	h := holdingOf(p.ctx, p.Provider())
	if h == nil {
		return p.stateNote(ResHolding, "holding tank preview")
	}
	loc := p.ctx.Now().Location()
	var lines []string
	msg := strings.TrimSpace(h.Message)
	if msg == "" {
		msg = fmt.Sprintf("%d blocks would be moved to the available pool.", len(h.Blocks))
	}
	lines = append(lines, st.Bold.Render(text.Truncate("Preview: "+text.Clean(msg), p.w)))
	note := fmt.Sprintf("previewed %s (preview=true: nothing changed) · fingerprint %s", h.At.In(loc).Format("15:04:05"), text.Clean(h.Fingerprint))
	if len(h.Blocks) > 0 {
		note += " · P processes exactly these, after a confirming preview"
	}
	if s := p.staleNote(ResHolding); s != "" {
		lines = append(lines, s)
	} else {
		lines = append(lines, st.Dim.Render(text.Truncate(note, p.w)))
	}
	hdr := "  " + text.Fit("BLOCK", 26, false) + "  " + text.Fit("FAMILY", 6, false) + "  " + text.Fit("REGION", 6, false) + "  " +
		text.Fit("RIR", 7, false) + "  " + text.Fit("HELD SINCE", 16, false) + "  TAGS"
	lines = append(lines, st.HeaderRow.Wrap(text.Truncate(hdr, p.w)))
	if len(h.Blocks) == 0 {
		lines = append(lines, st.Dim.Render("  Nothing is due: no held block has finished its hold period."))
		return strings.Join(lines, "\n")
	}
	rows := p.holdingRows()
	for i := p.holdOffset; i < len(h.Blocks) && i < p.holdOffset+rows; i++ {
		b := &h.Blocks[i]
		since := "-"
		if t := heldSince(b); !t.IsZero() {
			since = t.In(loc).Format("2006-01-02 15:04")
		}
		line := text.Fit(b.CIDR(), 26, false) + "  " + text.Fit(text.Clean(b.Family.Label()), 6, false) + "  " + text.Fit(text.Clean(b.Region), 6, false) + "  " +
			text.Fit(text.Clean(b.RIR), 7, false) + "  " + text.Fit(since, 16, false) + "  " + text.Clean(strings.Join(b.Tags, ","))
		if i == p.holdCursor {
			lines = append(lines, st.Selected.Wrap(text.PadRight(text.Truncate("> "+line, p.w), p.w)))
		} else {
			lines = append(lines, text.Truncate("  "+line, p.w))
		}
	}
	return strings.Join(lines, "\n")
}

func heldSince(b *model.Block) time.Time {
	if !b.UpdatedAt.IsZero() {
		return b.UpdatedAt
	}
	return b.AssignedAt
}
