// Package graph draws time series for the terminal: line plots through
// asciigraph (one column per downsampled bucket, never asciigraph's own
// interpolation) with a value axis and a time axis, and one-line sparklines.
// It is pure: values in, string out, no I/O and no state.
package graph

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/guptarohit/asciigraph"
	"github.com/noctop/noctop/ui/internal/text"
)

// Style is how one line is drawn: a colour (used only when Spec.Color is
// set) and glyphs, so lines stay distinguishable without colour (NO_COLOR).
type Style struct {
	Color asciigraph.AnsiColor
	Chars asciigraph.CharSet
	// Swatch is a two-cell sample of the glyphs for legends ("━━").
	Swatch string
}

// Styles are assigned to lines in order: the first (the "in" direction or
// the first peer) heavy, the second thin, then double, dotted and so on.
var Styles = []Style{
	{Color: asciigraph.Green, Chars: charSet("━", "┃", "┏", "┓", "┗", "┛", "╸", "╺"), Swatch: "━━"},
	{Color: asciigraph.Blue, Chars: asciigraph.DefaultCharSet, Swatch: "──"},
	{Color: asciigraph.Magenta, Chars: charSet("═", "║", "╔", "╗", "╚", "╝", "═", "═"), Swatch: "══"},
	{Color: asciigraph.Yellow, Chars: asciigraph.CreateCharSet("·"), Swatch: "··"},
	{Color: asciigraph.Cyan, Chars: asciigraph.CreateCharSet("•"), Swatch: "••"},
	{Color: asciigraph.Red, Chars: asciigraph.CreateCharSet("+"), Swatch: "++"},
	{Color: asciigraph.White, Chars: asciigraph.CreateCharSet("x"), Swatch: "xx"},
	{Color: asciigraph.Olive, Chars: asciigraph.CreateCharSet("o"), Swatch: "oo"},
}

// StyleAt returns the style of the i-th line (cycling).
func StyleAt(i int) Style { return Styles[((i%len(Styles))+len(Styles))%len(Styles)] }

func charSet(h, v, dr, dl, ur, ul, end, start string) asciigraph.CharSet {
	return asciigraph.CharSet{Horizontal: h, VerticalLine: v, ArcDownRight: dr, ArcDownLeft: dl,
		ArcUpRight: ur, ArcUpLeft: ul, EndCap: end, StartCap: start}
}

// Line is one plotted series: one value per bucket, NaN for a gap.
type Line struct {
	Values []float64
	Style  Style
}

// Spec describes one plot.
type Spec struct {
	Width, Height int // the whole block, axes included
	Lines         []Line
	// Upper is the top of the value axis (the link capacity, or the data's
	// maximum when fitting); values above it stretch the axis. Lower is the
	// bottom: 0 unless fitting the data (then the labels say where the axis
	// starts).
	Upper, Lower float64
	// Label formats a value-axis label ("9.4 Gb/s").
	Label func(float64) string
	// From and To are the times of the first bucket's start and the last
	// bucket's end, for the time axis; zero From hides the time axis.
	From, To time.Time
	Loc      *time.Location
	Color    bool // emit ANSI colours (off for the ASCII profile / NO_COLOR)
	// Fit rounds Upper up and Lower down to axis ticks, so the top and
	// bottom rows are labelled (use when they are the data's extremes).
	Fit bool
}

// labelWidth is the width every value label is padded or cut to, so the
// plot's width is known before plotting: "999.9 Mb/s" is 10 cells.
const labelWidth = 10

// Columns is how many buckets a plot of the given total width shows: the
// label, the axis and one column per bucket after the first (asciigraph
// draws bucket 0 on the axis and each later column as the segment from the
// previous bucket). 0 when the width cannot hold a useful plot.
func Columns(width int) int {
	n := width - labelWidth - 1
	if n < 2 {
		return 0
	}
	return n
}

// MinHeight is the smallest block height Render draws a plot in (a plot
// row, the zero row and two time-axis lines).
const MinHeight = 4

