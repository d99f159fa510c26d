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
	// maximum when fitting); values above it stretch the axis. The bottom is
	// always 0: traffic graphs that do not start at zero mislead.
	Upper float64
	// Label formats a value-axis label ("9.4 Gb/s").
	Label func(float64) string
	// From and To are the times of the first bucket's start and the last
	// bucket's end, for the time axis; zero From hides the time axis.
	From, To time.Time
	Loc      *time.Location
	Color    bool // emit ANSI colours (off for the ASCII profile / NO_COLOR)
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
	opts := []asciigraph.Option{
		asciigraph.Height(plotLines - 1), // asciigraph draws Height+1 rows
		asciigraph.LowerBound(0),
		asciigraph.UpperBound(upper),
		asciigraph.Offset(2),
		asciigraph.SeriesChars(chars...),
		asciigraph.YAxisValueFormatter(func(v float64) string { return text.Fit(label(v), labelWidth, true) }),
	}
	if s.Color {
		opts = append(opts, asciigraph.SeriesColors(colors...))
	}
	var out string
	if plotLines-1 >= 1 {
		out = asciigraph.PlotMany(data, opts...)
	} else {
		out = zeroLine(cols)
	}
	if timeAxis {
		out += "\n" + TimeAxis(s.From, s.To, cols, labelWidth+1, s.Loc)
	}
	return text.Block(out, s.Width, s.Height)
}

func zeroLine(cols int) string {
	return strings.Repeat(" ", labelWidth) + "┼" + strings.Repeat("─", cols-1)
}

// TimeAxis draws "└┬────┬" and the tick labels under a plot whose first
// bucket sits at column indent-1 (on the value axis) and whose cols buckets
// span [from, to). Labels never run past the right edge.
func TimeAxis(from, to time.Time, cols, indent int, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	span := to.Sub(from)
	layout := timeLayout(span)
	lw := len(time.Date(2000, 12, 31, 23, 59, 0, 0, time.UTC).Format(layout))
	// One tick every lw+3 columns at least, at "round" bucket indices.
	ticks := max(min(cols/(lw+3), 8), 1)
	axis := []rune(strings.Repeat(" ", indent-1) + "└" + strings.Repeat("─", cols-1))
	labels := []rune(strings.Repeat(" ", indent+cols))
	lastEnd := -1
	for k := 0; k <= ticks; k++ {
		c := k * (cols - 1) / ticks
		at := from.Add(time.Duration(float64(span) * float64(c) / float64(cols)))
		pos := indent - 1 + c
		if pos >= len(axis) {
			continue
		}
		if c > 0 {
			axis[pos] = '┬'
		}
		lbl := []rune(at.In(loc).Format(layout))
		start := pos - len(lbl)/2
		if start+len(lbl) > len(labels) {
			start = len(labels) - len(lbl)
		}
		if start < 0 {
			start = 0
		}
		if start <= lastEnd || start+len(lbl) > len(labels) {
			continue
		}
		copy(labels[start:], lbl)
		lastEnd = start + len(lbl)
	}
	return string(axis) + "\n" + strings.TrimRight(string(labels), " ")
}

// timeLayout picks a tick label format for a window: clock times within a
// day, day and hour within a fortnight, dates beyond.
func timeLayout(span time.Duration) string {
	switch {
	case span <= 26*time.Hour:
		return "15:04"
	case span <= 15*24*time.Hour:
		return "Mon 15h"
	default:
		return "Jan 02"
	}
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
