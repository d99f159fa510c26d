package graph

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/guptarohit/asciigraph"
	"github.com/noctop/noctop/model"
)

var t0 = time.Date(2025, 2, 12, 9, 30, 0, 0, time.UTC)

// month is 30 days of 5-minute samples around 1 Gb/s with one sample at
// 9.8 Gb/s.
func month(spikeAt int) []model.Sample {
	s := make([]model.Sample, 8640)
	for i := range s {
		s[i] = model.Sample{T: t0.Add(time.Duration(i) * 5 * time.Minute), V: 1e9 + float64(i%13)*1e7}
	}
	if spikeAt >= 0 {
		s[spikeAt].V = 9.8e9
	}
	return s
}

// topRows returns the plot rows whose label is at or above minLabel.
func plotRows(out string) []string {
	var rows []string
	for _, l := range strings.Split(out, "\n") {
		if strings.ContainsAny(l, "┤┼") {
			rows = append(rows, l)
		}
	}
	return rows
}

// drawnAbove reports whether any plot glyph is drawn in the top n rows.
func drawnAbove(out string, n int) bool {
	rows := plotRows(out)
	for _, l := range rows[:min(n, len(rows))] {
		i := strings.IndexAny(l, "┤┼")
		if strings.TrimSpace(l[i+len("┤"):]) != "" {
			return true
		}
	}
	return false
}

func spec(vals []float64, w, h int) Spec {
	return Spec{Width: w, Height: h, Upper: 10e9, Lines: []Line{{Values: vals, Style: StyleAt(0)}},
		Label: func(v float64) string { return model.FormatBits(v) }}
}

func TestSpikeSurvivesDownsampling(t *testing.T) {
	const w, h = 120, 30
	cols := Columns(w)
	for _, at := range []int{0, 1, 4000, 8639} {
		b := model.Downsample(month(at), model.DownsampleOptions{Columns: cols, Precision: 5 * time.Minute})
		out := Render(spec(model.MaxLine(nil, b), w, h))
		// 9.8 of 10 Gb/s is in the top three rows; the baseline is far below.
		if !drawnAbove(out, 3) {
			t.Errorf("spike at sample %d is not drawn:\n%s", at, out)
		}
	}
	// Control: without the spike nothing reaches the top rows.
	b := model.Downsample(month(-1), model.DownsampleOptions{Columns: cols, Precision: 5 * time.Minute})
	if out := Render(spec(model.MaxLine(nil, b), w, h)); drawnAbove(out, 3) {
		t.Errorf("baseline reaches the top rows:\n%s", out)
	}
}

// TestAsciigraphWidthDropsSpikes documents why the downsampling exists:
// asciigraph's own Width option interpolates between neighbours and
// loses a one-sample burst.
func TestAsciigraphWidthDropsSpikes(t *testing.T) {
	raw := make([]float64, 8640)
	for i, s := range month(4001) {
		raw[i] = s.V
	}
	out := asciigraph.Plot(raw, asciigraph.Width(108), asciigraph.Height(28), asciigraph.LowerBound(0), asciigraph.UpperBound(10e9))
	if drawnAbove(out, 3) {
		t.Errorf("asciigraph v0.10.0 interpolation kept the spike; if it now preserves peaks, the reason for model.Downsample changed:\n%s", out)
	}
}

func TestRenderFitsEverySize(t *testing.T) {
	b := model.Downsample(month(100), model.DownsampleOptions{Columns: 200, Precision: 5 * time.Minute})
	vals := model.MaxLine(nil, b)
	gap := make([]float64, 200)
	for i := range gap {
		gap[i] = math.NaN()
	}
	inf := []float64{math.Inf(1), math.Inf(-1), -5, 0, 3}
	for _, v := range [][]float64{vals, gap, nil, inf} {
		for w := 0; w <= 140; w += 7 {
			for h := 0; h <= 40; h++ {
				s := spec(v, w, h)
				s.From, s.To = t0, t0.Add(30*24*time.Hour)
				s.Upper = []float64{0, 10e9, math.NaN(), -1}[h%4]
				out := Render(s)
				if out == "" {
					continue
				}
				lines := strings.Split(out, "\n")
				if len(lines) > h {
					t.Fatalf("%dx%d: %d lines", w, h, len(lines))
				}
				for _, l := range lines {
					if ansi.StringWidth(l) > w {
						t.Fatalf("%dx%d: line %q is %d wide", w, h, l, ansi.StringWidth(l))
					}
				}
			}
		}
	}
}

