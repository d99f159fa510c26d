package ipam

import (
	"math"
	"strconv"
	"strings"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/styles"
)

// eighths are the partial blocks of a bar cell, in eighths of a cell.
var eighths = []string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}

// Bar draws share (0..1) in width cells: full blocks, one partial block,
// then a light shade for the rest, in the progress-bar style of
// bubbles/progress (without its per-cell styling cost).
func Bar(share float64, width int) string {
	if width <= 0 {
		return ""
	}
	if share < 0 || math.IsNaN(share) {
		share = 0
	}
	if share > 1 {
		share = 1
	}
	units := int(math.Round(share * float64(width) * 8))
	full, part := units/8, units%8
	var b strings.Builder
	b.Grow(width * 3)
	b.WriteString(strings.Repeat("█", full))
	n := full
	if part > 0 && n < width {
		b.WriteString(eighths[part])
		n++
	}
	b.WriteString(strings.Repeat("░", width-n))
	return b.String()
}

// Pct formats a percentage with one decimal ("94.3%"); 100 and 0 are exact.
func Pct(p float64) string {
	switch {
	case p >= 100:
		return "100%"
	case p <= 0:
		return "0%"
	case p < 0.1:
		return "<0.1%"
	case p > 99.9:
		return ">99.9%"
	}
	return strconv.FormatFloat(p, 'f', 1, 64) + "%"
}

// Count formats a count for tables: grouped digits up to 9,999,999,
// compact (12.6M, 2^96) beyond.
func Count(h model.Hosts) string {
	if h.Hi == 0 && h.Lo < 10_000_000 {
		return group(h.Lo)
	}
	return h.Compact()
}

// Exact formats a count with grouped digits whatever its size (the
// summary's figures: 12,500,000, not 12.5M).
func Exact(h model.Hosts) string { return groupDigits(h.String()) }

func group(n uint64) string { return groupDigits(strconv.FormatUint(n, 10)) }

func groupDigits(s string) string {
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// sharePaint colours a use share: red from 95%, amber from the threshold.
func sharePaint(st *styles.Styles, share, threshold float64) styles.Paint {
	switch {
	case share*100 >= 95 && share*100 >= threshold:
		return st.ErrPaint
	case share*100 >= threshold:
		return st.Marker
	}
	return styles.Paint{}
}

// statusPaint colours a block status.
func statusPaint(st *styles.Styles, s model.BlockStatus) styles.Paint {
	switch s {
	case model.BlockAssigned:
		return st.StatePaint(model.StateProvisioning)
	case model.BlockHolding:
		return st.StatePaint(model.StatePending)
	case model.BlockAvailable:
		return st.StatePaint(model.StateActive)
	}
	return st.DimPaint
}

// hotMark is the textual cue of a pool above the threshold (colour is not
// the only signal: NO_COLOR terminals still see it).
func hotMark(share, threshold float64) string {
	if share*100 >= threshold {
		return "▲"
	}
	return " "
}