// Render draws the plot: at most Height lines of at most Width cells each.
// Lines must have Columns(Width) values (shorter ones are padded with gaps,
// longer ones cut). It never panics on empty, all-gap or non-finite data.
func Render(s Spec) string {
	cols := Columns(s.Width)
	if cols == 0 || s.Height < 2 {
		return ""
	}
	timeAxis := !s.From.IsZero() && s.To.After(s.From) && s.Height >= MinHeight
	plotLines := s.Height
	if timeAxis {
		plotLines -= 2
	}
	upper := s.Upper
	if math.IsNaN(upper) || math.IsInf(upper, 0) || upper <= 0 {
		upper = 1
	}
	data := make([][]float64, 0, len(s.Lines))
	var colors []asciigraph.AnsiColor
	var chars []asciigraph.CharSet
	for _, l := range s.Lines {
		v := make([]float64, cols)
		for i := range v {
			v[i] = math.NaN()
			if i < len(l.Values) && !math.IsInf(l.Values[i], 0) {
				v[i] = l.Values[i]
			}
		}
		data = append(data, v)
		colors = append(colors, l.Style.Color)
		chars = append(chars, l.Style.Chars)
	}
	if len(data) == 0 {
		data = append(data, make([]float64, cols))
		for i := range data[0] {
			data[0][i] = math.NaN()
		}
	}
	label := s.Label
	if label == nil {
		label = func(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
	}
	rows := plotLines - 1 // asciigraph draws rows+1 lines
	lower := s.Lower
	if math.IsNaN(lower) || math.IsInf(lower, 0) || lower < 0 || lower >= upper {
		lower = 0
	}
	step := TickStep(upper-lower, rows)
	if s.Fit {
		upper = math.Ceil(upper/step) * step
		lower = math.Floor(lower/step) * step
	}
	opts := []asciigraph.Option{
		asciigraph.Height(rows),
		asciigraph.LowerBound(lower),
		asciigraph.UpperBound(upper),
		asciigraph.Offset(2),
		asciigraph.SeriesChars(chars...),
		asciigraph.YAxisValueFormatter(tickLabeler(upper-lower, rows, step, label)),
	}
	if s.Color {
		opts = append(opts, asciigraph.SeriesColors(colors...))
	}
	var out string
	if rows >= 1 {
		out = asciigraph.PlotMany(data, opts...)
	} else {
		out = zeroLine(cols)
	}
	if timeAxis {
		out += "\n" + TimeAxis(s.From, s.To, cols, labelWidth+1, s.Loc)
	}
	// Every line is at most Width cells by construction (labels are fitted
	// to labelWidth, Columns leaves room for label and axis), so only the
	// line count needs clamping; measuring widths here would cost more
	// than the plot. TestRenderFitsEverySize holds this to account.
	return clampLines(out, s.Height)
}

// clampLines cuts s to at most h lines.
func clampLines(s string, h int) string {
	i, n := 0, 0
	for n < h {
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			return s
		}
		i += j + 1
		n++
	}
	return s[:max(i-1, 0)]
}

// TickStep is a round distance between labelled rows ({1, 2, 2.5, 5} ×
// 10^k) giving a label about every third row of a rows-high plot of
// [0, upper].
func TickStep(upper float64, rows int) float64 {
	if upper <= 0 || rows <= 0 || math.IsNaN(upper) || math.IsInf(upper, 0) {
		return 1
	}
	raw := upper / math.Max(float64(rows)/3, 1)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw*(1-1e-9) {
			return m * mag
		}
	}
	return 10 * mag
}

// tickLabeler labels only the row nearest to each multiple of step (span
// is the axis' upper minus lower bound), with
// the round value itself: asciigraph spaces rows evenly (0, 312.5M, 625M
// ...), and an operator reads "2.5 Gb/s" faster than "2.2 Gb/s" and
// "2.5 Gb/s" and "2.8 Gb/s" on every row. The row is accurate to half a
// row height, the plot's resolution anyway.
func tickLabeler(span float64, rows int, step float64, label func(float64) string) func(float64) string {
	half := span / float64(max(rows, 1)) / 2
	upper := span
	return func(v float64) string {
		t := math.Round(v/step) * step
		// A tick belongs to the row whose band (v-half, v+half] holds it.
		if t > v-half && t <= v+half+1e-9*upper {
			return text.Fit(label(t), labelWidth, true)
		}
		return strings.Repeat(" ", labelWidth)
	}
}