func TestRenderGapsStayBlank(t *testing.T) {
	const w = 60
	cols := Columns(w)
	vals := make([]float64, cols)
	for i := range vals {
		vals[i] = 5e9
		if i >= 20 && i < 30 {
			vals[i] = math.NaN()
		}
	}
	out := Render(spec(vals, w, 12))
	var line string
	for _, l := range plotRows(out) {
		if strings.Contains(l, "━") {
			line = l
		}
	}
	r := []rune(line)
	axis := strings.IndexRune(line, '┤')
	if axis < 0 {
		axis = strings.IndexRune(line, '┼')
	}
	start := len([]rune(line[:axis])) + 1
	// columns 20..28 (segments inside the gap) are blank, not a zero line.
	for c := 21; c < 29; c++ {
		if r[start+c] != ' ' {
			t.Fatalf("gap column %d drawn as %q:\n%s", c, r[start+c], out)
		}
	}
	if !strings.Contains(line, "╸") || !strings.Contains(line, "╺") {
		t.Errorf("gap edges not capped:\n%s", out)
	}
	// and the zero row stays empty: a gap is not zero traffic
	rows := plotRows(out)
	if z := rows[len(rows)-1]; strings.TrimSpace(z[strings.IndexAny(z, "┤┼")+len("┤"):]) != "" {
		t.Errorf("gap drawn on the zero row: %q", z)
	}
}

func TestTickLabelsAreRound(t *testing.T) {
	out := Render(spec(nil, 80, 34))
	var labels []string
	for _, l := range plotRows(out) {
		if lb := strings.TrimSpace(l[:strings.IndexAny(l, "┤┼")]); lb != "" {
			labels = append(labels, lb)
		}
	}
	want := "10 Gb/s 9 Gb/s 8 Gb/s 7 Gb/s 6 Gb/s 5 Gb/s 4 Gb/s 3 Gb/s 2 Gb/s 1 Gb/s 0 bps"
	if got := strings.Join(labels, " "); got != want {
		t.Errorf("labels = %q, want %q", got, want)
	}
	cases := []struct {
		upper float64
		rows  int
		want  float64
	}{{10e9, 31, 1e9}, {10e9, 12, 2.5e9}, {1.4e9, 31, 0.2e9}, {100e6, 20, 20e6}, {0, 10, 1}, {7, 0, 1}}
	for _, c := range cases {
		if got := TickStep(c.upper, c.rows); math.Abs(got-c.want) > c.want*1e-9 {
			t.Errorf("TickStep(%v, %d) = %v, want %v", c.upper, c.rows, got, c.want)
		}
	}
}

func TestTimeAxis(t *testing.T) {
	from := time.Date(2025, 3, 13, 9, 30, 0, 0, time.UTC)
	ax := TimeAxis(from, from.Add(24*time.Hour), 100, 11, time.UTC)
	lines := strings.Split(ax, "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], strings.Repeat(" ", 10)+"└") {
		t.Fatalf("axis = %q", ax)
	}
	// Round hours, in order, each under a tick mark.
	labels := strings.Fields(lines[1])
	if len(labels) < 4 || labels[0] != "10:00" && labels[0] != "12:00" {
		t.Fatalf("labels = %v", labels)
	}
	axis := []rune(lines[0])
	lab := []rune(lines[1])
	for _, l := range labels {
		i := strings.Index(string(lab), l)
		mid := len([]rune(string(lab)[:i])) + len(l)/2
		if axis[mid] != '┬' {
			t.Errorf("label %s is not under a tick (%q)", l, string(axis[mid]))
		}
		if !strings.HasSuffix(l, ":00") {
			t.Errorf("label %s is not a round hour", l)
		}
	}
	month := TimeAxis(from, from.Add(30*24*time.Hour), 100, 11, time.UTC)
	if !strings.Contains(month, "Feb") && !strings.Contains(month, "Mar") {
		t.Errorf("30d axis has no dates: %q", month)
	}
	for _, l := range strings.Split(TimeAxis(from, from.Add(7*24*time.Hour), 30, 11, time.UTC), "\n") {
		if ansi.StringWidth(l) > 41 {
			t.Errorf("axis wider than the plot: %q", l)
		}
	}
}

func TestSparkline(t *testing.T) {
	got := Sparkline([]float64{0, 1, 5, 9.99, 10, 20, math.NaN(), 0.01, -3, math.Inf(1)}, 10)
	if want := "▁▁▅███ ▁▁█"; got != want {
		// 0 and tiny values are the lowest block; over capacity is full;
		// a gap is a space.
		t.Errorf("Sparkline = %q, want %q", got, want)
	}
	if got := Sparkline([]float64{1, 2}, 0); got != "██" {
		t.Errorf("unknown upper = %q", got)
	}
}