func zeroLine(cols int) string {
	return strings.Repeat(" ", labelWidth) + "┼" + strings.Repeat("─", cols-1)
}

// TimeAxis draws "└──┬───┬" and tick labels under a plot whose first
// bucket sits at column indent-1 (on the value axis) and whose cols buckets
// span [from, to). Ticks fall on round local times (every 3h at :00, every
// day at midnight ...), as many as fit without labels touching, and labels
// never run past the right edge.
func TimeAxis(from, to time.Time, cols, indent int, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	span := to.Sub(from)
	axis := []rune(strings.Repeat(" ", max(indent-1, 0)) + "└" + strings.Repeat("─", max(cols-1, 0)))
	labels := []rune(strings.Repeat(" ", len(axis)))
	if span <= 0 || cols < 2 {
		return string(axis)
	}
	step, layout := tickStep(span, cols)
	lastEnd := -1
	for t := alignUp(from, step, loc); t.Before(to); t = t.Add(step) {
		c := int(float64(t.Sub(from)) / float64(span) * float64(cols))
		pos := indent - 1 + c
		if c <= 0 || pos >= len(axis) {
			continue
		}
		axis[pos] = '┬'
		lbl := []rune(t.In(loc).Format(layout))
		start := min(max(pos-len(lbl)/2, 0), len(labels)-len(lbl))
		if start <= lastEnd || start < 0 {
			continue
		}
		copy(labels[start:], lbl)
		lastEnd = start + len(lbl)
	}
	return string(axis) + "\n" + strings.TrimRight(string(labels), " ")
}

var tickSteps = []time.Duration{
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
	24 * time.Hour, 2 * 24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour, 28 * 24 * time.Hour,
}

// tickStep picks the smallest round step whose labels fit, and the label
// layout that goes with it.
func tickStep(span time.Duration, cols int) (time.Duration, string) {
	layoutFor := func(step time.Duration) string {
		switch {
		case step >= 24*time.Hour:
			return "Jan 02"
		case span > 26*time.Hour:
			return "Mon 15h"
		default:
			return "15:04"
		}
	}
	for _, st := range tickSteps {
		lw := len(layoutFor(st)) + 2 // a label and a gap per tick
		if float64(span)/float64(st)*float64(lw) <= float64(cols) {
			return st, layoutFor(st)
		}
	}
	st := tickSteps[len(tickSteps)-1]
	return st, layoutFor(st)
}

// alignUp returns the first round multiple of step at or after t in loc:
// local midnights for day steps, multiples of step since local midnight
// otherwise.
func alignUp(t time.Time, step time.Duration, loc *time.Location) time.Time {
	lt := t.In(loc)
	mid := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc)
	if step >= 24*time.Hour {
		if mid.Before(t) {
			mid = mid.AddDate(0, 0, 1)
		}
		return mid
	}
	n := t.Sub(mid) / step
	a := mid.Add(n * step)
	if a.Before(t) {
		a = a.Add(step)
	}
	return a
}

// sparkRunes are the eight block heights of a sparkline.
var sparkRunes = []rune("▁▂▃▄▅▆▇█")

// Sparkline draws values (one per cell, NaN = gap drawn as a space) scaled
// so upper is a full block; values above upper are full blocks. A positive
// value never draws as empty: the lowest block means "some traffic", a
// space means "no data".
func Sparkline(values []float64, upper float64) string {
	var b strings.Builder
	b.Grow(len(values) * 3)
	for _, v := range values {
		b.WriteRune(sparkCell(v, upper))
	}
	return b.String()
}

func sparkCell(v, upper float64) rune {
	switch {
	case math.IsNaN(v) || math.IsInf(v, -1):
		return ' '
	case upper <= 0 || math.IsNaN(upper) || v >= upper || math.IsInf(v, 1):
		if v > 0 {
			return sparkRunes[len(sparkRunes)-1]
		}
		return sparkRunes[0]
	case v <= 0:
		return sparkRunes[0]
	}
	i := int(v / upper * float64(len(sparkRunes)))
	return sparkRunes[min(max(i, 0), len(sparkRunes)-1)]
}
